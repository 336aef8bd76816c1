"""Adversarial tests of the language-server process: requests it should not have to answer, edits that
stress document sync, files appearing and changing behind its back, workspaces that change shape.

Every test talks LSP to the real server (`python -m amct_lsp serve`) through pytest-lsp's client.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from pathlib import Path

import pytest
from lsp_helpers import (
    SEED,
    Session,
    capabilities,
    codes,
    edits_of,
    pos,
    start_session,
    uri_of,
)
from lsprotocol import types

from support.amct_log import FAQ_LOG
from support.protowire import field, field_head
from support.scripts import grown

SEED_LINE = 15
SEED_COL = 24
NEW_NAME = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


def seed_text() -> str:
    return (SEED / "quant.py").read_text()


def rng(l1: int, c1: int, l2: int, c2: int) -> types.Range:
    return types.Range(start=pos(l1, c1), end=pos(l2, c2))


def only(diags: list[types.Diagnostic], code: str) -> list[types.Diagnostic]:
    return [d for d in diags if d.code == code]


def watched(s: Session, path: Path, kind: types.FileChangeType) -> None:
    s.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri_of(path), type=kind)])
    )


# -- a client-side model of the document, with LSP's own line rules --

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def units(text: str, encoding: str = "utf-16") -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def offset_of(text: str, p: types.Position, encoding: str = "utf-16") -> int:
    """A position → an index into `text`; lines end only at \\n, \\r\\n and \\r (not \\f or U+2028)."""
    lines = _LINE.findall(text)
    if p.line >= len(lines):
        return len(text)
    base = sum(len(line) for line in lines[: p.line])
    line = lines[p.line].rstrip("\r\n")
    count = index = 0
    for ch in line:
        if count >= p.character:
            break
        count += units(ch, encoding)
        index += 1
    return base + index


def position_of(text: str, index: int, encoding: str = "utf-16") -> types.Position:
    lines = _LINE.findall(text[:index])
    if not lines or lines[-1].endswith(("\n", "\r")):
        return pos(len(lines), 0)
    return pos(len(lines) - 1, units(lines[-1], encoding))


def apply(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(
        (
            (offset_of(text, e.range.start, encoding), offset_of(text, e.range.end, encoding), e.new_text)
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


class Doc:
    """An open document edited incrementally; `text` is what the editor shows."""

    def __init__(
        self, s: Session, path: Path, text: str, language: str = "python", encoding: str = "utf-16"
    ) -> None:
        self.s = s
        self.text = text
        self.encoding = encoding
        self.version = 1
        self.uri = uri_of(path)
        s.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri, language_id=language, version=1, text=text)
            )
        )

    def edit(self, *changes: tuple[types.Range, str]) -> int:
        """Apply the changes in order (each against the text the previous one produced), as LSP says."""
        for change_range, new in changes:
            self.text = apply(self.text, [types.TextEdit(range=change_range, new_text=new)], self.encoding)
        self.version += 1
        self.s.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[types.TextDocumentContentChangePartial(range=r, text=t) for r, t in changes],
            )
        )
        return self.version

    def find(self, needle: str, nth: int = 0) -> types.Position:
        index = -1
        for _ in range(nth + 1):
            index = self.text.index(needle, index + 1)
        return position_of(self.text, index, self.encoding)

    def text_at(self, r: types.Range) -> str:
        return self.text[
            offset_of(self.text, r.start, self.encoding) : offset_of(self.text, r.end, self.encoding)
        ]

    async def published(
        self, version: int | None = None, after: int = 0, codes: list[str] | None = None
    ) -> list[types.Diagnostic]:
        """The first diagnostics published for `version` (default: the current one) after index `after`; with
        `codes`, the first whose codes are those (a file change can trigger a check that overlaps another)."""

        def match(p: types.PublishDiagnosticsParams) -> bool:
            return codes is None or sorted(str(d.code) for d in p.diagnostics) == sorted(codes)

        params = await self.s.wait_published(self.uri, version or self.version, after=after, where=match)
        return list(params.diagnostics)


async def fix_all(s: Session, uri: str) -> tuple[list[types.TextEdit], int | None]:
    actions = await s.code_actions(uri, [], only=["source.fixAll"])
    assert [a.kind for a in actions] == ["source.fixAll.amct"], actions
    return edits_of(actions[0].edit, uri)


async def assert_in_sync(doc: Doc, expect_stale: str = "'Add:0'") -> None:
    """The server's text is the editor's: the diagnostic covers the stale string and fix-all fixes it."""
    diags = only(await doc.published(), "AMCT001")
    assert len(diags) == 1, diags
    assert doc.text_at(diags[0].range) == expect_stale
    edits, version = await fix_all(doc.s, doc.uri)
    assert version == doc.version
    start = offset_of(doc.text, diags[0].range.start, doc.encoding)
    expected = doc.text[:start] + f"'{NEW_NAME}'" + doc.text[start + len(expect_stale) :]
    assert apply(doc.text, edits, doc.encoding) == expected


# -- documents the server does not know --


async def test_unknown_and_closed_documents(seed: Path) -> None:
    """Every feature on a never-opened or closed document answers empty, and the server keeps serving."""
    async with start_session(root=seed) as s:
        ghost = uri_of(seed / "never_opened.py")
        doc = Doc(s, seed / "quant.py", seed_text())
        await doc.published()
        s.close(doc.uri)
        for uri in (ghost, doc.uri):
            assert await s.hover(uri, SEED_LINE, SEED_COL + 2) is None
            assert await s.code_actions(uri, [], rng(0, 0, 99, 0)) == []
            report = await s.client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport) and not report.items
            explained = await s.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="amct-lsp.explainModel", arguments=[uri])
            )
            assert "not open" in explained
            resolved = await s.client.code_action_resolve_async(
                types.CodeAction(
                    title="x", data={"kind": "ignore", "uri": uri, "version": 1, "code": "AMCT001", "line": 1}
                )
            )
            assert resolved.edit is None
        # A change to a document that was never opened is dropped, not applied to thin air.
        s.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=ghost, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text="x = 'Add:0'\n")],
            )
        )
        again = Doc(s, seed / "quant.py", seed_text())
        assert codes(await again.published()) == ["AMCT001"]
        assert all(p.uri != ghost for p in s.rec.published)


async def test_positions_past_the_end(seed: Path) -> None:
    async with start_session(root=seed) as s:
        directive = "# amct: model=./pb_model/case_1_1.pb"
        text = seed_text().rstrip("\n") + "\n" + directive  # the last line has no newline
        doc = Doc(s, seed / "quant.py", text)
        diags = await doc.published()
        assert only(diags, "AMCT001")
        for line, character in ((SEED_LINE, 500), (10_000, 0), (10_000, 10_000), (0, 2**31 - 1)):
            hover = await s.hover(doc.uri, line, character)
            assert hover is None or isinstance(hover.contents, types.MarkupContent)
            assert await s.code_actions(doc.uri, [], rng(line, character, line, character)) is not None
        # Past the end of the last line (no newline after it): clamped to its end, the end of the model path.
        last = len(text.splitlines()) - 1
        end_hover = await s.hover(doc.uri, last, 400)
        assert end_hover is not None and end_hover.range is not None
        assert end_hover.range.end == pos(last, len(directive))
        assert "| `Add` |" in str(end_hover.contents)
        # A code action over a range past the end with the real diagnostic still offers its fix.
        actions = await s.code_actions(doc.uri, diags[:1], rng(0, 0, 10_000, 10_000))
        assert any(a.is_preferred for a in actions)
        assert codes(await doc.published()) == codes(diags)


# -- incremental sync --


@pytest.mark.parametrize(
    ("newline", "encoding"), [("\n", "utf-16"), ("\r\n", "utf-16"), ("\r\n", "utf-8"), ("\n", "utf-32")]
)
async def test_incremental_edits_across_lines(seed: Path, newline: str, encoding: str) -> None:
    """Inserts and deletes spanning lines, with surrogate pairs and CJK before the edited columns."""
    text = seed_text().replace("\n", newline)
    caps = capabilities(encodings=None if encoding == "utf-16" else [encoding])
    async with start_session(caps=caps, root=seed) as s:
        assert s.init.capabilities.position_encoding == encoding
        doc = Doc(s, seed / "quant.py", text, encoding=encoding)
        await assert_in_sync(doc)
        # 1. A new line with astral characters above the stale name.
        doc.edit((rng(SEED_LINE, 0, SEED_LINE, 0), f"    # 🙂𠀀 新的注释{newline}"))
        # 2. On the name's line, astral text before the string (UTF-16 columns ≠ code points).
        at = doc.find("infer_output_name")
        doc.edit((rng(at.line, at.character, at.line, at.character), "note = '🙂🙂'; "))
        await assert_in_sync(doc)
        # 3. Split a line in two and three in one go, then join them back with one delete across lines.
        at = doc.find("load_pb(model_name)")
        doc.edit(
            (rng(at.line, at.character, at.line, at.character), f"x = 1{newline}    y = 2{newline}    "),
            (rng(0, 0, 0, 0), f"# 头🙂{newline}"),
        )
        start = doc.find("x = 1")
        end = doc.find("load_pb(model_name)")
        doc.edit((rng(start.line, start.character, end.line, end.character), ""))
        await assert_in_sync(doc)
        # 4. Delete from inside the astral comment through the start of the stale name's line and retype it.
        start = doc.find("🙂𠀀")
        end = doc.find("note = ")
        removed = doc.text[offset_of(doc.text, start, encoding) : offset_of(doc.text, end, encoding)]
        doc.edit((rng(start.line, start.character, end.line, end.character), ""))
        doc.edit((rng(start.line, start.character, start.line, start.character), removed))
        await assert_in_sync(doc)
        assert doc.text.count("\r\n") == (doc.text.count("\n") if newline == "\r\n" else 0)


@pytest.mark.parametrize("separator", ["\x0c", "\u2028", "\x85", "\x1d"])
async def test_characters_that_are_not_line_breaks_in_lsp(seed: Path, separator: str) -> None:
    """A form feed or U+2028 in a comment is not a line break for LSP; incremental edits below it must land
    on the line the editor means (Python's str.splitlines would break there)."""
    text = seed_text().replace("    # 网络pb文件的名字\n", f"    # 网络pb{separator}文件的名字\n")
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", text)
        await assert_in_sync(doc)
        at = doc.find("infer_output_name")
        doc.edit((rng(at.line, at.character, at.line, at.character), "pad = 0; "))
        await assert_in_sync(doc)
        hover = await s.hover(doc.uri, *_inside(doc, "'Add:0'"))
        assert hover is not None and NEW_NAME in str(hover.contents)


def _inside(doc: Doc, needle: str) -> tuple[int, int]:
    p = doc.find(needle)
    return p.line, p.character + 2


async def test_change_at_the_very_end_and_empty_document(seed: Path) -> None:
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", "")
        assert await doc.published() == []
        doc.edit((rng(0, 0, 0, 0), seed_text()))
        await assert_in_sync(doc)
        end = position_of(doc.text, len(doc.text))
        doc.edit((rng(end.line, end.character, end.line, end.character), "tail = 'Add:0'"))
        end = position_of(doc.text, len(doc.text))
        # An insert at the end of a last line without a newline.
        doc.edit((rng(end.line, end.character, end.line, end.character), "  # amct: ignore"))
        await assert_in_sync(doc)
        assert doc.text.endswith("tail = 'Add:0'  # amct: ignore")


# -- big and foreign documents --


def big_script(lines: int) -> str:
    seed = seed_text()
    block = (
        "def helper_{i}(values):\n"
        "    # 第{i}个辅助函数\n"
        "    label = 'helper_{i}:0'\n"
        "    return sum(v * {i} for v in values)\n"
        "\n\n"
    )
    return grown(seed, lines, block)


@pytest.mark.slow
async def test_twenty_thousand_lines(seed: Path) -> None:
    text = big_script(20_000)
    async with start_session(root=seed) as s:
        started = time.perf_counter()
        doc = Doc(s, seed / "quant.py", text)
        diags = only(await doc.published(), "AMCT001")
        first = time.perf_counter() - started
        assert len(diags) == 1 and doc.text_at(diags[0].range) == "'Add:0'"
        at = doc.find("infer_output_name = 'Add:0'")
        started = time.perf_counter()
        doc.edit((rng(at.line, at.character, at.line, at.character), "k = 1; "))
        await assert_in_sync(doc)
        again = time.perf_counter() - started
        hover = await s.hover(doc.uri, *_inside(doc, "'Add:0'"))
        assert hover is not None and NEW_NAME in str(hover.contents)
        # Speed is measured by `make bench` (benchmarks/bench_lsp.py, the 20,000-line row), not asserted here.
        print(f"20,000 lines: first check {first * 1000:.0f} ms, edit → diagnostics {again * 1000:.0f} ms")


async def test_non_python_documents_are_ignored(seed: Path) -> None:
    async with start_session(root=seed) as s:
        notes = Doc(s, seed / "notes.txt", seed_text(), language="plaintext")
        py_as_md = Doc(s, seed / "quant_copy.md", seed_text(), language="markdown")
        doc = Doc(s, seed / "quant.py", seed_text())
        assert codes(await doc.published()) == ["AMCT001"]
        for other in (notes, py_as_md):
            assert await s.hover(other.uri, SEED_LINE, SEED_COL + 2) is None
            assert await s.code_actions(other.uri, [], rng(0, 0, 40, 0)) == []
            other.edit((rng(0, 0, 0, 0), "# x\n"))
        await asyncio.sleep(0.3)
        published = {p.uri for p in s.rec.published}
        assert notes.uri not in published and py_as_md.uri not in published


# -- files appearing and changing on disk --


async def test_amct_log_appears_after_open(seed: Path) -> None:
    """The AMCT log written by a run next to the script: the diagnostic and hover now cite it."""
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (diag,) = only(await doc.published(), "AMCT001")
        assert "(AMCT log)" not in diag.message
        log = seed / "amct_log" / "amct_tensorflow.log"
        log.parent.mkdir()
        log.write_text(FAQ_LOG)
        mark = len(s.rec.published)
        watched(s, log, types.FileChangeType.Created)
        (diag,) = await doc.published(after=mark, codes=["AMCT001"])
        assert diag.message.endswith("(AMCT log)"), diag.message
        hover = await s.hover(doc.uri, SEED_LINE, SEED_COL + 2)
        assert hover is not None
        text = str(hover.contents)
        assert "search_n_quant_1/Identity:0" in text and "confirmed by the AMCT log" in text
        assert "2020-09-01 09:31:04" in text
        edits, _ = await fix_all(s, doc.uri)
        fixed = apply(doc.text, edits)
        assert "infer_output_name = 'search_n_quant_1/Identity:0'" in fixed


async def test_config_json_appears_with_quant_disabled(seed: Path) -> None:
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (diag,) = only(await doc.published(), "AMCT001")
        assert NEW_NAME in diag.message
        config = seed / "configs" / "config.json"
        config.parent.mkdir(exist_ok=True)
        config.write_text('{"version": 1, "Conv2D": {"quant_enable": false}}')
        mark = len(s.rec.published)
        watched(s, config, types.FileChangeType.Created)
        (diag,) = only(await doc.published(after=mark), "AMCT001")
        assert NEW_NAME not in diag.message and "bias_add/BiasAdd:0" in diag.message, diag.message
        config.write_text('{"version": 1, "Conv2D": {"quant_enable": true}}')
        mark = len(s.rec.published)
        watched(s, config, types.FileChangeType.Changed)
        (diag,) = only(await doc.published(after=mark), "AMCT001")
        assert NEW_NAME in diag.message


async def test_model_replaced_by_a_directory(seed: Path) -> None:
    model = seed / "pb_model" / "case_1_1.pb"
    good = model.read_bytes()
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        assert codes(await doc.published()) == ["AMCT001"]
        model.unlink()
        model.mkdir()
        (model / "saved_model.pb").write_bytes(b"")
        mark = len(s.rec.published)
        watched(s, model, types.FileChangeType.Deleted)
        watched(s, model, types.FileChangeType.Created)
        (problem,) = await doc.published(after=mark, codes=["AMCT004"])
        assert "case_1_1.pb" in problem.message
        hover = await s.hover(doc.uri, *_inside(doc, "./pb_model/case_1_1.pb"))
        assert hover is not None and "case_1_1.pb" in str(hover.contents)
        shutil.rmtree(model)
        model.write_bytes(good)
        mark = len(s.rec.published)
        watched(s, model, types.FileChangeType.Created)
        # A check started by the events above may still see the directory gone; the last one sees the file.
        assert await doc.published(after=mark, codes=["AMCT001"])


# -- a 1 GB model --


def write_sparse_model(path: Path, base: bytes, weights: int) -> None:
    """`base` (a GraphDef) plus one unused Const node whose tensor holds `weights` bytes, written as a hole.

    GraphDef messages concatenate; field numbers: GraphDef.node = 1; NodeDef.name = 1, op = 2, attr = 5
    (entry key = 1, value = 2); AttrValue.tensor = 8; TensorProto.dtype = 1, tensor_content = 4.
    """
    tensor_head = b"\x08\x01" + field_head(4, weights)  # DT_FLOAT, then the content
    tensor_len = len(tensor_head) + weights
    value_head = field_head(8, tensor_len)
    value_len = len(value_head) + tensor_len
    entry_head = field(1, b"value") + field_head(2, value_len)
    entry_len = len(entry_head) + value_len
    node_head = field(1, b"huge_weights") + field(2, b"Const") + field_head(5, entry_len)
    node_len = len(node_head) + entry_len
    head = base + field_head(1, node_len) + node_head + entry_head + value_head + tensor_head
    with path.open("wb") as f:
        f.write(head)
        f.truncate(len(head) + weights)


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    (line,) = [x for x in status.splitlines() if x.startswith("VmHWM:")]
    return int(line.split()[1]) / 1024


async def test_one_gigabyte_model_does_not_block_other_documents(seed: Path, tmp_path: Path) -> None:
    huge = seed / "pb_model" / "huge.pb"
    write_sparse_model(huge, (seed / "pb_model" / "case_1_1.pb").read_bytes(), 1024**3)
    info = huge.stat()
    assert info.st_size > 1024**3
    if info.st_blocks * 512 > 64 * 1024**2:
        huge.unlink()
        pytest.skip("the temporary directory's file system has no sparse files; not writing 1 GB for real")
    other = tmp_path / "other"
    shutil.copytree(SEED, other)
    big_text = seed_text().replace("# 网络pb文件的名字", "# amct: model=./pb_model/huge.pb")
    async with start_session(root=tmp_path) as s:
        pid = s.client._server.pid  # type: ignore[union-attr]
        started = time.perf_counter()
        big = Doc(s, seed / "quant.py", big_text)
        small = Doc(s, other / "quant.py", seed_text())
        hover = await s.hover(small.uri, SEED_LINE, SEED_COL + 2)
        answered = time.perf_counter() - started
        assert hover is not None and NEW_NAME in str(hover.contents)
        diags = await big.published()
        loaded = time.perf_counter() - started
        assert codes(diags) == ["AMCT001"], diags
        related = [r.location.uri for d in diags for r in d.related_information or []]
        assert related and not any(u.endswith(".pb") for u in related), related  # never the binary model
        rss = peak_rss_mb(pid)
        print(
            f"1 GB model: other document's hover {answered * 1000:.0f} ms, "
            f"model checked {loaded * 1000:.0f} ms, peak RSS {rss:.0f} MB"
        )
        assert answered < 5
        assert rss < 400
        # The load of a model this size is shown as work-done progress, begun and ended.
        await s.wait_until(
            lambda: any(
                r and isinstance(r[-1], types.WorkDoneProgressEnd) for r in s.client.progress_reports.values()
            )
        )
        (reports,) = s.client.progress_reports.values()
        assert isinstance(reports[0], types.WorkDoneProgressBegin) and "huge.pb" in (reports[0].message or "")


# -- unusual URIs --


@pytest.mark.parametrize("folder", ["with space", "模型 目录", "per%cent#hash"])
async def test_paths_that_need_percent_encoding(tmp_path: Path, folder: str) -> None:
    """VS Code percent-encodes spaces and non-ASCII in URIs; the document is found under either spelling."""
    root = tmp_path / folder
    shutil.copytree(SEED, root)
    async with start_session(root=root) as s:
        doc = Doc(s, root / "quant.py", seed_text())
        assert "%" in doc.uri
        diags = await doc.published()
        assert codes(diags) == ["AMCT001"], diags
        # The use site on another line, under the document's own (percent-encoded) URI.
        assert [r.location.uri for r in diags[0].related_information or []] == [doc.uri]
        hover = await s.hover(doc.uri, SEED_LINE, SEED_COL + 2)
        assert hover is not None and NEW_NAME in str(hover.contents)
        edits, version = await fix_all(s, doc.uri)
        assert version == 1 and edits
        at = doc.find("infer_output_name")
        doc.edit((rng(at.line, at.character, at.line, at.character), "k = 0; "))
        await assert_in_sync(doc)
        s.close(doc.uri)
        mark = len(s.rec.published)
        await s.wait_published(doc.uri, None, after=mark, where=lambda p: not p.diagnostics)


async def test_untitled_document(seed: Path) -> None:
    """An unsaved buffer (`untitled:`) is checked without a file behind it: the model is looked for from the
    workspace, and nothing breaks."""
    async with start_session(root=seed) as s:
        uri = "untitled:Untitled-1"
        s.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=seed_text()
                )
            )
        )
        params = await s.wait_published(uri, 1)
        assert set(codes(list(params.diagnostics))) <= {"AMCT001", "AMCT004"}
        assert await s.hover(uri, SEED_LINE, SEED_COL + 2) is not None


