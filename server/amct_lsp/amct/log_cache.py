"""Parse each AMCT log once per file version: the language server asks for it on every keystroke.

Keyed like models, by (real path, size, mtime_ns, inode, ctime_ns): a log AMCT rewrites gets a new key and is
read again. Small LRU, safe to share between the server's worker threads.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from types import MappingProxyType

from amct_lsp.amct.chain import RenameChain
from amct_lsp.fileio import FileKey, file_key

LogKey = FileKey
LogChains = Mapping[str, RenameChain]

_EMPTY: LogChains = MappingProxyType({})


class LogCache:
    """The rename chains of each log file, parsed at most once per version of the file."""

    def __init__(self, max_entries: int = 4) -> None:
        self.max_entries = max(1, max_entries)
        self._entries: OrderedDict[LogKey, LogChains] = OrderedDict()
        self._lock = threading.Lock()
        #: How many times a log was actually parsed (for tests).
        self.parses = 0

    @staticmethod
    def key(path: str | os.PathLike[str]) -> LogKey | None:
        """The cache key of `path` now, or None when it cannot be stat'ed."""
        return file_key(path)

    def get(self, path: str | os.PathLike[str]) -> LogChains:
        """The chains of the log at `path` (read-only; the same object while the file is unchanged)."""
        key = self.key(path)
        if key is None:
            return _EMPTY
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        from amct_lsp.amct.log import read_log_chains  # only when a log exists: most checks have none

        chains: LogChains = MappingProxyType(read_log_chains(key[0]))
        with self._lock:
            self.parses += 1
            self._entries[key] = chains
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            return self._entries[key]


#: The cache every check shares unless it is given its own.
SHARED_LOG_CACHE = LogCache()
