"""End-to-end tests of the language server process: the seed flow, every code, push and pull, freshness,
encodings.

Each test starts the real server (`python -m amct_lsp serve`) with pytest-lsp's client and talks LSP to it.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lsp_helpers import (
    SEED,
    Session,
    apply_text_edits,
    capabilities,
    codes,
    edits_of,
    pos,
    start_session,
    uri_of,
)
from lsprotocol import types

from support.protowire import field

SEED_LINE = 15  # `    infer_output_name = 'Add:0'` (0-based)
SEED_COL = 24  # where `'Add:0'` starts
CHAIN = "Add:0 → bias_add/BiasAdd:0 → search_n_quant/search_n_quant_SEARCHN/Identity:0"
NEW_NAME = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


def seed_text() -> str:
    return (SEED / "quant.py").read_text()


def amct(diags: list[types.Diagnostic], code: str) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == code]


async def first_diagnostics(s: Session, uri: str, version: int = 1) -> list[types.Diagnostic]:
    return list((await s.wait_published(uri, version)).diagnostics)


# -- the seed flow --


async def test_seed_flow_push(seed: Path) -> None:
    """AMCT001 on infer_output_name → hover (the chain) → quick fix → the FAQ's fixed script → clean."""
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        diags = await first_diagnostics(s, uri)
        stale = amct(diags, "AMCT001")
        assert len(stale) == 1, diags
        diag = stale[0]
        assert diag.range == types.Range(start=pos(SEED_LINE, SEED_COL), end=pos(SEED_LINE, SEED_COL + 7))
        assert diag.source == "amct"
        assert diag.severity == types.DiagnosticSeverity.Error  # replace_add removes the Add node
        assert diag.code_description is not None
        assert diag.code_description.href == "https://github.com/amct-lsp/amct-lsp#amct001"
        assert not diag.tags  # no Deprecated strike-through: the name must stay readable
        assert diag.message.startswith("stale output 'Add:0' → use '")
        related = diag.related_information or []
        # Only the use site on another line; never the diagnostic's own position, never the binary model.
        assert [(r.location.uri, r.location.range.start.line) for r in related] == [(uri, 33)], related
        assert isinstance(diag.data, dict) and diag.data["version"] == 1

        hover = await s.hover(uri, SEED_LINE, SEED_COL + 3)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        text = hover.contents.value
        assert hover.contents.kind == types.MarkupKind.Markdown
        assert any(CHAIN in line for line in text.splitlines()), text
        for expected in ("replace_add_pass", "vendor FAQ", "case_1_1.pb", "layer `Conv2D`", "RuntimeError"):
            assert expected in text, text
        # The answer leads: the new name and the consequence first, then the chain once, its evidence and the
        # rules, one line each in one paragraph (no gaps: the hover box stays short).
        first, second = text.split("\n\n")[:2]
        assert NEW_NAME in first.splitlines()[0] and "save_model" in first
        chain, evidence, rules = second.split("  \n")
        assert chain == f"`{CHAIN}`" and rules.startswith("_Rules: ")
        assert evidence == "replace_add_pass · quantize_model _(vendor FAQ)_ — predicted from `case_1_1.pb`"
        assert text.count(CHAIN) == 1 and "KeyError" not in text

        # Hovering the variable that holds the name (its use in get_tensor_by_name) shows the same chain.
        use_line = next(i for i, line in enumerate(seed_text().splitlines()) if "get_tensor_by_name(" in line)
        use_col = seed_text().splitlines()[use_line].index("infer_output_name") + 2
        use_hover = await s.hover(uri, use_line, use_col)
        assert use_hover is not None and CHAIN in str(use_hover.contents)

        actions = await s.code_actions(uri, [diag])
        fixes = [a for a in actions if a.is_preferred]
        assert len(fixes) == 1, [a.title for a in actions]
        assert fixes[0].kind == types.CodeActionKind.QuickFix
        edits, version = edits_of(fixes[0].edit, uri)
        assert version == 1
        fixed = apply_text_edits(seed_text(), edits)
        assert fixed == (SEED / "quant_fixed.py").read_text()

        v2 = s.replace(uri, fixed)
        after = await first_diagnostics(s, uri, v2)
        assert amct(after, "AMCT001") == [], after


