"""The server reads `[tool.amct]` under the editor settings, and picks up a changed pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from lsp_helpers import Session, codes, start_session, uri_of
from lsprotocol import types

from amct_lsp.check.findings import Code
from amct_lsp.lsp.settings import document_options, parse_settings
from amct_lsp.project import load_project

NEW_NAME = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


def project(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text('[project]\nname = "q"\n\n[tool.amct]\n' + body, encoding="utf-8")
    return path


async def published(s: Session, uri: str, version: int = 1, after: int = 0) -> list[types.Diagnostic]:
    return list((await s.wait_published(uri, version, after=after)).diagnostics)


def changed(s: Session, path: Path) -> int:
    mark = len(s.rec.published)
    s.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(path), type=types.FileChangeType.Changed)]
        )
    )
    return mark


async def test_severity_model_mapping_and_a_changed_pyproject(seed: Path) -> None:
    (seed / "models").mkdir()
    shutil.move(seed / "pb_model" / "case_1_1.pb", seed / "models" / "resnet.pb")
    pyproject = project(seed, '[tool.amct.models]\n"quant.py" = "models/resnet.pb"\n')
    async with start_session(root=seed) as s:
        await s.wait_until(
            lambda: any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in s.rec.registrations)
        )
        (watch,) = [r for r in s.rec.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        assert isinstance(watch.register_options, dict)
        assert "**/pyproject.toml" in {w["globPattern"] for w in watch.register_options["watchers"]}

        uri = s.open(seed / "quant.py")
        (diag,) = await published(s, uri)  # the model comes from the project's mapping
        assert diag.code == "AMCT001" and diag.severity == types.DiagnosticSeverity.Error

        project(seed, 'models = {"quant.py" = "models/resnet.pb"}\nseverity = {AMCT001 = "warning"}\n')
        (diag,) = await published(s, uri, after=changed(s, pyproject))
        assert diag.code == "AMCT001" and diag.severity == types.DiagnosticSeverity.Warning

        project(seed, 'models = {"quant.py" = "models/resnet.pb"}\nskip_layers = ["Conv2D"]\n')
        (diag,) = await published(s, uri, after=changed(s, pyproject))
        assert NEW_NAME not in diag.message and "bias_add/BiasAdd:0" in diag.message  # not quantized

        project(seed, 'models = {"quant.py" = "models/resnet.pb"}\nignore = ["quant.py"]\n')
        assert await published(s, uri, after=changed(s, pyproject)) == []

        pyproject.unlink()  # no project: the script's own model path is missing again
        assert codes(await published(s, uri, after=changed(s, pyproject))) == ["AMCT004"]


async def test_editor_settings_win_and_problems_are_shown_once(seed: Path) -> None:
    project(seed, 'severity = {AMCT001 = "off"}\nmodle = 1\n')
    async with start_session(root=seed, settings={"severity": {"AMCT001": "hint"}}) as s:
        uri = s.open(seed / "quant.py")
        (diag,) = await published(s, uri)
        assert diag.severity == types.DiagnosticSeverity.Hint  # the editor's level beats the project's off
        await s.wait_until(lambda: any("modle" in m for m in s.messages()))
        shown = [m for m in s.messages() if "modle" in m]
        assert shown == [
            f"amct-lsp: {seed / 'pyproject.toml'}:6:1: [tool.amct] unknown key 'modle' (did you mean "
            "'models'?); ignored — the rest of [tool.amct] applies."
        ]
        v2 = s.replace(uri, (seed / "quant.py").read_text() + "\n")
        await published(s, uri, v2)
        assert [m for m in s.messages() if "modle" in m] == shown  # once, not per check
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        assert await published(s, uri) == []  # the project's "off", with no editor setting


def test_precedence_key_by_key(tmp_path: Path) -> None:
    path = project(
        tmp_path,
        'skip_layers = ["p"]\nmodel_paths = ["pm"]\nlog_path = "p.log"\namct_version = "7.0"\n'
        'models = {"*.py" = "p.pb"}\nseverity = {AMCT001 = "warning", AMCT002 = "off", AMCT900 = "info"}\n',
    )
    config = load_project(str(path))
    assert config is not None and config.problems == ()
    script, root = str(tmp_path / "q.py"), str(tmp_path)
    # VS Code sends every key, empty by default: empty editor values defer to the project.
    empty, _ = parse_settings(
        {"modelPaths": [], "models": {}, "logPath": "", "severity": {}, "amctVersion": ""}
    )
    opts = document_options(empty, config, script, root)
    assert opts.skip_layers == ("p",) and opts.model_folders == (str(tmp_path / "pm"),)
    assert opts.log == str(tmp_path / "p.log") and opts.model == str(tmp_path / "p.pb")
    assert opts.rules.source == f"from [tool.amct] in {path}"
    assert opts.hidden == {Code.UNKNOWN_NAME} and opts.severity[Code.STALE_NAME].value == "warning"
    editor, problems = parse_settings(
        {
            "skipLayers": ["e"],
            "modelPaths": ["em"],
            "logPath": "e.log",
            "amctVersion": "8.0.RC3",
            "models": {"q.py": "e.pb"},
            "severity": {"AMCT002": "error", "AMCT003": "off"},
        }
    )
    assert problems == []
    opts = document_options(editor, config, script, root)
    assert opts.skip_layers == ("e",) and opts.model_folders == (str(tmp_path / "em"),)
    assert opts.log == str(tmp_path / "e.log") and opts.model == str(tmp_path / "e.pb")
    assert opts.rules.source == "from the amct.amctVersion setting 8.0.RC3"
    # Code by code: the editor's AMCT002 level and AMCT003 off; the project's AMCT001 and AMCT900 levels.
    assert opts.hidden == {Code.NAME_TOO_EARLY}
    assert {c.value: s.value for c, s in opts.severity.items()} == {
        "AMCT001": "warning",
        "AMCT002": "error",
        "AMCT900": "info",
    }
    assert not document_options(editor, config, str(tmp_path / "q.py"), root).ignored
