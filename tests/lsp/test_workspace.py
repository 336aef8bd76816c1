"""Workspace shape, settings and freshness against the real server process: folders coming and going,
settings pushed and pulled (and wrong), versions racing edits, bursts of keystrokes.
"""

from __future__ import annotations

import asyncio
import itertools
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from lsp_helpers import SEED, Session, capabilities, codes, edits_of, start_session, uri_of
from lsprotocol import types
from test_robustness import (
    NEW_NAME,
    SEED_COL,
    SEED_LINE,
    Doc,
    apply,
    big_script,
    fix_all,
    only,
    rng,
    seed_text,
)

from support.amct_log import FAQ_LOG


def folder(path: Path) -> types.WorkspaceFolder:
    return types.WorkspaceFolder(uri=uri_of(path), name=path.name)


def change_folders(s: Session, added: list[Path], removed: list[Path]) -> None:
    s.client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[folder(p) for p in added], removed=[folder(p) for p in removed]
            )
        )
    )


def project(root: Path, with_log: bool) -> Path:
    """`root/sub/` holds the seed; `root/amct_log/` the AMCT log when `with_log` (found only when `root` is a
    workspace folder: the search for a log stops at the script's workspace folder)."""
    shutil.copytree(SEED, root / "sub")
    if with_log:
        (root / "amct_log").mkdir()
        (root / "amct_log" / "amct_tensorflow.log").write_text(FAQ_LOG)
    return root / "sub" / "quant.py"


def confirmed(diags: list[types.Diagnostic]) -> bool:
    (diag,) = only(diags, "AMCT001")
    return diag.message.endswith("(AMCT log)")


# -- workspace folders --


