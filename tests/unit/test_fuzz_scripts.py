"""Fuzzing the engine with random edits of the corpus scripts (tests/scripts/): `check_source` never raises,
and whatever it reports lies inside the text it was given, with fixes that apply cleanly.

Every corpus project (script + model) is built once; examples are few (see SETTINGS) so the whole file
runs in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amct_lsp.check import apply_edits, check_source
from amct_lsp.check.findings import Span
from amct_lsp.model.cache import ModelCache
from support.corpus import SCRIPTS, build_project
from support.edits import Edit, edits

EXAMPLES = 150
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def projects(
    tmp_path_factory: pytest.TempPathFactory, fixture_path: Callable[[str], Path]
) -> dict[str, tuple[str, Path]]:
    """Script name → (its text, where its copy lives next to its model)."""
    out = {}
    for script in SCRIPTS:
        source, copy = build_project(script, tmp_path_factory.mktemp(script.stem), fixture_path)
        out[script.name] = (source, copy)
    return out


CACHE = ModelCache()


def inside(span: Span, lines: list[str]) -> bool:
    def ok(line: int, column: int) -> bool:
        return 0 <= line < max(len(lines), 1) and 0 <= column <= len(lines[line] if lines else "")

    return ok(span.start.line, span.start.character) and ok(span.end.line, span.end.character)


@SETTINGS
@given(name=st.sampled_from([s.name for s in SCRIPTS]), changes=st.lists(edits, min_size=1, max_size=4))
def test_random_edits_of_corpus_scripts(
    projects: dict[str, tuple[str, Path]], name: str, changes: list[Edit]
) -> None:
    source, path = projects[name]
    for change in changes:
        source = change.apply(source)
    result = check_source(source, str(path), cache=CACHE, root=str(path.parent))
    lines = [line.rstrip("\r\n") for line in source.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    for finding in result.findings:
        assert inside(finding.span, lines), (finding, name)
        for fix in finding.fixes:
            assert all(inside(e.span, lines) for e in fix.edits), (fix, name)
            apply_edits(source, fix.edits)  # raises on overlapping or out-of-range edits
    for info in result.names:
        assert inside(info.span, lines), (info, name)
