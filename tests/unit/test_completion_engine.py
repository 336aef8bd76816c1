"""The completion engine without LSP: which string the cursor is in and what the script does with it
(check/name_slot.py), and which of the model's names it offers (check/completion.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from amct_lsp.check import CheckResult, check_source
from amct_lsp.check.completion import Completions, Tier, complete
from amct_lsp.check.name_slot import SENTINEL, repairs, set_aside
from amct_lsp.model.cache import ModelCache
from amct_lsp.script import analyze
from amct_lsp.text import Position

NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
HEAD = """\
import amct_tensorflow as amct
import tensorflow as tf

with tf.io.gfile.GFile("./model.pb", "rb") as f:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(f.read())
tf.import_graph_def(graph_def, name="")
graph = tf.compat.v1.get_default_graph()
amct.quantize_model(graph, "./config.json", "./record.txt")
"""


@pytest.fixture
def folder(tmp_path: Path, fixture_path: Callable[[str], Path]) -> Path:
    shutil.copyfile(fixture_path("s1_add"), tmp_path / "model.pb")
    return tmp_path


def run(
    folder: Path, text: str, needle: str, offset: int, *, model_text: str | None = None
) -> Completions | None:
    """Complete `offset` characters into the first `needle` of `text`; the model comes from checking
    `model_text` (the last text that parsed) when given."""
    path = str(folder / "quant.py")
    cache = ModelCache()
    line = next(i for i, row in enumerate(text.splitlines()) if needle in row)
    pos = Position(line, text.splitlines()[line].index(needle) + offset)
    current = check_source(text, path, cache=cache)
    model: CheckResult = check_source(model_text, path, cache=cache) if model_text else current
    return complete(
        text, pos, current, model, cache, lambda source: analyze(source, path), model_source=model_text
    )


def labels(found: Completions | None) -> list[str]:
    assert found is not None
    return [item.name for item in found.items]


def test_repairs_close_the_string_at_the_cursor_and_then_the_brackets() -> None:
    # An editor that closed the bracket but not the quote: closing the quote at the cursor is enough.
    text = "x = g.get_tensor_by_name('Ad)\ny = 1\n"
    assert repairs(text, Position(0, 28))[0] == (f"x = g.get_tensor_by_name('Ad{SENTINEL}')\ny = 1\n", "'")
    # Neither closed: the quote first, then the quote and the brackets still open.
    text = "x = g.run(g.get_tensor_by_name('Ad\ny = 1\n"
    first, second = repairs(text, Position(0, 34))
    assert first == (f"x = g.run(g.get_tensor_by_name('Ad{SENTINEL}'\ny = 1\n", "'")
    assert second == (f"x = g.run(g.get_tensor_by_name('Ad{SENTINEL}'))\ny = 1\n", "'")
    # Inside a comment, a docstring or no string at all: nothing to repair.
    assert repairs("x = 1  # 'Ad\n", Position(0, 11)) == []
    assert repairs('x = """Ad\n', Position(0, 9)) == []
    assert repairs("x = g.run(1)\n", Position(0, 10)) == []


def test_an_empty_string_is_a_name_slot(folder: Path) -> None:
    text = HEAD + 'out = graph.get_tensor_by_name("")\n'
    found = run(folder, text, '("")', 2)
    assert found is not None
    assert labels(found)[0] == NEW and found.items[0].tier is Tier.NEW
    assert found.insert_text(found.items[0]) == NEW
    assert not found.truncated and not found.incomplete


def test_a_suffix_the_script_adds_keeps_the_literal_an_op_name(folder: Path) -> None:
    # `OUTPUT + ':0'`: the literal holds the op part, so that is what is inserted.
    text = HEAD + 'OUTPUT = "Add"\nout = graph.get_tensor_by_name(OUTPUT + ":0")\n'
    found = run(folder, text, '"Add"', 1)
    assert found is not None and found.slot.after == ":0"
    assert labels(found)[0] == NEW
    assert found.insert_text(found.items[0]) == NEW.removesuffix(":0")


def test_a_literal_the_script_cuts_is_completed_as_written(folder: Path) -> None:
    # The seed's save_output_name[:-2]: the literal holds a tensor name, the script cuts ':0' itself.
    text = HEAD + 'SAVE = "Add:0"\namct.save_model("./model.pb", [SAVE[:-2]], "./record.txt", "./out")\n'
    found = run(folder, text, '"Add:0"', 1)
    assert labels(found)[0] == "Add:0"
    assert NEW not in labels(found)  # save_model re-reads the original model


def test_names_under_an_import_prefix(folder: Path) -> None:
    text = HEAD.replace('name=""', 'name="net"') + 'out = graph.get_tensor_by_name("")\n'
    found = run(folder, text, '("")', 2)
    names = labels(found)
    assert names and all(name.startswith("net/") for name in names), names
    # Where AMCT's new node lands under the prefix is not predicted: no new name, the old one still stale.
    assert "net/Add:0" in names and found is not None
    assert next(i for i in found.items if i.name == "net/Add:0").tier is Tier.STALE


def test_the_prefix_filter_ignores_case_and_matches_segments(folder: Path) -> None:
    text = HEAD + 'before = "conv"\nout = graph.get_tensor_by_name(before)\n'
    found = run(folder, text, '"conv"', 5)
    assert labels(found) == ["Conv2D:0"]
    assert found is not None and found.items[0].quality == 1 and found.incomplete


