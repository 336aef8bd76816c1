"""Issue 13 item 7: a config AMCT cannot use (bad JSON, a 5,000-digit number, deep nesting) is one warning
finding, never an internal error: the rest of the check, and every other file's findings, go on."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check import check_source
from amct_lsp.check.findings import Code, Severity
from amct_lsp.cli import main
from amct_lsp.model.cache import ModelCache

SCRIPT = """\
import tensorflow as tf
import amct_tensorflow as amct
with tf.gfile.GFile('./model/s3_conv2d.pb', 'rb') as f:
    pass
graph = tf.get_default_graph()
amct.quantize_model(graph, './{config}', './r.txt')
with tf.Session() as sess:
    sess.run('Conv2D:0')
"""

BAD_CONFIGS = {
    "not-json": '{"version": 1, "Conv2D": {"quant_enable": false',
    "5000-digit-number": '{"version": 1' + "0" * 5000 + "}",
    "deep-nesting": "[" * 100_000 + "]" * 100_000,
}


@pytest.fixture
def project(tmp_path: Path, fixture_path: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "model").mkdir()
    shutil.copyfile(fixture_path("s3_conv2d"), tmp_path / "model" / "s3_conv2d.pb")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("content", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_check_source_reports_the_real_finding_and_one_warning(project: Path, content: str) -> None:
    (project / "bad.json").write_text(content, encoding="utf-8")
    script = project / "quant.py"
    script.write_text(SCRIPT.format(config="bad.json"), encoding="utf-8")
    result = check_source(script.read_text(), str(script), cache=ModelCache(), root=str(project))
    assert [(f.code, f.severity) for f in result.findings] == [
        (Code.MODEL_PROBLEM, Severity.WARNING),
        (Code.STALE_NAME, Severity.ERROR),
    ]
    warning = result.findings[0]
    assert "bad.json" in warning.message and "predicted without it" in warning.message
    assert warning.span.start.line == 5  # the config's string in quantize_model
    assert result.findings[1].tensor == "Conv2D:0"


@pytest.mark.parametrize("content", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_cli_check_goes_on_past_a_bad_config(
    project: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "bad.json").write_text(content, encoding="utf-8")
    (project / "a_bad.py").write_text(SCRIPT.format(config="bad.json"), encoding="utf-8")
    (project / "b_good.py").write_text(SCRIPT.format(config="c.json"), encoding="utf-8")
    code = main(["check", "a_bad.py", "b_good.py"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert "a_bad.py:6:28: AMCT004 The AMCT config cannot be used" in out
    assert "a_bad.py:8:14: AMCT001 stale output 'Conv2D:0'" in out
    assert "b_good.py:8:14: AMCT001 stale output 'Conv2D:0'" in out
    assert out.splitlines()[-1].startswith("Found 3 findings in 2 files")


@pytest.mark.parametrize("content", BAD_CONFIGS.values(), ids=BAD_CONFIGS.keys())
def test_explain_with_a_bad_config_says_so_in_one_line(
    project: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "bad.json").write_text(content, encoding="utf-8")
    code = main(["explain", "--config", "bad.json", "model/s3_conv2d.pb"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("amct-lsp explain: The AMCT config file 'bad.json' ")
    assert err.count("\n") == 1 and "Traceback" not in err


BIG = "9" * 5000
#: A line added to the script, and the findings expected: (code, 0-based line).
BAD_SCRIPT_LINES = {
    "5000-digit-number": (f"n = {BIG}\nsess.run('Conv2D:%d' % n)\nsess.run(str({BIG}))\n", [("AMCT001", 7)]),
    "deep-f-string": (
        'sess.run(f"{' + "(" * 90 + "'Conv2D'" + ")" * 90 + '}:1")\n',
        [("AMCT001", 7), ("AMCT002", 8)],  # the f-string is evaluated: 'Conv2D:1' does not exist
    ),
    "long-f-string-chain": ('sess.run(f"{' + "+".join(["'C'"] * 3000) + '}:0")\n', [("AMCT900", 8)]),
}


@pytest.mark.parametrize(("tail", "expected"), BAD_SCRIPT_LINES.values(), ids=BAD_SCRIPT_LINES.keys())
def test_odd_script_input_never_escapes_as_an_internal_error(
    project: Path, tail: str, expected: list[tuple[str, int]]
) -> None:
    (project / "c.json").write_text("{}", encoding="utf-8")
    script = project / "quant.py"
    script.write_text(SCRIPT.format(config="c.json") + tail, encoding="utf-8")
    result = check_source(script.read_text(), str(script), cache=ModelCache(), root=str(project))
    assert [(f.code.value, f.span.start.line) for f in result.findings] == expected