async def test_seed_flow_pull(seed: Path) -> None:
    """A client with pull diagnostics gets them from textDocument/diagnostic and no pushes."""
    async with start_session(caps=capabilities(pull=True), root=seed) as s:
        uri = s.open(seed / "quant.py")
        diags = await s.diagnostics(uri)
        assert codes(diags) == ["AMCT001"], diags
        assert diags[0].range.start == pos(SEED_LINE, SEED_COL)
        actions = await s.code_actions(uri, diags)
        edits, _ = edits_of(next(a for a in actions if a.is_preferred).edit, uri)
        fixed = apply_text_edits(seed_text(), edits)
        s.replace(uri, fixed)
        assert await s.diagnostics(uri) == []
        await asyncio.sleep(0.3)
        assert s.rec.published == []


async def test_lazy_code_actions_resolve(seed: Path) -> None:
    """With resolveSupport for `edit`, actions come without edits and codeAction/resolve computes them."""
    async with start_session(caps=capabilities(lazy_actions=True), root=seed) as s:
        uri = s.open(seed / "quant.py")
        diag = amct(await first_diagnostics(s, uri), "AMCT001")[0]
        actions = await s.code_actions(uri, [diag], only=[types.CodeActionKind.QuickFix])
        assert actions and all(a.edit is None and a.kind == "quickfix" for a in actions)
        fix = next(a for a in actions if a.is_preferred)
        resolved = await s.client.code_action_resolve_async(fix)
        edits, version = edits_of(resolved.edit, uri)
        assert version == 1
        assert apply_text_edits(seed_text(), edits) == (SEED / "quant_fixed.py").read_text()

        ignore = next(a for a in actions if a.title.startswith("Ignore"))
        resolved = await s.client.code_action_resolve_async(ignore)
        edits, _ = edits_of(resolved.edit, uri)
        ignored = apply_text_edits(seed_text(), edits)
        assert ignored.splitlines()[SEED_LINE].endswith("'Add:0'  # amct: ignore[AMCT001]")
        v2 = s.replace(uri, ignored)
        assert amct(await first_diagnostics(s, uri, v2), "AMCT001") == []

        # An action offered for version 1 resolves to nothing once the document moved on.
        assert (await s.client.code_action_resolve_async(fix)).edit is None


async def test_fix_all_and_commands(seed: Path) -> None:
    """source.fixAll.amct, amct-lsp.applyAllFixes (through workspace/applyEdit) and amct-lsp.explainModel."""
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await first_diagnostics(s, uri)
        actions = await s.code_actions(uri, [], only=["source.fixAll"])
        assert [a.kind for a in actions] == ["source.fixAll.amct"]
        edits, version = edits_of(actions[0].edit, uri)
        assert version == 1
        assert apply_text_edits(seed_text(), edits) == (SEED / "quant_fixed.py").read_text()

        applied = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.applyAllFixes", arguments=[uri])
        )
        assert applied is True
        edits, _ = edits_of(s.rec.applied[-1], uri)
        assert apply_text_edits(seed_text(), edits) == (SEED / "quant_fixed.py").read_text()

        report = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.explainModel", arguments=[uri])
        )
        assert isinstance(report, str)
        assert CHAIN in report and "case_1_1.pb" in report and "| tail |" in report

        model_line = next(i for i, line in enumerate(seed_text().splitlines()) if "case_1_1.pb'" in line)
        model_col = seed_text().splitlines()[model_line].index("case_1_1") + 1
        model_hover = await s.hover(uri, model_line, model_col)
        assert model_hover is not None and "| `Add` |" in str(model_hover.contents)


