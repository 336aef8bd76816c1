"""workspace/didChangeConfiguration: read the settings again (or take them from the notification)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.capabilities import get_capability

from amct_lsp.lsp.handlers import Route

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer


async def did_change_configuration(
    ls: AmctLanguageServer, params: types.DidChangeConfigurationParams
) -> None:
    if get_capability(ls.client_capabilities, "workspace.configuration", False):
        await ls.fetch_settings()
    elif params.settings is not None and ls.apply_settings(ls.init_options, params.settings):
        ls.recheck_all()


ROUTES = (Route(types.WORKSPACE_DID_CHANGE_CONFIGURATION, did_change_configuration),)
