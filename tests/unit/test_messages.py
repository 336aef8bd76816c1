"""AMCT001's wording (check/messages.py): one line that leads with the action, at most MAX_MESSAGE chars."""

from __future__ import annotations

import pytest

from amct_lsp.check.messages import MAX_MESSAGE, shorten, stale_name, stale_object, stale_unpredicted

SEARCHN = "search_n_quant/search_n_quant_SEARCHN/Identity:0"


def test_a_short_pair_is_kept_whole() -> None:
    assert stale_name("Add:0", "bias_add/BiasAdd:0") == (
        "stale output 'Add:0' → use 'bias_add/BiasAdd:0' after quantize_model"
    )


def test_the_seed_message_fits_whole() -> None:
    message = stale_name("Add:0", SEARCHN)
    assert message == f"stale output 'Add:0' → use '{SEARCHN}' after quantize_model"
    assert len(message) <= MAX_MESSAGE


def test_a_longer_pair_shortens_the_new_name_in_the_middle() -> None:
    message = stale_name("dense/Add:0", SEARCHN)
    assert message == "stale output 'dense/Add:0' → use 'search_n_quant/…/Identity:0' after quantize_model"


def test_the_evidence_mark_stays_and_the_names_give_way() -> None:
    message = stale_name("head_a/dense/BiasAdd:0", SEARCHN, "(AMCT log)")
    assert message.startswith("stale output 'head_a/dense/BiasAdd:0' → use '…/Identity:0'")
    assert message.endswith("after quantize_model (AMCT log)")
    assert len(message) <= MAX_MESSAGE


@pytest.mark.parametrize("length", [60, 120, 400])
def test_very_long_names_still_fit(length: int) -> None:
    old = "scope/" * (length // 6) + "Add:0"
    new = "deep/" * (length // 5) + "Identity:0"
    for message in (
        stale_name(old, new, "(inferred)"),
        stale_unpredicted(old),
        stale_object("sess.run", "tensor", old, new),
    ):
        assert len(message) <= MAX_MESSAGE, message
        assert "\n" not in message and "→" in message


def test_shorten_keeps_the_first_and_last_segments_or_both_ends() -> None:
    assert shorten(SEARCHN, 30) == "search_n_quant/…/Identity:0"
    assert shorten("a" * 40, 12) == "aaaaaa…aaaaa"
    assert shorten("short:0", 40) == "short:0"
    assert len(shorten("x/" * 50 + "tail_is_very_long_indeed:0", 20)) <= 20


def test_braces_in_the_call_are_text() -> None:
    assert stale_object("run{0}", "op", "Add", "bias_add/BiasAdd").startswith("run{0} runs a stale op 'Add'")
