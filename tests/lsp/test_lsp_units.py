"""Unit tests of the LSP layer's pure parts: settings validation, position conversion, diagnostics, edits."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from amct_lsp.amct.chain import Evidence, RenameChain, RenameStep
from amct_lsp.check.findings import Code, Finding, Fix, Position, Related, Severity, Span, TextEdit
from amct_lsp.check.suppress import with_ignore_fixes
from amct_lsp.lsp import actions, convert, payloads
from amct_lsp.lsp.settings import SCHEMA, Settings, merge_raw, parse_settings
from amct_lsp.render import chains, markdown
from amct_lsp.text import lines_with_ends

UTF8 = PositionCodec(types.PositionEncodingKind.Utf8)
UTF16 = PositionCodec(types.PositionEncodingKind.Utf16)
UTF32 = PositionCodec(types.PositionEncodingKind.Utf32)


def span(line: int, start: int, end: int) -> Span:
    return Span(Position(line, start), Position(line, end))


# -- settings --


def test_settings_valid() -> None:
    settings, problems = parse_settings(
        {
            "enable": False,
            "modelPaths": ["models", "/abs"],
            "models": {"**/quant_*.py": "m.pb"},
            "logPath": "amct_log/amct_tensorflow.log",
            "severity": {"AMCT001": "warning", "amct004": "Info"},
            "skipLayers": ["head/Conv2D"],
        }
    )
    assert problems == []
    assert settings.enable is False
    assert settings.model_paths == ("models", "/abs")
    assert settings.severity == {Code.STALE_NAME: Severity.WARNING, Code.MODEL_PROBLEM: Severity.INFO}
    assert settings.skip_layers == ("head/Conv2D",)
    assert settings.model_for("/ws/scripts/quant_a.py", "/ws") == "/ws/m.pb"
    assert settings.model_for("/ws/scripts/other.py", "/ws") is None


def test_settings_invalid_values_fall_back_one_by_one() -> None:
    settings, problems = parse_settings(
        {
            "enable": "yes",
            "severity": {"AMCT001": "fatal", "AMCT777": "error", "AMCT002": "hint"},
            "models": [1],
        }
    )
    assert settings.enable is True  # the default
    assert settings.severity == {Code.UNKNOWN_NAME: Severity.HINT}  # the valid entry still applies
    assert settings.models == ()
    assert len(problems) == 4
    assert any("amct.enable" in p for p in problems)
    assert any("'fatal'" in p for p in problems)
    assert any("AMCT777" in p for p in problems)


def test_settings_severity_off_and_amct900() -> None:
    """AMCT900 is off unless given a level; any code can be turned off with "off"."""
    assert Settings().hidden == frozenset({Code.SYNTAX})
    settings, problems = parse_settings({"severity": {"AMCT900": "warning", "AMCT002": "OFF"}})
    assert problems == []
    assert settings.hidden == frozenset({Code.UNKNOWN_NAME})
    assert settings.severity == {Code.SYNTAX: Severity.WARNING}
    _, problems = parse_settings({"severity": {"AMCT001": "loud"}})
    assert problems and "off" in problems[0]


def test_model_directive_goes_after_shebang_and_encoding() -> None:
    from amct_lsp.lsp.model_action import directive_line

    assert directive_line(["import amct\n"]) == 0
    assert directive_line(["#!/usr/bin/env python\n", "# -*- coding: utf-8 -*-\n", "x\n"]) == 2
    assert directive_line(["# -*- coding: utf-8 -*-\n", "x\n"]) == 1
    assert directive_line([]) == 0


def test_markdown_to_plain() -> None:
    from amct_lsp.lsp.plaintext import markdown_to_plain

    text = '**AMCT001** `Add:0` → `bias_add/BiasAdd:0`\n\n[README](https://x/y "t") &nbsp;·&nbsp; a\\_b'
    assert markdown_to_plain(text) == "AMCT001 Add:0 → bias_add/BiasAdd:0\n\nREADME (https://x/y)  ·  a_b"
    table = "| pass | new |\n|---|---|\n| replace_add_pass | `bias_add` |"
    assert markdown_to_plain(table) == "| pass | new |\n| replace_add_pass | bias_add |"


def test_settings_shapes() -> None:
    assert parse_settings(None) == (Settings(), [])
    assert parse_settings({"amct": {"skipLayers": "a, b"}})[0].skip_layers == ("a", "b")
    settings, problems = parse_settings(["not", "an", "object"])
    assert settings == Settings() and problems
    assert parse_settings({"interpreter": "/usr/bin/python3"}) == (
        Settings(),
        [],
    )  # editor-only keys: ignored
    merged = merge_raw({"amct": {"enable": False, "logPath": "a"}}, {"logPath": "b"}, None)
    assert merged == {"enable": False, "logPath": "b"}


def test_settings_types_are_strict() -> None:
    settings, problems = parse_settings(
        {"logPath": 3, "modelPaths": ["a", 2], "models": {"*.py": ""}, "skipLayers": True}
    )
    assert settings == Settings()
    assert sorted(p.split()[0] for p in problems) == [
        "amct.logPath",
        "amct.modelPaths",
        "amct.models",
        "amct.skipLayers",
    ]
    assert parse_settings({"logPath": ""})[0].log_path is None
    assert parse_settings({"logPath": "a.log"})[0].log_path == "a.log"


def test_settings_schema_matches_package_json() -> None:
    """One schema: every server key is declared in package.json with the same JSON type, per resource, and
    every `amct.*` key package.json declares is either read by the server or known to be client-only."""
    manifest = json.loads((Path(__file__).resolve().parents[2] / "package.json").read_text())
    declared = manifest["contributes"]["configuration"]["properties"]
    client_only = {"amct.interpreter", "amct.trace.server"}
    assert set(declared) - client_only == {f"amct.{key.name}" for key in SCHEMA}
    for key in SCHEMA:
        entry = declared[f"amct.{key.name}"]
        assert entry["type"] == key.json_type, key.name
        assert entry["scope"] == "resource", key.name
        default, _ = parse_settings({key.name: entry["default"]})
        assert default == Settings(), key.name  # package.json's default is the server's default
    # `hidden` and `off` are filled from `severity` ("off", and AMCT900 unless it has a level)
    assert {f.name for f in fields(Settings)} - {"hidden", "off"} == {key.field for key in SCHEMA}
    codes = declared["amct.severity"]["properties"]
    assert set(codes) == {c.value for c in Code}
    assert all("off" in entry["enum"] for entry in codes.values())


# -- positions --

LINE = "    note = '网络𠀀'; x = 'Add:0'\n"


@pytest.mark.parametrize(("codec", "expected"), [(UTF32, 22), (UTF16, 23), (UTF8, 29)])
def test_to_client_position(codec: PositionCodec, expected: int) -> None:
    lines = lines_with_ends(LINE)
    col = LINE.index("'Add:0'")
    assert col == 22
    assert convert.to_client_position(lines, Position(0, col), codec) == types.Position(
        line=0, character=expected
    )
    back = convert.from_client_position(lines, types.Position(line=0, character=expected), codec)
    assert back == Position(0, col)


def test_positions_clamp_and_line_endings() -> None:
    lines = lines_with_ends("a\r\nbc\rd\x0ce\n")
    assert lines == ["a\r\n", "bc\r", "d\x0ce\n"]
    assert convert.to_client_position(lines, Position(1, 99), UTF16) == types.Position(line=1, character=2)
    assert convert.to_client_position(lines, Position(7, 0), UTF16) == types.Position(line=3, character=0)
    assert convert.to_client_position(["ab"], Position(5, 0), UTF16) == types.Position(line=0, character=2)


# -- diagnostics and fixes --

CHAIN = RenameChain(
    tail="Add",
    steps=(
        RenameStep(
            "replace_add_pass", "Add:0", "bias_add/BiasAdd:0", "Add + bias after Conv2D", Evidence.FAQ, True
        ),
        RenameStep(
            "quantize_model",
            "bias_add/BiasAdd:0",
            "search_n_quant/search_n_quant_SEARCHN/Identity:0",
            "searchN after the last layer",
            Evidence.LOG,
            False,
            timestamp="2020-09-01 09:31:04,896",
        ),
    ),
    notes=("AMCT may number the name differently.",),
)


def finding() -> Finding:
    fix = Fix("Use 'search_n_quant/...:0'", (TextEdit(span(0, 22, 29), "'new:0'"),))
    return Finding(
        code=Code.STALE_NAME,
        severity=Severity.ERROR,
        message="stale",
        path="/ws/quant.py",
        span=span(0, 22, 29),
        tensor="Add:0",
        chain=CHAIN,
        model="/ws/m.pb",
        fixes=(fix, Fix("other", (TextEdit(span(0, 0, 0), "# x\n"),), primary=False)),
        related=(Related("/ws/quant.py", span(0, 4, 8), "used here"),),
    )


def test_to_diagnostic() -> None:
    lines = lines_with_ends(LINE)
    (made,) = with_ignore_fixes([finding()], LINE)  # the engine appends the ignore fix
    diag = convert.to_diagnostic(
        made,
        lines,
        UTF16,
        uri="file:///ws/quant.py",
        version=3,
        overrides={Code.STALE_NAME: Severity.HINT},
    )
    assert diag.range == types.Range(
        start=types.Position(line=0, character=23), end=types.Position(line=0, character=30)
    )
    assert diag.severity == types.DiagnosticSeverity.Hint
    assert diag.code == "AMCT001" and diag.source == "amct"
    assert diag.code_description == types.CodeDescription(href="https://github.com/amct-lsp/amct-lsp#amct001")
    assert diag.tags is None
    related = diag.related_information or []
    assert [r.location.uri for r in related] == ["file:///ws/quant.py"]  # the finding's own, not the model
    assert related[0].location.range.start.character == 4
    assert isinstance(diag.data, dict) and diag.data["version"] == 3
    assert [f["primary"] for f in diag.data["fixes"]] == [True, False, False]

    quick = actions.quick_fixes(
        "file:///ws/quant.py", 3, lines, UTF16, [diag], lazy=False, document_changes=True
    )
    assert [a.title for a in quick] == ["Use 'search_n_quant/...:0'", "other", "Ignore AMCT001 on this line"]
    assert quick[0].is_preferred and not quick[1].is_preferred
    assert (
        actions.quick_fixes("file:///ws/quant.py", 4, lines, UTF16, [diag], lazy=False, document_changes=True)
        == []
    )


def test_diagnostic_data_is_typed_and_read_back_strictly() -> None:
    lines = lines_with_ends(LINE)
    diag = convert.to_diagnostic(finding(), lines, UTF16, uri="file:///ws/quant.py", version=3, overrides={})
    data = payloads.read_data(diag.data)
    assert data is not None and data.version == 3 and data.code == "AMCT001"
    assert data.fixes[0].edits[0].start == (0, 22)
    assert isinstance(diag.data, dict)
    for forged in (
        None,
        "x",
        {**diag.data, "layout": 2},
        {**diag.data, "line": "1"},
        {**diag.data, "fixes": 5},
    ):
        assert payloads.read_data(forged) is None, forged


def test_fix_all_skips_overlaps_and_duplicates() -> None:
    first = finding()
    same = Finding(Code.STALE_NAME, Severity.ERROR, "dup", "/ws/quant.py", span(0, 22, 29), fixes=first.fixes)
    overlap = Finding(
        Code.STALE_NAME,
        Severity.ERROR,
        "overlap",
        "/ws/quant.py",
        span(0, 20, 24),
        fixes=(Fix("x", (TextEdit(span(0, 20, 24), "zz"),)),),
    )
    edits = actions.fix_all_edits([first, same, overlap], lines_with_ends(LINE), UTF32)
    assert [(e.range.start.character, e.new_text) for e in edits] == [(22, "'new:0'")]


def test_fix_all_leaves_out_a_partly_overlapping_fix_whole() -> None:
    """The editor's fix-all and `check --fix` choose the same edits: never half of a multi-edit fix."""
    first = finding()
    two_edits = Fix("y", (TextEdit(span(0, 4, 8), "memo"), TextEdit(span(0, 25, 27), "zz")))
    partly = Finding(
        Code.STALE_NAME, Severity.ERROR, "partly", "/ws/quant.py", span(0, 4, 8), fixes=(two_edits,)
    )
    edits = actions.fix_all_edits([first, partly], lines_with_ends(LINE), UTF32)
    assert [(e.range.start.character, e.new_text) for e in edits] == [(22, "'new:0'")]


