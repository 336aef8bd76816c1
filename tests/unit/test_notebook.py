"""The notebook layer: IPython syntax made parseable, cells joined with a position map, `.ipynb` read and
written back byte-faithfully, bad notebooks refused with a located message."""

from __future__ import annotations

import ast
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amct_lsp.notebook import NotebookError, join_cells, neutralise, parse_notebook
from amct_lsp.text import Position, Span, TextEdit, split_lines
from support.notebooks import SEED_CELLS, notebook_bytes, notebook_json

# -- magics --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("%matplotlib inline\nx = 1\n", "pass\nx = 1\n"),
        ("!pip install amct\nx = 1", "pass\nx = 1"),
        ("files = !ls *.pb\n", "pass\n"),
        ("a, b = %who_ls\n", "pass\n"),
        ("tf.Session?\n??amct.quantize_model\n", "pass\npass\n"),
        ("if ok:\n    !nvidia-smi\n", "if ok:\n    pass\n"),
        ("%env A=1 \\\n  B=2\nx = 1\n", "pass\n  pass\nx = 1\n"),
        ("%%time\nx = 1\n", "\nx = 1\n"),
        ("%%bash\nls\necho hi\n", "\n\n\n"),
        ("%%writefile a.py\nimport os\r\n", "\n\r\n"),
    ],
)
def test_ipython_lines_become_pass_at_their_indentation(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "y = (a\n     % b)\n",  # the modulo operator inside brackets
        "y = a \\\n    % b\n",  # after a backslash continuation
        "s = '''\n%not a magic\n!nor this\n'''\n",  # inside a triple-quoted string
        's = "a#" + """x\n%still text"""\n',
        "x = 3 % 2  # comment ( with a bracket\n%time\n"[:-7],
        "d = {'a': 1,\n     '!b': 2}\n",
    ],
)
def test_python_that_looks_like_a_magic_is_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_every_cell_of_a_notebook_with_magics_parses() -> None:
    cells = [source for kind, source in SEED_CELLS if kind == "code"]
    for cell in cells:
        ast.parse(neutralise(cell))
    ast.parse(join_cells(list(enumerate(cells))).source)


LINES = ["x = 1", "%time f()", "!ls", "    pass", "y = (1\n% 2)", "", "a?"]


@given(st.lists(st.sampled_from(LINES), max_size=8))
def test_neutralise_keeps_line_count_and_ends(lines: list[str]) -> None:
    for end in ("\n", "\r\n"):
        cell = end.join(lines)
        out = neutralise(cell)
        assert len(split_lines(out)) == len(split_lines(cell))
        assert out.count(end) == cell.count(end)


# -- the joined script and its map --------------------------------------------------------------------------


def test_cells_join_in_order_and_positions_map_both_ways() -> None:
    script = join_cells([(1, "import a\nb = 1\n"), (3, "c = 'Add:0'"), (4, "%time d()\ne = 2")])
    assert script.source == "import a\nb = 1\n\nc = 'Add:0'\npass\ne = 2"
    assert [(c.index, c.first_line, c.line_count) for c in script.cells] == [(1, 0, 3), (3, 3, 1), (4, 4, 2)]
    lines = split_lines(script.source)
    assert lines[3][4:11] == "'Add:0'"
    cell, pos = script.locate(Position(3, 4)) or (None, None)
    assert cell is not None and cell.index == 3 and pos == Position(0, 4)
    assert script.to_script(3, Position(0, 4)) == Position(3, 4)
    assert script.to_script(4, Position(1, 0)) == Position(5, 0)
    assert script.to_script(2, Position(0, 0)) is None  # not a code cell of the script
    assert script.locate(Position(9, 0)) is None


def test_spans_and_edits_map_to_cells() -> None:
    script = join_cells([(0, "a = 1\n"), (2, "b = 'x'\nc = 2")])
    found = script.to_cell_span(Span(Position(2, 4), Position(2, 7)))
    assert found is not None and found[0].index == 2 and found[1] == Span(Position(0, 4), Position(0, 7))
    clamped = script.to_cell_span(Span(Position(1, 0), Position(3, 2)))
    assert clamped is not None and clamped[0].index == 0 and clamped[1].end == Position(1, 0)
    edits = [
        TextEdit(Span(Position(2, 4), Position(2, 7)), "'y'"),
        TextEdit(Span(Position(0, 0), Position(0, 0)), "# top\n"),
        TextEdit(Span(Position(0, 0), Position(2, 1)), "crosses cells"),
    ]
    assert script.cell_edits(edits) == {
        2: [TextEdit(Span(Position(0, 4), Position(0, 7)), "'y'")],
        0: [TextEdit(Span(Position(0, 0), Position(0, 0)), "# top\n")],
    }