async def test_multi_root_and_folders_added_and_removed(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    script_a, script_b, script_c = project(a, True), project(b, False), project(c, True)
    async with start_session(root=None) as s:
        change_folders(s, [a, b], [])
        doc_a = Doc(s, script_a, seed_text())
        doc_b = Doc(s, script_b, seed_text())
        doc_c = Doc(s, script_c, seed_text())
        assert confirmed(await doc_a.published())
        assert not confirmed(await doc_b.published())
        assert not confirmed(await doc_c.published())  # c is not a folder: its log is out of reach

        mark = len(s.rec.published)
        change_folders(s, [c], [a])
        # The re-check the first folder change started may still publish the old state after `mark` (a
        # legitimate, overlapping check); wait for the publish that reflects this change (a timeout fails).
        after_c = await s.wait_published(
            doc_c.uri, 1, after=mark, where=lambda p: confirmed(list(p.diagnostics))
        )
        assert confirmed(list(after_c.diagnostics))
        after_a = await s.wait_published(
            doc_a.uri, 1, after=mark, where=lambda p: not confirmed(list(p.diagnostics))
        )
        assert not confirmed(list(after_a.diagnostics))
        hover = await s.hover(doc_c.uri, SEED_LINE, SEED_COL + 2)
        assert hover is not None and "search_n_quant_1/Identity:0" in str(hover.contents)


async def test_relative_settings_resolve_against_each_folder(tmp_path: Path, fixture_path: Any) -> None:
    """`models` paths are relative to the script's own workspace folder."""
    a, b = tmp_path / "a", tmp_path / "b"
    script_a, script_b = project(a, False), project(b, False)
    shutil.copyfile(fixture_path("neg_relu"), b / "relu.pb")
    settings = {"models": {"**/quant.py": "relu.pb"}}
    async with start_session(root=a, settings=settings) as s:
        change_folders(s, [b], [])
        doc_a = Doc(s, script_a, seed_text())
        doc_b = Doc(s, script_b, seed_text())
        assert codes(await doc_a.published()) == ["AMCT004"]  # a/relu.pb does not exist
        assert "AMCT002" in codes(await doc_b.published())  # b/relu.pb: Relu tail, 'Add:0' unknown


async def test_each_folder_gets_its_own_settings(tmp_path: Path) -> None:
    """package.json declares the settings per resource: the server asks once per folder (`scopeUri`) and a
    document gets its folder's values; a change in one folder re-checks with the new values."""
    a, b = tmp_path / "a", tmp_path / "b"
    script_a, script_b = project(a, False), project(b, False)
    async with start_session(root=None, settings={"severity": {"AMCT001": "warning"}}) as s:
        s.client.set_configuration({"severity": {"AMCT001": "hint"}}, section="amct", scope_uri=uri_of(b))
        change_folders(s, [a, b], [])
        doc_a = Doc(s, script_a, seed_text())
        doc_b = Doc(s, script_b, seed_text())

        def severity(expected: types.DiagnosticSeverity) -> Any:
            return lambda p: [d.severity for d in only(list(p.diagnostics), "AMCT001")] == [expected]

        # (The folders' settings arrive a moment after the folders: the first check may predate them.)
        await s.wait_published(doc_a.uri, doc_a.version, where=severity(types.DiagnosticSeverity.Warning))
        await s.wait_published(doc_b.uri, doc_b.version, where=severity(types.DiagnosticSeverity.Hint))

        s.client.set_configuration({"enable": False}, section="amct", scope_uri=uri_of(b))
        mark = len(s.rec.published)
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        assert await doc_b.published(after=mark) == []  # b is switched off
        hover_b = await s.hover(doc_b.uri, SEED_LINE, SEED_COL + 2)
        hover_a = await s.hover(doc_a.uri, SEED_LINE, SEED_COL + 2)
        assert hover_b is None
        assert hover_a is not None and NEW_NAME in str(hover_a.contents)  # a is still on


# -- settings --


async def test_push_style_configuration(seed: Path) -> None:
    """A client without workspace/configuration sends the settings in didChangeConfiguration."""
    caps = capabilities(configuration=False)
    async with start_session(caps=caps, root=seed, init_options={"severity": {"AMCT001": "hint"}}) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (diag,) = only(await doc.published(), "AMCT001")
        assert diag.severity == types.DiagnosticSeverity.Hint
        for payload, expected in (
            ({"amct": {"severity": {"AMCT001": "warning"}}}, types.DiagnosticSeverity.Warning),
            ({"severity": {"AMCT001": "information"}}, types.DiagnosticSeverity.Information),
            ({"amct": {}}, types.DiagnosticSeverity.Hint),  # back to the initialization options
        ):
            mark = len(s.rec.published)
            s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=payload))
            (diag,) = only(await doc.published(after=mark), "AMCT001")
            assert diag.severity == expected, payload
        # No payload: nothing to apply, the settings stay.
        mark = len(s.rec.published)
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await asyncio.sleep(0.3)
        assert s.rec.published[mark:] == []


async def test_pushed_settings_survive_a_folder_change(seed: Path, tmp_path: Path) -> None:
    """A client without workspace/configuration: a new workspace folder re-checks with the pushed settings."""
    other = tmp_path / "other"
    other.mkdir()
    async with start_session(caps=capabilities(configuration=False), root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        await doc.published()
        mark = len(s.rec.published)
        payload = {"amct": {"severity": {"AMCT001": "warning"}}}
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=payload))
        (diag,) = only(await doc.published(after=mark), "AMCT001")
        assert diag.severity == types.DiagnosticSeverity.Warning
        mark = len(s.rec.published)
        change_folders(s, [other], [])
        (diag,) = only(await doc.published(after=mark), "AMCT001")
        assert diag.severity == types.DiagnosticSeverity.Warning


async def test_pull_style_configuration_ignores_the_payload(seed: Path) -> None:
    async with start_session(root=seed, settings={"severity": {"AMCT001": "warning"}}) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (diag,) = only(await doc.published(), "AMCT001")
        assert diag.severity == types.DiagnosticSeverity.Warning
        s.client.set_configuration({"severity": {"AMCT001": "hint"}}, section="amct")
        mark = len(s.rec.published)
        payload = {"amct": {"severity": {"AMCT001": "error"}}}  # stale: the server asks the client instead
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=payload))
        (diag,) = only(await doc.published(after=mark), "AMCT001")
        assert diag.severity == types.DiagnosticSeverity.Hint