def test_typing_the_old_name_offers_its_replacement_first(folder: Path) -> None:
    good = HEAD + 'out = graph.get_tensor_by_name("Add:0")\n'
    typing = HEAD + 'out = graph.get_tensor_by_name("Ad'
    found = run(folder, typing, '("Ad', 4, model_text=good)
    assert found is not None and found.slot.closing == '"'
    assert [(i.name, i.replaces, i.tier) for i in found.items] == [
        (NEW, "Add:0", Tier.NEW),
        ("Add:0", None, Tier.STALE),
    ]
    assert found.insert_text(found.items[0]) == NEW + '"'


def test_the_list_is_capped(folder: Path) -> None:
    text = HEAD + 'out = graph.get_tensor_by_name("")\n'
    path = str(folder / "quant.py")
    cache = ModelCache()
    result = check_source(text, path, cache=cache)
    line = len(text.splitlines()) - 1
    pos = Position(line, text.splitlines()[line].index('("")') + 2)
    found = complete(text, pos, result, result, cache, lambda s: analyze(s, path), limit=2)
    assert found is not None and len(found.items) == 2 and found.total > 2
    assert found.truncated and found.incomplete


def test_no_model_or_no_name_string_gives_nothing(folder: Path) -> None:
    text = HEAD + 'out = graph.get_tensor_by_name("Add:0")\n'
    assert run(folder, text, '"./config.json"', 2) is None  # a path, not a name
    assert run(folder, text, "graph.get", 3) is None  # code, not a string
    (folder / "model.pb").unlink()
    assert run(folder, text, '"Add:0"', 1) is None


def test_the_op_type_of_a_fused_bn_output_is_labelled_inferred(
    tmp_path: Path, fixture_path: Callable[[str], Path]
) -> None:
    # The conv is skipped: no searchN, the chain ends at the fusion's `bias_add`, whose op type is inferred.
    shutil.copyfile(fixture_path("s4_fbn_v3"), tmp_path / "model.pb")
    skip = 'amct.create_quant_config("./config.json", graph, skip_layers=["Conv2D"])\n'
    text = (
        HEAD.replace("amct.quantize_model(", skip + "amct.quantize_model(")
        + 'out = graph.get_tensor_by_name("")\n'
    )
    found = run(tmp_path, text, '("")', 2)
    assert found is not None
    first = found.items[0]
    assert (first.name, first.op, first.tier) == ("bias_add:0", "BiasAdd (inferred)", Tier.NEW)


def test_a_syntax_error_elsewhere_uses_the_last_text_that_parsed(folder: Path) -> None:
    good = HEAD + 'out = graph.get_tensor_by_name("Add:0")\n'
    broken = good + "if (\n"  # being typed below: the line of the cursor is as it was
    found = run(folder, broken, '"Add:0"', 1, model_text=good)
    assert found is not None and found.slot.closing == ""
    assert labels(found)[0] == NEW
    # Without the last good text, the line Python blames (`if (`) is set aside and the slot is found anyway.
    path = str(folder / "quant.py")
    cache = ModelCache()
    model = check_source(good, path, cache=cache)
    line = len(good.splitlines()) - 1
    pos = Position(line, good.splitlines()[line].index('"Add:0"') + 1)
    current = check_source(broken, path, cache=cache)
    alone = complete(broken, pos, current, model, cache, lambda text: analyze(text, path))
    assert alone is not None and alone.slot.closing == "" and labels(alone)[0] == NEW


def test_a_new_string_completes_while_another_line_is_half_typed(folder: Path) -> None:
    # The cursor's line is new (no earlier text has it) and its string is still open; a line above it is being
    # typed too. Both repairs are needed: close the string at the cursor, set the other line aside.
    good = HEAD + "x = 1\n"
    for half in ("x = ", "x = foo(", "for in range(3):"):
        text = HEAD + half + '\nout = graph.get_tensor_by_name("\n'
        found = run(folder, text, 'get_tensor_by_name("', len('get_tensor_by_name("'), model_text=good)
        assert found is not None, half
        assert found.slot.closing == '"' and labels(found)[0] == NEW, half


def test_setting_a_line_aside_keeps_every_other_line_and_its_ending() -> None:
    text = "a = 1\r\n    if (\r\nb = 2"
    assert set_aside(text, 1) == "a = 1\r\n    pass\r\nb = 2"
    assert set_aside(text, 2) == "a = 1\r\n    if (\r\npass"
    assert set_aside(text, 9) == text


def test_skip_layers_offers_the_quantizable_layers_by_op_name(folder: Path) -> None:
    skip = 'amct.create_quant_config("./config.json", graph, skip_layers=[""])\n'
    text = HEAD.replace("amct.quantize_model(", skip + "amct.quantize_model(")
    found = run(folder, text, 'skip_layers=[""]', len('skip_layers=["'))
    assert labels(found) == ["Conv2D"]


def test_the_ascend_outputs_take_original_op_names(folder: Path) -> None:
    text = HEAD.replace(
        'amct.quantize_model(graph, "./config.json", "./record.txt")',
        'graph, outs = amct.quantize_model_ascend(graph, [""], "./config.json", "./record.txt")',
    )
    found = run(folder, text, '[""]', 2)
    names = labels(found)
    assert names[0] == "Add" and all(":" not in name for name in names), names
    assert not any(name.startswith("search_n_quant") for name in names), names
