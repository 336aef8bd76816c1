"""The picture of the rewrite: the before/after DAG data, the SVG (well-formed XML, new ops highlighted,
removed ops marked, names escaped), the HTML fragment and page (self-contained, capped), and
`explain --format html`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.amct.chain import Evidence, RenameChain, RenameStep, TailVerdict
from amct_lsp.amct.driver import predict
from amct_lsp.cli import main
from amct_lsp.model.graph import ModelGraph, Node, split_input
from amct_lsp.model.reader import read_model
from amct_lsp.render import rewrite_view
from amct_lsp.render.html import MAX_PICTURES, UseLink, explain_fragment, html_page
from amct_lsp.render.rewrite_view import MAX_OPS, OpState, picture
from amct_lsp.render.svg import shorten, tail_svg

FixturePath = Callable[[str], Path]
SN = "search_n_quant/search_n_quant_SEARCHN/Identity"
HOSTILE = "<script>alert(1)</script>&\x1b[31m"


def svgs(fragment: str) -> list[ET.Element]:
    """Every `<svg>` of a fragment, parsed on its own as XML (fails when one is not well-formed)."""
    return [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", fragment, flags=re.S)]


def op_groups(svg: ET.Element) -> dict[str, set[str]]:
    """data-op → the classes of its box (the last row wins, i.e. "after" for ops in both rows)."""
    return {g.get("data-op", ""): set(g.get("class", "").split()) for g in svg.iter("g") if g.get("data-op")}


def rows(svg: ET.Element) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(before, after): each row's ops and classes, split at the second row heading's y."""
    headings = [float(t.get("y", 0)) for t in svg.iter("text") if "amct-row-heading" in t.get("class", "")]
    cut = headings[1]
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for g in svg.iter("g"):
        rect = g.find("rect")
        if rect is None or not g.get("data-op"):
            continue
        target = before if float(rect.get("y", 0)) < cut else after
        target[g.get("data-op", "")] = set(g.get("class", "").split())
    return before, after


def renamed(graph: ModelGraph, mapping: dict[str, str]) -> ModelGraph:
    """`graph` with node names replaced (inputs follow)."""

    def ref(value: str) -> str:
        control = value.startswith("^")
        name, index = split_input(value)
        new = mapping.get(name, name)
        return ("^" if control else "") + (f"{new}:{index}" if ":" in value else new)

    nodes = {
        mapping.get(n.name, n.name): Node(
            mapping.get(n.name, n.name),
            n.op,
            tuple(ref(i) for i in n.inputs),
            n.attrs,
            n.const_dtype,
            n.const_shape,
        )
        for n in graph
    }
    return ModelGraph(nodes, graph.path)


def test_s1_add_before_and_after(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("s1_add"))
    shown = picture(graph, predict(graph).tails[0])
    assert shown is not None
    before = {op.name: op for op in shown.before.ops}
    after = {op.name: op for op in shown.after.ops}
    assert before["Add"].state is OpState.REMOVED and before["Add"].is_tail
    assert before["Conv2D"].state is OpState.KEPT
    assert "Add" not in after
    assert after["bias_add/BiasAdd"].state is OpState.NEW and after["bias_add/BiasAdd"].op == "BiasAdd"
    assert after[SN].state is OpState.NEW and after[SN].is_tail and after[SN].op == "Identity"
    assert set(shown.after.edges) >= {("Conv2D", "bias_add/BiasAdd"), ("bias_add/BiasAdd", SN)}


def test_unfused_bn_small_ops_are_removed(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("s5_unfused_bn_bias"))
    shown = picture(graph, predict(graph).tails[0])
    assert shown is not None
    removed = {op.name for op in shown.before.ops if op.state is OpState.REMOVED}
    assert {
        "batch_normalization/batchnorm/add_1",
        "batch_normalization/batchnorm/Rsqrt",
        "BiasAdd",
    } <= removed
    after = {op.name: op.state for op in shown.after.ops}
    # The intermediate FusedBatchNormV3 is fused away by the next step: Conv2D → bias_add → searchN.
    assert after == {"Conv2D": OpState.KEPT, "bias_add": OpState.NEW, SN: OpState.NEW}