async def test_fix_all_skips_a_did_you_mean(seed: Path) -> None:
    """A typo gets an AMCT002 "did you mean" quick fix, but neither source.fixAll.amct nor
    amct-lsp.applyAllFixes applies a guess."""
    typo = seed_text().replace("infer_output_name = 'Add:0'", "infer_output_name = 'Ad:0'")
    (seed / "quant.py").write_text(typo, encoding="utf-8")
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        diags = await first_diagnostics(s, uri)
        (guess,) = amct(diags, "AMCT002")
        quick = await s.code_actions(uri, [guess])
        assert any(a.title.startswith("AMCT002: did you mean") for a in quick), [a.title for a in quick]
        assert await s.code_actions(uri, [], only=["source.fixAll"]) == []
        applied = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.applyAllFixes", arguments=[uri])
        )
        assert applied is False


async def test_no_stale_quick_fix(seed: Path) -> None:
    """A diagnostic from version 1 brings no quick fix once the document is at version 2."""
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        diag = amct(await first_diagnostics(s, uri), "AMCT001")[0]
        s.replace(uri, "# a comment first\n" + seed_text())
        await s.wait_published(uri, 2)
        assert await s.code_actions(uri, [diag], only=[types.CodeActionKind.QuickFix]) == []


# -- every code --


def _variant(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)

    return edit


CASES = {
    "AMCT002": _variant("infer_output_name = 'Add:0'", "infer_output_name = 'Ad:0'"),
    "AMCT003": _variant("save_output_name = 'Add:0'", f"save_output_name = '{NEW_NAME}'"),
    "AMCT004": _variant("'./pb_model/case_1_1.pb'", "'./pb_model/missing.pb'"),
    "AMCT900": _variant("    load_pb(model_name)\n", "    load_pb(model_name\n"),
}


@pytest.mark.parametrize("code", sorted(CASES))
async def test_every_code(seed: Path, code: str) -> None:
    text = CASES[code](seed_text())
    (seed / "quant.py").write_text(text)
    # AMCT900 (the syntax error) is left to the Python language server unless given a level.
    settings = {"severity": {"AMCT900": "warning"}} if code == "AMCT900" else None
    async with start_session(root=seed, settings=settings) as s:
        uri = s.open(seed / "quant.py")
        diags = await first_diagnostics(s, uri)
        found = amct(diags, code)
        assert found, diags
        assert all(d.source == "amct" and d.code_description for d in found)
        assert found[0].code_description is not None
        assert found[0].code_description.href.endswith(f"#{code.lower()}")


async def test_hover_in_plain_text_for_a_client_without_markdown(seed: Path) -> None:
    """eglot without markdown-mode asks for plaintext: no `**` or backticks reach it."""
    async with start_session(caps=capabilities(hover_formats=["plaintext"]), root=seed) as s:
        uri = s.open(seed / "quant.py")
        [diag] = amct(await first_diagnostics(s, uri), "AMCT001")
        hover = await s.hover(uri, diag.range.start.line, diag.range.start.character + 2)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.kind == types.MarkupKind.PlainText
        assert "Add:0" in hover.contents.value
        assert "**" not in hover.contents.value and "`" not in hover.contents.value
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        [diag] = amct(await first_diagnostics(s, uri), "AMCT001")
        hover = await s.hover(uri, diag.range.start.line, diag.range.start.character + 2)
        assert hover is not None and isinstance(hover.contents, types.MarkupContent)
        assert hover.contents.kind == types.MarkupKind.Markdown


