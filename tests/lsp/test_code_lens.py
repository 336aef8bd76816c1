"""Issue 12 item 2: the code lens above each quantize_model call — "renames N outputs" (its click shows the
renames) and "Explain" — over stdio, on real fixtures with one, two and no renamed outputs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lsp_helpers import Session, capabilities, start_session
from lsprotocol import types

QUANTIZE_LINE = 27  # `amct.quantize_model(` in examples/seed/quant.py
SCRIPT = """\
import amct_tensorflow as amct
import tensorflow as tf

with tf.io.gfile.GFile("./pre_model/model.pb", "rb") as f:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name="")
graph = tf.compat.v1.get_default_graph()
amct.create_quant_config("./config.json", graph)
amct.quantize_model(graph, "./config.json", "./record.txt")
"""


async def lenses(s: Session, uri: str) -> list[types.CodeLens]:
    result = await s.client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    return list(result or [])


def titles(found: list[types.CodeLens]) -> list[tuple[int, str]]:
    return [(lens.range.start.line, lens.command.title if lens.command else "") for lens in found]


def project(tmp_path: Path, fixture: Path, text: str = SCRIPT) -> Path:
    (tmp_path / "pre_model").mkdir()
    shutil.copyfile(fixture, tmp_path / "pre_model" / "model.pb")
    script = tmp_path / "quant.py"
    script.write_text(text, encoding="utf-8")
    return script


async def test_seed_lens_counts_and_explains(seed: Path) -> None:
    async with start_session(root=seed) as s:
        assert s.init.capabilities.code_lens_provider is not None
        uri = s.open(seed / "quant.py")
        count, explain = await lenses(s, uri)
        assert titles([count, explain]) == [(QUANTIZE_LINE, "renames 1 output"), (QUANTIZE_LINE, "Explain")]
        assert count.range.start.character == 4  # the call, not the line
        assert explain.command is not None and explain.command.command == "amct-lsp.explainModel"
        assert list(explain.command.arguments or ()) == [uri]
        report = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=explain.command.command, arguments=explain.command.arguments)
        )
        assert isinstance(report, str) and "case_1_1.pb" in report

        assert count.command is not None and count.command.command == "amct-lsp.showRenames"
        shown = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=count.command.command, arguments=count.command.arguments)
        )
        chain = "Add:0 → bias_add/BiasAdd:0 → search_n_quant/search_n_quant_SEARCHN/Identity:0"
        assert shown == f"quantize_model renames 1 output of case_1_1.pb: {chain} (vendor FAQ)."
        await s.wait_until(lambda: shown in s.messages())


async def test_the_extension_explains_with_its_own_command(seed: Path) -> None:
    async with start_session(root=seed, caps=capabilities(explain_model=True)) as s:
        uri = s.open(seed / "quant.py")
        _, explain = await lenses(s, uri)
        assert explain.command is not None and explain.command.command == "amct.explainModel"


async def test_two_renamed_outputs(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    script = project(tmp_path, fixture_path("multi_output"))
    async with start_session(root=tmp_path) as s:
        uri = s.open(script)
        found = await lenses(s, uri)
        assert titles(found) == [(9, "renames 2 outputs"), (9, "Explain")]
        shown = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.showRenames", arguments=[uri])
        )
        assert isinstance(shown, str) and "head_a/Add:0 → " in shown and "head_b/BiasAdd:0 → " in shown


@pytest.mark.parametrize("fixture", ["neg_relu", "neg_softmax"])
async def test_nothing_renamed_says_so(
    tmp_path: Path, fixture_path: Callable[[str], Path], fixture: str
) -> None:
    script = project(tmp_path, fixture_path(fixture))
    async with start_session(root=tmp_path) as s:
        uri = s.open(script)
        assert titles(await lenses(s, uri))[0] == (9, "renames no outputs")


async def test_no_lens_without_a_model_or_when_switched_off(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    missing = tmp_path / "elsewhere.py"
    missing.write_text(SCRIPT, encoding="utf-8")
    async with start_session(root=tmp_path) as s:
        assert await lenses(s, s.open(missing)) == []
    script = project(tmp_path, fixture_path("s1_add"))
    async with start_session(root=tmp_path, settings={"codeLens": False}) as s:
        assert await lenses(s, s.open(script)) == []


async def test_every_quantize_call_gets_one(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    """quantize_model in a function called twice is one call site; quantize_model_ascend gets its own."""
    text = SCRIPT.replace(
        'amct.quantize_model(graph, "./config.json", "./record.txt")\n',
        "def run(g):\n"
        '    amct.quantize_model(g, "./config.json", "./record.txt")\n\n'
        "run(graph)\nrun(graph)\n"
        'graph, outs = amct.quantize_model_ascend(graph, "./config.json", "./record.txt", ["Add"])\n',
    )
    script = project(tmp_path, fixture_path("s1_add"), text)
    async with start_session(root=tmp_path) as s:
        uri = s.open(script)
        found = await lenses(s, uri)
        counts = [lens for lens in found if lens.command is not None and lens.command.title != "Explain"]
        assert titles(counts) == [(10, "renames 1 output"), (14, "renames 1 output")]
        assert len(found) == 4  # and one "Explain" each
        ascend = counts[1].command
        assert ascend is not None
        shown = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=ascend.command, arguments=ascend.arguments)
        )
        assert isinstance(shown, str) and shown.startswith("quantize_model_ascend renames 1 output")


async def test_the_lens_stays_while_the_text_does_not_parse(seed: Path) -> None:
    """Mid-edit the lens moves with the edits (a lens vanishing per keystroke would shift the code below)."""
    text = (seed / "quant.py").read_text(encoding="utf-8")
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        assert titles(await lenses(s, uri))[0] == (QUANTIZE_LINE, "renames 1 output")
        broken = "# one more line\n" + text.replace("sess.run(output_tensor)", "sess.run(output_tensor")
        s.replace(uri, broken)
        found = await lenses(s, uri)
        assert titles(found) == [(QUANTIZE_LINE + 1, "renames 1 output"), (QUANTIZE_LINE + 1, "Explain")]
        count = found[0].command
        assert count is not None
        shown = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=count.command, arguments=count.arguments)
        )
        assert isinstance(shown, str) and shown.startswith("quantize_model renames 1 output")
        # An edit on the call's own line drops its lens: that text was never checked.
        s.replace(uri, broken.replace("amct.quantize_model(", "amct.quantize_model(  "))
        assert await lenses(s, uri) == []