async def test_lone_surrogate_in_the_text(seed: Path) -> None:
    """Half a surrogate pair (a client that split an emoji): the script is still checked, positions hold."""
    text = seed_text().replace("# 网络pb文件的名字", "# 半个\ud83d字符")
    async with start_session(root=seed) as s:
        doc = Doc(s, seed / "quant.py", text)
        await assert_in_sync(doc)
        assert not [m for m in s.messages() if "could not check" in m]


async def test_forged_diagnostic_data_and_resolve_payloads(seed: Path) -> None:
    """Diagnostics and actions carry our JSON back to us; garbage in it gives no action, never an error."""
    async with start_session(caps=capabilities(lazy_actions=True), root=seed) as s:
        doc = Doc(s, seed / "quant.py", seed_text())
        (real,) = only(await doc.published(), "AMCT001")
        forged_data: list[object] = [
            None,
            "text",
            {"layout": 1, "version": 1, "code": 5, "line": "x", "fixes": "nope"},
            {
                "layout": 1,
                "version": 1,
                "code": "AMCT001",
                "line": 10**9,
                "fixes": [{"edits": [{"start": "x"}]}],
            },
            {"layout": 99, "version": 1, "fixes": []},
        ]
        forged = [
            types.Diagnostic(range=real.range, message="x", source="amct", code="AMCT001", data=d)
            for d in forged_data
        ]
        actions = await s.code_actions(doc.uri, forged, only=[types.CodeActionKind.QuickFix])
        for action in actions:  # whatever is offered resolves to nothing or to a well-formed edit
            resolved = await s.client.code_action_resolve_async(action)
            assert resolved.edit is None or edits_of(resolved.edit, doc.uri)
        for data in (
            None,
            [],
            {"uri": doc.uri, "version": 1, "kind": "fix", "fix": {"edits": [{"start": [0], "end": [0, 0]}]}},
            {"uri": doc.uri, "version": 1, "kind": "ignore", "line": -5, "code": "AMCT001"},
            {"uri": 7, "version": "1"},
        ):
            resolved = await s.client.code_action_resolve_async(types.CodeAction(title="forged", data=data))
            assert resolved.title == "forged" and resolved.edit is None
        assert not [m for m in s.messages() if "failed" in m], s.messages()
        # The real diagnostic still works afterwards.
        actions = await s.code_actions(doc.uri, [real], only=[types.CodeActionKind.QuickFix])
        resolved = await s.client.code_action_resolve_async(next(a for a in actions if a.is_preferred))
        assert resolved.edit is not None