BAD = {
    "enable": "yes",
    "modelPaths": 5,
    "models": ["x.pb"],
    "logPath": 3,
    "severity": "loud",
    "skipLayers": {"a": 1},
}


def invalid_messages(s: Session) -> list[str]:
    return [m.message for m in s.client.messages if "invalid setting" in m.message]


async def test_each_invalid_setting_is_reported_once(seed: Path) -> None:
    async with start_session(root=seed, settings=dict(BAD)) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        assert codes(await doc.published()) == ["AMCT001"]  # every key fell back to its default
        for key in BAD:
            assert len([m for m in invalid_messages(s) if f"amct.{key}" in m]) == 1, (
                key,
                invalid_messages(s),
            )
        assert len(invalid_messages(s)) == len(BAD)
        for _ in range(3):
            s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await asyncio.sleep(0.5)
        assert len(invalid_messages(s)) == len(BAD)
        # Fixed, then broken again: that is news, so it is shown again.
        s.client.set_configuration({}, section="amct")
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await asyncio.sleep(0.3)
        s.client.set_configuration({"enable": "no"}, section="amct")
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await s.wait_until(lambda: len(invalid_messages(s)) == len(BAD) + 1)
        assert "amct.enable" in invalid_messages(s)[-1]


async def test_disable_clears_and_enable_restores(seed: Path) -> None:
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        assert codes(await doc.published()) == ["AMCT001"]
        s.client.set_configuration({"enable": False}, section="amct")
        mark = len(s.rec.published)
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        assert await doc.published(after=mark) == []
        assert await s.code_actions(doc.uri, [], only=["source.fixAll"]) == []
        explained = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.applyAllFixes", arguments=[doc.uri])
        )
        assert explained is False
        mark = len(s.rec.published)
        doc.edit((rng(0, 0, 0, 0), "# still off\n"))  # not even checked while off
        await asyncio.sleep(0.3)
        assert s.rec.published[mark:] == []
        s.client.set_configuration({"enable": True}, section="amct")
        mark = len(s.rec.published)
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        assert codes(await doc.published(after=mark)) == ["AMCT001"]  # for the current version


async def test_disable_in_pull_mode(seed: Path) -> None:
    async with start_session(caps=capabilities(pull=True), root=seed, settings={"enable": False}) as s:
        uri = s.open(seed / "quant.py")
        assert await s.diagnostics(uri) == []
        s.client.set_configuration({"enable": True}, section="amct")
        s.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        await s.wait_until(lambda: s.client.diagnostic_refresh_count > 0)
        assert codes(await s.diagnostics(uri)) == ["AMCT001"]


# -- versions --


async def test_fix_all_command_uses_the_current_version(seed: Path) -> None:
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (old,) = only(await doc.published(), "AMCT001")
        doc.edit((rng(0, 0, 0, 0), "# 第一行\n# 第二行\n"))
        doc.edit((rng(SEED_LINE + 2, 4, SEED_LINE + 2, 4), "z = 0; "))
        applied = await s.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="amct-lsp.applyAllFixes", arguments=[doc.uri])
        )
        assert applied is True
        edits, version = edits_of(s.rec.applied[-1], doc.uri)
        assert version == doc.version == 3
        assert f"    z = 0; infer_output_name = '{NEW_NAME}'" in apply(doc.text, edits).splitlines()
        # The version-1 diagnostic's fixes are not offered for version 3, eagerly or lazily.
        assert await s.code_actions(doc.uri, [old], only=[types.CodeActionKind.QuickFix]) == []


