"""A corpus of realistic quantization scripts (tests/scripts/), each with its expected findings marked inline.

Each script says which fixture model it loads and where: `# corpus: model=<fixture> at=<relative path>`, and
marks every line that must get a finding with `# expect: AMCT00N`. The test builds that project in a temp
folder, checks it, then applies every primary fix and checks again.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check import apply_edits, check_source, primary_edits
from amct_lsp.model.cache import ModelCache

CORPUS = Path(__file__).resolve().parents[1] / "scripts"
SCRIPTS = sorted(CORPUS.glob("*.py"))
_SETUP = re.compile(r"# corpus: model=(?P<model>\S+) at=(?P<at>\S+)")
_EXPECT = re.compile(r"# expect: (?P<codes>AMCT\d{3}(?:\s*,\s*AMCT\d{3})*)")


def expected(source: str) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    for number, line in enumerate(source.splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            out.update((number, code.strip()) for code in match.group("codes").split(","))
    return out


def test_corpus_is_there() -> None:
    assert len(SCRIPTS) >= 8


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_corpus_script(script: Path, tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    source = script.read_text(encoding="utf-8")
    setup = _SETUP.search(source)
    assert setup is not None, "corpus scripts say which model they load"
    target = tmp_path / setup.group("at")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture_path(setup.group("model")), target)
    copy = tmp_path / script.name
    copy.write_text(source, encoding="utf-8")
    cache = ModelCache()

    result = check_source(source, str(copy), cache=cache, root=str(tmp_path))
    assert result.model_path == str(target), result.model_note
    got = {(f.span.start.line + 1, f.code.value) for f in result.findings}
    assert got == expected(source), [f.message for f in result.findings]

    fixed = apply_edits(source, primary_edits(result.findings))
    compile(fixed, str(copy), "exec")
    again = check_source(fixed, str(copy), cache=cache, root=str(tmp_path))
    unfixable = {(f.code.value, f.tensor) for f in result.findings if f.primary_fix is None}
    assert {(f.code.value, f.tensor) for f in again.findings} <= unfixable
