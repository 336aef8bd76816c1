"""Fixed scripts do not only parse, they run: executed against a fake TensorFlow and a fake AMCT that rename
the graph's tail like the real one (the old tensor stays in the graph, `calib_outputs` is updated in place,
and save_model fails with the FAQ's RuntimeError when calibration never fetched the new output).

Every fix of every AMCT001 finding, the calib_outputs one above all, is applied alone and the whole script
is run: no NameError or TypeError from the edit, no RuntimeError from save_model, and every fetch made after
quantize_model asks for the new name.
"""

from __future__ import annotations

import shutil
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from amct_lsp.check import apply_edits, check_source
from amct_lsp.check.findings import Code
from amct_lsp.check.suppress import is_suppression
from amct_lsp.model.cache import ModelCache

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "scripts"
NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


class FakeTensor(str):
    @property
    def name(self) -> str:
        return str(self)


class FakeGraph:
    def __init__(self) -> None:
        self.names = {"input:0", "Conv2D:0", "Add:0"}
        self.quantized = False

    def get_tensor_by_name(self, name: str) -> str:
        if name not in self.names:
            raise KeyError(f"The name '{name}' refers to a Tensor which does not exist.")
        return FakeTensor(name)

    def get_operation_by_name(self, name: str) -> types.SimpleNamespace:
        if f"{name}:0" not in self.names:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph.")
        return types.SimpleNamespace(name=name, outputs=[FakeTensor(f"{name}:0")])

    def as_default(self) -> FakeContext:
        return FakeContext(self)


class FakeContext:
    def __init__(self, value: object = None) -> None:
        self.value = value

    def __enter__(self) -> Any:
        return self.value

    def __exit__(self, *_: object) -> None:
        return None


class World:
    """One run of a script: the default graph and every fetch, with whether quantize_model had run."""

    def __init__(self) -> None:
        self.graph = FakeGraph()
        self.fetched: list[tuple[bool, str]] = []

    def run(self, fetches: Any, feed_dict: object = None) -> None:
        if isinstance(fetches, str | list | tuple | dict):
            items = fetches.values() if isinstance(fetches, dict) else [fetches]
            for item in items:
                for name in item if isinstance(item, list | tuple) else [item]:
                    self.fetched.append((self.graph.quantized, self.graph.get_tensor_by_name(name)))

    def quantize_model(
        self, graph: FakeGraph, config_file: str, record_file: str, calib_outputs: list[str] | None = None
    ) -> None:
        graph.names = graph.names | {"bias_add/BiasAdd:0", NEW}  # a tf.Graph cannot delete the old op
        graph.quantized = True
        if calib_outputs is not None:
            # A list of op names [DOC]: a tensor name in it is not what AMCT looks for, so it stays.
            calib_outputs[:] = [NEW.rpartition(":")[0] if n == "Add" else n for n in calib_outputs]

    def save_model(self, *_: object, **__: object) -> None:
        if self.graph.quantized and (True, NEW) not in self.fetched:
            raise RuntimeError("cannot find shift_bit of layer Conv2D in record_file")


