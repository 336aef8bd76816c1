"""Which AMCT version's rules are used: parsing, the resolution order, the installed distribution's metadata
(read, never imported), the CLI option and the setting, and what each version's pass list is."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.amct.driver import PASS_TABLE, passes_for, predict
from amct_lsp.amct.passes import mul_fusion, replace_add
from amct_lsp.amct.versions import (
    FUSIONS_SINCE,
    NEWEST,
    OP_ADD_EXTENDED_SINCE,
    AmctVersion,
    RuleVersion,
    installed_version,
    resolve_rules,
)
from amct_lsp.cli import main
from amct_lsp.explain_cmd import run_explain
from amct_lsp.lsp.settings import Settings, parse_settings
from amct_lsp.model.reader import read_model

FixturePath = Callable[[str], Path]


def v(text: str) -> AmctVersion:
    return AmctVersion.parse(text)


def test_versions_parse_and_order() -> None:
    assert v("8.0.RC3") < v("8.0") == v("8.0.0") < v("8.0.1") < v("8.1.RC1") < v("9.0")
    assert v("7.0.RC1") < v("7.0") < FUSIONS_SINCE < OP_ADD_EXTENDED_SINCE
    assert v("8.0.rc2") < OP_ADD_EXTENDED_SINCE and v("8.0.RC3") == OP_ADD_EXTENDED_SINCE
    assert v("6.0.RC1.alpha002") == v("6.0.RC1")  # later parts of a wheel version are ignored
    assert str(v(" 7.0 ")) == "7.0"
    for bad in ("", "7", "latest", "seven.0", "7.x"):
        with pytest.raises(ValueError, match="not an AMCT version"):
            v(bad)


def test_pass_table_per_version() -> None:
    """7.0 runs today's FAQ passes exactly; 8.0 adds the Mul fusion; 8.0.RC3 and the default swap in the
    extended OP+Add replacement."""
    names = [type(p).__name__ for p in passes_for(RuleVersion(v("7.0"), ""))]
    assert names == ["ReplaceBnPass", "ReplaceAddPass", "ConvBnFusionPass", "SearchNPass"]
    assert replace_add.PASS in passes_for(RuleVersion(v("7.0"), ""))
    eight = passes_for(RuleVersion(v("8.0.RC1"), ""))
    assert mul_fusion.PASS in eight and replace_add.PASS in eight and replace_add.EXTENDED not in eight
    for rules in (RuleVersion(v("8.0.RC3"), ""), RuleVersion(v("9.0"), ""), NEWEST):
        chosen = passes_for(rules)
        assert replace_add.EXTENDED in chosen and replace_add.PASS not in chosen
        assert mul_fusion.PASS in chosen
    assert all(entry.source for entry in PASS_TABLE)


def _fake_dist(folder: Path, version: str, name: str = "amct_tensorflow") -> Path:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return folder


def test_installed_version_is_read_from_metadata(tmp_path: Path) -> None:
    site = _fake_dist(tmp_path / "site-packages", "7.0.RC1")
    found = installed_version([str(site)])
    assert found is not None and found[0] == "7.0.RC1" and str(site) in found[1]
    assert "amct_tensorflow" not in sys.modules  # metadata only: nothing imported
    assert installed_version([str(tmp_path / "empty")]) is None


def test_resolution_order(tmp_path: Path) -> None:
    site = str(_fake_dist(tmp_path / "site", "8.0.RC1"))
    # 1. the user's version wins over everything
    rules = resolve_rules("7.0", "--amct-version", project="9.0", search_paths=[site])
    assert rules.version == v("7.0") and rules.source == "from --amct-version 7.0"
    # 2. then the project's ([tool.amct], issue 12)
    rules = resolve_rules(None, project="8.0", search_paths=[site])
    assert rules.version == v("8.0") and "pyproject.toml" in rules.source
    # 3. then the installed distribution
    rules = resolve_rules(None, search_paths=[site])
    assert rules.version == v("8.0.RC1") and "amct_tensorflow 8.0.RC1 is installed in" in rules.source
    assert rules.describe().startswith("AMCT 8.0.RC1 (FAQ + 8.0 fusions)")
    # 4. else the newest documented behaviour
    assert resolve_rules(None, search_paths=[str(tmp_path / "none")]) is NEWEST
    assert NEWEST.describe().startswith("newest documented AMCT (8.0.RC3+)")
    with pytest.raises(ValueError):
        resolve_rules("eight")
    odd = resolve_rules(None, search_paths=[str(_fake_dist(tmp_path / "odd", "unknown"))])
    assert odd.version is None and "cannot be read" in odd.source


def test_explain_says_which_rules(fixture_path: FixturePath) -> None:
    out, err = io.StringIO(), io.StringIO()
    args = argparse.Namespace(model=str(fixture_path("neg_add_2d")), format="text", amct_version="7.0")
    assert run_explain(args, out, err) == 0
    text = out.getvalue()
    assert "Rules: AMCT 7.0 (vendor FAQ rules only): from --amct-version 7.0" in text
    assert "keeps its name" in text
    out = io.StringIO()
    assert run_explain(argparse.Namespace(model=args.model, format="text", amct_version="8.0.RC3"), out) == 0
    assert "becomes search_n_quant/search_n_quant_SEARCHN/Identity:0" in out.getvalue()


def test_cli_rejects_a_bad_version(fixture_path: FixturePath, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(fixture_path("s1_add")), "--amct-version", "latest"]) == 2
    assert "--amct-version: 'latest' is not an AMCT version" in capsys.readouterr().err
    script = Path(__file__).resolve().parents[1] / "scripts" / "calib_outputs_ok.py"
    assert main(["check", str(script), "--amct-version", "x"]) == 2
    assert "--amct-version" in capsys.readouterr().err


def test_setting(tmp_path: Path) -> None:
    settings, problems = parse_settings({"amctVersion": "7.0"})
    assert problems == [] and settings.amct_version == "7.0"
    assert settings.rules().version == v("7.0")
    assert "the amct.amctVersion setting" in settings.rules().source
    settings, problems = parse_settings({"amctVersion": "seven"})
    assert settings == Settings() and problems and "amct.amctVersion must be an AMCT version" in problems[0]
    assert parse_settings({"amctVersion": ""})[0].amct_version is None


def test_prediction_records_its_rules(fixture_path: FixturePath) -> None:
    graph = read_model(fixture_path("s1_add"))
    assert predict(graph).rules == NEWEST.describe()
    assert predict(graph, rules=RuleVersion(v("7.0"), "from X")).rules.endswith("from X")
