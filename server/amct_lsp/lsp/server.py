"""The pygls 2 language server: the state every feature shares, and `create_server()` that wires them up.

Everything the engine computes arrives through `Analyzer` (one analysis per document version, off the event
loop); the features (one module each under `features/`) translate it to LSP. This module owns what they
share: settings, push vs pull diagnostics, the model cache, logging to the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import gc
import logging
import os
import re
import sys
import threading
import traceback
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from amct_lsp import __version__
from amct_lsp.lsp import convert
from amct_lsp.lsp.analysis import Analysis, Analyzer, Snapshot, describe_error, shown_findings, within
from amct_lsp.lsp.documents import is_python
from amct_lsp.lsp.handlers import install
from amct_lsp.lsp.notebooks import NOTEBOOK_SYNC, NotebookRegistry
from amct_lsp.lsp.payloads import DOCUMENT_STATUS, STATUS_CAPABILITY, DocumentStatus, make_converter
from amct_lsp.lsp.progress import ProgressBridge
from amct_lsp.lsp.protocol import AmctProtocol
from amct_lsp.lsp.refresh import ViewRefresh
from amct_lsp.lsp.settings import (
    SECTION,
    DocumentOptions,
    Settings,
    document_options,
    merge_raw,
    parse_settings,
)
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

#: Surrogate code points: in a Python string they are always unpaired (a pair decodes to one character).
_SURROGATE = re.compile("[\ud800-\udfff]")


class AmctLanguageServer(LanguageServer):
    """Holds the state shared by all documents: settings, the model cache, the analyzer."""

    def __init__(self) -> None:
        super().__init__(
            "amct-lsp",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            notebook_document_sync=NOTEBOOK_SYNC,
            protocol_cls=AmctProtocol,
            converter_factory=make_converter,
        )
        #: The settings without a scope: documents outside every workspace folder, and the fallback.
        self.settings = Settings()
        #: Per workspace folder path, read with the folder as `scopeUri`.
        self._folder_settings: dict[str, Settings] = {}
        self.init_options: Any = None
        self.pull_diagnostics = False
        self.debounce = DEBOUNCE
        #: Set by the `shutdown` request: `exit` then ends the process with 0, otherwise with 1 (LSP says so).
        self.shutdown_requested = False
        #: Serving over TCP (`--tcp`) rather than stdio.
        self.tcp = False
        #: Each installed handler by LSP method (or command id), as pygls calls it.
        self.handlers: dict[str, Any] = {}
        self._reported: set[str] = set()
        #: The last `amct/documentStatus` sent per open document (sent again only when it changes).
        self._statuses: dict[str, DocumentStatus] = {}
        self._seen_serials: set[int] = set()
        #: Problems of `[tool.amct]` files found by checks in worker threads, and those already shown.
        self._project_lock = threading.Lock()
        self._project_problems: list[str] = []
        self._project_reported: set[str] = set()
        self._settings_ready = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="amct-check")
        self._cache: ModelCache | None = None
        self.progress_bridge = ProgressBridge(self)
        #: Inlay hint and code lens refreshes (refresh.py).
        self.views = ViewRefresh()
        #: Open notebooks: their cells are checked as one script under the notebook's URI (lsp/notebooks.py).
        self.notebooks = NotebookRegistry(self)
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
        from amct_lsp.check.results import CheckResult

        root = self.root_for(snap.path)
        options = self.options_for(snap.uri, snap.path)
        if options.ignored:
            return CheckResult(path=snap.path)  # the project's `ignore` globs: not a script to check
        kwargs: dict[str, Any] = {
            "cache": self.cache,
            "model": options.model,
            "root": root,
            "log": options.log,
            "extra_skip_layers": options.skip_layers,
            "model_folders": options.model_folders,
            "rules": options.rules,
        }
        source = snap.source
        if _SURROGATE.search(source):
            # A lone UTF-16 surrogate (a client that split a pair, an invalid file) cannot be encoded; one
            # replacement character for each keeps every column where it was.
            source = _SURROGATE.sub("\ufffd", source)
        return check_source(source, snap.path, **kwargs)

    def options_for(self, uri: str, path: str) -> DocumentOptions:
        """The document's settings on top of its project's `[tool.amct]` (the nearest pyproject.toml with
        one, up to the workspace folder; read once per version of the file). Any thread; a problem in the
        project file is queued and shown once from the event loop (`after_analysis`)."""
        from amct_lsp.project import project_for  # the engine's first check imports it, not start-up

        root = self.root_for(path)
        project = project_for(path, root)
        if project.problems:
            with self._project_lock:
                fresh = [
                    m for m in dict.fromkeys(map(str, project.problems)) if m not in self._project_reported
                ]
                self._project_reported.update(fresh)
                self._project_problems.extend(fresh)
        return document_options(self.settings_for(uri), project, path, root)

    def report_project_problems(self) -> None:
        """Show each problem of a `[tool.amct]` once (window/showMessage, and the log): the rest of the
        table still applies, like an invalid editor setting."""
        with self._project_lock:
            problems, self._project_problems = self._project_problems, []
        for problem in problems:
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"amct-lsp: {problem} — the rest of [tool.amct] applies.",
                )
            )
            self.log_message(f"[tool.amct]: {problem}", types.MessageType.Warning)

    # -- documents --

    def snapshot(self, uri: str) -> Snapshot | None:
        """The current text and version of an open document; None when it is not open. A notebook's text
        is its Python cells joined; a cell alone has none (it is checked with its notebook)."""
        view = self.notebooks.view(uri)
        if view is not None:
            return Snapshot(uri=uri, path=view.path, version=view.version, source=view.script.source)
        if self.notebooks.is_cell(uri):
            return None
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
        settings = self.options_for(analysis.snapshot.uri, analysis.snapshot.path)
        if not settings.enable:
            return []
        if analysis.result is None:
            return []
        out = []
        findings = shown_findings(analysis, self.analyzer.last_good(analysis.snapshot.uri))
        for finding in findings:
            if finding.code in settings.hidden:
                continue
            try:
                out.append(
                    convert.to_diagnostic(
                        finding,
                        analysis.lines,
                        self.codec,
                        uri=analysis.snapshot.uri,
                        version=analysis.version,
                        overrides=settings.severity,
                    )
                )
            except Exception:
                self.log_error(f"could not convert a finding of {analysis.snapshot.path}")
        return out

    def after_analysis(self, analysis: Analysis) -> None:
        """Report an engine failure (once) and close the progress of a model load the reader gave up on."""
        self.report_project_problems()
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

    def send_status(self, analysis: Analysis) -> None:
        """Tell a client that asked for it (`experimental.amctDocumentStatus`) what the check of this document
        found out: its model, log and config files and the state; only when that changed."""
        experimental = getattr(self.client_capabilities, "experimental", None)
        if not isinstance(experimental, Mapping) or not experimental.get(STATUS_CAPABILITY):
            return
        status = status_of(analysis, self.enabled_for(analysis.snapshot.uri))
        last = self._statuses.get(status.uri)
        if last is not None and dataclasses.replace(last, version=status.version) == status:
            return
        self._statuses[status.uri] = status
        self.protocol.notify(DOCUMENT_STATUS, status)

    def forget_document(self, uri: str) -> None:
        """A document was closed: drop what is kept for it."""
        self.analyzer.close(uri)
        self._statuses.pop(uri, None)
        self.views.forget(uri)

    async def publish(self, analysis: Analysis) -> None:
        """Push diagnostics, unless the client pulls them or the analysis is stale or its document closed."""
        self.after_analysis(analysis)
        now = self.snapshot(analysis.snapshot.uri)
        if now is None or now.version != analysis.version or now.source != analysis.snapshot.source:
            return
        self.send_status(analysis)
        view = self.notebooks.view(analysis.snapshot.uri)
        if view is not None:
            shown = analysis.result is not None and self.enabled_for(view.uri)
            last_good = self.analyzer.last_good(view.uri)
            self.notebooks.publish(view, shown_findings(analysis, last_good) if shown else None)
            self.views.after_publish(self, analysis)  # the cells' hints and lenses are the notebook's
            return
        self.views.after_publish(self, analysis)
        if self.pull_diagnostics:
            return
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=analysis.snapshot.uri, diagnostics=self.diagnostics_of(analysis), version=analysis.version
            )
        )

    def recheck_all(self) -> None:
        try:
            uris = [*self.workspace.text_documents, *self.notebooks.uris()]
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

    def invalidate_models(self, paths: list[str]) -> None:
        """Forget cached models at `paths` (changed on disk); nothing to do before the cache exists."""
        if self._cache is None:
            return
        for path in paths:
            try:
                self._cache.invalidate(path)
            except Exception:
                self.log_error(f"invalidating {path} failed")

    # -- settings --

    def settings_for(self, uri: str) -> Settings:
        """The settings of the workspace folder holding the document at `uri` (the deepest one), else the
        settings without a scope."""
        path = to_fs_path(uri)
        root = self.root_for(os.path.abspath(path)) if path else None
        return self._folder_settings.get(root, self.settings) if root else self.settings

    def enabled_for(self, uri: str) -> bool:
        return self.settings_for(uri).enable

    def folder_paths(self) -> dict[str, str]:
        """Each workspace folder's URI → its path."""
        try:
            folders = list(self.workspace.folders.values())
        except RuntimeError:
            return {}
        return {f.uri: path for f in folders if (path := to_fs_path(f.uri))}

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

    def _parse(self, layers: tuple[Any, ...]) -> tuple[Settings, list[str]]:
        settings, problems = parse_settings(merge_raw(*layers))
        bad = [r for r in layers if r is not None and not isinstance(r, Mapping)]
        return settings, problems + [f"amct settings must be an object, got {type(r).__name__}" for r in bad]

    def apply_settings(self, *raw: Any, folders: Mapping[str, Any] | None = None) -> bool:
        """Validate and adopt settings: `raw` layers (later wins) without a scope, and per folder path the
        folder's own section on top of the initialization options. Each distinct problem is shown once.
        True when anything changed."""
        settings, problems = self._parse(raw)
        per_folder: dict[str, Settings] = {}
        for path, folder_raw in (folders or {}).items():
            per_folder[path], folder_problems = self._parse((self.init_options, folder_raw))
            problems += folder_problems
        problems = list(dict.fromkeys(problems))
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
        changed = settings != self.settings or per_folder != self._folder_settings
        self.settings = settings
        self._folder_settings = per_folder
        self._settings_ready.set()
        return changed

    async def fetch_settings(self, *, force_recheck: bool = False) -> None:
        """Read the `amct` section from the client (when it can) on top of the initialization options: once
        without a scope, and once per workspace folder (`scopeUri`), as package.json declares the settings
        per resource."""
        config: Any = None
        folders: dict[str, Any] = {}
        if get_capability(self.client_capabilities, "workspace.configuration", False):
            scopes = self.folder_paths()
            items = [types.ConfigurationItem(section=SECTION)] + [
                types.ConfigurationItem(section=SECTION, scope_uri=uri) for uri in scopes
            ]
            try:
                answers = await asyncio.wait_for(
                    self.workspace_configuration_async(types.ConfigurationParams(items=items)),
                    SETTINGS_TIMEOUT,
                )
                answers = list(answers or [])
                config = answers[0] if answers else None
                for index, path in enumerate(scopes.values(), 1):
                    folders[path] = answers[index] if index < len(answers) else config
            except Exception as exc:
                self.log_message(f"workspace/configuration failed: {exc}", types.MessageType.Warning)
        first = not self._settings_ready.is_set()
        # The first time, every analysis is still waiting for the settings: nothing to re-check.
        if (self.apply_settings(self.init_options, config, folders=folders) or force_recheck) and not first:
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


