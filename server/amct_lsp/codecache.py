"""A bytecode cache for the code that libraries generate at run time, for a fast start.

`.pyc` files spare Python from compiling modules, but not the source that dataclasses and attrs build and
compile for every class at import time (lsprotocol's ~550 attrs classes, libcst's ~200 node dataclasses,
our own), nor the converters cattrs builds for the server's first messages. Compiling that text was a third
of the CLI's start-up and nearly half the server's. While `cached_compiles` is active (`cli.main`: the whole
command), `compile()` and `exec()` of a source string look the code object up by everything that determines
it — the text, file name, mode, compiler flags (the caller's inherited `__future__` flags included, as CPython
merges them) and optimization level — and compile only what is missing, so the result is the code the call
would have built. Anything else (ASTs, bytes, extra flags or keywords) goes straight through.

The cache is one `marshal` file per command and Python build (a dict from key to code object, so one
`marshal.loads` builds every code object a start needs), kept in a directory only this user may
write (`cache_dir()`; like `__pycache__`, its code is executed, so a file or directory anyone else can
write is never read). It is rewritten, atomically, only when many lookups missed (the first run, a library
upgrade), holding just what that run used. `AMCT_LSP_NO_CODE_CACHE=1` turns it off.
"""

from __future__ import annotations
import __future__

import builtins
import contextlib
import importlib.util
import marshal
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType
from typing import Any

#: The `__future__` compiler flags: what `compile()` and `exec()` inherit from the calling code (CPython's
#: PyCF_MASK; `nested_scopes` and `generators` are obsolete: their flag is CO_NESTED or none at all).
FUTURE_FLAGS = 0
for _name in __future__.all_feature_names:
    if _name not in ("nested_scopes", "generators"):
        FUTURE_FLAGS |= getattr(__future__, _name).compiler_flag

#: A cache file bigger than this is not read (ours are a few MB).
MAX_CACHE_BYTES = 64 * 1024 * 1024

#: The file is rewritten when more lookups than this missed. A few always miss: attrs puts the per-process
#: hash of a string into every `__hash__` it generates.
REWRITE_MISSES = 32

_Key = tuple[str, str, str, int, int]


@dataclass
class Stats:
    """What one `cached_compiles` block did: lookups answered from the file, compiled anew, and the file."""

    path: Path | None
    hits: int = 0
    misses: int = 0
    written: bool = False
    used: dict[_Key, CodeType] = field(default_factory=dict, repr=False)
    saved_misses: int = 0  # `misses` when the file was last written

    def flush(self) -> bool:
        """Write what this block used if more than `REWRITE_MISSES` lookups missed since the last write.

        A server calls it once its start-up imports are done, so a server that is later killed still leaves
        a cache behind; the end of the block flushes again.
        """
        if self.path is None or self.misses - self.saved_misses <= REWRITE_MISSES:
            return False
        if _save(self.path, dict(self.used)):
            self.written = True
            self.saved_misses = self.misses
            with contextlib.suppress(OSError):  # the same command's file in the format before `-v2`
                os.unlink(self.path.with_name(self.path.name.removesuffix("-v2.bin") + ".bin"))
            return True
        return False


