"""A corpus of realistic quantization scripts (tests/scripts/), each with its expected findings marked inline.

Each script says which fixture model it loads and where: `# corpus: model=<fixture> at=<relative path>`, may
add files next to it (`# corpus: file=config.json text=<one line of content>`), and marks every line that
must get a finding with `# expect: AMCT00N`. A line without a mark must get none: false positives fail the
test as surely as misses. The tests build that project in a temp folder, check it, then apply the fixes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.amct.versions import AmctVersion, RuleVersion
from amct_lsp.check import CheckResult, apply_edits, check_source, primary_edits
from amct_lsp.check.findings import Code
from amct_lsp.check.messages import MAX_MESSAGE
from amct_lsp.model.cache import ModelCache
from support.corpus import build_with_model

CORPUS = Path(__file__).resolve().parents[1] / "scripts"
SCRIPTS = sorted(CORPUS.glob("*.py"))
_EXPECT = re.compile(r"# expect: (?P<codes>AMCT\d{3}(?:\s*,\s*AMCT\d{3})*)")


def expected(source: str) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    for number, line in enumerate(source.splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            out.update((number, code.strip()) for code in match.group("codes").split(","))
    return out


def build(script: Path, tmp_path: Path, fixture_path: Callable[[str], Path]) -> tuple[str, Path, Path]:
    """(source, the script's copy, the model's copy) in a fresh project folder."""
    return build_with_model(script, tmp_path, fixture_path)


def pairs(result: CheckResult) -> Counter[tuple[str, str | None]]:
    return Counter((f.code.value, f.tensor) for f in result.findings)


def test_corpus_is_there() -> None:
    assert len(SCRIPTS) >= 24


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_corpus_script(script: Path, tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    source, copy, target = build(script, tmp_path, fixture_path)
    cache = ModelCache()

    result = check_source(source, str(copy), cache=cache, root=str(tmp_path))
    assert result.model_path == str(target), result.model_note
    got = {(f.span.start.line + 1, f.code.value) for f in result.findings}
    assert got == expected(source), [f.message for f in result.findings]
    for finding in result.findings:
        if finding.code is Code.STALE_NAME:  # short and actionable; the consequence is detail (issue 11)
            assert len(finding.message) <= MAX_MESSAGE and "\n" not in finding.message, finding.message
            assert "→" in finding.message and finding.consequence, finding

    fixed = apply_edits(source, primary_edits(result.findings))
    compile(fixed, str(copy), "exec")
    again = check_source(fixed, str(copy), cache=cache, root=str(tmp_path))
    unfixable = {(f.code.value, f.tensor) for f in result.findings if f.bulk_fix is None}
    assert {(f.code.value, f.tensor) for f in again.findings} <= unfixable


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_every_fix_alone_parses_and_clears_its_finding(
    script: Path, tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    """Each fix of each finding (the primary one and the calib_outputs one), applied on its own, leaves a
    script that compiles, one finding fewer for that name, and no new finding."""
    source, copy, _ = build(script, tmp_path, fixture_path)
    cache = ModelCache()
    result = check_source(source, str(copy), cache=cache, root=str(tmp_path))
    before = pairs(result)
    tried = 0
    for finding in result.findings:
        for fix in finding.fixes:
            tried += 1
            fixed = apply_edits(source, fix.edits)
            compile(fixed, f"{copy} after '{fix.message}'", "exec")
            after = pairs(check_source(fixed, str(copy), cache=cache, root=str(tmp_path)))
            key = (finding.code.value, finding.tensor)
            assert after[key] < before[key], fix.message
            assert set(after) <= set(before), (fix.message, after)
    assert tried >= sum(1 for f in result.findings if f.primary_fix is not None)


@pytest.mark.parametrize(
    ("version", "stale"), [("7.0", False), ("8.0", False), ("8.3.RC1", False), ("8.5", True)]
)
def test_conv3d_mul_script_follows_the_amct_version(
    tmp_path: Path, fixture_path: Callable[[str], Path], version: str, stale: bool
) -> None:
    """The Conv3D+Mul fusion is on the 8.5+ fusion pages only: before that the fetch of `mul:0` is fine."""
    source, copy, _ = build(CORPUS / "video_conv3d_scaled.py", tmp_path, fixture_path)
    rules = RuleVersion(AmctVersion.parse(version), f"from --amct-version {version}")
    result = check_source(source, str(copy), cache=ModelCache(), root=str(tmp_path), rules=rules)
    assert pairs(result) == (Counter({("AMCT001", "mul:0"): 1}) if stale else Counter())
