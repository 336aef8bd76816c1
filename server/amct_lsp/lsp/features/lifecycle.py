"""initialize, initialized, shutdown, exit: capabilities, settings, registrations, exit codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from amct_lsp.lsp.handlers import Route
from amct_lsp.lsp.settings import SECTION

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

WATCH_GLOBS = ("**/*.pb", "**/*.pbtxt", "**/amct_log/*.log", "**/*.json", "**/*.cfg", "**/pyproject.toml")
WATCH_REGISTRATION_ID = "amct-watch-models"
CONFIG_REGISTRATION_ID = "amct-config"


def initialize(ls: AmctLanguageServer, params: types.InitializeParams) -> None:
    ls.init_options = params.initialization_options
    ls.pull_diagnostics = get_capability(params.capabilities, "text_document.diagnostic", None) is not None
    if not get_capability(params.capabilities, "workspace.configuration", False):
        ls.apply_settings(ls.init_options)


async def initialized(ls: AmctLanguageServer, params: types.InitializedParams) -> None:
    try:
        _ = ls.cache  # create it on the event loop thread: its progress hook posts back to this loop
    except Exception:
        ls.log_error("creating the model cache failed")
    try:
        await ls.fetch_settings()
    except Exception:
        ls.log_error("reading the settings failed")
        ls.apply_settings(None)
    registrations = _registrations(ls)
    if registrations:
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=registrations))
        except Exception:
            ls.log_error("client/registerCapability failed")


def _registrations(ls: AmctLanguageServer) -> list[types.Registration]:
    """File watching and configuration changes, each where the client lets the server register it."""
    caps = ls.client_capabilities
    out = []
    if get_capability(caps, "workspace.did_change_watched_files.dynamic_registration", False):
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS]
        out.append(
            types.Registration(
                id=WATCH_REGISTRATION_ID,
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
        )
    if get_capability(caps, "workspace.did_change_configuration.dynamic_registration", False):
        out.append(
            types.Registration(
                id=CONFIG_REGISTRATION_ID,
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION),
            )
        )
    return out


def shutdown(ls: AmctLanguageServer, params: None) -> None:
    ls.shutdown_requested = True
    ls.analyzer.shutdown()


def exit_(ls: AmctLanguageServer, params: None) -> None:
    """Over TCP, pygls ends the process by raising SystemExit inside a connection callback, which asyncio
    reports as an unhandled error with a traceback; leave directly instead (stdio exits cleanly by itself)."""
    if ls.tcp:
        from amct_lsp.lsp.server import leave

        leave(0 if ls.shutdown_requested else 1)


ROUTES = (
    Route(types.INITIALIZE, initialize),
    Route(types.INITIALIZED, initialized),
    Route(types.SHUTDOWN, shutdown),
    Route(types.EXIT, exit_),
)