def fake_modules(world: World) -> dict[str, types.ModuleType]:
    tf = types.ModuleType("tensorflow")
    session = type(
        "Session", (), {"__init__": lambda self, **_: None, "run": lambda self, *a, **k: world.run(*a, **k)}
    )
    session.__enter__ = lambda self: self  # type: ignore[attr-defined]
    session.__exit__ = lambda self, *_: None  # type: ignore[attr-defined]
    graph_def = type("GraphDef", (), {"ParseFromString": lambda self, data: None})
    tf.Session = session  # type: ignore[attr-defined]
    tf.GraphDef = graph_def  # type: ignore[attr-defined]
    tf.gfile = types.SimpleNamespace(
        GFile=lambda *a, **k: FakeContext(types.SimpleNamespace(read=lambda: b""))
    )  # type: ignore[attr-defined]
    tf.import_graph_def = lambda *a, **k: None  # type: ignore[attr-defined]
    tf.get_default_graph = lambda: world.graph  # type: ignore[attr-defined]
    tf.global_variables_initializer = lambda: None  # type: ignore[attr-defined]
    amct = types.ModuleType("amct_tensorflow")
    amct.quantize_model = world.quantize_model  # type: ignore[attr-defined]
    amct.create_quant_config = lambda *a, **k: None  # type: ignore[attr-defined]
    amct.save_model = world.save_model  # type: ignore[attr-defined]
    return {"tensorflow": tf, "amct_tensorflow": amct}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], World]]:
    def run(source: str) -> World:
        world = World()
        for name, module in fake_modules(world).items():
            monkeypatch.setitem(sys.modules, name, module)
        exec(compile(source, "<fixed script>", "exec"), {"__name__": "__main__"})
        return world

    yield run


def test_seed_fixes_run(runner: Callable[[str], World]) -> None:
    """Both fixes of the seed script (the new literal, the calib_outputs list) run and fetch the new name."""
    seed = REPO / "examples" / "seed" / "quant.py"
    source = seed.read_text(encoding="utf-8")
    with pytest.raises(RuntimeError, match="shift_bit"):  # as it is, save_model fails like the real thing
        runner(source)
    (finding,) = check_source(source, str(seed), cache=ModelCache()).findings
    fixes = [f for f in finding.fixes if not is_suppression(f)]
    assert [f.primary for f in fixes] == [True, False]
    for fix in fixes:
        world = runner(apply_edits(source, fix.edits))
        assert [n for quantized, n in world.fetched if quantized] == [NEW], fix.message


def test_calib_fix_shapes_run_one_function_at_a_time(
    tmp_path: Path, fixture_path: Callable[[str], Path], runner: Callable[[str], World]
) -> None:
    """Each function of calib_fix_shapes.py with its calib_outputs fix applied runs clean and fetches the new
    name through the list AMCT updated."""
    source = (CORPUS / "calib_fix_shapes.py").read_text(encoding="utf-8")
    body, _, calls = source.partition("\n\nmulti_line()\n")
    functions = ["multi_line", *[line.removesuffix("()") for line in calls.split()]]
    (tmp_path / "pb_model").mkdir()
    shutil.copyfile(fixture_path("s1_add"), tmp_path / "pb_model" / "model.pb")
    cache = ModelCache()
    ran = []
    for function in functions:
        one = f"{body}\n\n{function}()\n"
        script = tmp_path / "one.py"
        script.write_text(one, encoding="utf-8")
        result = check_source(one, str(script), cache=cache, root=str(tmp_path))
        for finding in result.findings:
            first, last = _def_lines(one, function)
            if finding.code is not Code.STALE_NAME or not first <= finding.span.start.line < last:
                continue
            for fix in (f for f in finding.fixes if not is_suppression(f)):
                world = runner(apply_edits(one, fix.edits))
                after = [n for quantized, n in world.fetched if quantized]
                assert after == [NEW], (function, fix.message, world.fetched)
                ran.append((function, "calib_outputs" in fix.message))
    assert {f for f, calib in ran if calib} == {
        "multi_line",
        "inside_with",
        "existing_list",
        "name_taken",
        "result_assigned",
        "shared_with_save",
    }
    assert {f for f, calib in ran if not calib} == {
        "multi_line",
        "inside_with",
        "star_kwargs",
        "existing_list",
        "name_taken",
        "result_assigned",
        "shared_with_save",
    }


def _def_lines(source: str, function: str) -> tuple[int, int]:
    """0-based first line of `function` and of whatever top-level definition follows it."""
    lines = source.splitlines()
    first = lines.index(f"def {function}():")
    last = next((i for i in range(first + 1, len(lines)) if lines[i].startswith("def ")), len(lines))
    return first, last
