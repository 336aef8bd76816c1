"""Property tests: whatever bytes the reader is given, only a `ModelError` (or a graph) comes out.

Random bytes, random bytes after a GraphDef-looking prefix, and fixtures with bytes flipped, inserted, deleted
or cut: the language server reads whatever is on disk mid-save, so no input may raise anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amct_lsp.model.errors import ModelError
from amct_lsp.model.graph import ModelGraph
from amct_lsp.model.reader import read_model_bytes

FIXTURES = ("s1_add", "s4_bias_fbn_v3", "multi_output", "keras_conv_bn")
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def read_or_error(data: bytes, path: str = "fuzz.pb") -> ModelGraph | ModelError:
    try:
        graph = read_model_bytes(data, path)
    except ModelError as err:
        assert str(err) and err.message, "every error carries a message for the user"
        return err
    assert len(graph) >= 1
    assert all(isinstance(n.name, str) and isinstance(n.op, str) for n in graph)
    return graph


@SETTINGS
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    read_or_error(data)


@SETTINGS
@given(st.sampled_from([b"\x0a", b"\x0a\x10\x0a\x01a\x12\x01X", b"\x08\x01", b"\x22\x02\x08\x01", b"node {"]),
       st.binary(max_size=512), st.sampled_from(["m.pb", "m.pbtxt", "m.meta", ""]))  # fmt: skip
def test_random_bytes_after_a_plausible_start(prefix: bytes, rest: bytes, path: str) -> None:
    read_or_error(prefix + rest, path)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # protobuf's own note on odd escapes like "\\770"
@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    read_or_error(text.encode("utf-8", errors="surrogatepass"), "m.pbtxt")


@pytest.fixture(scope="module")
def fixture_bytes(fixture_path: Callable[[str], Path]) -> dict[str, bytes]:
    return {name: fixture_path(name).read_bytes() for name in FIXTURES}


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "cut"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 8))]
        else:
            del out[at:]
    return bytes(out)


@SETTINGS
@given(st.data())
def test_mutated_fixtures(fixture_bytes: dict[str, bytes], data: st.DataObject) -> None:
    original = fixture_bytes[data.draw(st.sampled_from(FIXTURES))]
    read_or_error(data.draw(mutations(original)))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@SETTINGS
@given(st.data())
def test_mutated_text_fixture(fixture_path: Callable[[str], Path], data: st.DataObject) -> None:
    original = fixture_path("s1_add.pbtxt").read_bytes()
    read_or_error(data.draw(mutations(original)), "s1_add.pbtxt")
