"""The pygls 2 language server: documents in, diagnostics / hovers / code actions / commands out.

Everything the engine computes arrives through `Analyzer` (one analysis per document version, off the event
loop); this module translates it to LSP and owns the protocol details: settings, push vs pull diagnostics,
position encodings, file watching, progress, and keeping every feature alive when something inside it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import re
import sys
import traceback
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from amct_lsp import __version__
from amct_lsp.lsp import actions, convert, hover
from amct_lsp.lsp.analysis import Analysis, Analyzer, Snapshot, describe_error, is_affected, within
from amct_lsp.lsp.documents import install_workspace, is_python
from amct_lsp.lsp.progress import ProgressBridge
from amct_lsp.lsp.protocol import AmctProtocol
from amct_lsp.lsp.settings import SECTION, Settings, merge_raw, parse_settings, resolve_path
from amct_lsp.tcp_address import parse_tcp, remote_warning

if TYPE_CHECKING:
    from amct_lsp.check import CheckResult
    from amct_lsp.model.cache import ModelCache

log = logging.getLogger("amct_lsp.lsp")

#: Seconds to wait after an edit before checking: a burst of keystrokes is checked once.
DEBOUNCE = 0.02
#: Models in the LRU cache shared by every document.
CACHE_ENTRIES = 8
#: How long features wait for the client's settings before checking with the defaults.
SETTINGS_TIMEOUT = 3.0
WATCH_GLOBS = ("**/*.pb", "**/*.pbtxt", "**/amct_log/*.log", "**/*.json", "**/*.cfg")
CMD_APPLY_ALL = "amct.applyAllFixes"
CMD_EXPLAIN = "amct.explainModel"
WATCH_REGISTRATION_ID = "amct-watch-models"
CONFIG_REGISTRATION_ID = "amct-config"

#: Surrogate code points: in a Python string they are always unpaired (a pair decodes to one character).
_SURROGATE = re.compile("[\ud800-\udfff]")

F = TypeVar("F", bound=Callable[..., Coroutine[Any, Any, Any]])


class AmctLanguageServer(LanguageServer):
    """Holds the state shared by all documents: settings, the model cache, the analyzer."""

    def __init__(self) -> None:
        super().__init__(
            "amct-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=AmctProtocol,
        )
        self.settings = Settings()
        self.init_options: Any = None
        self.pull_diagnostics = False
        self.debounce = DEBOUNCE
        #: Set by the `shutdown` request: `exit` then ends the process with 0, otherwise with 1 (LSP says so).
        self.shutdown_requested = False
        #: Serving over TCP (`--tcp`) rather than stdio.
        self.tcp = False
        self._reported: set[str] = set()
        self._seen_serials: set[int] = set()
        self._settings_ready = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="amct-check")
        self._cache: ModelCache | None = None
        self.progress_bridge = ProgressBridge(self)
        self.analyzer = Analyzer(
            snapshot=self.snapshot,
            check=self.check_snapshot,
            executor=self._executor,
            on_result=self.publish,
            ready=self.wait_settings,
        )

    # -- engine --

    @property
    def cache(self) -> ModelCache:
        """The one model cache of the server (created on first use: the engine is imported lazily)."""
        if self._cache is None:
            from amct_lsp.model.cache import ModelCache

            self._cache = ModelCache(max_entries=CACHE_ENTRIES)
            self.progress_bridge.attach(self._cache)
        return self._cache

    def root_for(self, path: str) -> str | None:
        """The workspace folder holding `path` (the deepest one), else the workspace root."""
        try:
            folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
            root = self.workspace.root_path
        except RuntimeError:
            return None
        inside = [f for f in folders if f and within(path, f)]
        if inside:
            return max(inside, key=len)
        return root or None

    def check_snapshot(self, snap: Snapshot) -> CheckResult:
        """Runs in a worker thread: the engine's `check_source` with the settings applied."""
        from amct_lsp.check import check_source

        settings = self.settings
        root = self.root_for(snap.path)
        model = settings.model_for(snap.path, root)
        log_file = resolve_path(settings.log_path, root) if settings.log_path else None
        kwargs: dict[str, Any] = {
            "cache": self.cache,
            "model": model,
            "root": root,
            "log": log_file,
            "extra_skip_layers": settings.skip_layers,
            "model_folders": tuple(resolve_path(folder, root) for folder in settings.model_paths),
        }
        source = snap.source
        if _SURROGATE.search(source):
            # A lone UTF-16 surrogate (a client that split a pair, an invalid file) cannot be encoded; one
            # replacement character for each keeps every column where it was.
            source = _SURROGATE.sub("\ufffd", source)
        return check_source(source, snap.path, **kwargs)

    # -- documents --

    def snapshot(self, uri: str) -> Snapshot | None:
        """The current text and version of an open document; None when it is not open."""
        try:
            docs = self.workspace.text_documents
        except RuntimeError:
            return None
        # pygls keys documents by the *decoded* URI: a path with a space or Chinese characters arrives
        # percent-encoded and would otherwise never be found.
        doc = docs.get(unquote(uri))
        if doc is None or not is_python(doc):
            return None
        path = to_fs_path(uri) or os.path.join(os.getcwd(), os.path.basename(uri) or "untitled.py")
        return Snapshot(uri=uri, path=os.path.abspath(path), version=doc.version, source=doc.source)

    @property
    def codec(self) -> PositionCodec:
        return self.workspace.position_codec

    def diagnostics_of(self, analysis: Analysis) -> list[types.Diagnostic]:
        if not self.settings.enable:
            return []
        if analysis.result is None:
            return []
        out = []
        for finding in analysis.result.findings:
            try:
                out.append(
                    convert.to_diagnostic(
                        finding,
                        analysis.lines,
                        self.codec,
                        uri=analysis.snapshot.uri,
                        version=analysis.version,
                        overrides=self.settings.severity,
                    )
                )
            except Exception:
                self.log_error(f"could not convert a finding of {analysis.snapshot.path}")
        return out

    def after_analysis(self, analysis: Analysis) -> None:
        """Report an engine failure (once) and close the progress of a model load the reader gave up on."""
        if analysis.serial in self._seen_serials:
            return
        if not self._seen_serials:
            # Everything imported for the first check (libcst, the engine) lives as long as the server:
            # move it out of the collector's way so full collections stay short.
            gc.collect()
            gc.freeze()
        if len(self._seen_serials) > 1000:
            self._seen_serials.clear()
        self._seen_serials.add(analysis.serial)
        if analysis.error is not None:
            self.log_message(describe_error(analysis), types.MessageType.Error)
        model = analysis.result.model_path if analysis.result is not None else None
        if model:
            self.progress_bridge.finish(model)

    async def publish(self, analysis: Analysis) -> None:
        """Push diagnostics, unless the client pulls them or the analysis is stale or its document closed."""
        self.after_analysis(analysis)
        if self.pull_diagnostics:
            return
        now = self.snapshot(analysis.snapshot.uri)
        if now is None or now.version != analysis.version or now.source != analysis.snapshot.source:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=analysis.snapshot.uri, diagnostics=self.diagnostics_of(analysis), version=analysis.version
            )
        )

    def recheck_all(self) -> None:
        try:
            uris = list(self.workspace.text_documents)
        except RuntimeError:
            return
        for uri in uris:
            self.analyzer.invalidate(uri)
            self.analyzer.schedule(uri, 0)
        self.refresh_pulled()

    def refresh_pulled(self) -> None:
        """Ask a pulling client to pull again (dependencies changed behind its back)."""
        if self.pull_diagnostics and get_capability(
            self.client_capabilities, "workspace.diagnostics.refresh_support", False
        ):
            self.workspace_diagnostic_refresh(None)

    # -- settings --

    @property
    def settings_known(self) -> bool:
        """Whether the client's settings have been read (until then `settings` holds the defaults)."""
        return self._settings_ready.is_set()

    async def wait_settings(self) -> None:
        if not self._settings_ready.is_set():
            try:
                await asyncio.wait_for(self._settings_ready.wait(), SETTINGS_TIMEOUT)
            except asyncio.TimeoutError:
                self._settings_ready.set()

    def apply_settings(self, *raw: Any) -> bool:
        """Validate and adopt settings; each distinct problem is shown once. True when they changed."""
        merged = merge_raw(*raw)
        bad_layers = [r for r in raw if r is not None and not isinstance(r, Mapping)]
        settings, problems = parse_settings(merged)
        problems += [f"amct settings must be an object, got {type(r).__name__}" for r in bad_layers]
        for problem in problems:
            if problem not in self._reported:
                self.window_show_message(
                    types.ShowMessageParams(
                        type=types.MessageType.Warning,
                        message=f"amct-lsp: invalid setting — {problem}; using the default.",
                    )
                )
                self.log_message(f"invalid setting: {problem}", types.MessageType.Warning)
        # Remember what is wrong now: the same problem again is not shown again, one fixed and then
        # reintroduced is.
        self._reported = set(problems)
        changed = settings != self.settings
        self.settings = settings
        self._settings_ready.set()
        return changed

    async def fetch_settings(self) -> None:
        """Read the `amct` section from the client (when it can) on top of the initialization options."""
        config: Any = None
        if get_capability(self.client_capabilities, "workspace.configuration", False):
            try:
                items = await asyncio.wait_for(
                    self.workspace_configuration_async(
                        types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                    ),
                    SETTINGS_TIMEOUT,
                )
                config = items[0] if items else None
            except Exception as exc:
                self.log_message(f"workspace/configuration failed: {exc}", types.MessageType.Warning)
        first = not self._settings_ready.is_set()
        # The first time, every analysis is still waiting for the settings: nothing to re-check.
        if self.apply_settings(self.init_options, config) and not first:
            self.recheck_all()

    # -- logging --

    def log_message(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:
            log.exception("window/logMessage failed")

    def log_error(self, what: str) -> None:
        """Log the exception being handled to stderr and to the client's output."""
        detail = traceback.format_exc()
        log.error("%s\n%s", what, detail)
        self.log_message(f"{what}:\n{detail}", types.MessageType.Error)

    def shutdown(self) -> None:
        self.analyzer.shutdown()
        self._executor.shutdown(wait=False, cancel_futures=True)
        super().shutdown()  # type: ignore[no-untyped-call]


def guarded(default: Callable[[], Any], what: str) -> Callable[[F], F]:
    """Wrap a feature so an exception is logged and answered with `default()` instead of an error."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except asyncio.CancelledError:
                raise
            except Exception:
                server.log_error(f"{what} failed")
                return default()

        return cast(F, wrapper)

    return decorate


server = AmctLanguageServer()


# -- lifecycle --


@server.feature(types.INITIALIZE)
def on_initialize(ls: AmctLanguageServer, params: types.InitializeParams) -> None:
    install_workspace(ls.protocol, params)
    ls.init_options = params.initialization_options
    ls.pull_diagnostics = get_capability(params.capabilities, "text_document.diagnostic", None) is not None
    if not get_capability(params.capabilities, "workspace.configuration", False):
        ls.apply_settings(ls.init_options)


@server.feature(types.INITIALIZED)
async def on_initialized(ls: AmctLanguageServer, params: types.InitializedParams) -> None:
    try:
        _ = ls.cache  # create it on the event loop thread: its progress hook posts back to this loop
    except Exception:
        ls.log_error("creating the model cache failed")
    try:
        await ls.fetch_settings()
    except Exception:
        ls.log_error("reading the settings failed")
        ls.apply_settings(None)
    registrations = []
    if get_capability(
        ls.client_capabilities, "workspace.did_change_watched_files.dynamic_registration", False
    ):
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS]
        registrations.append(
            types.Registration(
                id=WATCH_REGISTRATION_ID,
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
        )
    if get_capability(
        ls.client_capabilities, "workspace.did_change_configuration.dynamic_registration", False
    ):
        registrations.append(
            types.Registration(
                id=CONFIG_REGISTRATION_ID,
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION),
            )
        )
    if registrations:
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=registrations))
        except Exception:
            ls.log_error("client/registerCapability failed")


@server.feature(types.SHUTDOWN)
def on_shutdown(ls: AmctLanguageServer, params: None) -> None:
    ls.shutdown_requested = True
    ls.analyzer.shutdown()


@server.feature(types.EXIT)
def on_exit(ls: AmctLanguageServer, params: None) -> None:
    """Over TCP, pygls ends the process by raising SystemExit inside a connection callback, which asyncio
    reports as an unhandled error with a traceback; leave directly instead (stdio exits cleanly by itself)."""
    if ls.tcp:
        _leave(0 if ls.shutdown_requested else 1)


def _leave(code: int) -> None:
    """End the process now: flush what was written, skip waiting for worker threads still checking."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


# -- documents --


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: AmctLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    if ls.snapshot(params.text_document.uri) is None:
        return  # not Python: not ours to check
    if not ls.settings.enable and ls.settings_known:
        return  # switched off: don't spend a check (turning it on re-checks every open document)
    ls.analyzer.invalidate(params.text_document.uri)
    ls.analyzer.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: AmctLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    if ls.snapshot(params.text_document.uri) is None:
        return
    if not ls.settings.enable and ls.settings_known:
        return
    ls.analyzer.schedule(params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: AmctLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.analyzer.close(uri)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="amct", inter_file_dependencies=True, workspace_diagnostics=False),
)
async def pull_diagnostics(
    ls: AmctLanguageServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    uri = params.text_document.uri
    await ls.wait_settings()
    if not ls.settings.enable:
        return types.RelatedFullDocumentDiagnosticReport(items=[], result_id=f"off:{id(ls.settings)}")
    try:
        analysis = await ls.analyzer.current(uri)
    except asyncio.CancelledError:
        raise
    except Exception:
        ls.log_error(f"textDocument/diagnostic for {uri} failed")
        analysis = None
    if analysis is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    ls.after_analysis(analysis)
    result_id = f"{analysis.serial}:{int(ls.settings.enable)}:{id(ls.settings)}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics_of(analysis), result_id=result_id)


# -- workspace --


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: AmctLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    changed = [p for p in (to_fs_path(c.uri) for c in params.changes) if p]
    if not changed:
        return
    if ls._cache is not None:
        for path in changed:
            try:
                ls.cache.invalidate(path)
            except Exception:
                ls.log_error(f"invalidating {path} failed")
    affected = {a.snapshot.uri for a in ls.analyzer.latest_all() for path in changed if is_affected(a, path)}
    for uri in affected:
        ls.analyzer.invalidate(uri)
        ls.analyzer.schedule(uri, 0)
    if affected:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        ls.log_message(f"{shown} changed: re-checking {len(affected)} document(s)")
        ls.refresh_pulled()


@server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
def did_change_workspace_folders(
    ls: AmctLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    """pygls has updated its folder list; a document's folder decides where its log is searched and how
    relative settings resolve, so check every open document again."""
    added = [f.name for f in params.event.added or []]
    removed = [f.name for f in params.event.removed or []]
    ls.log_message(f"workspace folders changed (added {added}, removed {removed}): re-checking")
    ls.recheck_all()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(
    ls: AmctLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    try:
        if get_capability(ls.client_capabilities, "workspace.configuration", False):
            await ls.fetch_settings()
        elif params.settings is not None and ls.apply_settings(ls.init_options, params.settings):
            ls.recheck_all()
    except Exception:
        ls.log_error("applying the new settings failed")


# -- hover --


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded(lambda: None, "hover")
async def on_hover(ls: AmctLanguageServer, params: types.HoverParams) -> types.Hover | None:
    if not ls.settings.enable:
        return None
    analysis = await ls.analyzer.current(params.text_document.uri)
    if analysis is None or analysis.result is None:
        return None
    pos = convert.from_client_position(analysis.lines, params.position, ls.codec)
    found = hover.hover_at(analysis.result, pos)
    if found is None:
        return None
    markdown, span = found
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
        range=convert.to_client_range(analysis.lines, span, ls.codec),
    )


# -- code actions --


def _document_changes(ls: AmctLanguageServer) -> bool:
    return bool(get_capability(ls.client_capabilities, "workspace.workspace_edit.document_changes", False))


def _lazy_edits(ls: AmctLanguageServer) -> bool:
    props = get_capability(ls.client_capabilities, "text_document.code_action.resolve_support.properties", [])
    return "edit" in (props or [])


async def fix_all_edit(ls: AmctLanguageServer, uri: str) -> types.WorkspaceEdit | None:
    """Every primary fix of the document's current version, as one versioned edit; None when there is none
    (or amct is disabled)."""
    if not ls.settings.enable:
        return None
    analysis = await ls.analyzer.current(uri)
    if analysis is None or analysis.result is None:
        return None
    edits = actions.fix_all_edits(analysis.result.findings, analysis.lines, ls.codec)
    if not edits:
        return None
    return actions.workspace_edit(uri, analysis.version, edits, document_changes=_document_changes(ls))


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND], resolve_provider=True
    ),
)
@guarded(list, "code actions")
async def on_code_action(ls: AmctLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    if not ls.settings.enable:
        return []
    uri = params.text_document.uri
    snap = ls.snapshot(uri)
    if snap is None:
        return []
    only = [str(k) for k in params.context.only] if params.context.only else None
    out: list[types.CodeAction] = []
    if actions.wants(only, actions.QUICKFIX_KIND):
        out += actions.quick_fixes(
            uri,
            snap.version,
            convert.split_lines(snap.source),
            ls.codec,
            params.context.diagnostics,
            lazy=_lazy_edits(ls),
            document_changes=_document_changes(ls),
        )
    if actions.wants(only, actions.FIX_ALL_KIND):
        edit = await fix_all_edit(ls, uri)
        if edit is not None and (now := ls.snapshot(uri)) is not None and now.version == snap.version:
            out.append(
                types.CodeAction(
                    title="amct: fix all stale output names", kind=actions.FIX_ALL_KIND, edit=edit
                )
            )
    return out


@server.feature(types.CODE_ACTION_RESOLVE)
async def on_code_action_resolve(ls: AmctLanguageServer, action: types.CodeAction) -> types.CodeAction:
    """The action with its edit filled in; on any failure the action as it came (resolve must return one)."""
    try:
        return await _resolve(ls, action)
    except asyncio.CancelledError:
        raise
    except Exception:
        ls.log_error("codeAction/resolve failed")
        return action


async def _resolve(ls: AmctLanguageServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data
    if not isinstance(data, Mapping) or not isinstance(data.get("uri"), str):
        return action
    snap = ls.snapshot(data["uri"])
    if snap is None or snap.version != data.get("version"):
        ls.log_message(f"not resolving {action.title!r}: the document changed since it was offered")
        return action
    edits = actions.resolve_edit(data, convert.split_lines(snap.source), ls.codec)
    if edits:
        action.edit = actions.workspace_edit(
            snap.uri, snap.version, edits, document_changes=_document_changes(ls)
        )
    return action


# -- commands --


def _uri_arg(args: tuple[Any, ...]) -> str:
    """Commands take the document URI first (a string, or an object with `uri`)."""
    if args:
        first = args[0]
        if isinstance(first, str):
            return first
        if isinstance(first, Mapping) and isinstance(first.get("uri"), str):
            return str(first["uri"])
    raise ValueError("expected the document URI as the first argument")


@server.command(CMD_APPLY_ALL)
async def cmd_apply_all(ls: AmctLanguageServer, *args: Any) -> bool:
    """Apply every primary fix of a document with `workspace/applyEdit`; True when the client applied it."""
    try:
        uri = _uri_arg(args)
        edit = await fix_all_edit(ls, uri)
        if edit is None:
            return False
        response = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label="amct: fix all stale output names")
        )
        return bool(response and response.applied)
    except asyncio.CancelledError:
        raise
    except Exception:
        ls.log_error(f"{CMD_APPLY_ALL} failed")
        return False


