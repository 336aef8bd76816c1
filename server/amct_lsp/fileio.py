"""Open only regular files, without blocking and with a size bound; write fixes without replacing the file.

Every file a user names (script, model, config, log) may be a FIFO, a link to /dev/zero or a huge file.
A plain `open()` of a FIFO blocks until a writer comes and `read()` of /dev/zero never ends, so we open with
O_NONBLOCK, look at the *opened* descriptor (`fstat`, no check-then-open race) and refuse anything that is
not a regular file before reading a byte. The errors are `OSError`s with a readable `strerror`, so callers
that already report `OSError` say why.

`write_preserving` is what `check --fix` uses: it writes through a symlink to its target, keeps owner, group,
mode and hard links, refuses a read-only file, and leaves no temporary file behind on any path (an exception,
Ctrl-C, SIGTERM or SIGHUP).
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import threading
from collections.abc import Iterator
from types import FrameType
from typing import BinaryIO

#: Scripts, configs and logs are text a person or a tool wrote: nothing legitimate comes near these sizes.
MAX_SCRIPT_BYTES = 16 * 2**20
MAX_CONFIG_BYTES = 4 * 2**20
MAX_LOG_BYTES = 64 * 2**20

TEMP_SUFFIX = ".amct-tmp"

_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """A FIFO, socket or device where a file was expected."""


class FileTooLarge(OSError):
    """A file above the size bound of what it is supposed to be."""


class ReadOnlyFile(OSError):
    """A file `--fix` must not write: no write bit for anyone, or no write access for this user."""


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a FIFO (named pipe)", "a character device", ...)."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size_text(size: int) -> str:
    return f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size} bytes"


def open_regular(path: str | os.PathLike[str] | bytes, max_bytes: int | None = None) -> tuple[int, int]:
    """(descriptor, size) of the regular file `path`, opened for reading; the caller closes the descriptor.

    Raises IsADirectoryError, NotRegularFile (FIFO, device, socket), FileTooLarge (size above `max_bytes`)
    or the OSError of `os.open` (FileNotFoundError, PermissionError, ...). Never blocks on a FIFO.
    """
    fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", os.fsdecode(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(
                errno.EINVAL,
                f"is {file_kind(info.st_mode)}, not a regular file; amct-lsp reads only regular files",
                os.fsdecode(path),
            )
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(
                errno.EFBIG,
                f"is {_size_text(info.st_size)}, more than the {_size_text(max_bytes)} amct-lsp reads",
                os.fsdecode(path),
            )
        if _O_NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def open_regular_file(
    path: str | os.PathLike[str] | bytes, max_bytes: int | None = None
) -> tuple[BinaryIO, int]:
    """`open_regular` as an unbuffered binary file object; the caller closes it."""
    fd, size = open_regular(path, max_bytes)
    return os.fdopen(fd, "rb", buffering=0), size


def read_regular(path: str | os.PathLike[str] | bytes, max_bytes: int) -> bytes:
    """The whole content of a regular file of at most `max_bytes` (also if it grows while we read)."""
    fd, _size = open_regular(path, max_bytes)
    with os.fdopen(fd, "rb", buffering=0) as handle:
        chunks: list[bytes] = []
        total = 0
        while total <= max_bytes:
            chunk = handle.read(min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            total += len(chunk)
    limit = _size_text(max_bytes)
    raise FileTooLarge(errno.EFBIG, f"grew past the {limit} amct-lsp reads", os.fsdecode(path))


def path_state(path: str | os.PathLike[str]) -> str:
    """ "exists", "missing" or "denied" (a folder on the way cannot be searched). `os.path.exists` says
    False for both of the last two, which made a file in an unreadable folder look missing."""
    try:
        os.stat(path)
    except PermissionError:
        return "denied"
    except (OSError, ValueError):
        return "missing"
    return "exists"


# -- writing ----------------------------------------------------------------------------------------------


def check_writable(path: str) -> os.stat_result:
    """The stat of the file `--fix` would write, or ReadOnlyFile.

    A file whose mode has no write bit for anyone is read-only on purpose (a generated or vendored script);
    root may write it anyway, so the mode is checked as well as `os.access`.
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(errno.EINVAL, f"is {file_kind(info.st_mode)}, not a regular file", path)
    if not info.st_mode & 0o222:
        raise ReadOnlyFile(
            errno.EACCES,
            "the file is read-only: its mode has no write permission; chmod u+w to let --fix edit it",
            path,
        )
    if not os.access(path, os.W_OK):
        raise ReadOnlyFile(errno.EACCES, "permission denied: this user may not write the file", path)
    return info


