"""The start-up code cache gives exactly the code `compile()`/`exec()` would build, or keeps out."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from amct_lsp import codecache
from amct_lsp.codecache import cache_file, cached_compiles

MODULE_CONSTANT = 20
# An annotation nothing defines: evaluated (without `annotations` from __future__), it raises NameError.
LAZY_ANNOTATION = "def f(x: not_defined_anywhere) -> None:\n    pass\n"


@pytest.fixture(autouse=True)
def _write_small_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests compile a few functions, not the thousands of a real start-up."""
    monkeypatch.delenv("AMCT_LSP_NO_CODE_CACHE", raising=False)
    monkeypatch.setattr(codecache, "REWRITE_MISSES", 0)


def make_classes() -> tuple[type, type]:
    @dataclasses.dataclass(frozen=True, order=True)
    class Point:
        x: int
        y: int = 0

    @attrs.frozen
    class Pair:
        left: str
        right: str = "r"

    return Point, Pair


def exercise(point: type, pair: type) -> list[object]:
    """Everything the generated methods do, as plain data."""
    a, b = point(1, 2), point(1)
    out: list[object] = [repr(a), a == point(1, 2), a < b or b < a, hash(a) == hash(point(1, 2))]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 3  # type: ignore[misc]
    p = pair("l")
    out += [repr(p), p == pair("l", "r"), hash(p) == hash(pair("l"))]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.left = "x"
    return out


def test_second_run_reuses_the_code_and_it_behaves_the_same(tmp_path: Path) -> None:
    plain = exercise(*make_classes())
    with cached_compiles("t", tmp_path) as first:
        cold = exercise(*make_classes())
    assert first.misses > 0 and first.hits == 0 and first.written
    assert cache_file("t", tmp_path).is_file()
    with cached_compiles("t", tmp_path) as second:
        warm = exercise(*make_classes())
    assert second.hits == first.misses - second.misses
    assert second.hits > 0
    assert plain == cold == warm


def test_builtins_are_restored_even_when_the_block_fails(tmp_path: Path) -> None:
    real = builtins.compile, builtins.exec
    with pytest.raises(RuntimeError), cached_compiles("t", tmp_path):
        assert (builtins.compile, builtins.exec) != real
        raise RuntimeError
    assert (builtins.compile, builtins.exec) == real


def test_future_flags_are_inherited_from_the_caller_as_cpython_does(tmp_path: Path) -> None:
    # This module has `from __future__ import annotations`: exec and compile inherit it unless told not to.
    for _ in range(2):  # cold, then from the file
        with cached_compiles("t", tmp_path):
            exec(LAZY_ANNOTATION, {})  # annotations stay strings: no NameError
            exec(compile(LAZY_ANNOTATION, "<lazy>", "exec"), {})
            eager = compile(LAZY_ANNOTATION, "<lazy>", "exec", dont_inherit=True)
            with pytest.raises(NameError):
                exec(eager, {})
            explicit = compile(LAZY_ANNOTATION, "<lazy>", "exec", codecache.FUTURE_FLAGS, dont_inherit=True)
            exec(explicit, {})


def test_exec_without_namespaces_uses_the_callers(tmp_path: Path) -> None:
    seen: list[int] = []
    local = 22  # noqa: F841 (read by the exec'd text)
    with cached_compiles("t", tmp_path):
        exec("seen.append(MODULE_CONSTANT + local)")
        namespace: dict[str, object] = {"q": 1}
        exec("r = q + 1", namespace)
        only_locals: dict[str, object] = {}
        exec("s = MODULE_CONSTANT", None, only_locals)
    assert seen == [42]
    assert namespace["r"] == 2
    assert only_locals == {"s": 20}


def test_asts_bytes_and_other_flags_go_straight_through(tmp_path: Path) -> None:
    with cached_compiles("t", tmp_path) as stats:
        tree = compile("x = 1", "<t>", "exec", ast.PyCF_ONLY_AST)
        from_bytes = compile(b"x = 2", "<t>", "exec")
        from_tree = compile(tree, "<t>", "exec")
        ns: dict[str, object] = {}
        exec(from_bytes, ns)
        exec(from_tree, ns)
    assert isinstance(tree, ast.Module)
    assert ns["x"] == 1
    assert stats.hits == stats.misses == 0


