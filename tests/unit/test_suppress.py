"""The ignore-comment fix the engine adds to every finding (check/suppress.py)."""

from __future__ import annotations

from pathlib import Path

from amct_lsp.check import apply_edits, check_source
from amct_lsp.check.suppress import ignore_fix
from amct_lsp.model.cache import ModelCache

SEED = Path(__file__).resolve().parents[2] / "examples" / "seed" / "quant.py"


def test_ignore_fix_appends_or_extends_the_comment() -> None:
    lines = ["x = 'Add:0'\n", "y = 'Add:0'  # amct: ignore[AMCT002]\n", "z = 1  # amct: ignore\n", "\n"]
    add = ignore_fix(lines, 0, "AMCT001")
    assert add is not None and not add.primary and add.message == "Ignore AMCT001 on this line"
    assert apply_edits("".join(lines), add.edits).splitlines()[0] == "x = 'Add:0'  # amct: ignore[AMCT001]"
    extend = ignore_fix(lines, 1, "AMCT001")
    assert extend is not None and [e.new_text for e in extend.edits] == ["AMCT002, AMCT001"]
    assert ignore_fix(lines, 1, "AMCT002") is None  # already ignored
    assert ignore_fix(lines, 2, "AMCT001") is None  # a bare ignore covers every code
    empty = ignore_fix(lines, 3, "AMCT001")
    assert empty is not None and [e.new_text for e in empty.edits] == ["# amct: ignore[AMCT001]"]
    assert ignore_fix(lines, 9, "AMCT001") is None


def test_every_finding_offers_it_last_and_it_silences_the_finding() -> None:
    source = SEED.read_text(encoding="utf-8")
    cache = ModelCache()
    (finding,) = check_source(source, str(SEED), cache=cache).findings
    last = finding.fixes[-1]
    assert not last.primary and last.message == "Ignore AMCT001 on this line"
    assert finding.primary_fix is not None and finding.primary_fix is not last
    silenced = apply_edits(source, last.edits)
    assert check_source(silenced, str(SEED), cache=cache).findings == []
