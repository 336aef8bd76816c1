"""What `analyze` sees in a script: AMCT imports and calls, phases, every flow of a name string, the model."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from amct_lsp.script import analyze
from amct_lsp.script.facts import ModelSource, ScriptAnalysis
from amct_lsp.text import Position

HEAD = "import tensorflow as tf\nimport amct_tensorflow as amct\n"


def run(code: str, path: str = "/work/proj/quant.py") -> ScriptAnalysis:
    if code.startswith(HEAD):
        return analyze(HEAD + textwrap.dedent(code[len(HEAD) :]), path)
    return analyze(textwrap.dedent(code), path)


def uses(a: ScriptAnalysis) -> set[tuple[str, str, str]]:
    return {(u.value.value, u.kind.value, u.phase.value) for u in a.uses}


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("import amct_tensorflow as amct", "amct.quantize_model"),
        ("import amct_tensorflow", "amct_tensorflow.quantize_model"),
        ("from amct_tensorflow import quantize_model", "quantize_model"),
        ("from amct_tensorflow import quantize_model as qm", "qm"),
    ],
)
def test_import_spellings(imports: str, call: str) -> None:
    a = run(
        f"""
        import tensorflow.compat.v1 as tf
        {imports}
        g = tf.get_default_graph()
        g.get_tensor_by_name('Add:0')
        {call}(g, 'c.json', 'r.txt')
        g.get_tensor_by_name('Add:0')
        """
    )
    assert a.uses_amct
    assert [c.api for c in a.calls] == ["quantize_model"]
    assert uses(a) == {("Add:0", "get_tensor_by_name", "before"), ("Add:0", "get_tensor_by_name", "after")}


def test_script_without_amct() -> None:
    a = run("import tensorflow as tf\ng = tf.get_default_graph()\ng.get_tensor_by_name('Add:0')\n")
    assert not a.uses_amct


def test_positional_and_keyword_arguments() -> None:
    a = run(
        HEAD
        + """
        amct.create_quant_config('c.json', g, ['conv1/Conv2D'], 1, True, 'q.cfg', skip_layer_types=['MatMul'])
        amct.quantize_model(g, 'c.json', 'r.txt', ['Add:0'])
        amct.save_model('m.pb', ['Add'], 'r.txt', 'out/m')
        """
    )
    create, quant, save = a.calls
    assert create.arg_strings["skip_layers"] == ("conv1/Conv2D",)
    assert a.skip_layers == ("conv1/Conv2D",) and a.skip_layer_types == ("MatMul",)
    assert {(c.kind, c.path) for c in a.configs} >= {
        ("config_defination", "q.cfg"),
        ("config_file", "c.json"),
    }
    assert quant.arg_strings["calib_outputs"] == ("Add:0",)
    assert save.arg_strings["pb_model"] == ("m.pb",)
    assert uses(a) >= {
        ("Add:0", "calib_outputs", "calib_outputs"),
        ("Add", "save_model outputs", "save_model"),
        ("conv1/Conv2D", "skip_layers", "before"),
    }
    assert any(m.source is ModelSource.SAVE_MODEL and m.path == "m.pb" for m in a.models)


def test_flows_through_variables_lists_loops_and_strings() -> None:
    a = run(
        HEAD
        + """
        PREFIX = 'head'
        OUTPUTS = ['Add:0', 'Relu:0']
        def main():
            g = tf.get_default_graph()
            amct.quantize_model(graph=g, config_file='c', record_file='r')
            op = 'BiasAdd'
            with tf.Session() as sess:
                sess.run(g.get_tensor_by_name(op + ':0'))
                sess.run(f'{PREFIX}/Conv2D:{0}')
                sess.run('{}/MatMul:0'.format(PREFIX))
                sess.run('%s/Softmax:%d' % (PREFIX, 0))
                for name in OUTPUTS:
                    sess.run(g.get_tensor_by_name(name))
                sess.run([g.get_tensor_by_name(n) for n in OUTPUTS[:1]])
                sess.run({'a': 'x/y:0'}, feed_dict={'input:0': None})
                g.get_operation_by_name('full/name:0'.split(':')[0])
                g.get_operation_by_name('deconv:0'[:-2])
        main()
        """
    )
    got = uses(a)
    for expected in [
        ("BiasAdd:0", "get_tensor_by_name", "after"),
        ("head/Conv2D:0", "sess.run fetch", "after"),
        ("head/MatMul:0", "sess.run fetch", "after"),
        ("head/Softmax:0", "sess.run fetch", "after"),
        ("Add:0", "get_tensor_by_name", "after"),
        ("Relu:0", "get_tensor_by_name", "after"),
        ("x/y:0", "sess.run fetch", "after"),
        ("input:0", "feed_dict key", "after"),
        ("full/name", "get_operation_by_name", "after"),
        ("deconv", "get_operation_by_name", "after"),
    ]:
        assert expected in got, expected
    loop_use = next(u for u in a.uses if u.value.value == "Relu:0")
    assert not loop_use.site_replaceable  # `name` holds two names in the loop
    direct = next(u for u in a.uses if u.value.value == "BiasAdd:0")
    assert direct.value.literals[0].value == "BiasAdd"  # the op-name part's literal


def test_function_parameters_defaults_and_call_sites() -> None:
    a = run(
        HEAD
        + """
        def infer(graph, name='Conv2D:0'):
            return graph.get_tensor_by_name(name)

        def outputs():
            return ['MatMul:0']

        def run(graph):
            infer(graph)
            amct.quantize_model(graph, 'c', 'r')
            infer(graph, 'Add:0')
            infer(graph, name=outputs()[0])

        if __name__ == '__main__':
            run(tf.get_default_graph())
        """
    )
    assert uses(a) == {
        ("Conv2D:0", "get_tensor_by_name", "before"),
        ("Add:0", "get_tensor_by_name", "after"),
        ("MatMul:0", "get_tensor_by_name", "after"),
    }


def test_quantize_in_a_helper_sets_the_callers_phase_and_calib_list_becomes_unknown() -> None:
    a = run(
        HEAD
        + """
        def quantize(g, outs):
            amct.quantize_model(g, 'c', 'r', calib_outputs=outs)

        def main():
            g = tf.get_default_graph()
            outs = ['Add:0']
            g.get_tensor_by_name('Relu:0')
            quantize(g, outs)
            g.get_tensor_by_name('Softmax:0')
        main()
        """
    )
    assert ("Relu:0", "get_tensor_by_name", "before") in uses(a)
    assert ("Softmax:0", "get_tensor_by_name", "after") in uses(a)
    a = run(
        HEAD
        + """
        outs = ['Add:0']
        amct.quantize_model(g, 'c', 'r', calib_outputs=outs)
        sess.run(outs[0])
        """
    )
    assert uses(a) == {("Add:0", "calib_outputs", "calib_outputs")}  # outs[0] is AMCT's, not ours


def test_quantize_model_ascend_returns_fresh_outputs() -> None:
    a = run(
        HEAD
        + """
        graph, calib = amct.quantize_model_ascend(g, config_file='c', record_file='r')
        sess.run(calib[0])
        sess.run('Add:0')
        """
    )
    assert uses(a) == {("Add:0", "sess.run fetch", "after")}


def test_uncalled_function_phase_from_its_own_quantize_call() -> None:
    a = run(
        HEAD
        + """
        class Runner:
            def go(self, g):
                g.get_tensor_by_name('Relu:0')
                amct.quantize_model(g, 'c', 'r')
                g.get_tensor_by_name('Add:0')

        def helper(g):
            g.get_tensor_by_name('Conv2D:0')
        """
    )
    assert uses(a) == {
        ("Relu:0", "get_tensor_by_name", "before"),
        ("Add:0", "get_tensor_by_name", "after"),
        ("Conv2D:0", "get_tensor_by_name", "unknown"),
    }


def test_branches_merge_and_subprocess_run_is_not_a_session() -> None:
    a = run(
        HEAD
        + """
        import subprocess
        if flag:
            name = 'Add:0'
        else:
            name = 'Relu:0'
        amct.quantize_model(g, 'c', 'r')
        session.run(name)
        subprocess.run('ls -l')
        """
    )
    assert uses(a) == {("Add:0", "sess.run fetch", "after"), ("Relu:0", "sess.run fetch", "after")}


@pytest.mark.parametrize(
    ("code", "expected", "how"),
    [
        ("with tf.gfile.GFile('./m/a.pb', 'rb') as f: pass", "./m/a.pb", "tf.gfile.GFile"),
        (
            "with tf.io.gfile.GFile(os.path.join('model', 'a.pb'), 'rb') as f: pass",
            "model/a.pb",
            "tf.io.gfile",
        ),
        ("open(os.path.join(os.path.dirname(__file__), 'a.pbtxt'))", "/work/proj/a.pbtxt", "open"),
        (
            "PATH = os.path.realpath('./')\nopen(os.path.join(PATH, 'model', 'a.pb'), 'rb')",
            "./model/a.pb",
            "open",
        ),
        (
            "import argparse\np = argparse.ArgumentParser()\n"
            "p.add_argument('--model', default='./model/r50.pb')\nargs = p.parse_args()\n"
            "with tf.gfile.FastGFile(args.model, 'rb') as f: pass",
            "./model/r50.pb",
            "FastGFile",
        ),
        ("from pathlib import Path\nopen(Path(__file__).parent / 'm.pb', 'rb')", "/work/proj/m.pb", "open"),
    ],
)
def test_model_path_flows(code: str, expected: str, how: str) -> None:
    a = run(HEAD + "import os\n" + code + "\n")
    loaders = [m for m in a.models if m.source is ModelSource.LOADER]
    assert loaders, a.models
    assert loaders[0].path == expected
    assert how in loaders[0].how
    assert loaders[0].span is not None


def test_written_pb_is_not_the_model_and_constants_are_a_fallback() -> None:
    a = run(HEAD + "OUT = 'quantized.pb'\nwith open(OUT, 'wb') as f: pass\nx = 'other.pb'\n")
    assert [m.path for m in a.models] == ["other.pb"]
    assert a.models[0].source is ModelSource.CONSTANT


def test_directives_and_ignores() -> None:
    a = run(
        HEAD
        + """
        # amct: model=models/net.pb
        x = 'Add:0'  # amct: ignore
        y = 'Relu:0'  # amct: ignore[AMCT001, AMCT002]
        z = '# amct: ignore'
        """
    )
    assert a.directive_model is not None and a.directive_model[0] == "models/net.pb"
    assert a.ignores == {4: frozenset(), 5: frozenset({"AMCT001", "AMCT002"})}


def test_syntax_error_is_data() -> None:
    a = run(HEAD + "def main(:\n    pass\n")
    assert a.syntax_error is not None
    # Python's own message and place: the ':' right after '(' on the def line.
    line = HEAD.count("\n")
    assert a.syntax_error.span.start == Position(line, 9)
    assert a.syntax_error.message == f"syntax error: invalid syntax (line {line + 1})"


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("x = foo(1,\n\ny = 2\n", 0, 7, "'(' was never closed"),
        ("a = 1\n  b = 2\n", 1, 2, "unexpected indent"),
        ("x = 'ab\x00c'\ny = (\n", 0, 7, "null bytes"),
    ],
)
def test_syntax_errors_point_where_python_does(body: str, line: int, column: int, words: str) -> None:
    a = run("import amct_tensorflow as amct\n" + body)
    assert a.syntax_error is not None
    assert words in a.syntax_error.message
    assert a.syntax_error.span.start == Position(line + 1, column)


def test_positions_are_code_points_on_the_right_line() -> None:
    source = (
        HEAD
        + "# 中文注释\nname = '名字/Add:0'\namct.quantize_model(g, 'c', 'r')\ng.get_tensor_by_name(name)\n"
    )
    a = analyze(source, "/x/q.py")
    (use,) = a.uses
    literal = use.value.literals[0]
    assert literal.span.start.line == 3 and literal.span.start.character == 7
    assert source.splitlines()[3][literal.span.start.character :].startswith("'名字/Add:0'")


def test_crlf_positions_match_lf() -> None:
    code = HEAD + "amct.quantize_model(g, 'c', 'r')\nx = g.get_tensor_by_name('Add:0')\n"
    lf = analyze(code, "/x/q.py")
    crlf = analyze(code.replace("\n", "\r\n"), "/x/q.py")
    assert [u.site for u in lf.uses] == [u.site for u in crlf.uses]
    assert crlf.newline == "\r\n"


def test_identical_functions_get_their_own_positions() -> None:
    body = "def f(g):\n    amct.quantize_model(g, 'c', 'r')\n    g.get_tensor_by_name('Add:0')\n"
    a = analyze(HEAD + body + "\n\n" + body, "/x/q.py")
    assert sorted(u.site.start.line for u in a.uses) == [4, 9]


def test_chunked_parse_matches_whole_module_positions() -> None:
    import libcst as cst

    from amct_lsp.script import parse as P

    corpus = sorted((Path(__file__).resolve().parents[1] / "scripts").glob("*.py"))
    tricky = (
        "x = '''\nnot_a_statement = 1\n'''\n@dec\n\n@dec2(\n  1)\ndef f(a,\nb):\n    return [\n1]\n"
        "if a:\n    pass\nelse:\n    pass\ny = 1; z = 2\nw = 'a' \\\n  'b'\n# trailing\n"
    )
    for source in [tricky, *(p.read_text(encoding="utf-8") for p in corpus)]:
        chunked = P.parse(source)
        whole = P.Parsed([P._whole(source)])
        strings_a = [chunked.span(n) for s in chunked.statements for n in _strings(s)]
        strings_b = [whole.span(n) for s in whole.statements for n in _strings(s)]
        assert strings_a == strings_b
        assert "".join(cst.Module(body=[s]).code for s in chunked.statements).strip() != ""


def _strings(node: object) -> list[object]:
    import libcst as cst

    out: list[object] = []
    stack = [node]
    while stack:
        current = stack.pop()
        assert isinstance(current, cst.CSTNode)
        if isinstance(current, cst.SimpleString):
            out.append(current)
        stack.extend(reversed(current.children))
    return out


def test_scan_guessing_wrong_falls_back_to_the_whole_module(monkeypatch: pytest.MonkeyPatch) -> None:
    from amct_lsp.script import parse as P

    source = "s = ('a'\n'b')\nx = 1\n"
    assert P._boundaries(source) == [1, 3]
    monkeypatch.setattr(P, "_boundaries", lambda text: [1, 2, 3])  # cuts the first statement in two
    parsed = P.parse(source)
    assert len(parsed.statements) == 2
    assert parsed.span(parsed.statements[1]).start.line == 2


def test_create_quant_config_calls_keep_their_cfg_and_skips() -> None:
    a = run(
        HEAD
        + """
        g = tf.get_default_graph()
        amct.create_quant_config('c.json', g, skip_layers=['a/Conv2D'], config_defination='./q.cfg')
        amct.create_quant_config('d.json', g, ['b/Conv2D'])
        """
    )
    assert [(s.skip_layers, s.config_defination) for s in a.skip_sets] == [
        (("a/Conv2D",), "./q.cfg"),
        (("b/Conv2D",), None),
    ]


def test_import_prefixes_and_names_the_script_makes() -> None:
    a = run(
        HEAD
        + """
        tf.import_graph_def(gd)
        tf.import_graph_def(gd, name='')
        tf.compat.v1.import_graph_def(gd, name='net')
        prob = tf.nn.softmax(x, name='prob')
        out = tf.identity(prob, 'final')
        """
    )
    assert a.import_prefixes == ("import", "net")
    assert a.script_names == {"prob", "final"}


def test_calib_outputs_items_by_position_and_star_args() -> None:
    a = run(
        HEAD
        + """
        outs = [unknown(), 'Add:0']
        amct.quantize_model(g, 'c.json', 'r.txt', outs)
        amct.quantize_model(g, **params)
        """
    )
    first, second = a.quantize_calls
    assert first.calib_var == "outs" and first.calib_items == (None, "Add:0") and not first.has_star
    assert second.has_star and second.calib_items is None


def test_self_attributes_carry_names_into_methods() -> None:
    a = run(
        HEAD
        + """
        class Q:
            def __init__(self, out='Add:0'):
                self.out = out

            def calibrate(self, graph):
                amct.quantize_model(graph, 'c.json', 'r.txt')
                graph.get_tensor_by_name(self.out)

        Q().calibrate(tf.get_default_graph())
        """
    )
    (use,) = a.uses
    assert use.value.value == "Add:0" and use.phase.value == "after" and use.function == "Q.calibrate"


def test_branch_without_quantize_keeps_its_own_phase() -> None:
    a = run(
        HEAD
        + """
        g = tf.get_default_graph()
        if flag:
            amct.quantize_model(g, 'c.json', 'r.txt')
            name = 'new:0'
        else:
            name = 'Add:0'
        g.get_tensor_by_name(name)
        """
    )
    assert {(u.value.value, u.phase.value) for u in a.uses} == {("new:0", "after"), ("Add:0", "before")}
