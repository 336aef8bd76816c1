"""QuantOptions: AMCT's config.json, the config_defination .cfg text proto, merging, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amct_lsp.amct.options import (
    ConfigError,
    QuantOptions,
    load_cfg,
    load_config,
    load_config_json,
    merge,
    parse_cfg,
)

# Shape of a config.json written by amct.create_quant_config (trimmed).
CONFIG_JSON = {
    "version": 1,
    "batch_num": 1,
    "activation_offset": True,
    "do_fusion": True,
    "skip_fusion_layers": ["block1/Conv2D"],
    "head/Conv2D": {
        "quant_enable": False,
        "activation_quant_params": {"num_bits": 8, "max_percentile": 0.999999},
        "weight_quant_params": {"channel_wise": True},
    },
    "trunk/Conv2D": {"quant_enable": True, "activation_quant_params": {}},
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    opts = QuantOptions()
    assert opts.do_fusion is True
    assert opts.skip_layers == frozenset()
    assert opts.is_default


def test_lists_are_stored_as_sets() -> None:
    opts = QuantOptions(skip_layers=["a", "b", "a"], skip_layer_types="MatMul")  # type: ignore[arg-type]
    assert opts.skip_layers == frozenset({"a", "b"})
    assert opts.skip_layer_types == frozenset({"MatMul"})
    same = QuantOptions(skip_layers=frozenset({"b", "a"}), skip_layer_types=frozenset({"MatMul"}))
    assert hash(opts) == hash(same) and opts == same


def test_config_json(tmp_path: Path) -> None:
    path = write(tmp_path, "config.json", json.dumps(CONFIG_JSON, indent=4))
    opts = load_config_json(path)
    assert opts.disabled_layers == frozenset({"head/Conv2D"})
    assert opts.skip_fusion_layers == frozenset({"block1/Conv2D"})
    assert opts.do_fusion is True
    assert opts.sources == (f"config.json {path}",)


def test_config_json_do_fusion_false(tmp_path: Path) -> None:
    path = write(tmp_path, "config.json", json.dumps({"do_fusion": False}))
    assert load_config_json(path).do_fusion is False


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config_json(tmp_path / "nope.json")
    with pytest.raises(ConfigError, match="does not exist"):
        load_cfg(tmp_path / "nope.cfg")
    with pytest.raises(ConfigError, match="directory"):
        load_cfg(tmp_path)


CFG = """\
# AMCT calibration config (config_defination)
batch_num: 2
activation_offset: true
skip_layers: "conv1/Conv2D"   # trailing comment
skip_layers: 'fc/MatMul'
skip_layer_types: "MatMul"
skip_layer_types: ["AvgPool", "Conv2DBackpropInput"]
do_fusion: false
skip_fusion_layers: "block2/Conv2D"
common_config : {
    arq_quantize : {
        channel_wise : true
    }
    skip_layers: "not/top/level"
}
override_layer_configs {
    layer_name: "conv9/Conv2D"
    calibration_config: { ifmr_quantize: { search_range: [0.7, 1.3] } }
}
"""


def test_cfg(tmp_path: Path) -> None:
    path = write(tmp_path, "quant.cfg", CFG)
    opts = load_cfg(path)
    assert opts.skip_layers == frozenset({"conv1/Conv2D", "fc/MatMul"})
    assert opts.skip_layer_types == frozenset({"MatMul", "AvgPool", "Conv2DBackpropInput"})
    assert opts.do_fusion is False
    assert opts.skip_fusion_layers == frozenset({"block2/Conv2D"})
    assert opts.sources == (f"config_defination {path}",)


@pytest.mark.parametrize("flag", ["false", "False", "0", "f"])
def test_cfg_do_fusion_spellings(tmp_path: Path, flag: str) -> None:
    assert load_cfg(write(tmp_path, "a.cfg", f"do_fusion: {flag}\n")).do_fusion is False


@pytest.mark.parametrize(
    ("file", "text", "fragment"),
    [
        ("config.json", "{not json", "not valid JSON"),
        ("config.json", "[1, 2]", "JSON object"),
        ("config.json", '{"do_fusion": "no"}', "do_fusion"),
        ("config.json", '{"skip_fusion_layers": [1]}', "skip_fusion_layers"),
        ("config.json", '{"conv": {"quant_enable": "false"}}', "quant_enable"),
        ("bad.cfg", 'skip_layers: "unclosed\n', "line 1: a string is not closed"),
        ("bad.cfg", "common_config {\n  a: 1\n", "line 1: a '{' block is not closed"),
        ("bad.cfg", "do_fusion: maybe\n", "do_fusion must be true or false"),
        ("bad.cfg", "skip_layers: conv1\n", "needs a quoted name"),
        ("bad.cfg", "\n\n: 3\n", "line 3: expected a field name"),
        ("bad.cfg", 'skip_layers: ["a", "b"\n', "'[' list is not closed"),
    ],
)
def test_config_errors_name_the_file_and_the_problem(
    tmp_path: Path, file: str, text: str, fragment: str
) -> None:
    path = write(tmp_path, file, text)
    loader = load_config_json if file.endswith(".json") else load_cfg
    with pytest.raises(ConfigError) as info:
        loader(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.path == str(path)


def test_load_config_dispatches_on_suffix_and_content(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "c.json", '{"do_fusion": false}')).do_fusion is False
    assert load_config(write(tmp_path, "c.cfg", 'skip_layers: "x"')).skip_layers == {"x"}
    assert load_config(write(tmp_path, "c.conf", '  {"do_fusion": false}')).do_fusion is False
    assert load_config(write(tmp_path, "d.conf", "do_fusion: false")).do_fusion is False


def test_merge_unions_and_any_false_fusion_wins() -> None:
    a = QuantOptions(skip_layers=frozenset({"a"}), sources=("--skip-layers",))
    b = QuantOptions(
        skip_layers=frozenset({"b"}),
        skip_layer_types=frozenset({"MatMul"}),
        disabled_layers=frozenset({"c"}),
        do_fusion=False,
        skip_fusion_layers=frozenset({"d"}),
        sources=("config.json x",),
    )
    merged = merge(a, b)
    assert merged.skip_layers == {"a", "b"}
    assert merged.skip_layer_types == {"MatMul"}
    assert merged.disabled_layers == {"c"}
    assert merged.do_fusion is False
    assert merged.skip_fusion_layers == {"d"}
    assert merged.sources == ("--skip-layers", "config.json x")
    assert a.merge(b) == merged
    assert merge(a, a).sources == ("--skip-layers",)
    assert merged.source_text() == " (from --skip-layers, config.json x)"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                ['skip_layers: "a"', "do_fusion: false", "{", "}", "[", "]", ":", "#", '"', "\n"]
            ),
        ),
        max_size=25,
    )
)
def test_cfg_parser_fails_only_with_config_error(parts: list[str]) -> None:
    try:
        opts = parse_cfg("".join(parts), "fuzz.cfg")
    except ConfigError as err:
        assert str(err).startswith("In 'fuzz.cfg'")
    else:
        assert isinstance(opts, QuantOptions)