@pytest.mark.parametrize(
    "name", ["s1_add", "s4_bias_fbn_v3", "s5_unfused_bn_bias", "multi_output", "v8_mul_conv"]
)
def test_svg_is_well_formed_and_highlights_new_ops(fixture_path: FixturePath, name: str) -> None:
    graph = read_model(fixture_path(name))
    prediction = predict(graph)
    for verdict in prediction.tails:
        shown = picture(graph, verdict)
        if shown is None:
            continue
        svg = ET.fromstring(tail_svg(shown))
        assert svg.tag == "svg"
        before, after = rows(svg)
        created = {op.name for op in shown.after.ops if op.state is OpState.NEW}
        assert created, "every renamed tail ends at a new op here"
        for op in created:
            assert "new" in after[op]
        final = split_input(shown.chain.final)[0]
        assert "tail" in after[final]
        assert "removed" not in set().union(*after.values())
        assert split_input(shown.chain.original)[0] in before


def test_inferred_steps_are_labelled(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("multi_output"))
    fragment = explain_fragment(predict(graph), graph)
    inferred = [
        g for svg in svgs(fragment) for g in svg.iter("g") if "inferred" in g.get("class", "").split()
    ]
    assert inferred and all("new" in g.get("class", "").split() for g in inferred)
    assert "inferred (not confirmed by the vendor)" in fragment
    assert 'class="amct-evidence ev-inferred"' in fragment