async def test_missing_model_offers_the_model_picker(seed: Path) -> None:
    """AMCT004 for a model that is not there: editor wording, no backticks, no related link to the missing
    file, and (for a client that has the command) a quick fix that runs the client's model picker."""
    (seed / "quant.py").write_text(CASES["AMCT004"](seed_text()))
    async with start_session(caps=capabilities(pick_model=True), root=seed) as s:
        uri = s.open(seed / "quant.py")
        [diag] = amct(await first_diagnostics(s, uri), "AMCT004")
        assert "amct.models" in diag.message and "# amct: model=" in diag.message
        assert "`" not in diag.message
        assert not diag.related_information or all(
            "missing.pb" not in r.location.uri for r in diag.related_information
        )
        got = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diag.range,
                context=types.CodeActionContext(diagnostics=[diag]),
            )
        )
        # pytest-lsp's converter reads a CodeAction carrying only a command as a `Command` whose `command`
        # is the whole action (VS Code tells them apart by the type of `command`): look at the title and text.
        [pick] = [a for a in got or [] if a.title.startswith("AMCT004: choose the model file")]
        assert "amct.pickModel" in str(pick.command) and uri in str(pick.command)
    async with start_session(root=seed) as s:  # a client without the command: no such action
        uri = s.open(seed / "quant.py")
        [diag] = amct(await first_diagnostics(s, uri), "AMCT004")
        got = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diag.range,
                context=types.CodeActionContext(diagnostics=[diag]),
            )
        )
        assert got and not [a for a in got if a.title.startswith("AMCT004: choose the model file")]


async def test_syntax_error_mid_edit_then_fixed(seed: Path) -> None:
    """A syntax error mid-edit keeps the last good findings, moved with the edits; the syntax error itself is
    not reported (the Python language server does) until AMCT900 is given a level."""
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        good = await first_diagnostics(s, uri)
        assert codes(good) == ["AMCT001"]
        line = good[0].range.start.line
        broken_text = "# a new first line\n" + CASES["AMCT900"](seed_text())
        v2 = s.replace(uri, broken_text)
        broken = await first_diagnostics(s, uri, v2)
        assert codes(broken) == ["AMCT001"]
        assert broken[0].range.start.line == line + 1  # moved down with the inserted line
        assert broken[0].range.start.character == good[0].range.start.character
        hover = await s.hover(uri, 3, 0)  # features keep answering on a script that does not parse
        assert hover is None or isinstance(hover, types.Hover)
        v3 = s.replace(uri, broken_text.replace("infer_output_name = 'Add:0'", "infer_output_name = 'Add:0"))
        assert codes(await first_diagnostics(s, uri, v3)) == []  # its own line was edited: dropped
        v4 = s.replace(uri, seed_text())
        assert codes(await first_diagnostics(s, uri, v4)) == ["AMCT001"]
    async with start_session(root=seed, settings={"severity": {"AMCT900": "warning", "AMCT001": "off"}}) as s:
        uri = s.open(seed / "quant.py")
        assert codes(await first_diagnostics(s, uri)) == []
        v2 = s.replace(uri, CASES["AMCT900"](seed_text()))
        assert codes(await first_diagnostics(s, uri, v2)) == ["AMCT900"]


# -- freshness --


async def test_model_changes_on_disk(seed: Path, fixture_path: Callable[[str], Path]) -> None:
    """The model becomes one whose tail is Relu: didChangeWatchedFiles → AMCT001 gives way to AMCT002."""
    async with start_session(root=seed) as s:
        await s.wait_until(
            lambda: any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in s.rec.registrations)
        )
        watch = [r for r in s.rec.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        options = watch[0].register_options
        globs = {w["globPattern"] for w in options["watchers"]} if isinstance(options, dict) else set()
        assert {"**/*.pb", "**/*.pbtxt", "**/amct_log/*.log", "**/*.json", "**/*.cfg"} <= globs

        uri = s.open(seed / "quant.py")
        assert codes(await first_diagnostics(s, uri)) == ["AMCT001"]
        model = seed / "pb_model" / "case_1_1.pb"
        shutil.copyfile(fixture_path("neg_relu"), model)
        mark = len(s.rec.published)
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri_of(model), type=types.FileChangeType.Changed)]
            )
        )
        again = await s.wait_published(uri, 1, after=mark)
        assert "AMCT001" not in codes(list(again.diagnostics))
        assert "AMCT002" in codes(list(again.diagnostics)), again.diagnostics


