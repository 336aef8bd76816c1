"""NameAllocator against TensorFlow's `Graph.unique_name` / `name_scope` behaviour, hand-worked cases
(tests/unit/test_tf_naming_oracle.py compares with real TensorFlow)."""

from __future__ import annotations

import pytest

from amct_lsp.amct.names import NameAllocator


def test_free_name_is_kept_and_then_taken() -> None:
    alloc = NameAllocator([])
    assert alloc.unique_name("bias_add") == "bias_add"
    assert alloc.unique_name("bias_add") == "bias_add_1"
    assert alloc.unique_name("bias_add") == "bias_add_2"


def test_existing_op_blocks_its_name_case_insensitively() -> None:
    alloc = NameAllocator(["Bias_Add"])
    assert alloc.unique_name("bias_add") == "bias_add_1"
    assert alloc.existing_op("BIAS_ADD") == "Bias_Add"


def test_first_free_suffix_skips_taken_ones() -> None:
    alloc = NameAllocator(["bias_add", "bias_add_1"])
    assert alloc.unique_name("bias_add") == "bias_add_2"
    assert alloc.unique_name("bias_add_1") == "bias_add_1_1"


def test_suffix_keeps_the_requested_capitalisation() -> None:
    alloc = NameAllocator(["foo"])
    assert alloc.unique_name("Foo") == "Foo_1"


def test_scopes_of_existing_ops_are_not_taken() -> None:
    alloc = NameAllocator(["bias_add/inner"])
    with alloc.name_scope("bias_add") as scope:
        assert scope == "bias_add/"
        assert alloc.unique_name("BiasAdd") == "bias_add/BiasAdd"


def test_name_scope_is_unique_and_nests() -> None:
    alloc = NameAllocator(["search_n_quant"])
    with alloc.name_scope("search_n_quant") as outer:
        assert outer == "search_n_quant_1/"
        with alloc.name_scope("search_n_quant_SEARCHN") as inner:
            assert inner == "search_n_quant_1/search_n_quant_SEARCHN/"
            assert alloc.unique_name("Identity") == "search_n_quant_1/search_n_quant_SEARCHN/Identity"
        assert alloc.current_scope == "search_n_quant_1"
    assert alloc.current_scope == ""
    # A second scope of the same name is numbered again.
    with alloc.name_scope("search_n_quant") as again:
        assert again == "search_n_quant_2/"


def test_trailing_slash_reenters_and_empty_resets() -> None:
    alloc = NameAllocator(["a/b"])
    with alloc.name_scope("a/"):
        assert alloc.unique_name("b") == "a/b_1"
        with alloc.name_scope(""):
            assert alloc.unique_name("c") == "c"
        with alloc.name_scope(None):
            assert alloc.current_scope == ""
    assert alloc.is_taken("A/B_1")


def test_unique_name_without_marking_does_not_consume() -> None:
    alloc = NameAllocator(["x"])
    assert alloc.unique_name("x", mark_as_used=False) == "x_1"
    assert alloc.unique_name("x", mark_as_used=False) == "x_1"
    assert alloc.unique_name("y", mark_as_used=False) == "y"
    assert not alloc.is_taken("y")


def test_names_created_in_the_run_are_not_existing_ops() -> None:
    alloc = NameAllocator(["conv"])
    alloc.unique_name("bias_add")
    assert alloc.is_taken("bias_add")
    assert alloc.existing_op("bias_add") is None


def test_scope_is_restored_after_an_exception() -> None:
    alloc = NameAllocator([])
    with pytest.raises(RuntimeError), alloc.name_scope("s"):
        raise RuntimeError("boom")
    assert alloc.current_scope == ""
    assert alloc.unique_name("t") == "t"