# -- entry point --


def status_of(analysis: Analysis, enabled: bool) -> DocumentStatus:
    """The `amct/documentStatus` of one analysis."""
    snap = analysis.snapshot
    result = analysis.result
    if result is None:
        return DocumentStatus(snap.uri, snap.version, "failed", message=analysis.error)
    if not enabled:
        state = "disabled"
    elif not is_amct_script(result):
        state = "not-amct"
    elif result.model_error is not None:
        state = "model-error"
    elif result.prediction is None:
        state = "no-model"
    else:
        state = "checked"
    return DocumentStatus(
        snap.uri,
        snap.version,
        state,
        model_path=result.model_path,
        log_path=result.log_path,
        config_paths=tuple(result.config_paths),
        message=result.model_error,
    )


def is_amct_script(result: CheckResult) -> bool:
    """Whether the checked text is a quantization script (it uses AMCT, or does not parse yet, so may): the
    client shows no status and no prompt for any other Python file."""
    analysis = result.analysis
    if analysis is None:
        return False
    return analysis.uses_amct or analysis.syntax_error is not None


def create_server() -> AmctLanguageServer:
    """A new server with every feature module's routes installed (each behind `handlers.guard`)."""
    from amct_lsp.lsp.features import FEATURES

    ls = AmctLanguageServer()
    for feature in FEATURES:
        install(ls, feature.ROUTES)
    return ls


def leave(code: int) -> None:
    """End the process now: flush what was written, skip waiting for worker threads still checking."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def tcp_label(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def listen_problem(exc: OSError) -> str:
    """One short clause for why listening failed (asyncio's own message repeats the address)."""
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return "the port is already in use (pass another port, or stop the program using it)"
    if exc.errno == errno.EACCES:
        return "permission denied (ports below 1024 need privileges)"
    return exc.strerror or str(exc)


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
    server = create_server()
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
            try:
                server.start_tcp(host, port)
            except OSError as exc:
                print(
                    f"amct-lsp: cannot listen on {tcp_label(host, port)}: {listen_problem(exc)}",
                    file=sys.stderr,
                )
                return 2
        else:
            server.start_io()
    except SystemExit:
        pass  # `exit` stops the loop with SystemExit; the code is decided below
    code = 0 if server.shutdown_requested else 1
    if server.analyzer.busy():
        # A check is still running in a worker thread (a huge script or model): the interpreter would wait
        # for it at exit. Nothing it holds needs cleaning up, so leave now, as the client expects.
        leave(code)
    return code