async def test_corrupt_model_then_other_file(seed: Path, tmp_path: Path) -> None:
    """A corrupt model gives AMCT004; the server keeps serving a second script with a good model."""
    other = tmp_path / "other"
    shutil.copytree(seed, other)
    (seed / "pb_model" / "case_1_1.pb").write_bytes(b"\x0a\xff\xff\xff\xff\x0fnot a graph at all" * 10)
    async with start_session(root=tmp_path) as s:
        bad = s.open(seed / "quant.py")
        assert "AMCT004" in codes(await first_diagnostics(s, bad))
        good = s.open(other / "quant.py")
        assert codes(await first_diagnostics(s, good)) == ["AMCT001"]
        hover = await s.hover(good, SEED_LINE, SEED_COL + 2)
        assert hover is not None and CHAIN in str(hover.contents)


async def test_stale_versions_are_not_published(seed: Path) -> None:
    """Several quick edits: only the last version's diagnostics are published."""
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await first_diagnostics(s, uri)
        mark = len(s.rec.published)
        text = seed_text()
        last = 1
        for i in range(6):
            last = s.replace(uri, f"# edit {i}\n" + text)
        final = await s.wait_published(uri, last, after=mark)
        assert codes(list(final.diagnostics)) == ["AMCT001"]
        assert final.diagnostics[0].range.start.line == SEED_LINE + 1
        await asyncio.sleep(0.3)
        assert {p.version for p in s.rec.published[mark:] if p.uri == uri} == {last}


async def test_close_clears_diagnostics(seed: Path) -> None:
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await first_diagnostics(s, uri)
        mark = len(s.rec.published)
        s.close(uri)
        cleared = await s.wait_published(uri, None, after=mark)
        assert list(cleared.diagnostics) == []
        assert await s.hover(uri, SEED_LINE, SEED_COL + 2) is None


# -- positions --

WIDE = "网络输出𠀀"  # CJK (3 UTF-8 bytes each) and one character outside the BMP (2 UTF-16 units, 4 bytes)


def _wide_script() -> str:
    return _variant(
        "    infer_output_name = 'Add:0'\n", f"    note = '{WIDE}'; infer_output_name = 'Add:0'\n"
    )(seed_text())


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8", "utf-32"])
async def test_position_encodings(seed: Path, encoding: str) -> None:
    text = _wide_script()
    (seed / "quant.py").write_text(text)
    line = text.splitlines()[SEED_LINE]
    before = line[: line.index("'Add:0'")]
    start = _units(before, encoding)
    caps = capabilities(encodings=None if encoding == "utf-16" else [encoding])
    async with start_session(caps=caps, root=seed) as s:
        assert s.init.capabilities.position_encoding == encoding
        uri = s.open(seed / "quant.py")
        diag = amct(await first_diagnostics(s, uri), "AMCT001")[0]
        assert diag.range == types.Range(start=pos(SEED_LINE, start), end=pos(SEED_LINE, start + 7))
        hover = await s.hover(uri, SEED_LINE, start + 3)
        assert hover is not None and CHAIN in str(hover.contents)
        assert hover.range == diag.range
        actions = await s.code_actions(uri, [diag])
        edits, _ = edits_of(next(a for a in actions if a.is_preferred).edit, uri)
        fixed = apply_text_edits(text, edits, encoding)
        assert fixed.splitlines()[SEED_LINE] == f"    note = '{WIDE}'; infer_output_name = '{NEW_NAME}'"


# -- settings --


async def test_severity_override_from_configuration(seed: Path) -> None:
    async with start_session(root=seed, settings={"severity": {"AMCT001": "warning"}}) as s:
        uri = s.open(seed / "quant.py")
        diag = amct(await first_diagnostics(s, uri), "AMCT001")[0]
        assert diag.severity == types.DiagnosticSeverity.Warning
        assert s.messages() == []