@given(st.lists(st.text(alphabet="ab \n%!", max_size=12), min_size=1, max_size=5))
def test_every_cell_line_maps_back_to_itself(cells: list[str]) -> None:
    script = join_cells(list(enumerate(cells)))
    assert len(split_lines(script.source)) == sum(len(split_lines(c)) for c in cells)
    for index, cell in enumerate(cells):
        for line, text in enumerate(split_lines(cell)):
            pos = script.to_script(index, Position(line, len(text)))
            assert pos is not None
            assert script.locate(pos) == (script.cells[index], Position(line, len(text)))


# -- reading .ipynb ------------------------------------------------------------------------------------------


def test_code_cells_of_a_jupyter_notebook() -> None:
    notebook = parse_notebook(notebook_bytes())
    assert [c.index for c in notebook.cells] == [1, 2, 3, 5, 6]  # markdown cells 0 and 4 are not code
    assert notebook.cells[3].source.startswith("%%time\nwith tf.Session() as sess:\n")
    assert notebook.language == "python"


def test_cells_in_another_language_are_not_checked() -> None:
    doc = notebook_json([("code", "x = 1\n"), ("code", "SELECT 1\n")])
    doc["cells"][1]["metadata"] = {"vscode": {"languageId": "sql"}}
    assert [c.index for c in parse_notebook(json.dumps(doc).encode()).cells] == [0]
    r_notebook = notebook_bytes([("code", "x <- 1\n")], language="R")
    assert parse_notebook(r_notebook).cells == ()


def test_a_source_given_as_one_string_is_read() -> None:
    doc = notebook_json([("code", "")])
    doc["cells"][0]["source"] = "a = 1\nb = 2"
    (cell,) = parse_notebook(json.dumps(doc).encode()).cells
    assert cell.source == "a = 1\nb = 2"


@pytest.mark.parametrize(
    ("data", "message", "where"),
    [
        (b'{"cells": [\n  {"cell_type": "code",,}]}', "not valid JSON: Expecting property name", (1, 23)),
        (b"[1, 2]", "not a Jupyter notebook", (0, 0)),
        (b'{"cells": [], "nbformat": 3}', "nbformat 3; amct-lsp reads nbformat 4", (0, 0)),
        (b'{"cells": [], "nbformat": 4}\n\xff', "not UTF-8 text: byte 0xff", (1, 0)),
        (
            b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}',
            "Cell 1's source is neither a string nor a list",
            (0, 0),
        ),
        (b"[" * 100_000, "nested too deeply", None),
    ],
)
def test_bad_notebooks_are_refused_with_a_located_message(
    data: bytes, message: str, where: tuple[int, int] | None
) -> None:
    with pytest.raises(NotebookError) as info:
        parse_notebook(data)
    assert message in info.value.message
    if where is not None:
        assert (info.value.line, info.value.column) == where


# -- writing back --------------------------------------------------------------------------------------------


def _outside_sources(text: str, cells: list[int]) -> str:
    """The notebook text without the `source` values of the given cells (what a fix of them may change)."""
    notebook = parse_notebook(text.encode())
    out, pos = [], 0
    for index in cells:
        cell = notebook.code_cell(index)
        assert cell is not None
        out.append(text[pos : cell.token.start])
        pos = cell.token.end
    return "".join(out) + text[pos:]


