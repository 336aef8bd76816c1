"""The `serve --tcp [HOST:]PORT` address: loopback unless the user explicitly allows a remote one.

The language server has no authentication: whoever can connect can make it read any file this user can
read (a model path, a config path) and see parts of it in diagnostics. So it listens on 127.0.0.1 by
default, and a non-loopback host (0.0.0.0, a LAN address, a host name) needs `--allow-remote`.
"""

from __future__ import annotations

import ipaddress

DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or `localhost`; any other name is not trusted to resolve to loopback."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_tcp(value: str, allow_remote: bool = False) -> tuple[str, int]:
    """(host, port) from `PORT`, `HOST:PORT` or `[IPv6]:PORT`; ValueError with a sentence for the user."""
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "", value
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--tcp expects [HOST:]PORT (e.g. 127.0.0.1:2087), got {value!r}")
    host = host.removeprefix("[").removesuffix("]") or DEFAULT_HOST
    if not allow_remote and not is_loopback(host):
        raise ValueError(
            f"--tcp {value}: {host} is not a loopback address. The language server has no authentication "
            "(anyone who can connect can make it read files this user can read); pass --allow-remote to "
            "listen there anyway, e.g. inside a container whose port only you can reach."
        )
    return host, int(port)


def remote_warning(host: str, port: int) -> str | None:
    """The line to print when listening beyond loopback (allowed explicitly), else None."""
    if is_loopback(host):
        return None
    return (
        f"warning: listening on {host}:{port} without authentication; anyone who can reach this port can "
        "use the server with your file permissions."
    )


__all__ = ["DEFAULT_HOST", "is_loopback", "parse_tcp", "remote_warning"]