async def test_settings_from_initialization_options(seed: Path) -> None:
    caps = capabilities(configuration=False)
    async with start_session(caps=caps, root=seed, init_options={"severity": {"AMCT001": "hint"}}) as s:
        uri = s.open(seed / "quant.py")
        diag = amct(await first_diagnostics(s, uri), "AMCT001")[0]
        assert diag.severity == types.DiagnosticSeverity.Hint


async def test_invalid_setting_reported_once_and_default_used(seed: Path) -> None:
    bad = {"severity": {"AMCT001": "fatal"}, "enable": "yes", "models": ["x.pb"]}
    async with start_session(root=seed, settings=bad) as s:
        uri = s.open(seed / "quant.py")
        diag = amct(await first_diagnostics(s, uri), "AMCT001")[0]
        assert diag.severity == types.DiagnosticSeverity.Error  # the default, not "fatal"
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await asyncio.sleep(0.5)
        messages = s.messages()
        assert len([m for m in messages if "AMCT001" in m and "fatal" in m]) == 1, messages
        assert any("amct.enable" in m for m in messages)
        assert any("amct.models" in m for m in messages)
        assert all(m.startswith("amct-lsp: invalid setting") for m in messages)


async def test_disable_and_models_setting(seed: Path, fixture_path: Callable[[str], Path]) -> None:
    """`models` maps a glob to a model; `enable: false` silences everything."""
    relu = seed / "relu.pb"
    shutil.copyfile(fixture_path("neg_relu"), relu)
    async with start_session(root=seed, settings={"models": {"**/quant.py": str(relu)}}) as s:
        uri = s.open(seed / "quant.py")
        assert "AMCT002" in codes(await first_diagnostics(s, uri))
        s.client.set_configuration({"enable": False}, section="amct")
        mark = len(s.rec.published)
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await s.wait_published(uri, 1, after=mark, where=lambda p: list(p.diagnostics) == [])
        assert await s.hover(uri, SEED_LINE, SEED_COL + 2) is None


async def test_model_paths_setting(seed: Path, tmp_path: Path) -> None:
    """A model the script names but that is not where it says is found by name in `modelPaths`."""
    elsewhere = tmp_path / "models"
    elsewhere.mkdir()
    shutil.move(seed / "pb_model" / "case_1_1.pb", elsewhere / "case_1_1.pb")
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        assert codes(await first_diagnostics(s, uri)) == ["AMCT004"]
    async with start_session(root=seed, settings={"modelPaths": [str(elsewhere)]}) as s:
        uri = s.open(seed / "quant.py")
        assert codes(await first_diagnostics(s, uri)) == ["AMCT001"]


def _grow_model(model: Path, extra_bytes: int) -> None:
    """Append an unused Const node holding `extra_bytes` of weights (GraphDef messages concatenate).

    Field numbers: GraphDef.node = 1; NodeDef.name = 1, op = 2, attr = 5 (entry key = 1, value = 2);
    AttrValue.tensor = 8; TensorProto.dtype = 1 (varint), tensor_content = 4.
    """
    tensor = b"\x08\x01" + field(4, bytes(extra_bytes))  # dtype DT_FLOAT, the weights
    attr = field(5, field(1, b"value") + field(2, field(8, tensor)))
    node = field(1, b"unused_big_weights") + field(2, b"Const") + attr
    with model.open("ab") as f:
        f.write(field(1, node))


@pytest.mark.slow
async def test_progress_while_a_large_model_loads(seed: Path) -> None:
    """A model over ~50 MB is read under a work-done progress created with window/workDoneProgress/create."""
    _grow_model(seed / "pb_model" / "case_1_1.pb", 60 * 1024 * 1024)
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        assert codes(await first_diagnostics(s, uri)) == ["AMCT001"]

        def ended() -> bool:
            return any(
                reports and isinstance(reports[-1], types.WorkDoneProgressEnd)
                for reports in s.client.progress_reports.values()
            )

        for _ in range(100):
            if ended():
                break
            await asyncio.sleep(0.05)
        reports = next(iter(s.client.progress_reports.values()))
        assert isinstance(reports[0], types.WorkDoneProgressBegin), reports
        assert "model" in reports[0].title
        assert isinstance(reports[-1], types.WorkDoneProgressEnd), reports