def test_hostile_names_stay_text(fixture_path: FixturePath) -> None:
    graph = renamed(read_model(fixture_path("s1_add")), {"Add": HOSTILE, "Conv2D": f"conv\u202e{HOSTILE}"})
    prediction = predict(graph)
    assert prediction.chains, "the renamed graph is still rewritten"
    fragment = explain_fragment(prediction, graph)
    page = html_page(fragment, HOSTILE)
    assert "<script" not in page.lower()
    assert "\x1b" not in page and "\u202e" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;\\x1b[31m" in page
    (svg,) = svgs(fragment)
    texts = "".join(svg.itertext())
    assert "<script>" in texts  # as characters, after XML decoding


def test_page_is_self_contained(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("multi_output"))
    page = html_page(explain_fragment(predict(graph), graph), "m")
    lowered = page.lower()
    for needle in (
        "http",
        "src=",
        "href=",
        "url(",
        "@import",
        "<script",
        "<link",
        "<img",
        "<iframe",
        "xlink",
    ):
        assert needle not in lowered, needle
    assert page.startswith("<!DOCTYPE html>")
    assert "prefers-color-scheme: dark" in page and "--vscode-editor-foreground" in page
    assert "Rules: newest documented AMCT" in page


def test_pictures_are_capped(fixture_path: FixturePath) -> None:
    base = read_model(fixture_path("s1_add"))
    nodes: dict[str, Node] = {}
    copies = MAX_PICTURES + 3
    for k in range(copies):
        part = renamed(base, {n.name: f"net{k}/{n.name}" for n in base})
        nodes.update(part.nodes)
    graph = ModelGraph(nodes)
    prediction = predict(graph)
    assert len(prediction.chains) == copies
    fragment = explain_fragment(prediction, graph)
    assert len(svgs(fragment)) == MAX_PICTURES
    assert "3 more renamed tail(s) not drawn" in fragment


def test_ops_per_picture_are_capped(fixture_path: FixturePath) -> None:
    """A tail fed by a 40-way Concat: the picture keeps MAX_OPS ops and says how many it left out."""
    base = read_model(fixture_path("s1_add"))
    nodes = dict(base.nodes)
    conv = nodes["Conv2D"]
    branches = [Node(f"branch_{i}", "Relu", ("input",)) for i in range(40)]
    nodes.update({b.name: b for b in branches})
    nodes["concat"] = Node("concat", "ConcatV2", tuple(b.name for b in branches))
    nodes["Conv2D"] = Node(conv.name, conv.op, ("concat", *conv.inputs[1:]), conv.attrs)
    graph = ModelGraph(nodes)
    shown = picture(graph, predict(graph).tails[0])
    assert shown is not None
    assert len(shown.before.ops) == MAX_OPS and shown.before.hidden > 0
    svg = ET.fromstring(tail_svg(shown))
    assert f"+{shown.before.hidden} more ops not drawn" in "".join(svg.itertext())


def test_use_links_belong_to_their_tail(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("s1_add"))
    uses = [UseLink(0, "Add", "line 17: 'Add:0'", True), UseLink(1, "Other", "line 3: 'Other:0'", False)]
    fragment = explain_fragment(predict(graph), graph, uses)
    assert (
        '<button type="button" class="amct-use stale" data-use="0">line 17: &#x27;Add:0&#x27;</button>'
        in fragment
    )
    assert 'data-use="1"' not in fragment


def test_shorten_keeps_the_last_part() -> None:
    assert shorten("a/b") == "a/b"
    short = shorten("batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3")
    assert short.endswith("…/FusedBatchNormV3") and len(short) <= 30
    assert len(shorten("x" * 100)) == 30


def test_cli_html(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    path = fixture_path("s4_bias_fbn_v3")
    code = main(["explain", str(path), "--format", "html"])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "http" not in out and "src=" not in out
    (svg,) = svgs(out)
    _, after = rows(svg)
    assert "new" in after["bias_add"] and "new" in after[SN]
    assert "<title>amct-lsp explain s4_bias_fbn_v3.pb</title>" in out


def test_cli_html_without_renames(capsys: pytest.CaptureFixture[str], fixture_path: FixturePath) -> None:
    code = main(["explain", str(fixture_path("neg_relu")), "--format", "html"])
    out, _ = capsys.readouterr()
    assert code == 0 and "<svg" not in out
    assert "Tails that keep their names" in out


def test_steps_from_the_amct_log_are_drawn_too(fixture_path: FixturePath) -> None:
    """A log step does not say which op it made: the type comes from the name, the input is the layer it
    replaced (for a replacement) or the old tail (for searchN)."""
    graph = read_model(fixture_path("s1_add"))
    logged = RenameChain(
        "Add",
        (
            RenameStep("replace_add_pass", "Add:0", "bias_add/BiasAdd:0", "from the log", Evidence.LOG, True),
            RenameStep(
                "quantize_model", "bias_add/BiasAdd:0", f"{SN}:0", "from the log", Evidence.LOG, False
            ),
        ),
    )
    shown = picture(graph, TailVerdict("Add", "Add", logged, "renamed"))
    assert shown is not None
    after = {op.name: op for op in shown.after.ops}
    assert after["bias_add/BiasAdd"].op == "BiasAdd" and after[SN].op == "Identity"
    assert set(shown.after.edges) >= {("Conv2D", "bias_add/BiasAdd"), ("bias_add/BiasAdd", SN)}
    assert [op.name for op in shown.before.ops if op.state is OpState.REMOVED] == ["Add"]
    assert after[SN].evidence is Evidence.LOG and after[SN].step == 2


def test_a_new_op_input_beyond_the_drawn_depth_is_drawn(
    fixture_path: FixturePath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layer a replacement reads from is drawn after the rewrite even when the before row stops short."""
    monkeypatch.setattr(rewrite_view, "MAX_DEPTH", 0)
    graph = read_model(fixture_path("s1_add"))
    shown = picture(graph, predict(graph).tails[0])
    assert shown is not None
    assert [op.name for op in shown.before.ops] == ["Add"]
    assert {op.name for op in shown.after.ops} == {"Conv2D", "bias_add/BiasAdd", SN}
    assert ("Conv2D", "bias_add/BiasAdd") in shown.after.edges
