"""In-process tests of the server's failure handling and scheduling: exceptions forced inside features, a
check that never finishes, documents kept with LSP's line rules.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from amct_lsp.lsp import hover as markdown
from amct_lsp.lsp import server as srv
from amct_lsp.lsp.analysis import Analysis, Analyzer, Snapshot
from amct_lsp.lsp.convert import column_from_units, from_client_position
from amct_lsp.lsp.documents import LspTextDocument, is_python
from amct_lsp.lsp.features import commands
from amct_lsp.text import lines_with_ends

URI = "file:///ws/quant.py"


@pytest.fixture
def ls() -> srv.AmctLanguageServer:
    """A fresh server from the factory, as if the client's settings had been read (it has no client)."""
    server = srv.create_server()
    server.apply_settings(None)
    return server


@pytest.fixture
def logged(ls: srv.AmctLanguageServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the server sends to window/logMessage (the real server has no client here)."""
    out: list[str] = []
    monkeypatch.setattr(ls, "log_message", lambda message, kind=None: out.append(message))
    return out


async def call(ls: srv.AmctLanguageServer, method: str, *args: Any) -> Any:
    """Call the handler pygls would call for `method` (with the guard around it)."""
    return await ls.handlers[method](*args)


def test_every_request_goes_through_the_guard(ls: srv.AmctLanguageServer) -> None:
    """The factory installs each feature module's routes, every one behind the same wrapper."""
    requests = {
        types.TEXT_DOCUMENT_HOVER,
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CODE_ACTION_RESOLVE,
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        commands.CMD_APPLY_ALL,
        commands.CMD_EXPLAIN,
    }
    assert requests <= set(ls.handlers)
    for method, handler in ls.handlers.items():
        assert handler.__qualname__.startswith("guard.<locals>."), method
    assert srv.create_server() is not ls  # no module singleton: each call is a new server


def boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("forced failure")


async def broken_current(uri: str, attempts: int = 5) -> Analysis | None:
    raise RuntimeError("forced failure")


def text_position() -> types.TextDocumentPositionParams:
    return types.TextDocumentPositionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=0, character=0)
    )


async def test_exception_in_hover_is_logged_and_answered_empty(
    ls: srv.AmctLanguageServer, logged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ls.analyzer, "current", broken_current)
    pos = text_position()
    answer = await call(ls, types.TEXT_DOCUMENT_HOVER, types.HoverParams(pos.text_document, pos.position))
    assert answer is None
    assert len(logged) == 1 and "hover failed" in logged[0] and "forced failure" in logged[0]


async def test_exception_in_completion_is_logged_and_answered_empty(
    ls: srv.AmctLanguageServer, logged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ls.analyzer, "current", broken_current)
    pos = text_position()
    params = types.CompletionParams(text_document=pos.text_document, position=pos.position)
    assert await call(ls, types.TEXT_DOCUMENT_COMPLETION, params) is None
    assert len(logged) == 1 and "completion failed" in logged[0] and "forced failure" in logged[0]


async def test_exception_in_code_actions_and_commands(
    ls: srv.AmctLanguageServer, logged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ls, "snapshot", boom)
    monkeypatch.setattr(ls.analyzer, "current", broken_current)
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=URI),
        range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
        context=types.CodeActionContext(diagnostics=[]),
    )
    assert await call(ls, types.TEXT_DOCUMENT_CODE_ACTION, params) == []
    action = types.CodeAction(title="fix", data={"uri": URI, "version": 1, "kind": "fix", "fix": {}})
    resolved = await call(ls, types.CODE_ACTION_RESOLVE, action)
    assert resolved is action and resolved.edit is None
    assert await call(ls, commands.CMD_APPLY_ALL, URI) is False
    report = await call(ls, commands.CMD_EXPLAIN, URI)
    assert report.startswith("# amct") and "failed" in report
    pulled = await call(
        ls,
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI)),
    )
    assert isinstance(pulled, types.RelatedFullDocumentDiagnosticReport) and not pulled.items
    assert len(logged) == 5
    assert all("forced failure" in m for m in logged)


