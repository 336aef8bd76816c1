"""Files and folders changing behind the editor's back: models, logs, configs, workspace folders."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.uris import to_fs_path

from amct_lsp.lsp.analysis import is_affected
from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


def did_change_watched_files(ls: AmctLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    changed = [p for p in (to_fs_path(c.uri) for c in params.changes) if p]
    if not changed:
        return
    ls.invalidate_models(changed)
    affected = {a.snapshot.uri for a in ls.analyzer.latest_all() for path in changed if is_affected(a, path)}
    for uri in affected:
        ls.analyzer.invalidate(uri)
        ls.analyzer.schedule(uri, 0)
    if affected:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        ls.log_message(f"{shown} changed: re-checking {len(affected)} document(s)")
        ls.refresh_pulled()


async def did_change_workspace_folders(
    ls: AmctLanguageServer, params: types.DidChangeWorkspaceFoldersParams
) -> None:
    """pygls has updated its folder list; a document's folder decides where its log is searched, how
    relative settings resolve and which settings apply, so read them again and check every open document."""
    added = [f.name for f in params.event.added or []]
    removed = [f.name for f in params.event.removed or []]
    ls.log_message(f"workspace folders changed (added {added}, removed {removed}): re-checking")
    if get_capability(ls.client_capabilities, "workspace.configuration", False):
        await ls.fetch_settings(force_recheck=True)  # the new folders' own settings
    else:
        ls.recheck_all()  # pushed settings apply everywhere: keep them


ROUTES = (
    Route(types.WORKSPACE_DID_CHANGE_WATCHED_FILES, did_change_watched_files),
    Route(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS, did_change_workspace_folders),
)
