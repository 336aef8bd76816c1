"""Fuzzing the server with random edits of the corpus scripts: didChange sequences, then hover, code actions
and diagnostics answer without error, and no edit is ever offered for a version that is not the document's
current one.

One server process serves every example (hypothesis drives a synchronous test; the session lives on its
own event loop for the module). Each example opens a corpus script next to its model, edits it, asks, and
closes it, so examples do not depend on each other.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_helpers import Session, capabilities, start_session
from lsprotocol import types
from test_robustness import Doc, position_of

from support.corpus import SCRIPTS, build_project
from support.edits import Edit, edits

EXAMPLES = 30
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass
class Fuzz:
    loop: asyncio.AbstractEventLoop
    session: Session
    projects: dict[str, tuple[str, Path]]

    def run(self, coro: Coroutine[Any, Any, None]) -> None:
        self.loop.run_until_complete(asyncio.wait_for(coro, 60))


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory, fixture_path: Callable[[str], Path]) -> Iterator[Fuzz]:
    projects = {}
    for script in SCRIPTS:
        source, copy = build_project(script, tmp_path_factory.mktemp(script.stem), fixture_path)
        projects[script.name] = (source, copy)
    loop = asyncio.new_event_loop()
    manager = start_session(caps=capabilities(), root=None)
    session = loop.run_until_complete(manager.__aenter__())
    try:
        yield Fuzz(loop, session, projects)
    finally:
        with contextlib.suppress(Exception):
            loop.run_until_complete(manager.__aexit__(None, None, None))
        loop.close()


def lsp_change(doc: Doc, edit: Edit) -> int:
    start, end = edit.span(doc.text)
    rng = types.Range(start=position_of(doc.text, start), end=position_of(doc.text, end))
    return doc.edit((rng, edit.text))


def edit_versions(actions: list[types.CodeAction], uri: str) -> set[int | None]:
    out = set()
    for action in actions:
        for change in (action.edit.document_changes or []) if action.edit else []:
            assert isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
            out.add(change.text_document.version)
    return out


async def example(s: Session, doc: Doc, changes: list[Edit], spots: list[float]) -> None:
    failures = len([m for m in s.messages() if "failed" in m])
    for change in changes:
        lsp_change(doc, change)
    diagnostics = await doc.published()
    for spot in spots:
        await s.hover(doc.uri, *_at(doc, spot))
    everything = types.Range(
        start=types.Position(line=0, character=0), end=position_of(doc.text, len(doc.text))
    )
    actions = await s.code_actions(doc.uri, diagnostics, everything)
    assert edit_versions(actions, doc.uri) <= {doc.version}
    # The document moves on before the client asks: nothing computed for the old text may come back.
    lsp_change(doc, Edit(0.5, 0, " "))
    stale = await s.code_actions(doc.uri, diagnostics, everything)
    assert edit_versions(stale, doc.uri) <= {doc.version}, "an edit for a stale version"
    fix_all = await s.code_actions(doc.uri, [], everything, only=["source.fixAll"])
    assert edit_versions(fix_all, doc.uri) <= {doc.version}
    await doc.published()
    assert len([m for m in s.messages() if "failed" in m]) == failures, s.messages()[-3:]


def _at(doc: Doc, spot: float) -> tuple[int, int]:
    p = position_of(doc.text, int(spot * len(doc.text)))
    return p.line, p.character


@SETTINGS
@given(
    name=st.sampled_from([s.name for s in SCRIPTS]),
    changes=st.lists(edits, min_size=1, max_size=4),
    spots=st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=3),
)
def test_random_edit_sequences_over_lsp(
    fuzz: Fuzz, name: str, changes: list[Edit], spots: list[float]
) -> None:
    source, path = fuzz.projects[name]
    doc = Doc(fuzz.session, path, source)
    try:
        fuzz.run(example(fuzz.session, doc, changes, spots))
    finally:
        fuzz.session.close(doc.uri)
