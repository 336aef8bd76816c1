"""`NotebookScript.neutralised_again`: completion repairs the joined script (closes the string and brackets
being typed), and the IPython lines an unclosed bracket hid from `neutralise` must become `pass` then."""

from __future__ import annotations

import ast

from hypothesis import given, settings
from hypothesis import strategies as st

from amct_lsp.notebook import join_cells
from amct_lsp.text import split_lines

TYPING = "with tf.Session() as sess:\n    out = graph.get_tensor_by_name('Ad\n%timeit sess.run(out)\nx = 1"


def test_a_magic_below_the_string_being_typed_is_neutralised_after_the_repair() -> None:
    script = join_cells([(0, "import tensorflow as tf\n%load_ext autoreload\n"), (2, TYPING)])
    assert "%timeit" in script.source  # hidden by the open bracket
    repaired = script.source.replace("'Ad", "'Ad_')") + "\n"  # the repair may end the last line
    again = script.neutralised_again(repaired)
    ast.parse(again)
    lines = split_lines(again)
    assert len(lines) == len(split_lines(repaired))
    assert lines[4] == "    out = graph.get_tensor_by_name('Ad_')"  # same line, same columns
    assert lines[5] == "pass" and lines[2] == ""


def test_a_text_with_fewer_lines_is_left_alone() -> None:
    script = join_cells([(0, "a = 1\n"), (1, "!ls\nb = 2\n")])
    assert script.neutralised_again("a = 1") == "a = 1"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab( \n%!'", max_size=12), min_size=1, max_size=5))
def test_an_unedited_script_comes_back_as_it_is(cells: list[str]) -> None:
    script = join_cells(list(enumerate(cells)))
    assert script.neutralised_again(script.source) == script.source
