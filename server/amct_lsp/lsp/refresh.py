"""`workspace/inlayHint/refresh` and `workspace/codeLens/refresh`: ask the client to fetch hints and lenses
again when what they show changed behind its back.

After an edit the client asks by itself (and the server answers from the analysis of the new version), so a
refresh is sent only when a new analysis of the *same* version (a model, log, config or setting changed) — or
the first analysis of a document — shows something else than the one before, and only to a client that
supports the refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pygls.capabilities import get_capability

from amct_lsp.lsp.analysis import Analysis
from amct_lsp.lsp.hints import hints_for
from amct_lsp.lsp.lenses import lenses_for

if TYPE_CHECKING:
    from amct_lsp.lsp.server import AmctLanguageServer

#: (what is shown, the client capability saying it can be refreshed, the server's request method).
_VIEWS = (
    ("hints", "workspace.inlay_hint.refresh_support", "workspace_inlay_hint_refresh"),
    ("lenses", "workspace.code_lens.refresh_support", "workspace_code_lens_refresh"),
)


class ViewRefresh:
    """Remembers, per open document, the version and what its hints and lenses showed last."""

    def __init__(self) -> None:
        self._shown: dict[str, tuple[int | None, dict[str, object]]] = {}

    def changed(self, uri: str, version: int | None, keys: dict[str, object]) -> list[str]:
        """Which views (`hints`, `lenses`) to refresh for this analysis; remembers it."""
        last = self._shown.get(uri)
        self._shown[uri] = (version, keys)
        if last is None:
            return [name for name, key in keys.items() if key]
        if last[0] != version:
            return []
        return [name for name, key in keys.items() if last[1].get(name) != key]

    def forget(self, uri: str) -> None:
        self._shown.pop(uri, None)

    def after_publish(self, ls: AmctLanguageServer, analysis: Analysis) -> None:
        """Send the refreshes this (current, published) analysis calls for."""
        uri = analysis.snapshot.uri
        settings = ls.settings_for(uri)
        good = ls.analyzer.last_good(uri)
        keys: dict[str, object] = {
            "hints": tuple(h.key() for h in hints_for(analysis, good, settings)),
            "lenses": tuple(lens.key() for lens in lenses_for(analysis, good, settings)),
        }
        wanted = self.changed(uri, analysis.version, keys)
        for name, capability, method in _VIEWS:
            if name in wanted and get_capability(ls.client_capabilities, capability, False):
                getattr(ls, method)(None)


__all__ = ["ViewRefresh"]