async def test_bad_requests_do_not_stop_the_server(seed: Path) -> None:
    """Commands with bad arguments and requests on unknown documents get empty answers; the server goes on."""
    async with start_session(root=seed) as s:
        missing = uri_of(seed / "not_open.py")
        assert await s.hover(missing, 0, 0) is None
        assert await s.code_actions(missing, []) == []
        report = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.explainModel", arguments=[])
        )
        assert isinstance(report, str) and "failed" in report
        applied = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.applyAllFixes", arguments=[{"uri": missing}])
        )
        assert applied is False
        uri = s.open(seed / "quant.py")
        assert codes(await first_diagnostics(s, uri)) == ["AMCT001"]


async def test_pull_mode_model_change_asks_for_refresh(
    seed: Path, fixture_path: Callable[[str], Path]
) -> None:
    async with start_session(caps=capabilities(pull=True), root=seed) as s:
        uri = s.open(seed / "quant.py")
        assert codes(await s.diagnostics(uri)) == ["AMCT001"]
        model = seed / "pb_model" / "case_1_1.pb"
        shutil.copyfile(fixture_path("neg_relu"), model)
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri_of(model), type=types.FileChangeType.Changed)]
            )
        )
        for _ in range(100):
            if s.client.diagnostic_refresh_count:
                break
            await asyncio.sleep(0.05)
        assert s.client.diagnostic_refresh_count == 1
        assert "AMCT002" in codes(await s.diagnostics(uri))


async def test_document_status_notification(seed: Path) -> None:
    """A client that asks for it (`experimental.amctDocumentStatus`) hears which model and log a document was
    checked against, and the state, whenever that changes; other clients never get the notification."""
    async with start_session(caps=capabilities(status=True), root=seed) as s:
        uri = s.open(seed / "quant.py")
        await s.wait_until(lambda: bool(s.rec.statuses))
        first = s.rec.statuses[0]
        assert first["uri"] == uri and first["version"] == 1 and first["state"] == "checked"
        assert first["modelPath"] == str(seed / "pb_model" / "case_1_1.pb")
        assert first["logPath"] is None and first["configPaths"] == []
        text = seed_text().replace("case_1_1.pb", "missing.pb")
        version = s.replace(uri, text)
        await s.wait_until(lambda: s.rec.statuses[-1]["version"] == version)
        assert s.rec.statuses[-1]["state"] == "model-error"
        assert s.rec.statuses[-1]["message"]
        count = len(s.rec.statuses)
        version = s.replace(uri, text + "\n# same model, same state\n")
        await first_diagnostics(s, uri, version)
        assert len(s.rec.statuses) == count  # nothing new to say
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await first_diagnostics(s, uri)
        assert s.rec.statuses == []


async def test_plain_python_file_status_is_not_amct(seed: Path) -> None:
    """A Python file that does not use AMCT is reported as `not-amct`, so the client shows no status for it;
    once the file imports AMCT it is a quantization script."""
    plain = seed / "plain.py"
    plain.write_text("import os\nprint(os.getcwd())\n", encoding="utf-8")
    async with start_session(caps=capabilities(status=True), root=seed) as s:
        uri = s.open(plain)
        await s.wait_until(lambda: bool(s.rec.statuses))
        assert s.rec.statuses[-1]["state"] == "not-amct"
        assert s.rec.statuses[-1]["modelPath"] is None
        version = s.replace(uri, "import amct_tensorflow as amct\n")
        await s.wait_until(lambda: s.rec.statuses[-1]["version"] == version)
        assert s.rec.statuses[-1]["state"] == "model-error"  # no model found: AMCT004
