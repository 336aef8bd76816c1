"""Issue 13 item 6: text models are read block by block in bounded memory; a text-looking binary is found
out at its first binary bytes, and no message carries a NUL (or any other byte of the file).

Measured with tracemalloc (Python allocations, which is where the old reader's gigabytes went): before,
the 44 MB text form of EfficientNet-B0 peaked at ~665 MB RSS and a 100 MB binary with a 4 KB text head at
~890 MB; see benchmarks/bench_text_models.py.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.model import CorruptModel, ModelTooLarge, read_model, text_reader
from amct_lsp.model.graph import ModelGraph

FixturePath = Callable[[str], Path]
MB = 2**20


def read_with_peak(path: Path) -> tuple[ModelGraph, float]:
    tracemalloc.start()
    try:
        graph = read_model(path)
        return graph, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def test_a_real_model_as_text_is_read_in_bounded_memory(
    tf: Any, fixture_path: FixturePath, tmp_path: Path
) -> None:
    """EfficientNet-B0 (16.6 MB frozen) written as text by TensorFlow: 40+ MB of .pbtxt."""
    binary = fixture_path("keras_efficientnet_b0")
    graph_def = tf.compat.v1.GraphDef.FromString(binary.read_bytes())
    tf.io.write_graph(graph_def, str(tmp_path), "model.pbtxt", as_text=True)
    text_path = tmp_path / "model.pbtxt"
    assert text_path.stat().st_size > 40 * MB
    start = time.perf_counter()
    graph, peak = read_with_peak(text_path)
    elapsed = time.perf_counter() - start
    assert list(graph.nodes.values()) == list(read_model(binary).nodes.values())
    assert graph.producer_version == read_model(binary).producer_version
    assert peak < 40, f"peak {peak:.0f} MB"  # measured ~10 MB; the whole-file parse took hundreds
    assert elapsed < 60, elapsed  # measured ~5 s (tracing doubles it); was 23 s without tracing


def test_a_text_looking_binary_stops_at_its_first_binary_chunk(tmp_path: Path) -> None:
    path = tmp_path / "model.pb"
    head = b'node {\n  name: "input"\n  op: "Placeholder"\n}\n' * 100
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(100 * MB)  # sparse: the rest reads as NUL bytes
    start = time.perf_counter()
    with pytest.raises(CorruptModel) as caught:
        read_with_peak(path)
    elapsed = time.perf_counter() - start
    message = str(caught.value)
    assert message == (
        f"{path} starts like a text GraphDef but holds binary data at byte offset {len(head)}; it is neither "
        "a text (.pbtxt) nor a binary (.pb) GraphDef."
    )
    assert "\x00" not in message
    assert elapsed < 5  # one chunk read, not 100 MB decoded


def test_binary_inside_a_text_file_gives_its_offset_not_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "m.pbtxt"
    text = b"".join(b'node {\n  name: "n%d"\n  op: "NoOp"\n}\n' % i for i in range(200))  # > the 4 KB head
    path.write_bytes(text + b'node { name: "b\x00secret" }\n')
    with pytest.raises(CorruptModel, match=f"binary data at byte offset {len(text) + 15};") as caught:
        read_model(path)
    assert "secret" not in str(caught.value) and "\x00" not in str(caught.value)


def test_big_blocks_lose_their_values_but_nothing_else(fixture_path: FixturePath, tmp_path: Path) -> None:
    """A Const with a 200 KB float_val list and a long tensor_content reads the same as the original."""
    text = fixture_path("s1_add.pbtxt").read_text(encoding="utf-8")
    values = "".join(f"        float_val: {i * 0.5}\n" for i in range(20_000))
    values += "        int_val: [1, 2,\n 3]\n"
    grown = text.replace("        tensor_content:", values + "        tensor_content:", 1)
    assert len(grown) > 200_000
    path = tmp_path / "grown.pbtxt"
    path.write_text(grown, encoding="utf-8")
    assert list(read_model(path).nodes.values()) == list(
        read_model(fixture_path("s1_add.pbtxt")).nodes.values()
    )
    skimmed = text_reader._skim(grown)
    assert "float_val" not in skimmed and "int_val" not in skimmed and 'tensor_content: ""' in skimmed
    assert skimmed.count("\n") == grown.count("\n")  # error lines stay right


def test_errors_in_later_blocks_name_the_right_line(fixture_path: FixturePath, tmp_path: Path) -> None:
    text = fixture_path("s1_add.pbtxt").read_text(encoding="utf-8")
    path = tmp_path / "bad.pbtxt"
    path.write_text(text + 'node {\n  name: "x"\n  op: NoOp\n}\n', encoding="utf-8")
    line = text.count("\n") + 3
    with pytest.raises(CorruptModel, match=rf"\(line {line}, column 7: string expected\)"):
        read_model(path)


def test_a_giant_text_block_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(text_reader, "MAX_TEXT_BLOCK_CHARS", 1000)
    path = tmp_path / "m.pbtxt"
    path.write_text('node {\n  name: "a"\n  op: "NoOp"\n}\nnode {\n' + '  input: "x"\n' * 200 + "}\n")
    with pytest.raises(ModelTooLarge, match=r"has a text block of more than .* starting at line 5"):
        read_model(path)
