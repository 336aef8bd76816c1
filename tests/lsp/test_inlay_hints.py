"""Issue 12 item 2: `→ new name` inlay hints after stale name strings, over stdio — positions, labels, the
fix their click applies (for the version they were made for, never another), the setting that turns them
off and the refresh when they change behind the client's back."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from lsp_helpers import Session, apply_text_edits, capabilities, edits_of, pos, start_session
from lsprotocol import types

NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
STALE_LINE = 15  # `infer_output_name = 'Add:0'` in examples/seed/quant.py
APPLY_FIX = "amct-lsp.applyFix"


def whole(text: str) -> types.Range:
    return types.Range(start=pos(0, 0), end=pos(len(text.splitlines()) + 1, 0))


async def hints(s: Session, uri: str, rng: types.Range) -> list[types.InlayHint]:
    result = await s.client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=types.TextDocumentIdentifier(uri=uri), range=rng)
    )
    return list(result or [])


def part(hint: types.InlayHint) -> types.InlayHintLabelPart:
    assert isinstance(hint.label, list) and len(hint.label) == 1, hint.label
    return hint.label[0]


async def execute(s: Session, command: types.Command) -> object:
    return await s.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    )


async def test_a_hint_after_the_stale_string_applies_the_fix(seed: Path) -> None:
    text = (seed / "quant.py").read_text(encoding="utf-8")
    line = text.splitlines()[STALE_LINE]
    async with start_session(root=seed) as s:
        assert s.init.capabilities.inlay_hint_provider is not None
        uri = s.open(seed / "quant.py")
        (hint,) = await hints(s, uri, whole(text))
        assert hint.position == pos(STALE_LINE, line.index("'Add:0'") + len("'Add:0'"))
        label = part(hint)
        assert label.value == "→ search_n_quant/…/Identity:0"
        assert isinstance(label.tooltip, types.MarkupContent) and NEW in label.tooltip.value
        assert "vendor FAQ" in label.tooltip.value  # the chain's evidence
        assert label.command is not None and label.command.command == APPLY_FIX
        assert list(label.command.arguments or ()) == [uri, 1, STALE_LINE, line.index("'Add:0'"), "AMCT001"]
        commands = s.init.capabilities.execute_command_provider
        assert commands is not None and APPLY_FIX in commands.commands

        # The requested range decides: a range that ends before the string gets nothing.
        before = types.Range(start=pos(0, 0), end=pos(STALE_LINE, line.index("'Add:0'")))
        assert await hints(s, uri, before) == []
        assert await hints(s, uri, types.Range(start=pos(STALE_LINE, 0), end=pos(STALE_LINE, 200)))

        assert await execute(s, label.command) is True
        (applied,) = s.rec.applied
        edits, version = edits_of(applied, uri)
        assert version == 1
        fixed = apply_text_edits(text, edits)
        assert fixed.splitlines()[STALE_LINE] == f"    infer_output_name = '{NEW}'"
        assert fixed.splitlines()[:STALE_LINE] == text.splitlines()[:STALE_LINE]

        # The fixed text has no stale name, hence no hint.
        s.replace(uri, fixed)
        assert await hints(s, uri, whole(fixed)) == []


async def test_the_fix_is_refused_for_another_version(seed: Path) -> None:
    text = (seed / "quant.py").read_text(encoding="utf-8")
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        (hint,) = await hints(s, uri, whole(text))
        command = part(hint).command
        assert command is not None
        moved = "# a comment moves every line\n" + text
        s.replace(uri, moved)
        assert await execute(s, command) is False
        assert s.rec.applied == []
        # The new version's hint moved with the text, and its own command applies.
        (now,) = await hints(s, uri, whole(moved))
        assert now.position.line == STALE_LINE + 1
        assert part(now).command is not None and part(now).command.arguments[1] == 2  # type: ignore[union-attr,index]
        assert await execute(s, part(now).command) is True  # type: ignore[arg-type]
        edits, version = edits_of(s.rec.applied[0], uri)
        assert version == 2 and NEW in apply_text_edits(moved, edits).splitlines()[STALE_LINE + 1]


async def test_forged_arguments_apply_nothing(seed: Path) -> None:
    text = (seed / "quant.py").read_text(encoding="utf-8")
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        (hint,) = await hints(s, uri, whole(text))
        args = list(part(hint).command.arguments or ())  # type: ignore[union-attr]
        assert args is not None
        for forged in (
            [uri, 1, 0, 0, "AMCT001"],  # no stale string starts there
            [uri, 1, args[2], args[3], "AMCT002"],  # another code
            [uri, "1", args[2], args[3], "AMCT001"],  # not a version
            [uri, 1, args[2]],
        ):
            command = types.Command(title="forged", command=APPLY_FIX, arguments=forged)
            assert await execute(s, command) is False, forged
        assert s.rec.applied == []


async def test_setting_off_gives_no_hints(seed: Path) -> None:
    text = (seed / "quant.py").read_text(encoding="utf-8")
    async with start_session(root=seed, settings={"inlayHints": False}) as s:
        uri = s.open(seed / "quant.py")
        assert await hints(s, uri, whole(text)) == []
        # The diagnostics and the code lens are not affected.
        assert [d.code for d in (await s.wait_published(uri, 1)).diagnostics] == ["AMCT001"]


async def test_no_hint_where_the_fix_is_not_the_string(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    """A tensor object looked up before quantize_model and run after it: the fix looks it up again
    elsewhere, so no `→ name` is shown at the run; a hidden code shows no hint either."""
    (tmp_path / "pre_model").mkdir()
    shutil.copyfile(fixture_path("s1_add"), tmp_path / "pre_model" / "model.pb")
    script = tmp_path / "quant.py"
    text = (
        "import amct_tensorflow as amct\nimport tensorflow as tf\n\n"
        'with tf.io.gfile.GFile("./pre_model/model.pb", "rb") as f:\n'
        "    graph_def = tf.compat.v1.GraphDef()\n    graph_def.ParseFromString(f.read())\n"
        'tf.import_graph_def(graph_def, name="")\ngraph = tf.compat.v1.get_default_graph()\n'
        'output = graph.get_tensor_by_name("Add:0")\n'
        'amct.quantize_model(graph, "./config.json", "./record.txt")\n'
        "with tf.compat.v1.Session() as sess:\n    sess.run(output)\n"
    )
    script.write_text(text, encoding="utf-8")
    async with start_session(root=tmp_path) as s:
        uri = s.open(script)
        assert [d.code for d in (await s.wait_published(uri, 1)).diagnostics] == ["AMCT001"]
        assert await hints(s, uri, whole(text)) == []
    async with start_session(root=tmp_path.parent, settings={"severity": {"AMCT001": "off"}}) as s:
        seedless = tmp_path / "direct.py"
        seedless.write_text(text.replace("sess.run(output)", 'sess.run("Add:0")'), encoding="utf-8")
        uri = s.open(seedless)
        assert await hints(s, uri, whole(text)) == []


async def test_refresh_when_the_setting_changes(seed: Path) -> None:
    text = (seed / "quant.py").read_text(encoding="utf-8")
    async with start_session(root=seed, caps=capabilities(view_refresh=True)) as s:
        uri = s.open(seed / "quant.py")
        assert len(await hints(s, uri, whole(text))) == 1
        await s.wait_until(lambda: types.WORKSPACE_INLAY_HINT_REFRESH in s.rec.refreshes)  # the first result
        s.rec.refreshes.clear()
        s.client.set_configuration({"inlayHints": False}, section="amct")
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await s.wait_until(lambda: types.WORKSPACE_INLAY_HINT_REFRESH in s.rec.refreshes)
        assert types.WORKSPACE_CODE_LENS_REFRESH not in s.rec.refreshes  # the lenses did not change
        assert await hints(s, uri, whole(text)) == []
        # An edit needs no refresh: the client asks again by itself.
        s.rec.refreshes.clear()
        s.replace(uri, "# moved\n" + text)
        await s.wait_published(uri, 2)
        assert s.rec.refreshes == []


async def test_several_quantized_layers_hint_the_second_literal_fix(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    """multi_output has three quantized layers (trunk/Conv2D, head_a/Conv2D, head_b/MatMul), so the
    preferred fix of a stale name is the calib_outputs route and the literal new name is second, labelled
    inferred. The hint still shows the new name, says it is inferred and why, and its click applies the
    literal fix — not the preferred one."""
    (tmp_path / "pre_model").mkdir()
    shutil.copyfile(fixture_path("multi_output"), tmp_path / "pre_model" / "model.pb")
    script = tmp_path / "quant.py"
    text = (
        "import amct_tensorflow as amct\nimport tensorflow as tf\n\n"
        'with tf.io.gfile.GFile("./pre_model/model.pb", "rb") as f:\n'
        "    graph_def = tf.compat.v1.GraphDef()\n    graph_def.ParseFromString(f.read())\n"
        'tf.import_graph_def(graph_def, name="")\ngraph = tf.compat.v1.get_default_graph()\n'
        'amct.quantize_model(graph, "./config.json", "./record.txt")\n'
        "with tf.compat.v1.Session() as sess:\n"
        '    sess.run(graph.get_tensor_by_name("head_b/BiasAdd:0"))\n'
    )
    script.write_text(text, encoding="utf-8")
    stale_line = 10
    new = "search_n_quant_1/search_n_quant_SEARCHN/Identity:0"  # head_a's searchN takes the unnumbered name
    line = text.splitlines()[stale_line]
    column = line.index('"head_b/BiasAdd:0"')
    async with start_session(root=tmp_path) as s:
        uri = s.open(script)
        (diagnostic,) = (await s.wait_published(uri, 1)).diagnostics
        assert diagnostic.code == "AMCT001"
        actions = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        preferred = [a for a in actions or () if isinstance(a, types.CodeAction) and a.is_preferred]
        assert len(preferred) == 1 and "calib_outputs" in preferred[0].title  # the rename-proof route first

        (hint,) = await hints(s, uri, whole(text))
        assert hint.position == pos(stale_line, column + len('"head_b/BiasAdd:0"'))
        label = part(hint)
        assert label.value == "→ search_n_quant_1/…/Identity:0 (inferred)"
        assert isinstance(label.tooltip, types.MarkupContent)
        assert new in label.tooltip.value
        assert "several quantized layers" in label.tooltip.value and "numbered" in label.tooltip.value
        assert "calib_outputs quick fix is the rename-proof route" in label.tooltip.value
        assert label.command is not None and label.command.command == APPLY_FIX
        assert label.command.title.endswith("(inferred)") and "calib_outputs" not in label.command.title
        assert list(label.command.arguments or ()) == [uri, 1, stale_line, column, "AMCT001"]

        assert await execute(s, label.command) is True
        (applied,) = s.rec.applied
        edits, version = edits_of(applied, uri)
        assert version == 1
        fixed = apply_text_edits(text, edits)
        # Only the string changed: the literal name, no calib_outputs list, the call untouched.
        assert fixed.splitlines()[stale_line] == f'    sess.run(graph.get_tensor_by_name("{new}"))'
        assert fixed.splitlines()[:stale_line] == text.splitlines()[:stale_line]
        assert "calib_outputs" not in fixed