async def test_exception_in_hover_markdown(
    ls: srv.AmctLanguageServer, logged: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure deep inside the feature (the Markdown), not just at its entry."""
    snap = Snapshot(URI, "/ws/quant.py", 1, "x = 'Add:0'\n")
    from amct_lsp.check import CheckResult

    analysis = Analysis(snap, 1, CheckResult(path="/ws/quant.py"), lines=lines_with_ends(snap.source))

    async def current(uri: str, attempts: int = 5) -> Analysis:
        return analysis

    monkeypatch.setattr(ls.analyzer, "current", current)
    monkeypatch.setattr(markdown, "hover_at", boom)
    monkeypatch.setattr(srv.AmctLanguageServer, "codec", PositionCodec())
    pos = text_position()
    hover = types.HoverParams(pos.text_document, pos.position)
    assert await call(ls, types.TEXT_DOCUMENT_HOVER, hover) is None
    assert any("hover failed" in m for m in logged)


# -- scheduling --


class FakeDocs:
    def __init__(self) -> None:
        self.docs: dict[str, Snapshot] = {}

    def put(self, uri: str, version: int, text: str) -> None:
        self.docs[uri] = Snapshot(uri, uri.removeprefix("file://"), version, text)

    def get(self, uri: str) -> Snapshot | None:
        return self.docs.get(uri)


async def test_a_check_that_hangs_does_not_starve_other_documents() -> None:
    """Document A's check blocks (a model on a dead network share); edits to A keep coming; B is still
    checked at once, and A is checked again only for its newest version once the first check returns."""
    docs = FakeDocs()
    release = threading.Event()
    checked: list[tuple[str, int | None]] = []
    published: list[Analysis] = []

    def check(snap: Snapshot) -> Any:
        checked.append((snap.uri, snap.version))
        if snap.uri.endswith("a.py"):
            release.wait(10)
        return None

    executor = ThreadPoolExecutor(max_workers=2)
    analyzer = Analyzer(snapshot=docs.get, check=check, executor=executor, on_result=published.append)
    a, b = "file:///ws/a.py", "file:///ws/b.py"
    try:
        docs.put(a, 1, "a1")
        analyzer.schedule(a)
        await asyncio.sleep(0.05)
        for version in range(2, 12):
            docs.put(a, version, f"a{version}")
            analyzer.schedule(a, 0.001)
            await asyncio.sleep(0.01)
        docs.put(b, 1, "b1")
        analyzer.schedule(b)
        for _ in range(100):
            if any(p.snapshot.uri == b for p in published):
                break
            await asyncio.sleep(0.01)
        assert [p.version for p in published if p.snapshot.uri == b] == [1]
        assert analyzer.busy()
        release.set()
        for _ in range(200):
            if any(p.snapshot.uri == a for p in published):
                break
            await asyncio.sleep(0.01)
        assert [p.version for p in published if p.snapshot.uri == a] == [11]
        assert [v for u, v in checked if u == a] == [1, 11]
        assert analyzer.runs == 3
    finally:
        release.set()
        executor.shutdown(wait=True)


async def test_a_failing_check_is_reported_not_raised() -> None:
    docs = FakeDocs()
    docs.put(URI, 1, "x")
    published: list[Analysis] = []
    executor = ThreadPoolExecutor(max_workers=1)
    analyzer = Analyzer(snapshot=docs.get, check=boom, executor=executor, on_result=published.append)
    try:
        analysis = await analyzer.current(URI)
        assert analysis is not None and analysis.result is None
        assert analysis.error is not None and "forced failure" in analysis.error
    finally:
        executor.shutdown(wait=True)


# -- documents --


def doc(text: str, encoding: str = "utf-16") -> LspTextDocument:
    return LspTextDocument(URI, source=text, version=1, position_codec=PositionCodec(encoding))


def change(d: LspTextDocument, l1: int, c1: int, l2: int, c2: int, text: str) -> None:
    rng = types.Range(start=types.Position(line=l1, character=c1), end=types.Position(line=l2, character=c2))
    d.apply_change(types.TextDocumentContentChangePartial(range=rng, text=text))


@pytest.mark.parametrize("sep", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_only_lsp_line_breaks_count(sep: str) -> None:
    d = doc(f"a{sep}b\nc\n")
    assert d.lines == (f"a{sep}b\n", "c\n")
    change(d, 1, 0, 1, 1, "C")
    assert d.source == f"a{sep}b\nC\n"


def test_edits_across_crlf_lines_and_surrogates() -> None:
    d = doc("x = '🙂'\r\ny = 1\r\nz = 2\r\n")
    change(d, 0, 7, 1, 5, "'")  # after the emoji (2 UTF-16 units), through the end of line 1
    assert d.source == "x = '🙂'\r\nz = 2\r\n"
    change(d, 1, 99, 1, 99, "  # end")  # past the end of a line: its end, before \r\n
    assert d.source == "x = '🙂'\r\nz = 2  # end\r\n"
    change(d, 2, 0, 2, 0, "w = 3")  # the empty line after the last newline
    assert d.source == "x = '🙂'\r\nz = 2  # end\r\nw = 3"
    change(d, 2, 99, 9, 0, "!")  # past the end of the last line (no newline) and of the text
    assert d.source.endswith("w = 3!")
    change(d, 1, 0, 0, 0, "")  # a reversed range is treated as its normal form
    assert d.source == "z = 2  # end\r\nw = 3!"


def test_empty_document_and_mixed_endings() -> None:
    d = doc("")
    change(d, 0, 0, 0, 0, "a\rb\r\nc\nd")
    assert d.lines == ("a\r", "b\r\n", "c\n", "d")
    change(d, 1, 1, 3, 0, "")
    assert d.source == "a\rbd"


@pytest.mark.parametrize(
    ("encoding", "units", "column"),
    [
        ("utf-16", 7, 6),
        ("utf-8", 9, 6),
        ("utf-32", 6, 6),
        ("utf-16", 5, 5),
        ("utf-16", 6, 6),
        ("utf-8", 7, 6),
    ],
)
def test_client_columns(encoding: str, units: int, column: int) -> None:
    line = "x = '🙂'"  # the emoji is column 5: 2 UTF-16 units, 4 UTF-8 bytes; inside it rounds up
    codec = PositionCodec(encoding)
    assert column_from_units(line, units, codec) == column
    assert column_from_units(line, 10_000, codec) == len(line)
    assert column_from_units(line, -3, codec) == 0
    lines = lines_with_ends(line)
    assert from_client_position(lines, types.Position(line=5, character=0), codec).character == len(line)


def test_is_python() -> None:
    assert is_python(LspTextDocument("file:///a.txt", "", language_id="python"))
    assert not is_python(LspTextDocument("file:///a.py", "", language_id="plaintext"))
    assert is_python(LspTextDocument("file:///a.py", ""))
    assert not is_python(LspTextDocument("file:///a.json", ""))