def write_preserving(path: str, data: bytes) -> None:
    """Write `data` into the file at `path` and keep what makes it that file.

    A symlink is written through to its target (the link stays a link). A file with one link is replaced
    atomically by a temporary file in its folder that first gets the file's mode, owner and group; a file
    with several hard links is rewritten in place so that every link sees the fix. A read-only file is
    refused (ReadOnlyFile). The temporary file is removed on every path, signals included.
    """
    target = os.path.realpath(path)
    info = check_writable(target)
    with _cleanup_on_signals():
        if info.st_nlink > 1:
            _write_in_place(target, data)
        else:
            _replace_atomically(target, data, info)


def _write_in_place(target: str, data: bytes) -> None:
    """Same inode: open without truncating, write, cut to length, sync."""
    fd = os.open(target, os.O_WRONLY | _O_NOCTTY | _O_CLOEXEC | _O_BINARY)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.truncate(len(data))
        handle.flush()
        os.fsync(handle.fileno())


def _replace_atomically(target: str, data: bytes, info: os.stat_result) -> None:
    folder = os.path.dirname(target)
    import tempfile  # only when writing: a check that reports never writes

    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if hasattr(os, "fchown") and (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.fchown(handle.fileno(), info.st_uid, info.st_gid)
                except PermissionError:
                    # Not ours to give away: keep the inode instead, which keeps the owner too.
                    raise _KeepInode from None
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            else:  # Windows before Python 3.13
                os.chmod(tmp, stat.S_IMODE(info.st_mode))
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except _KeepInode:
        _remove(tmp)
        _write_in_place(target, data)
    except BaseException:
        _remove(tmp)
        raise


class _KeepInode(Exception):
    """The temporary file cannot get the original's owner: write the original in place."""


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class Interrupted(BaseException):
    """A signal arrived while a fix was being written; raised so that `finally`/`except` blocks clean up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into an exception while writing (SIGINT already is one), then die of the signal.

    Without this a `kill` between creating and renaming the temporary file leaves `*.amct-tmp` behind.
    Signal handlers can only be set from the main thread; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous: dict[int, object] = {}

    def handler(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signum)

    for signum in wanted:
        previous[signum] = signal.signal(signum, handler)
    try:
        yield
    except Interrupted as interrupted:
        for signum, old in previous.items():
            signal.signal(signum, old)  # type: ignore[arg-type]
        previous.clear()
        signal.signal(interrupted.signum, signal.SIG_DFL)
        os.kill(os.getpid(), interrupted.signum)  # die of the signal, as the sender expects
        raise
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)  # type: ignore[arg-type]


__all__ = [
    "MAX_CONFIG_BYTES",
    "MAX_LOG_BYTES",
    "MAX_SCRIPT_BYTES",
    "TEMP_SUFFIX",
    "FileTooLarge",
    "Interrupted",
    "NotRegularFile",
    "ReadOnlyFile",
    "check_writable",
    "file_kind",
    "open_regular",
    "open_regular_file",
    "path_state",
    "read_regular",
    "write_preserving",
]


#: What identifies one version of a file for a cache: real path, size, mtime, inode, ctime.
FileKey = tuple[str, int, int, int, int]


def file_key(path: str | os.PathLike[str]) -> FileKey | None:
    """The cache key of `path` now, or None when it cannot be stat'ed (the reader then says why)."""
    real = os.path.realpath(os.fspath(path))
    try:
        info = os.stat(real)
    except (OSError, ValueError):
        return None
    return real, info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns
