"""ModelCache: one read per file version, errors cached too, LRU, thread-safe, progress for big files."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.model import cache as cache_module
from amct_lsp.model.cache import ModelCache
from amct_lsp.model.errors import CorruptModel, ModelNotFound
from amct_lsp.model.graph import ModelGraph


@pytest.fixture
def model(tmp_path: Path, fixture_path: Callable[[str], Path]) -> Path:
    path = tmp_path / "model.pb"
    shutil.copyfile(fixture_path("s1_add"), path)
    return path


def touch_later(path: Path, data: bytes | None = None) -> None:
    """Rewrite `path` (optionally with new bytes) with an mtime that surely differs from before."""
    before = path.stat().st_mtime_ns
    if data is not None:
        path.write_bytes(data)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_same_object_for_the_same_file(model: Path) -> None:
    cache = ModelCache()
    first = cache.get(model)
    assert cache.get(model) is first
    assert cache.get(str(model)) is first
    link = model.parent / "link.pb"
    link.symlink_to(model)
    assert cache.get(link) is first  # keyed by real path
    assert cache.reads == 1


def test_reread_after_mtime_or_size_change(model: Path, fixture_path: Callable[[str], Path]) -> None:
    cache = ModelCache()
    first = cache.get(model)
    touch_later(model)
    second = cache.get(model)
    assert second is not first and cache.reads == 2
    touch_later(model, fixture_path("multi_output").read_bytes())
    third = cache.get(model)
    assert "head_a/Add" in third and cache.reads == 3
    assert len(cache) == 1  # older versions of the same file are dropped


def test_lru_bound(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    cache = ModelCache(max_entries=2)
    paths = []
    for index in range(3):
        path = tmp_path / f"m{index}.pb"
        shutil.copyfile(fixture_path("s1_add"), path)
        paths.append(path)
    a = cache.get(paths[0])
    cache.get(paths[1])
    assert cache.get(paths[0]) is a  # a is now the most recent
    cache.get(paths[2])  # evicts paths[1]
    assert len(cache) == 2 and cache.reads == 3
    assert cache.get(paths[0]) is a and cache.reads == 3
    cache.get(paths[1])
    assert cache.reads == 4


def test_errors_are_cached_until_the_file_changes(model: Path, fixture_path: Callable[[str], Path]) -> None:
    good = model.read_bytes()
    model.write_bytes(good[: len(good) // 2])
    cache = ModelCache()
    with pytest.raises(CorruptModel) as first:
        cache.get(model)
    with pytest.raises(CorruptModel) as second:
        cache.get(model)
    assert second.value is first.value and cache.reads == 1
    touch_later(model, good)
    assert isinstance(cache.get(model), ModelGraph) and cache.reads == 2


def test_missing_file_is_not_cached(tmp_path: Path, fixture_path: Callable[[str], Path]) -> None:
    cache = ModelCache()
    path = tmp_path / "later.pb"
    with pytest.raises(ModelNotFound):
        cache.get(path)
    shutil.copyfile(fixture_path("s1_add"), path)
    assert len(cache.get(path)) == 5


def test_invalidate_and_clear(model: Path) -> None:
    cache = ModelCache()
    first = cache.get(model)
    cache.invalidate(model)
    second = cache.get(model)
    assert second is not first and cache.reads == 2
    cache.clear()
    assert len(cache) == 0
    assert cache.get(model) is not second and cache.reads == 3


def test_threads_read_a_file_once(model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = cache_module.read_model

    def slow_read(path: Any, progress: Any = None) -> ModelGraph:
        time.sleep(0.2)
        return real_read(path, progress=progress)

    monkeypatch.setattr(cache_module, "read_model", slow_read)
    cache = ModelCache()
    results: list[ModelGraph] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(model))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r is results[0] for r in results)
    assert cache.reads == 1


def test_progress_only_for_big_files(model: Path) -> None:
    seen: list[tuple[str, float]] = []
    ModelCache(on_progress=lambda p, f: seen.append((p, f))).get(model)
    assert seen == []  # below the 50 MB default
    ModelCache(on_progress=lambda p, f: seen.append((p, f)), progress_threshold=100).get(model)
    assert seen and seen[-1] == (str(model), 1.0)


def test_same_size_replacement_with_preserved_mtime_is_noticed(model: Path) -> None:
    """`cp -p` / `rsync -t` keep size and mtime; the inode (or ctime) still changes."""
    cache = ModelCache()
    first = cache.get(model)
    data = bytearray(model.read_bytes())
    data[data.index(b"\x12\x06Conv2D") + 2] = ord("K")  # same size, different op type
    stamp = model.stat().st_mtime_ns
    replacement = model.with_suffix(".new")
    replacement.write_bytes(bytes(data))
    os.utime(replacement, ns=(stamp, stamp))
    replacement.replace(model)
    second = cache.get(model)
    assert second is not first and "Konv2D" in {n.op for n in second}
