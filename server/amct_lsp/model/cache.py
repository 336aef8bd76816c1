"""Read each model once per (realpath, size, mtime_ns) and share it between every script that uses it.

The key also holds the inode and ctime, so a file replaced with one of the same size and a preserved mtime
(`cp -p`, `rsync -t`) is still noticed.

The language server asks for the model on every keystroke, so a bad file's error is cached just like a good
file's graph, and two threads asking for the same file at once wait for one read instead of reading twice.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable

from amct_lsp.fileio import FileKey, file_key
from amct_lsp.model.errors import ModelError
from amct_lsp.model.graph import ModelGraph
from amct_lsp.model.reader import ProgressFn, read_model

#: (real path, size, mtime_ns, inode, ctime_ns): a file that changes gets a new key and is read again.
CacheKey = FileKey
ProgressHook = Callable[[str, float], None]

DEFAULT_PROGRESS_THRESHOLD = 50 * 1024 * 1024


class ModelCache:
    """An LRU cache of read models (or their errors), safe to share between threads."""

    def __init__(
        self,
        max_entries: int = 8,
        on_progress: ProgressHook | None = None,
        progress_threshold: int = DEFAULT_PROGRESS_THRESHOLD,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self.on_progress = on_progress
        self.progress_threshold = progress_threshold
        self._entries: OrderedDict[CacheKey, ModelGraph | ModelError] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[CacheKey, threading.Lock] = {}
        #: How many times a file was actually read (for tests and the server's log).
        self.reads = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @staticmethod
    def key(path: str | os.PathLike[str]) -> CacheKey | None:
        """The cache key of `path` now, or None when it cannot be stat'ed."""
        return file_key(path)

    def get(self, path: str | os.PathLike[str]) -> ModelGraph:
        """The model at `path`, read at most once per file version; raises its (cached) `ModelError`."""
        key = self.key(path)
        if key is None:  # missing or unreachable: nothing to key on, and stat is cheap, so don't cache
            return self._read(path, None)
        hit = self._lookup(key)
        if hit is not None:
            return _unwrap(hit)
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # one reader per file version; the others wait here and then find the entry
            hit = self._lookup(key)
            if hit is None:
                hit = self._load(path, key)
            with self._lock:
                self._key_locks.pop(key, None)
        return _unwrap(hit)

    def invalidate(self, path: str | os.PathLike[str]) -> None:
        """Forget every cached version of `path` (e.g. when the editor says the file changed)."""
        real = os.path.realpath(os.fspath(path))
        with self._lock:
            for key in [k for k in self._entries if k[0] == real]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _lookup(self, key: CacheKey) -> ModelGraph | ModelError | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
            return hit

    def _load(self, path: str | os.PathLike[str], key: CacheKey) -> ModelGraph | ModelError:
        result: ModelGraph | ModelError
        try:
            result = self._read(path, key)
        except ModelError as err:
            result = err
        if self.key(path) != key:  # the file changed while we read it: don't remember a mixed version
            return result
        with self._lock:
            for stale in [k for k in self._entries if k[0] == key[0]]:
                del self._entries[stale]  # older versions of the same file can never be hit again
            self._entries[key] = result
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return result

    def _read(self, path: str | os.PathLike[str], key: CacheKey | None) -> ModelGraph:
        progress: ProgressFn | None = None
        hook = self.on_progress
        if hook is not None and key is not None and key[1] > self.progress_threshold:
            shown = os.fspath(path)

            def progress(fraction: float) -> None:
                hook(shown, fraction)

        with self._lock:
            self.reads += 1
        return read_model(path, progress=progress)


def _unwrap(entry: ModelGraph | ModelError) -> ModelGraph:
    if isinstance(entry, ModelError):
        raise entry.with_traceback(None)
    return entry


__all__ = ["DEFAULT_PROGRESS_THRESHOLD", "CacheKey", "ModelCache", "ProgressHook"]