def test_a_fix_rewrites_only_the_changed_source_strings() -> None:
    # Not nbformat's own layout: two-space indent, keys out of order, CRLF, a BOM and a source as one string.
    doc = notebook_json(SEED_CELLS)
    doc["cells"][2]["source"] = "".join(doc["cells"][2]["source"])
    text = json.dumps({"nbformat": 4, **doc}, indent=2, ensure_ascii=False).replace("\n", "\r\n")
    data = b"\xef\xbb\xbf" + text.encode()
    notebook = parse_notebook(data)
    cell5 = notebook.code_cell(5)
    assert cell5 is not None
    new5 = cell5.source.replace("'Add:0'", "'search_n_quant/search_n_quant_SEARCHN/Identity:0'")
    out = notebook.with_sources({5: new5})
    assert out.startswith(b"\xef\xbb\xbf")
    pairs = zip(data.split(b"\r\n"), out.split(b"\r\n"), strict=True)
    changed = [i for i, (a, b) in enumerate(pairs) if a != b]
    assert len(changed) == 1  # one line of one cell's source list, nothing else
    assert b"search_n_quant/search_n_quant_SEARCHN/Identity:0" in out.split(b"\r\n")[changed[0]]
    assert json.loads(out.decode("utf-8-sig"))["cells"][5]["source"] == new5.splitlines(keepends=True)
    # A cell whose source is one string stays one string; a change that adds lines keeps the list layout.
    cell2 = notebook.code_cell(2)
    cell3 = notebook.code_cell(3)
    assert cell2 is not None and cell3 is not None
    out2 = notebook.with_sources({2: cell2.source + "x = 1\n", 3: "# first\n" + cell3.source + "y = 2"})
    reread = json.loads(out2.decode("utf-8-sig"))
    assert reread["cells"][2]["source"] == cell2.source + "x = 1\n"
    assert reread["cells"][3]["source"] == ("# first\n" + cell3.source + "y = 2").splitlines(keepends=True)
    before, after = data.decode("utf-8-sig"), out2.decode("utf-8-sig")
    assert _outside_sources(after, [2, 3]) == _outside_sources(before, [2, 3])
    # The lines added to the list are indented like their neighbours, with the file's line ends.
    added = [line for line in after.split("\r\n") if line not in before.split("\r\n")]
    assert added[0].startswith('      "source": "model_name')  # cell 2: one string, re-encoded
    assert added[1:] == [
        '        "# first\\n",',
        # the old last line, now followed by a comma
        "        \"                    record_file='./configs/record_scale_offset.txt')\\n\",",
        '        "y = 2"',
    ]


def test_an_unchanged_notebook_is_written_back_byte_for_byte() -> None:
    data = notebook_bytes()
    notebook = parse_notebook(data)
    assert notebook.with_sources({}) == data
    assert notebook.with_sources({c.index: c.source for c in notebook.cells}) == data


def test_an_empty_source_list_gets_the_files_layout() -> None:
    data = notebook_bytes([("code", "")])
    notebook = parse_notebook(data)
    out = notebook.with_sources({0: "a = 1\nb = 2\n"})
    assert '   "source": [\n    "a = 1\\n",\n    "b = 2\\n"\n   ]' in out.decode()
    # Two-space indentation and CRLF line ends; a compact file stays on one line.
    text = json.dumps(notebook_json([("code", "")]), indent=2).replace("\n", "\r\n")
    out = parse_notebook(text.encode()).with_sources({0: "a\nb"}).decode()
    assert '      "source": [\r\n        "a\\n",\r\n        "b"\r\n      ]' in out
    compact = json.dumps(notebook_json([("code", "")]))
    out = parse_notebook(compact.encode()).with_sources({0: "a\nb"}).decode()
    assert '"source": ["a\\n", "b"]' in out


def test_positions_in_the_file_go_through_json_escapes() -> None:
    source = "x = \"é\\t😀\"; y = 'Add:0'\n"
    for ascii_only in (False, True):
        doc = notebook_json([("code", source)])
        text = json.dumps(doc, indent=1, ensure_ascii=ascii_only)
        notebook = parse_notebook(text.encode())
        column = source.index("'Add:0'")
        pos = notebook.file_position(0, Position(0, column))
        assert pos is not None
        line = text.splitlines()[pos.line]
        assert line[pos.character :].startswith("'Add:0'")
        # A fix's text is escaped as the file escapes: an ASCII-only file stays ASCII.
        out = notebook.with_sources({0: source.replace("é", "ü")}).decode()
        assert out.isascii() == ascii_only


_CELL = st.fixed_dictionaries(
    {
        "cell_type": st.sampled_from(["code", "markdown", "raw"]),
        "metadata": st.just({}),
        "source": st.one_of(st.lists(st.text(max_size=12), max_size=4), st.text(max_size=20)),
    }
)
_NOTEBOOK = st.fixed_dictionaries({"cells": st.lists(_CELL, max_size=4), "nbformat": st.just(4)})


@settings(max_examples=60, deadline=None)
@given(_NOTEBOOK, st.sampled_from([None, 1, 2]), st.booleans(), st.text(max_size=12))
def test_any_layout_round_trips_and_keeps_what_is_not_fixed(
    doc: dict[str, object], indent: int | None, ascii_only: bool, added: str
) -> None:
    text = json.dumps(doc, indent=indent, ensure_ascii=ascii_only)
    notebook = parse_notebook(text.encode())
    assert notebook.with_sources({}) == text.encode()
    for cell in notebook.cells:
        out = notebook.with_sources({cell.index: cell.source + added}).decode()
        source = json.loads(out)["cells"][cell.index]["source"]
        assert ("".join(source) if isinstance(source, list) else source) == cell.source + added
        assert _outside_sources(out, [cell.index]) == _outside_sources(text, [cell.index])