@server.command(CMD_EXPLAIN)
async def cmd_explain(ls: AmctLanguageServer, *args: Any) -> str:
    """A Markdown report of the model a document uses: its tails and their rename chains."""
    try:
        uri = _uri_arg(args)
        analysis = await ls.analyzer.current(uri)
        if analysis is None:
            return f"# amct\n\n{uri} is not open in the editor.\n"
        if analysis.result is None:
            return f"# amct\n\n{describe_error(analysis)}\n"
        return hover.model_report(analysis.result)
    except asyncio.CancelledError:
        raise
    except Exception:
        ls.log_error(f"{CMD_EXPLAIN} failed")
        return "# amct\n\nThe model report failed; see the amct-lsp output for details.\n"


# -- entry point --


def run_server(args: Any) -> int:
    """`amct-lsp serve`: stdio by default, `--tcp [HOST:]PORT` to listen instead (loopback unless
    `--allow-remote`, see tcp_address). Logs go to stderr.

    Returns 0 after `shutdown` + `exit` and 1 when the client exits (or goes away) without `shutdown`.
    """
    level = str(getattr(args, "log_level", None) or "info").upper()
    logging.basicConfig(
        stream=sys.stderr,
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(name)s: %(message)s",
    )
    logging.getLogger("pygls").setLevel(max(logging.WARNING, logging.getLogger().level))
    tcp = getattr(args, "tcp", None)
    try:
        if tcp:
            try:
                host, port = parse_tcp(tcp, allow_remote=bool(getattr(args, "allow_remote", False)))
            except ValueError as exc:
                print(f"amct-lsp: {exc}", file=sys.stderr)
                return 2
            warning = remote_warning(host, port)
            if warning:
                print(f"amct-lsp: {warning}", file=sys.stderr)
            server.tcp = True
            server.start_tcp(host, port)
        else:
            server.start_io()
    except SystemExit:
        pass  # `exit` stops the loop with SystemExit; the code is decided below
    code = 0 if server.shutdown_requested else 1
    if server.analyzer.busy():
        # A check is still running in a worker thread (a huge script or model): the interpreter would wait
        # for it at exit. Nothing it holds needs cleaning up, so leave now, as the client expects.
        _leave(code)
    return code
