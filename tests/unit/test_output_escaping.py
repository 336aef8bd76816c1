"""Issue 13 items 9 and 12: what the outputs print is escaped, and file content never leaks into findings.

Non-UTF-8 file names (GBK bytes from a Windows zip) reach Python as lone surrogates; node names can hold
terminal escapes and newlines. Every format must stay valid (UTF-8 text, JSON, SARIF) and no raw control
character may reach a terminal or a CI log. The hostile model is the real seed graph with one node renamed
through our schema (a file no TensorFlow would write, which is the point).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from amct_lsp.cli import main
from amct_lsp.model import read_model_bytes, schema
from amct_lsp.safe_text import escape_json, escape_text

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
GBK_NAME = "中文".encode("gbk") + b".py"  # b"\xd6\xd0\xce\xc4.py": not UTF-8
SHOWN = "\\xd6\\xd0\\xce\\xc4.py"
HOSTILE = "Add\x1b[2J\x1b[31mred\nfake.py:1:1: AMCT001 forged\u202e"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    out.encode("utf-8")  # strict: a lone surrogate would raise here (and crash a UTF-8 stdout)
    err.encode("utf-8")
    return code, out, err


@pytest.fixture
def gbk_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the seed script under a GBK file name, and its model."""
    folder = tmp_path / "zip"
    folder.mkdir()
    shutil.copytree(SEED / "pb_model", folder / "pb_model")
    with open(os.path.join(os.fsencode(folder), GBK_NAME), "wb") as handle:
        handle.write((SEED / "quant.py").read_bytes())
    monkeypatch.chdir(folder)
    return folder


def test_safe_text_escapes() -> None:
    assert escape_text("a\x1b[31mb\nc\td\x00\x7f\x9b") == "a\\x1b[31mb\\nc\\td\\x00\\x7f\\x9b"
    assert escape_text(os.fsdecode(GBK_NAME)) == SHOWN
    assert escape_text("evil\u202etxt.py \u2066x") == "evil\\u202etxt.py \\u2066x"
    assert escape_text("a\nb\x1b", keep="\n") == "a\nb\\x1b"
    assert escape_text("模型 Add:0 C:\\x") == "模型 Add:0 C:\\x"  # printable text untouched
    encoded = json.dumps({"f": os.fsdecode(GBK_NAME)}, ensure_ascii=False)
    assert json.loads(escape_json(encoded)) == {"f": SHOWN}


def test_text_output_with_a_gbk_file_name(gbk_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", ".")
    assert code == 1 and err == ""
    assert out.startswith(f"{SHOWN}:16:25: AMCT001 stale output 'Add:0' → use ")


def test_json_and_sarif_with_a_gbk_file_name(gbk_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json", ".")
    assert code == 1
    (item,) = json.loads(out)
    assert item["filename"] == str(gbk_folder / SHOWN) and item["code"] == "AMCT001"
    code, out, _ = run(capsys, "check", "--format", "sarif", ".")
    assert code == 1
    (result,) = json.loads(out)["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("/zip/%D6%D0%CE%C4.py")  # the real bytes, percent-encoded: the file can be found


def test_github_with_a_gbk_file_name(gbk_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "github", ".")
    assert code == 1
    assert out.startswith(f"::error file={SHOWN},line=16,col=25,")


def test_gbk_file_name_through_a_utf8_stdout(gbk_folder: Path) -> None:
    """The reported bug end to end: a real process whose stdout is strict UTF-8 (it used to exit 2)."""
    env = dict(os.environ, PYTHONPATH=str(REPO / "server"), PYTHONIOENCODING="utf-8:strict")
    for fmt in ("text", "json", "github", "sarif"):
        done = subprocess.run(
            [sys.executable, "-m", "amct_lsp", "check", "--format", fmt, "."],
            capture_output=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, (fmt, done.stderr)
        text = done.stdout.decode("utf-8")  # valid UTF-8
        if fmt == "json":
            assert json.loads(text)[0]["filename"].endswith(SHOWN)
        elif fmt == "sarif":
            assert "%D6%D0%CE%C4.py" in json.dumps(json.loads(text))
        else:
            assert SHOWN in text, fmt


def hostile_model(folder: Path) -> Path:
    graph = schema.GraphDef.FromString((SEED / "pb_model" / "case_1_1.pb").read_bytes())
    for node in graph.node:
        if node.name == b"Add":  # our schema keeps strings as bytes
            node.name = HOSTILE.encode()
    path = folder / "hostile.pb"
    path.write_bytes(graph.SerializeToString())
    assert HOSTILE in {n.name for n in read_model_bytes(path.read_bytes()).nodes.values()}
    return path


def test_explain_escapes_node_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = hostile_model(tmp_path)
    code, out, _ = run(capsys, "explain", str(model))
    assert code == 0
    assert "\x1b" not in out and "\u202e" not in out
    assert not any(line.startswith("fake.py") for line in out.splitlines())
    assert "Tail Add\\x1b[2J\\x1b[31mred\\nfake.py:1:1: AMCT001 forged\\u202e:0" in out
    code, out, _ = run(capsys, "explain", "--format", "json", str(model))
    assert code == 0 and "\x1b" not in out
    assert HOSTILE + ":0" in [entry["output"] for entry in json.loads(out)]  # JSON keeps the real name


def test_check_escapes_node_names_in_every_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = hostile_model(tmp_path)
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    script = str(tmp_path / "quant.py")
    for fmt in ("text", "github", "json", "sarif"):
        code, out, _ = run(capsys, "check", "--format", fmt, "--model", str(model), script)
        assert code == 1
        assert "\x1b" not in out and "\u202e" not in out, fmt
        assert not any(line.startswith("fake.py") for line in out.splitlines()), fmt
        assert "AMCT002" in out, fmt  # 'Add:0' is gone; the message suggests the hostile name


def test_model_problem_never_quotes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`# amct: model=secret.json`: AMCT004 says where and what is wrong, never what the file holds."""
    (tmp_path / "secret.json").write_text('{"password": "hunter2"}\n', encoding="utf-8")
    (tmp_path / "notes.pbtxt").write_bytes(b"token: s3cr3t\x00\x01\n")
    for target in ("secret.json", "notes.pbtxt"):
        script = tmp_path / "quant.py"
        script.write_text(
            f"# amct: model={target}\n" + (SEED / "quant.py").read_text(encoding="utf-8"), encoding="utf-8"
        )
        for fmt in ("text", "json", "github", "sarif"):
            code, out, _ = run(capsys, "check", "--format", fmt, str(script))
            assert code == 1 and "AMCT004" in out
            for secret in ("password", "hunter2", "token", "s3cr3t", "\x00", "\\u0000", "\\x00"):
                assert secret not in out, (target, fmt, secret)
    code, out, err = run(capsys, "explain", str(tmp_path / "secret.json"))
    assert code == 2 and "hunter2" not in err
    assert "(line 1, column 1: identifier or number expected)" in err
