"""Helpers (imported by the tests as `lsp_helpers`) for driving the real server process (`python -m amct_lsp
serve`) with pytest-lsp's client.

`start_session(...)` starts a server with the client capabilities a test needs (push or pull diagnostics, a
position encoding, lazy code actions), records every notification the server sends, answers the server's
requests (registerCapability, applyEdit, configuration), and shuts the server down cleanly afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "seed"
SERVER_CMD = [sys.executable, "-m", "amct_lsp", "serve", "--log-level", "warning"]
TIMEOUT = 20.0


@dataclass
class Recorder:
    """Everything the server sent on its own initiative."""

    published: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    registrations: list[types.Registration] = field(default_factory=list)
    applied: list[types.WorkspaceEdit] = field(default_factory=list)
    #: `amct/documentStatus` notifications, as plain JSON objects.
    statuses: list[dict[str, Any]] = field(default_factory=list)
    #: `workspace/inlayHint/refresh` and `workspace/codeLens/refresh` requests, by method.
    refreshes: list[str] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


def capabilities(
    *,
    pull: bool = False,
    encodings: Sequence[str] | None = None,
    lazy_actions: bool = False,
    configuration: bool = True,
    dynamic_watch: bool = True,
    work_done: bool = True,
    status: bool = False,
    pick_model: bool = False,
    hover_formats: Sequence[str] = ("markdown",),
    view_refresh: bool = False,
    explain_model: bool = False,
) -> types.ClientCapabilities:
    """Client capabilities shaped like VS Code's, with the knobs the tests turn."""
    resolve = types.ClientCodeActionResolveOptions(properties=["edit"]) if lazy_actions else None
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind(e) for e in encodings] if encodings else None
        ),
        workspace=types.WorkspaceClientCapabilities(
            configuration=configuration,
            apply_edit=True,
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=dynamic_watch
            ),
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(
                dynamic_registration=True
            ),
            diagnostics=types.DiagnosticWorkspaceClientCapabilities(refresh_support=True) if pull else None,
            inlay_hint=types.InlayHintWorkspaceClientCapabilities(refresh_support=view_refresh),
            code_lens=types.CodeLensWorkspaceClientCapabilities(refresh_support=view_refresh),
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True,
                version_support=True,
                code_description_support=True,
                data_support=True,
                tag_support=types.ClientDiagnosticsTagOptions(
                    value_set=[types.DiagnosticTag.Unnecessary, types.DiagnosticTag.Deprecated]
                ),
            ),
            diagnostic=types.DiagnosticClientCapabilities(related_document_support=False) if pull else None,
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind(f) for f in hover_formats]),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                    )
                ),
                data_support=True,
                is_preferred_support=True,
                resolve_support=resolve,
            ),
        ),
        window=types.WindowClientCapabilities(work_done_progress=work_done),
        experimental={
            **({"amctDocumentStatus": True} if status else {}),
            **({"amctPickModel": True} if pick_model else {}),
            **({"amctExplainModel": True} if explain_model else {}),
        }
        or None,
    )


