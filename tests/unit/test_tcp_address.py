"""Issue 13 item 12: `serve --tcp` listens on loopback unless the user explicitly allows a remote address."""

from __future__ import annotations

import pytest

from amct_lsp.cli import main
from amct_lsp.tcp_address import is_loopback, parse_tcp, remote_warning


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2087", ("127.0.0.1", 2087)),
        (":2087", ("127.0.0.1", 2087)),
        ("127.0.0.1:2087", ("127.0.0.1", 2087)),
        ("127.8.9.10:1", ("127.8.9.10", 1)),
        ("localhost:2087", ("localhost", 2087)),
        ("[::1]:2087", ("::1", 2087)),
    ],
)
def test_loopback_addresses_are_accepted(value: str, expected: tuple[str, int]) -> None:
    assert parse_tcp(value) == expected
    assert remote_warning(*expected) is None


@pytest.mark.parametrize("value", ["0.0.0.0:2087", "192.168.1.5:2087", "[::]:2087", "example.com:2087"])
def test_remote_addresses_need_allow_remote(value: str) -> None:
    with pytest.raises(ValueError, match=r"not a loopback address\. The language server has no auth"):
        parse_tcp(value)
    host, port = parse_tcp(value, allow_remote=True)
    assert not is_loopback(host) and port == 2087
    warning = remote_warning(host, port)
    assert warning is not None and "without authentication" in warning


@pytest.mark.parametrize("value", ["", "host:", "1.2.3.4:0", "1.2.3.4:65536", "1.2.3.4:http"])
def test_bad_ports(value: str) -> None:
    with pytest.raises(ValueError, match=r"--tcp expects \[HOST:\]PORT"):
        parse_tcp(value)


def test_serve_refuses_a_remote_address_without_listening(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--tcp", "0.0.0.0:2087"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("amct-lsp: --tcp 0.0.0.0:2087: 0.0.0.0 is not a loopback address.")
    assert "--allow-remote" in err