def test_fix_all_never_applies_a_guess() -> None:
    """Fix-all (the command and `source.fixAll.amct` on save) takes only safe fixes: an AMCT002 "did you
    mean" stays a quick fix the user picks."""
    guess = Finding(
        Code.UNKNOWN_NAME,
        Severity.ERROR,
        "'Ad:0' is not in the model; did you mean 'Add:0'?",
        "/ws/quant.py",
        span(0, 4, 8),
        fixes=(Fix("AMCT002: did you mean 'Add:0'?", (TextEdit(span(0, 4, 8), "'Add:0'"),), safe=False),),
    )
    edits = actions.fix_all_edits([guess, finding()], lines_with_ends(LINE), UTF32)
    assert [(e.range.start.character, e.new_text) for e in edits] == [(22, "'new:0'")]
    assert actions.fix_all_edits([guess], lines_with_ends(LINE), UTF32) == []


def test_wants() -> None:
    assert actions.wants(None, actions.FIX_ALL_KIND)
    assert actions.wants(["source"], actions.FIX_ALL_KIND)
    assert actions.wants(["source.fixAll"], actions.FIX_ALL_KIND)
    assert not actions.wants(["quickfix"], actions.FIX_ALL_KIND)
    assert not actions.wants(["source.organizeImports"], actions.FIX_ALL_KIND)


# -- hover text --


def test_chain_markdown() -> None:
    assert chains.chain_line(CHAIN) == (
        "Add:0 → bias_add/BiasAdd:0 → search_n_quant/search_n_quant_SEARCHN/Identity:0"
    )
    steps = markdown.step_lines(CHAIN)
    assert "vendor FAQ" in steps[0]
    assert "confirmed by the AMCT log (2020-09-01 09:31:04,896)" in steps[1]


def test_document_status_goes_out_in_camel_case() -> None:
    status = payloads.DocumentStatus(
        "file:///ws/q.py", 2, "checked", model_path="/ws/m.pb", config_paths=("/ws/c.json",)
    )
    wire = payloads.make_converter().unstructure(status)
    assert wire == {
        "uri": "file:///ws/q.py",
        "version": 2,
        "state": "checked",
        "modelPath": "/ws/m.pb",
        "logPath": None,
        "configPaths": ["/ws/c.json"],
        "message": None,
    }