def test_errors_are_the_compilers_own(tmp_path: Path) -> None:
    with cached_compiles("t", tmp_path), pytest.raises(SyntaxError) as err:
        compile("def (:", "<broken>", "exec")
    assert err.value.filename == "<broken>"


def test_a_corrupt_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = cache_file("t", tmp_path)
    path.write_bytes(b"\xff not marshal data")
    with cached_compiles("t", tmp_path) as stats:
        exercise(*make_classes())
    assert stats.hits == 0 and stats.written
    with cached_compiles("t", tmp_path) as again:
        exercise(*make_classes())
    assert again.hits > 0


def test_corrupt_entries_are_compiled_again(tmp_path: Path) -> None:
    with cached_compiles("t", tmp_path):
        expected = exercise(*make_classes())
    path = cache_file("t", tmp_path)
    entries = marshal.loads(path.read_bytes())
    broken = {key: (b"\x00garbage" if index % 2 else "not bytes") for index, key in enumerate(entries)}
    path.write_bytes(marshal.dumps(broken))
    with cached_compiles("t", tmp_path) as stats:
        assert exercise(*make_classes()) == expected
    assert stats.hits == 0 and stats.misses == len(entries)


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership")
def test_a_folder_others_can_write_is_never_read_nor_written(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    with cached_compiles("t", shared):
        exercise(*make_classes())
    assert cache_file("t", shared).is_file()
    shared.chmod(0o777)
    try:
        with cached_compiles("t", shared) as stats:
            exercise(*make_classes())
        assert stats.hits == 0 and not stats.written
    finally:
        shared.chmod(0o700)


def test_the_environment_can_turn_it_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMCT_LSP_NO_CODE_CACHE", "1")
    real = builtins.compile
    with cached_compiles("t", tmp_path) as stats:
        assert builtins.compile is real
        exercise(*make_classes())
    assert stats.path is None and not stats.written
    assert not any(tmp_path.iterdir())


def test_no_home_folder_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("AMCT_LSP_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    with cached_compiles("t") as stats:
        exercise(*make_classes())
    assert stats.path is None and not stats.written


CLI = """
import json, sys
from amct_lsp.cli import main
code = main(["check", sys.argv[1], "--format", "json"])
print(json.dumps({"code": code, "lsp": sorted(m for m in sys.modules
                  if m.split(".")[0] in ("pygls", "lsprotocol", "cattrs"))}))
"""


def run_check(script: Path, cache: Path, *, off: bool = False) -> tuple[list[object], dict[str, object]]:
    env = {**os.environ, "AMCT_LSP_CACHE_DIR": str(cache)}
    env.pop("AMCT_LSP_NO_CODE_CACHE", None)
    if off:
        env["AMCT_LSP_NO_CODE_CACHE"] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", CLI, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    *findings, last = proc.stdout.strip().splitlines()
    return json.loads("\n".join(findings)), json.loads(last)


def test_check_finds_the_same_with_the_cache_and_never_loads_the_lsp(seed: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold, cold_run = run_check(seed, cache)
    assert cache_file("check", cache).is_file()
    warm, warm_run = run_check(seed, cache)
    plain, _ = run_check(seed, cache, off=True)
    assert cold == warm == plain
    assert [f["code"] for f in plain] == ["AMCT001"]  # type: ignore[index]
    assert cold_run == warm_run == {"code": 1, "lsp": []}


def test_writing_the_cache_removes_the_same_commands_file_of_the_old_format(tmp_path: Path) -> None:
    path = cache_file("t", tmp_path)
    old = path.with_name(path.name.removesuffix("-v2.bin") + ".bin")
    other = tmp_path / "code-t-other-python.bin"
    tmp_path.chmod(0o700)
    old.write_bytes(marshal.dumps({}))
    other.write_bytes(b"")
    with cached_compiles("t", tmp_path) as stats:
        exercise(*make_classes())
    assert stats.written and path.is_file()
    assert not old.exists() and other.exists()