async def test_lazy_resolve_of_an_action_from_an_older_version(seed: Path) -> None:
    async with start_session(caps=capabilities(lazy_actions=True), root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (diag,) = only(await doc.published(), "AMCT001")
        actions = await s.code_actions(doc.uri, [diag], only=[types.CodeActionKind.QuickFix])
        assert actions and all(a.edit is None for a in actions)
        doc.edit((rng(SEED_LINE, 0, SEED_LINE, 0), "\n"))
        for action in actions:
            resolved = await s.client.code_action_resolve_async(action)
            assert resolved.edit is None, resolved


async def test_burst_of_fifty_changes(seed: Path) -> None:
    """50 keystrokes in a row: one publish, for the last version, and no queue of 50 checks."""
    async with start_session(caps=capabilities(pull=True), root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        first = await _pull(s, doc.uri)
        at = doc.find("infer_output_name")  # type into the line above (a comment), keystroke by keystroke
        started = time.perf_counter()
        for i in range(50):
            doc.edit((rng(at.line - 1, 30 + i, at.line - 1, 30 + i), "x"))
        report = await _pull(s, doc.uri)
        took = time.perf_counter() - started
        assert codes(list(report.items)) == ["AMCT001"]
        checks = _serial(report) - _serial(first)
        print(f"50 changes: {checks} check(s), diagnostics of the last version after {took * 1000:.0f} ms")
        assert checks <= 3, checks
        assert (await s.code_actions(doc.uri, list(report.items)))[0].edit is not None


async def test_burst_push_publishes_only_the_last_version(seed: Path) -> None:
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        await doc.published()
        mark = len(s.rec.published)
        sent = []
        for i in range(50):
            doc.edit((rng(0, 0, 0, 0), "#" if i % 2 == 0 else "\n"))
            sent.append(time.perf_counter())
        diags = await doc.published(after=mark)
        assert only(diags, "AMCT001")
        await asyncio.sleep(0.3)
        versions = [p.version for p in s.rec.published[mark:] if p.uri == doc.uri]
        assert versions[-1] == doc.version and len(versions) == len(set(versions))
        pauses = sum(1 for a, b in itertools.pairwise(sent) if b - a > 0.015)
        # Only a pause in the typing longer than the debounce may let an intermediate version through.
        assert len(versions) - 1 <= pauses, (versions, pauses)


@pytest.mark.slow
async def test_typing_slower_than_the_debounce_on_a_big_script(seed: Path) -> None:
    """Keystrokes every 40 ms on a script whose check takes longer: checks never pile up."""
    text = big_script(20_000)
    async with start_session(caps=capabilities(pull=True), root=seed) as s:
        doc = Doc(s, seed / "quant.py", text)
        first = await _pull(s, doc.uri, timeout=30)
        at = doc.find("infer_output_name")
        started = time.perf_counter()
        for i in range(30):
            doc.edit((rng(at.line - 1, 30 + i, at.line - 1, 30 + i), "x"))
            await asyncio.sleep(0.04)
        report = await _pull(s, doc.uri, timeout=30)
        took = time.perf_counter() - started
        checks = _serial(report) - _serial(first)
        print(
            f"30 changes 40 ms apart on 20,000 lines: {checks} check(s), last diagnostics after {took:.2f} s"
        )
        assert codes(list(report.items)) == ["AMCT001"]
        assert checks < 20, checks
        hover = await s.hover(doc.uri, at.line, at.character + 22)
        assert hover is not None and NEW_NAME in str(hover.contents)


async def _pull(s: Session, uri: str, timeout: float = 10) -> types.RelatedFullDocumentDiagnosticReport:
    report = await asyncio.wait_for(
        s.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
        timeout,
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return report


def _serial(report: types.RelatedFullDocumentDiagnosticReport) -> int:
    """The server numbers its checks; the result id starts with the number of the one reported."""
    assert report.result_id is not None
    return int(report.result_id.split(":")[0])


async def test_fix_all_after_incremental_edits_matches_the_editor(seed: Path) -> None:
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        await doc.published()
        at = doc.find("'Add:0'")
        doc.edit((rng(at.line, at.character + 1, at.line, at.character + 4), "Add"))
        edits, version = await fix_all(s, doc.uri)
        assert version == doc.version
        assert f"infer_output_name = '{NEW_NAME}'" in apply(doc.text, edits)