class Session:
    """A started, initialized server and the client talking to it."""

    def __init__(self, client: LanguageClient, recorder: Recorder, result: types.InitializeResult) -> None:
        self.client = client
        self.rec = recorder
        self.init = result
        self.versions: dict[str, int] = {}

    # -- documents --

    def open(self, path: Path, text: str | None = None) -> str:
        uri = uri_of(path)
        self.versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=path.read_text() if text is None else text
                )
            )
        )
        return uri

    def replace(self, uri: str, text: str) -> int:
        """Send the whole new text as one change; returns the new version."""
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    # -- waiting --

    async def wait_published(
        self,
        uri: str,
        version: int | None = None,
        *,
        after: int = 0,
        where: Callable[[types.PublishDiagnosticsParams], bool] | None = None,
        timeout: float = TIMEOUT,
    ) -> types.PublishDiagnosticsParams:
        """The first publish for `uri` (at `version`, matching `where`) at index >= `after` of the record."""

        async def poll() -> types.PublishDiagnosticsParams:
            while True:
                for params in self.rec.published[after:]:
                    if params.uri != uri or (version is not None and params.version != version):
                        continue
                    if where is None or where(params):
                        return params
                self.rec.changed.clear()
                await self.rec.changed.wait()

        return await asyncio.wait_for(poll(), timeout)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
        """Wait until `condition()` holds; re-evaluated when the server publishes or registers something, and
        every 50 ms (messages and refresh requests are not recorded events)."""

        async def poll() -> None:
            while not condition():
                self.rec.changed.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.rec.changed.wait(), 0.05)

        await asyncio.wait_for(poll(), timeout)

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """Pull diagnostics (pull mode only)."""
        report = await self.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport), report
        return list(report.items)

    # -- features --

    async def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        return await self.client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=character),
            )
        )

    async def code_actions(
        self,
        uri: str,
        diagnostics: Sequence[types.Diagnostic],
        rng: types.Range | None = None,
        only: Any = None,
    ) -> list[types.CodeAction]:
        rng = rng or (diagnostics[0].range if diagnostics else types.Range(start=pos(0, 0), end=pos(0, 0)))
        result = await self.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=rng,
                context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
            )
        )
        return [a for a in result or [] if isinstance(a, types.CodeAction)]

    def messages(self) -> list[str]:
        return [m.message for m in self.client.messages]


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def uri_of(path: Path) -> str:
    uri = from_fs_path(str(path))
    assert uri is not None
    return uri


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str = "utf-16") -> str:
    """Apply LSP edits whose columns count `encoding` units (utf-8, utf-16 or utf-32) as an editor does."""
    lines = text.splitlines(keepends=True)

    def offset(p: types.Position) -> int:
        base = sum(len(line) for line in lines[: p.line])
        if p.line >= len(lines):
            return len(text)
        line = lines[p.line]
        units, index = 0, 0
        for ch in line:
            if units >= p.character:
                break
            if encoding == "utf-8":
                units += len(ch.encode("utf-8"))
            elif encoding == "utf-16":
                units += len(ch.encode("utf-16-le")) // 2
            else:
                units += 1
            index += 1
        return base + index

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_of(edit: types.WorkspaceEdit | None, uri: str) -> tuple[list[types.TextEdit], int | None]:
    """The text edits of `uri` in a documentChanges edit, and the version they target."""
    assert edit is not None and edit.document_changes, edit
    out: list[types.TextEdit] = []
    version = None
    for change in edit.document_changes:
        assert isinstance(change, types.TextDocumentEdit), change
        assert change.text_document.uri == uri
        version = change.text_document.version
        out.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    return out, version


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def plain(value: Any) -> Any:
    """pygls hands the params of a method it has no type for as nested namedtuples: back to JSON values."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _make_client(rec: Recorder) -> LanguageClient:
    """pytest-lsp's client, with handlers that record publishes, registrations and applied edits."""
    client = LanguageClient(converter_factory=default_converter)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        rec.published.append(params)
        rec.changed.set()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams) -> None:
        rec.registrations.extend(params.registrations)
        rec.changed.set()

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def _apply(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        rec.applied.append(params.edit)
        rec.changed.set()
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature("amct/documentStatus")
    def _status(params: Any) -> None:
        rec.statuses.append(plain(params))
        rec.changed.set()

    for method in (types.WORKSPACE_INLAY_HINT_REFRESH, types.WORKSPACE_CODE_LENS_REFRESH):

        def _refresh(params: Any, method: str = method) -> None:
            rec.refreshes.append(method)
            rec.changed.set()

        client.feature(method)(_refresh)

    defaults = {
        k: v for k, v in DEFAULT_CLIENT_FEATURES.items() if k != types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
    }
    register_lsp_features(client, defaults)
    return client


@contextlib.asynccontextmanager
async def start_session(
    *,
    caps: types.ClientCapabilities | None = None,
    init_options: Any = None,
    settings: dict[str, Any] | None = None,
    root: Path | None = None,
) -> AsyncIterator[Session]:
    """Start the server, initialize it, and shut it down on exit."""
    rec = Recorder()
    client = await ClientServerConfig(
        server_command=SERVER_CMD, client_factory=lambda: _make_client(rec)
    ).start()
    assert isinstance(client, LanguageClient)

    if settings is not None:
        client.set_configuration(settings, section="amct")
    root_uri = uri_of(root) if root else None
    try:
        result = await asyncio.wait_for(
            client.initialize_session(
                types.InitializeParams(
                    capabilities=caps or capabilities(),
                    root_uri=root_uri,
                    workspace_folders=[types.WorkspaceFolder(uri=root_uri, name=root.name)] if root else None,
                    initialization_options=init_options,
                )
            ),
            TIMEOUT,
        )
        yield Session(client, rec, result)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
        await client.stop()
