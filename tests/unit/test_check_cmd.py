"""`amct-lsp check`: output formats, exit codes, --fix (atomic, encoding-preserving), robust reading."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from amct_lsp import check_cmd, check_jobs
from amct_lsp.check import files as check_files
from amct_lsp.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "quant.py")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "quant.py:16:25: AMCT001 stale output 'Add:0' → use "
        "'search_n_quant/search_n_quant_SEARCHN/Identity:0' after quantize_model"
    )
    assert any(
        line.startswith("    consequence: as written, layer 'Conv2D' gets no calibration record")
        for line in lines
    )
    assert "    chain (predicted):" in lines
    assert "      replace_add_pass: Add:0 → bias_add/BiasAdd:0  [vendor FAQ]" in lines
    assert "    fix: AMCT001: use 'search_n_quant/…/Identity:0'" in lines
    assert lines[-1] == "Found 1 finding in 1 file; 1 fixable with --fix."


def test_json_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", "quant.py")
    assert code == 1
    (item,) = json.loads(out)
    assert list(item) == [
        "code", "severity", "message", "filename", "location", "end_location", "tensor",
        "replacement", "chain", "evidence", "model", "consequence", "fix", "fixes", "rules",
    ]  # fmt: skip
    assert item["rules"]["version"] is None  # the newest documented rules: no version set, none installed
    assert item["rules"]["summary"].startswith("newest documented AMCT (8.5+)")
    assert item["code"] == "AMCT001" and item["severity"] == "error"
    assert item["filename"] == str(seed)
    assert item["location"] == {"row": 16, "column": 25} and item["end_location"] == {"row": 16, "column": 32}
    assert item["tensor"] == "Add:0"
    assert item["replacement"] == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    assert [{k: s[k] for k in ("pass", "old", "new")} for s in item["chain"]] == [
        {"pass": "replace_add_pass", "old": "Add:0", "new": "bias_add/BiasAdd:0"},
        {
            "pass": "quantize_model",
            "old": "bias_add/BiasAdd:0",
            "new": "search_n_quant/search_n_quant_SEARCHN/Identity:0",
        },
    ]
    assert item["evidence"] == "predicted"
    assert "save_model fails" in item["consequence"]
    # One JSON shape for a chain: the steps `amct-lsp explain --format json` prints for the same tail.
    assert main(["explain", "--format", "json", str(seed.parent / "pb_model" / "case_1_1.pb")]) == 0
    (tail,) = [t for t in json.loads(capsys.readouterr().out) if t["output"] == "Add:0"]
    assert item["chain"] == tail["chain"]
    assert item["model"] == str(seed.parent / "pb_model" / "case_1_1.pb")
    (edit,) = item["fix"]["edits"]
    assert edit == {
        "location": {"row": 16, "column": 26},
        "end_location": {"row": 16, "column": 31},
        "content": "search_n_quant/search_n_quant_SEARCHN/Identity:0",
    }
    # Every fix is listed; only the preferred one is primary (the one --fix applies). The last one is the
    # ignore comment, which comes from the engine like the others.
    fixes = item["fixes"]
    assert [f["primary"] for f in fixes] == [True, False, False]
    assert fixes[0]["edits"] == item["fix"]["edits"]
    assert fixes[-1]["message"] == "Ignore AMCT001 on this line"
    assert fixes[-1]["edits"][0]["content"] == "  # amct: ignore[AMCT001]"


def test_json_nulls_for_model_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED / "quant.py", tmp_path / "quant.py")
    code, out, _ = run(capsys, "--format", "json", "quant.py")
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "AMCT004" and item["severity"] == "warning"
    assert item["replacement"] is None and item["chain"] is None and item["fix"] is None
    assert item["location"] == {"row": 14, "column": 18}  # the model path string


def test_github_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "github", "quant.py")
    assert code == 1
    assert out.startswith(
        "::error file=quant.py,line=16,col=25,endLine=16,endColumn=32,title=AMCT001::"
        "stale output 'Add:0' → use"
    )
    assert out.count("\n") == 1


def test_sarif_output(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "sarif", "quant.py")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["AMCT001", "AMCT002", "AMCT003", "AMCT004", "AMCT900"]
    (result,) = run_["results"]
    assert result["ruleId"] == "AMCT001" and rules[result["ruleIndex"]]["id"] == "AMCT001"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == seed.as_uri()
    assert location["region"] == {"startLine": 16, "startColumn": 25, "endLine": 16, "endColumn": 32}
    replacement = result["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "search_n_quant/search_n_quant_SEARCHN/Identity:0"
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 34


def test_fix_gives_the_hand_fixed_script(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--fix", "quant.py")
    assert code == 0
    assert "Fixed 1 finding in 1 file." in out and "All checks passed" in out
    assert seed.read_bytes() == (SEED / "quant_fixed.py").read_bytes()
    assert [p.name for p in seed.parent.iterdir() if p.name.endswith(".amct-tmp")] == []


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), "bom"),
        (lambda text: ("# -*- coding: gbk -*-\n" + text).encode("gbk"), "gbk"),
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "crlf"),
    ],
)
def test_fix_keeps_encoding_and_newlines(
    seed: Path, capsys: pytest.CaptureFixture[str], encode, label: str
) -> None:  # type: ignore[no-untyped-def]
    original = seed.read_text(encoding="utf-8")
    expected = (SEED / "quant_fixed.py").read_text(encoding="utf-8")
    seed.write_bytes(encode(original))
    code, out, _ = run(capsys, "quant.py")
    assert code == 1, out
    assert ":16:25: AMCT001" in out or ":17:25: AMCT001" in out
    code, _, _ = run(capsys, "--fix", "quant.py")
    assert code == 0
    assert seed.read_bytes() == encode(expected)


def test_invalid_bytes_are_reported_not_crashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_bytes(b"import amct_tensorflow as amct\nx = '\xff\xfe'\n")
    code, out, _ = run(capsys, "--format", "json", "bad.py")
    assert code == 1
    (item,) = json.loads(out)
    assert item["code"] == "AMCT900" and item["location"] == {"row": 2, "column": 6}
    assert "not valid utf-8" in item["message"]


def test_fix_is_atomic(
    seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seed.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(check_cmd.os, "replace", fail)
    code, _, err = run(capsys, "--fix", "quant.py")
    assert code == 2
    assert "cannot write the fix (No space left on device); file unchanged" in err
    assert seed.read_bytes() == before
    assert sorted(p.name for p in seed.parent.iterdir()) == ["pb_model", "quant.py"]


def test_exit_codes(seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "quant.py")[0] == 1
    (tmp_path / "clean.py").write_text("print('no amct here')\n")
    code, out, _ = run(capsys, "clean.py")
    assert code == 0 and out == "All checks passed (1 file).\n"
    code, _, err = run(capsys, "missing.py")
    assert code == 2 and "missing.py: no such file or directory" in err
    code, _, err = run(capsys, "--model", "nope.pb", "quant.py")
    assert code == 2 and "--model nope.pb" in err


def test_model_and_skip_layers_options(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--skip-layers", "Conv2D", "--format", "json", "quant.py")
    (item,) = json.loads(out)
    # Conv2D not quantized: no searchN, but replace_add still renames Add:0.
    assert item["replacement"] == "bias_add/BiasAdd:0"
    code, out, _ = run(
        capsys, "--model", str(seed.parent / "pb_model" / "case_1_1.pb"), "--format", "json", "."
    )
    assert code == 1 and len(json.loads(out)) == 1


def test_folder_and_log_options(seed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = seed.parent / "run.log"
    log.write_text(
        "2020-09-01 09:31:04,896 - WARNING - [AMCT]:[replace_add_pass]: "
        "Replace ADD at the end of the network! "
        "You need to replace the old output node by the new output node in inference process! "
        ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>The name of the old output node is 'Add:0' "
        "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<The name of the new output node is 'bias_add_7/BiasAdd:0'\n"
    )
    code, out, _ = run(capsys, "--log", str(log), "--format", "json", str(seed.parent))
    assert code == 1
    (item,) = json.loads(out)
    assert item["evidence"] == "amct-log" and item["replacement"] == "bias_add_7/BiasAdd:0"


def test_internal_errors_exit_2(
    seed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(check_jobs, "check_file", boom)
    code, _, err = run(capsys, "quant.py")
    assert code == 2 and "internal error: RuntimeError: bug" in err
    assert os.path.exists(seed)


# -- robustness and SARIF (adversarial QA) ------------------------------------------------------------------

_SARIF_LEVELS = {"none", "note", "warning", "error"}


def _check_region(region: dict[str, object]) -> None:
    assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
    values = [region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")]
    assert all(isinstance(v, int) and v >= 1 for v in values), region  # 1-based everywhere
    assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])


def _check_artifact(location: dict[str, object]) -> None:
    uri = location["uri"]
    assert isinstance(uri, str) and uri.startswith("file:///") and " " not in uri


def validate_sarif(sarif: dict[str, object]) -> None:
    """The parts of SARIF 2.1.0 (OASIS, sections 3.13-3.56) that consumers like GitHub code scanning read."""
    assert sarif["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert sarif["version"] == "2.1.0"
    runs = sarif["runs"]
    assert isinstance(runs, list) and len(runs) == 1
    run_ = runs[0]
    assert run_["columnKind"] in ("utf16CodeUnits", "unicodeCodePoints")
    driver = run_["tool"]["driver"]
    assert driver["name"] == "amct-lsp" and driver["informationUri"].startswith("https://")
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert len(set(rule_ids)) == len(rule_ids)
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["defaultConfiguration"]["level"] in _SARIF_LEVELS
    assert run_["invocations"] == [{"executionSuccessful": True}]
    for result in run_["results"]:
        assert result["ruleId"] in rule_ids and rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in _SARIF_LEVELS and result["message"]["text"]
        assert len(result["locations"]) == 1
        physical = result["locations"][0]["physicalLocation"]
        _check_artifact(physical["artifactLocation"])
        _check_region(physical["region"])
        for index, related in enumerate(result.get("relatedLocations", [])):
            assert related["id"] == index and related["message"]["text"]
            _check_artifact(related["physicalLocation"]["artifactLocation"])
            if "region" in related["physicalLocation"]:
                _check_region(related["physicalLocation"]["region"])
        for fix in result.get("fixes", []):
            assert fix["description"]["text"] and fix["artifactChanges"]
            for change in fix["artifactChanges"]:
                _check_artifact(change["artifactLocation"])
                assert change["replacements"]
                for replacement in change["replacements"]:
                    _check_region(replacement["deletedRegion"])
                    assert isinstance(replacement["insertedContent"]["text"], str)


def test_sarif_is_valid_and_columns_are_code_points(
    seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several files, every kind of finding, a calib_outputs fix with several replacements, and a line with
    characters outside the BMP before the name (code points and UTF-16 units differ there)."""
    text = seed.read_text(encoding="utf-8").replace(
        "    infer_output_name = 'Add:0'", "    infer_output_name = ('😀😀', 'Add:0')[1]"
    )
    folder = tmp_path / "more scripts é"
    folder.mkdir()
    (folder / "emoji quant.py").write_text(text.replace("./pb_model", "../pb_model"), encoding="utf-8")
    (folder / "broken.py").write_text("import amct_tensorflow as amct\ndef f(:\n", encoding="utf-8")
    (folder / "lost.py").write_text("import amct_tensorflow as amct\namct.quantize_model(g, 'c', 'r')\n")
    code, out, _ = run(capsys, "--format", "sarif", "quant.py", str(folder))
    assert code == 1
    sarif = json.loads(out)
    validate_sarif(sarif)
    (run_,) = sarif["runs"]
    assert run_["columnKind"] == "unicodeCodePoints"
    by_rule: dict[str, list[dict[str, object]]] = {}
    for result in run_["results"]:
        by_rule.setdefault(result["ruleId"], []).append(result)
    assert sorted(by_rule) == ["AMCT001", "AMCT004", "AMCT900"]
    emoji = next(
        r
        for r in by_rule["AMCT001"]
        if "emoji" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    )
    line = text.splitlines()[15]
    region = emoji["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == line.index("'Add:0'") + 1  # code points, 1-based
    assert (
        emoji["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == (folder / "emoji quant.py").as_uri()
    )
    assert any(
        len(f["artifactChanges"][0]["replacements"]) >= 2 for r in by_rule["AMCT001"] for f in r["fixes"]
    )


def test_folder_walk_skips_tool_and_hidden_folders_and_is_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    monkeypatch.chdir(tmp_path)
    broken = "import amct_tensorflow as amct\ndef f(:\n"
    for skipped in (
        ".venv/lib",
        "venv",
        "node_modules/pkg",
        ".git/hooks",
        ".hidden",
        "__pycache__",
        "src/.tox",
    ):
        (tmp_path / skipped).mkdir(parents=True)
        (tmp_path / skipped / "x.py").write_text(broken)
    (tmp_path / "src" / ".dotfile.py").write_text(broken)
    plain = "import os\n\n\ndef f(x):\n    return os.path.join(x, 'a')\n" * 40
    for i in range(2000):
        (tmp_path / "src" / f"module_{i}.py").write_text(plain)
    (tmp_path / "src" / "real.py").write_text(broken)
    os.symlink("..", tmp_path / "src" / "loop")  # a folder symlink loop
    os.symlink("b.py", tmp_path / "src" / "a.py")  # a file symlink loop
    os.symlink("a.py", tmp_path / "src" / "b.py")
    os.symlink("missing.py", tmp_path / "src" / "dangling.py")
    started = time.perf_counter()
    code, out, err = run(capsys, "--format", "json", ".")
    assert time.perf_counter() - started < 10
    assert code == 1 and err == ""
    (item,) = json.loads(out)
    assert item["code"] == "AMCT900" and item["filename"] == str(tmp_path / "src" / "real.py")


def test_explicit_symlink_loop_and_unreadable_file_are_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    secret = tmp_path / "secret.py"
    secret.write_text("import amct_tensorflow as amct\n")
    real_read = check_files.read_script

    def read(path: str) -> object:
        if os.path.basename(path) == "secret.py":  # tests may run as root, where chmod 000 does not bite
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(check_files, "read_script", read)
    code, out, err = run(capsys, "a.py", "secret.py")
    assert code == 1 and err == "" and "Traceback" not in out
    assert "a.py:1:1: AMCT900 The script cannot be read: Too many levels of symbolic links." in out
    assert "secret.py:1:1: AMCT900 The script cannot be read: Permission denied." in out


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (bytes(range(256)) * 8, "not valid utf-8"),
        (b"import amct_tensorflow as amct\nx = 1\x00\n", "null bytes"),
        (b"\x00\x00\x00import amct_tensorflow", "null bytes"),
        (b"import amct_tensorflow as amct\ndef main(:\n    pass\n", "invalid syntax"),
    ],
    ids=["binary", "null-byte", "only-null-bytes", "syntax-error"],
)
def test_garbage_files_give_one_clear_finding(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_bytes(data)
    code, out, err = run(capsys, "--format", "json", "bad.py")
    assert code == 1 and err == ""
    (item,) = json.loads(out)
    assert item["code"] == "AMCT900" and words in item["message"]


def test_paths_with_spaces_and_non_ascii(
    seed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "量化 脚本"
    shutil.copytree(tmp_path / "pb_model", folder / "pb_model")
    shutil.copy(seed, folder / "quant 模型.py")
    code, out, _ = run(capsys, "量化 脚本")
    assert code == 1 and out.startswith("量化 脚本/quant 模型.py:16:25: AMCT001 ")
    code, out, _ = run(capsys, "--format", "github", "量化 脚本/quant 模型.py")
    assert code == 1 and out.startswith("::error file=量化 脚本/quant 模型.py,line=16,col=25,")
    code, _, _ = run(capsys, "--fix", "量化 脚本")
    assert code == 0
    assert (folder / "quant 模型.py").read_bytes() == (SEED / "quant_fixed.py").read_bytes()


@pytest.mark.slow
def test_twenty_thousand_line_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]

    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEED / "pb_model", tmp_path / "pb_model")
    helper = (
        "def helper_{i}(graph, sess, name='Conv2D:0'):\n"
        "    values = [name, 'input:0', '%s:%d' % ('Conv2D', 0)]\n"
        "    for value in values:\n"
        "        sess.run(graph.get_tensor_by_name(value))\n"
        "    return sess.run(name)\n\n\n"
    )
    body = "".join(helper.format(i=i) for i in range(2900))
    tail = (
        "def main():\n"
        "    load_pb('./pb_model/case_1_1.pb')\n"
        "    graph = tf.get_default_graph()\n"
        "    amct.quantize_model(graph, 'c.json', 'r.txt')\n"
        "    with tf.Session() as sess:\n"
        "        helper_1(graph, sess, 'Add:0')\n\n\n"
        "main()\n"
    )
    head = (
        "import tensorflow as tf\nimport amct_tensorflow as amct\n\n\n"
        "def load_pb(model_name):\n    with tf.gfile.GFile(model_name, 'rb') as f:\n        pass\n\n\n"
    )
    (tmp_path / "huge.py").write_text(head + body + tail)
    assert (head + body + tail).count("\n") > 20_000
    # How long it takes is measured by `make bench` (bench_lsp.py, the 20,000-line row), not asserted here.
    code, out, _ = run(capsys, "--format", "json", "huge.py")
    assert code == 1
    assert [(i["code"], i["tensor"]) for i in json.loads(out)] == [("AMCT001", "Add:0")]
