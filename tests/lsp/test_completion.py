"""Issue 12 item 1 over stdio: completion of the model's tensor and op names inside the name strings the
script uses — phase-aware ranking, op vs tensor names, prefix filtering, the cap, strings being typed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from lsp_helpers import Session, apply_text_edits, capabilities, start_session
from lsprotocol import types

NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"

SCRIPT = """\
import amct_tensorflow as amct
import tensorflow as tf

MODEL = "./pre_model/model.pb"
with tf.io.gfile.GFile(MODEL, "rb") as f:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name="")
graph = tf.compat.v1.get_default_graph()
before = graph.get_tensor_by_name("Add:0")
outputs = ["Add"]
amct.quantize_model(graph, "./config.json", "./record.txt", calib_outputs=outputs)
op = graph.get_operation_by_name("Add")
with tf.compat.v1.Session() as sess:
    sess.run(graph.get_tensor_by_name("Add:0"))
amct.save_model(MODEL, ["Add"], "./record.txt", "./result/model")
"""


def vscode_like(
    *, tags: bool = True, insert_replace: bool = True, markdown: bool = True
) -> types.ClientCapabilities:
    """The test client's capabilities with VS Code's completion capabilities (or without some of them)."""
    caps = capabilities()
    assert caps.text_document is not None
    formats = (
        [types.MarkupKind.Markdown, types.MarkupKind.PlainText] if markdown else [types.MarkupKind.PlainText]
    )
    caps.text_document.completion = types.CompletionClientCapabilities(
        completion_item=types.ClientCompletionItemOptions(
            documentation_format=formats,
            deprecated_support=True,
            preselect_support=True,
            tag_support=types.CompletionItemTagOptions(value_set=[types.CompletionItemTag.Deprecated])
            if tags
            else None,
            insert_replace_support=insert_replace,
            label_details_support=True,
        ),
        context_support=True,
    )
    return caps


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if needle in line)


def project(tmp_path: Path, fixture_path: Callable[[str], Path], model: str, text: str) -> Path:
    (tmp_path / "pre_model").mkdir(exist_ok=True)
    shutil.copyfile(fixture_path(model), tmp_path / "pre_model" / "model.pb")
    script = tmp_path / "quant.py"
    script.write_text(text, encoding="utf-8")
    return script


async def complete(
    s: Session, uri: str, line: int, character: int, trigger: str | None = None
) -> types.CompletionList | None:
    context = (
        types.CompletionContext(
            trigger_kind=types.CompletionTriggerKind.TriggerCharacter, trigger_character=trigger
        )
        if trigger
        else types.CompletionContext(trigger_kind=types.CompletionTriggerKind.Invoked)
    )
    result = await s.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=character),
            context=context,
        )
    )
    assert result is None or isinstance(result, types.CompletionList), result
    return result


def ranked(result: types.CompletionList | None) -> list[types.CompletionItem]:
    assert result is not None
    return sorted(result.items, key=lambda i: i.sort_text or "")


def inside(text: str, needle: str, offset: int = 1) -> tuple[int, int]:
    """(line, column) `offset` characters into the first occurrence of `needle` (1: after its quote)."""
    line = line_of(text, needle)
    return line, text.splitlines()[line].index(needle) + offset


async def test_server_advertises_completion_triggers(tmp_path: Path) -> None:
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        provider = s.init.capabilities.completion_provider
        assert provider is not None
        assert set(provider.trigger_characters or []) == {"'", '"', "/"}


async def test_after_quantize_model_the_new_name_ranks_first_and_the_old_one_is_stale(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    script = project(tmp_path, fixture_path, "s1_add", SCRIPT)
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        line, col = inside(
            SCRIPT, 'sess.run(graph.get_tensor_by_name("Add:0")', len('sess.run(graph.get_tensor_by_name("')
        )
        items = ranked(await complete(s, uri, line, col))
        labels = [i.label for i in items]
        assert labels[0] == NEW, labels
        assert items[0].preselect is True
        assert items[0].detail == "Identity"
        assert items[0].label_details is not None
        assert items[0].label_details.description == "new after quantize_model"
        doc = items[0].documentation
        assert isinstance(doc, types.MarkupContent)
        assert "Add:0 → bias_add/BiasAdd:0 → " + NEW in doc.value and "replace_add_pass" in doc.value
        stale = next(i for i in items if i.label == "Add:0")
        assert labels.index("Add:0") == len(labels) - 1, labels
        assert list(stale.tags or ()) == [types.CompletionItemTag.Deprecated]
        assert "bias_add/BiasAdd:0" not in labels  # an intermediate name of the chain: stale too, not offered
        # Accepting the first item rewrites the string's characters (insert/replace ranges, VS Code style).
        edit = items[0].text_edit
        assert isinstance(edit, types.InsertReplaceEdit)
        fixed = apply_text_edits(SCRIPT, [types.TextEdit(range=edit.replace, new_text=edit.new_text)])
        assert f'sess.run(graph.get_tensor_by_name("{NEW}"))' in fixed


async def test_before_quantize_model_and_in_save_model_the_original_names(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    script = project(tmp_path, fixture_path, "s1_add", SCRIPT)
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        # get_tensor_by_name before quantize_model: tensor names, the network output first, nothing new.
        labels = [i.label for i in ranked(await complete(s, uri, *inside(SCRIPT, '"Add:0")')))]
        assert labels[0] == "Add:0" and NEW not in labels, labels
        assert all(":" in label for label in labels), labels
        # save_model(outputs=[...]) re-reads the original model: op names, the output first.
        items = ranked(await complete(s, uri, *inside(SCRIPT, '["Add"], "./record.txt"', 2)))
        labels = [i.label for i in items]
        assert labels[0] == "Add" and all(":" not in label for label in labels), labels
        assert not any(label.startswith("search_n_quant") for label in labels), labels
        assert items[0].tags is None
        assert items[0].label_details is not None
        assert items[0].label_details.description == "network output, renamed by quantize_model"
        doc = items[0].documentation
        assert isinstance(doc, types.MarkupContent) and "after `quantize_model` it is" in doc.value
        # calib_outputs (through the variable `outputs`): op names, original.
        labels = [i.label for i in ranked(await complete(s, uri, *inside(SCRIPT, '["Add"]', 2)))]
        assert labels[0] == "Add" and all(":" not in label for label in labels), labels


async def test_op_names_after_quantize_model(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    script = project(tmp_path, fixture_path, "s1_add", SCRIPT)
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        items = ranked(await complete(s, uri, *inside(SCRIPT, 'get_operation_by_name("Add")', 23)))
        labels = [i.label for i in items]
        assert labels[0] == NEW.removesuffix(":0"), labels
        assert labels[-1] == "Add" and all(":" not in label for label in labels), labels


async def test_prefix_filter_is_segment_aware_and_the_list_is_capped(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    text = SCRIPT.replace(
        'before = graph.get_tensor_by_name("Add:0")', 'before = graph.get_tensor_by_name("")'
    )
    script = project(tmp_path, fixture_path, "keras_mobilenet_v1", text)
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        line, col = inside(text, 'get_tensor_by_name("")', len('get_tensor_by_name("'))
        everything = await complete(s, uri, line, col, trigger='"')
        assert everything is not None
        assert len(everything.items) == 200 and everything.is_incomplete
        assert ranked(everything)[0].label == "Identity:0"  # the network output

        typed = text.replace('get_tensor_by_name("")', 'get_tensor_by_name("mob/conv_pw_13/")')
        version = s.replace(uri, typed)
        await s.wait_published(uri, version)
        result = await complete(s, uri, line, col + len("mob/conv_pw_13/"), trigger="/")
        assert result is not None and result.items
        labels = [i.label for i in result.items]
        # Each typed segment starts a segment of the name: the layer conv_pw_13_1 and its BN conv_pw_13_bn_1.
        assert all(label.startswith("mobilenet_0.25_128_1/conv_pw_13_") for label in labels), labels
        assert {label.split("/")[1] for label in labels} == {
            "conv_pw_13_1",
            "conv_pw_13_bn_1",
            "conv_pw_13_relu_1",
        }, labels
        assert len(labels) < 200 and result.is_incomplete  # filtered by a prefix: ask again as it changes


async def test_an_unterminated_string_being_typed(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    script = project(tmp_path, fixture_path, "s1_add", SCRIPT)
    typing = SCRIPT.replace(
        'sess.run(graph.get_tensor_by_name("Add:0"))', 'sess.run(graph.get_tensor_by_name("Ad'
    )
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        version = s.replace(uri, typing)
        await s.wait_published(uri, version)
        line, col = inside(
            typing, 'sess.run(graph.get_tensor_by_name("Ad', len('sess.run(graph.get_tensor_by_name("Ad')
        )
        items = ranked(await complete(s, uri, line, col))
        labels = [i.label for i in items]
        # What was typed is the old name: its replacement comes first, the old name last.
        assert labels == [NEW, "Add:0"], labels
        assert items[0].filter_text == "Add:0"
        assert list(items[1].tags or ()) == [types.CompletionItemTag.Deprecated]
        edit = items[0].text_edit
        assert isinstance(edit, types.InsertReplaceEdit)
        assert edit.new_text == NEW + '"'  # the string gets its closing quote
        done = apply_text_edits(typing, [types.TextEdit(range=edit.replace, new_text=edit.new_text)])
        assert f'sess.run(graph.get_tensor_by_name("{NEW}"' in done


async def test_no_completion_outside_name_strings_or_without_a_model(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    script = project(tmp_path, fixture_path, "s1_add", SCRIPT)
    async with start_session(root=tmp_path, caps=vscode_like()) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        for needle, offset in (('"./config.json"', 2), ("graph = tf", 2), ('"./pre_model/model.pb"', 3)):
            result = await complete(s, uri, *inside(SCRIPT, needle, offset))
            assert result is None or result.items == [], (needle, result)
        (tmp_path / "pre_model" / "model.pb").unlink()
        version = s.replace(uri, SCRIPT + "\n")
        await s.wait_published(uri, version)
        result = await complete(s, uri, *inside(SCRIPT, '"Add:0")', 2))
        assert result is None or result.items == [], result


async def test_a_client_without_tags_insert_replace_or_markdown(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    script = project(tmp_path, fixture_path, "s1_add", SCRIPT)
    caps = vscode_like(tags=False, insert_replace=False, markdown=False)
    async with start_session(root=tmp_path, caps=caps) as s:
        uri = s.open(script)
        await s.wait_published(uri, 1)
        line, col = inside(
            SCRIPT, 'sess.run(graph.get_tensor_by_name("Add:0")', len('sess.run(graph.get_tensor_by_name("')
        )
        items = ranked(await complete(s, uri, line, col))
        first, stale = items[0], items[-1]
        assert first.label == NEW and stale.label == "Add:0"
        assert stale.deprecated is True and not stale.tags  # the old flag instead of the tag
        edit = first.text_edit
        assert isinstance(edit, types.TextEdit)  # one range: the string's characters
        fixed = apply_text_edits(SCRIPT, [edit])
        assert f'sess.run(graph.get_tensor_by_name("{NEW}"))' in fixed
        doc = first.documentation
        assert isinstance(doc, types.MarkupContent) and doc.kind == types.MarkupKind.PlainText
        assert "`" not in doc.value and "**" not in doc.value and "replace_add_pass" in doc.value