def cache_dir() -> Path:
    """`$AMCT_LSP_CACHE_DIR`, else the platform's per-user cache folder (`~/.cache/amct-lsp` on Linux)."""
    explicit = os.environ.get("AMCT_LSP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "amct-lsp" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "amct-lsp"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "amct-lsp"


def cache_file(name: str, directory: Path | None = None) -> Path:
    """The cache of `name` (a command) for this Python build: code objects only load in the same one."""
    magic = importlib.util.MAGIC_NUMBER.hex()
    tag = sys.implementation.cache_tag or sys.implementation.name
    return (directory or cache_dir()) / f"code-{name}-{tag}-{magic}-m{marshal.version}-v2.bin"


def _private(info: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (always true where there are no POSIX owners)."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    return info.st_uid == getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load(path: Path) -> dict[_Key, object]:
    """The entries of `path`; empty when it is missing, unreadable, not private, too big or malformed."""
    try:
        if not _private(os.stat(path.parent)):
            return {}
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > MAX_CACHE_BYTES:
            return {}
        try:
            data = file.read()
        except OSError:
            return {}
    try:
        entries = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        return {}
    # Entries are checked when used (`_Compiler.code`): a key we build never equals a malformed one.
    return entries if isinstance(entries, dict) else {}


def _save(path: Path, entries: dict[_Key, CodeType]) -> bool:
    """Write `entries` to `path` atomically inside a private directory; False if that cannot be done."""
    import tempfile  # only when writing: most runs only read

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(path.parent)):
            return False
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as file:
            marshal.dump(entries, file)
        os.replace(tmp, path)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True


class _Compiler:
    """The `compile` and `exec` stand-ins; `entries` maps a key to its code object (others: compiled)."""

    def __init__(self, entries: dict[_Key, object], stats: Stats) -> None:
        self.entries = entries
        self.stats = stats
        self.real_compile = builtins.compile
        self.real_exec = builtins.exec
        self.optimize = sys.flags.optimize

    def code(self, source: str, filename: str, mode: str, flags: int, optimize: int) -> CodeType:
        key = (source, filename, mode, flags, self.optimize if optimize == -1 else optimize)
        stored = self.entries.get(key)
        if isinstance(stored, CodeType):
            self.stats.hits += 1
            self.stats.used[key] = stored
            return stored
        code: CodeType = self.real_compile(source, filename, mode, flags, True, optimize)
        self.stats.misses += 1
        self.stats.used[key] = code
        return code

    def compile(
        self,
        source: Any,
        filename: Any,
        mode: str,
        flags: int = 0,
        dont_inherit: bool = False,
        optimize: int = -1,
        **kwargs: Any,
    ) -> Any:
        if isinstance(source, str) and isinstance(filename, str) and not kwargs and not flags & ~FUTURE_FLAGS:
            inherited = 0 if dont_inherit else sys._getframe(1).f_code.co_flags & FUTURE_FLAGS
            return self.code(source, filename, mode, flags | inherited, optimize)
        return self.real_compile(source, filename, mode, flags, dont_inherit, optimize, **kwargs)

    def exec(self, source: Any, /, *args: Any, **kwargs: Any) -> None:
        # exec(source, globals=None, locals=None, *, closure=None); 3.13 takes the namespaces by keyword too.
        namespace = args[0] if args else kwargs.pop("globals", None)
        local_namespace = args[1] if len(args) > 1 else kwargs.pop("locals", None)
        caller = sys._getframe(1)
        if namespace is None:  # exec's defaults are the caller's namespaces, not this frame's
            namespace = caller.f_globals
            if local_namespace is None:
                local_namespace = caller.f_locals
        if isinstance(source, str) and not kwargs:
            source = self.code(source, "<string>", "exec", caller.f_code.co_flags & FUTURE_FLAGS, -1)
        self.real_exec(source, namespace, local_namespace, *args[2:], **kwargs)


@contextlib.contextmanager
def cached_compiles(name: str, directory: Path | None = None) -> Iterator[Stats]:
    """Serve `compile()`/`exec()` of source strings from the cache `name` while the block runs.

    Enter it on the main thread before any other starts: it swaps the builtins for the whole process (other
    threads get the same code either way). Never raises for the cache's sake: an unusable cache only means
    compiling as usual.
    """
    try:
        path = None if os.environ.get("AMCT_LSP_NO_CODE_CACHE") else cache_file(name, directory)
    except (RuntimeError, KeyError, OSError):  # no home folder to put it in (Path.home() fails)
        path = None
    if path is None:
        yield Stats(path=None)
        return
    stats = Stats(path=path)
    compiler = _Compiler(_load(path), stats)
    builtins.compile, builtins.exec = compiler.compile, compiler.exec
    try:
        yield stats
    finally:
        builtins.compile, builtins.exec = compiler.real_compile, compiler.real_exec
    stats.flush()


__all__ = [
    "FUTURE_FLAGS",
    "MAX_CACHE_BYTES",
    "REWRITE_MISSES",
    "Stats",
    "cache_dir",
    "cache_file",
    "cached_compiles",
]
