"""The AMCT log reader: the FAQ's five scenarios verbatim, the physical three-line form, records split at 500
characters, several runs in one file, garbage, and finding the log next to a script."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amct_lsp.amct.chain import Evidence
from amct_lsp.amct.log import LogRename, log_chains, parse_log, read_log_chains
from amct_lsp.amct.log_cache import LogCache
from support.amct_log import FAQ_LOG

DATA = Path(__file__).parent / "data" / "faq_scenarios.log"
SN = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
BN_NEW = "batch_normalization/batchnorm/bn_replace/batch_normalization/FusedBatchNormV3:0"
GT, LT = ">" * 30, "<" * 30


def faq_sections() -> dict[str, str]:
    sections: dict[str, str] = {}
    name = ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            name = line[4:].strip()
        elif name:
            sections[name] = sections.get(name, "") + line + "\n"
    return sections


FAQ_EXPECTED = {
    "s1_add": [
        ("replace_add_pass", "Add:0", "bias_add/BiasAdd:0"),
        ("quantize_model", "bias_add/BiasAdd:0", SN),
    ],
    "s1_addv2": [
        ("replace_add_pass", "add:0", "bias_add/BiasAdd:0"),
        ("quantize_model", "bias_add/BiasAdd:0", SN),
    ],
    "s2_biasadd": [("quantize_model", "BiasAdd:0", SN)],
    "s3_conv2d": [("quantize_model", "Conv2D:0", SN)],
    "s4_fused_bn": [
        ("conv_bn_fusion_pass", "batch_normalization/FusedBatchNormV3:0", "bias_add:0"),
        ("quantize_model", "bias_add:0", SN),
    ],
    "s5_unfused_bn": [
        ("replace_bn_pass", "batch_normalization/batchnorm/add_1:0", BN_NEW),
        ("conv_bn_fusion_pass", BN_NEW, "bias_add:0"),
        ("quantize_model", "bias_add:0", SN),
    ],
}


@pytest.mark.parametrize("scenario", sorted(FAQ_EXPECTED))
def test_faq_scenario(scenario: str) -> None:
    text = faq_sections()[scenario]
    renames = parse_log(text)
    assert [(r.pass_name, r.old, r.new) for r in renames] == FAQ_EXPECTED[scenario]
    assert all(r.timestamp.startswith("2020-09-01 09:") and r.line == 1 for r in renames)
    chains = log_chains(renames)
    first = FAQ_EXPECTED[scenario][0][1]
    assert list(chains) == [first]
    chain = chains[first]
    assert chain.names() == [first, *(new for _, _, new in FAQ_EXPECTED[scenario])]
    assert chain.final == SN
    assert chain.tail == first.removesuffix(":0")
    assert chain.evidence is Evidence.LOG
    assert [s.removes_old for s in chain.steps] == [
        p != "quantize_model" for p, _, _ in FAQ_EXPECTED[scenario]
    ]
    assert all(s.timestamp for s in chain.steps)


def test_faq_messages_become_step_reasons() -> None:
    chain = log_chains(parse_log(faq_sections()["s5_unfused_bn"]))["batch_normalization/batchnorm/add_1:0"]
    assert [s.reason for s in chain.steps] == [
        "Replace BN at the end of the network!",
        "Fused BN at the end of the network!",
        "Insert searchN operator at the end of the network!",
    ]
    assert [s.timestamp for s in chain.steps] == [
        "2020-09-01 09:46:46,426",
        "2020-09-01 09:46:46,439",
        "2020-09-01 09:46:46,518",
    ]


def rename_message(first_sentence: str, old: str, new: str) -> str:
    """The text of a rename record, as AMCT words it (three physical lines)."""
    return (
        f"{first_sentence} You need to replace the old output node by the new output node in inference "
        f"process! \n{GT}The name of the old output node is '{old}'\n"
        f"{LT}The name of the new output node is '{new}'"
    )


def physical(ts: str, module: str, message: str, old: str, new: str) -> str:
    """A rename as AMCT's logger writes it: one record over three physical lines."""
    return f"{ts} - WARNING - [AMCT]:[{module}]: {rename_message(message, old, new)}\n"


def test_physical_three_line_form_amid_other_records() -> None:
    text = (
        "2020-09-01 09:31:04,100 - INFO - [AMCT]:[AMCT]: Start to quantize the model.\n"
        + physical(
            "2020-09-01 09:31:04,896",
            "replace_add_pass",
            "Replace ADD at the end of the network!",
            "Add:0",
            "bias_add/BiasAdd:0",
        )
        + "2020-09-01 09:31:04,900 - ERROR - [AMCT]:[quantize_model]: something unrelated failed\n"
        + physical(
            "2020-09-01 09:31:04,979",
            "quantize_model",
            "Insert searchN operator at the end of the network!",
            "bias_add/BiasAdd:0",
            SN,
        )
    )
    renames = parse_log(text)
    assert renames == [
        LogRename(
            "replace_add_pass",
            "Add:0",
            "bias_add/BiasAdd:0",
            "2020-09-01 09:31:04,896",
            2,
            "Replace ADD at the end of the network!",
        ),
        LogRename(
            "quantize_model",
            "bias_add/BiasAdd:0",
            SN,
            "2020-09-01 09:31:04,979",
            6,
            "Insert searchN operator at the end of the network!",
        ),
    ]
    assert log_chains(renames)["Add:0"].names() == ["Add:0", "bias_add/BiasAdd:0", SN]


def split_records(
    ts: str, module: str, message: str, size: int = 500, continuation_tag: str | None = None
) -> str:
    """AMCT's logger splits a message over `size` characters into several records. Whether the continuation
    records repeat `[module]:` is not documented: `continuation_tag` replaces it there when given."""
    chunks = [message[i : i + size] for i in range(0, len(message), size)]
    first = f"[{module}]:"
    rest = first if continuation_tag is None else continuation_tag
    return "".join(
        f"{ts} - WARNING - [AMCT]:{rest if i else first} {chunk}\n" for i, chunk in enumerate(chunks)
    )


def split_bn_then_fusion(old: str, new: str, size: int = 500, continuation_tag: str | None = None) -> str:
    """replace_bn's rename of a long name, split into records, then conv_bn_fusion's rename on one record."""
    message = rename_message("Replace BN at the end of the network!", old, new)
    assert len(message) > 500  # so it takes more than one record
    text = split_records("2020-09-01 09:46:46,426", "replace_bn_pass", message, size, continuation_tag)
    return text + physical(
        "2020-09-01 09:46:46,439",
        "conv_bn_fusion_pass",
        "Fused BN at the end of the network!",
        new,
        "bias_add:0",
    )


def assert_bn_then_fusion(text: str, old: str, new: str) -> None:
    renames = parse_log(text)
    assert [(r.pass_name, r.old, r.new) for r in renames] == [
        ("replace_bn_pass", old, new),
        ("conv_bn_fusion_pass", new, "bias_add:0"),
    ]
    assert log_chains(renames)[old].final == "bias_add:0"


@pytest.mark.parametrize("size", [500, 120, 47])
def test_records_split_at_500_characters(size: int) -> None:
    old = "very/" * 60 + "deep/batchnorm/add_1:0"
    new = "very/" * 60 + "deep/batchnorm/bn_replace/very/FusedBatchNormV3:0"
    text = split_bn_then_fusion(old, new, size)
    assert text.count("[AMCT]:[replace_bn_pass]") > 1
    assert_bn_then_fusion(text, old, new)


def test_garbage_and_broken_records_are_tolerated() -> None:
    text = (
        "\x00\x01 binary junk \ufffd\n"
        "Traceback (most recent call last):\n  File 'x.py', line 1\n"
        # A rename record cut short: it has the old name but never the new one.
        "2020-09-01 09:31:04,896 - WARNING - [AMCT]:[replace_add_pass]: Replace ADD at the end of the "
        f"network! You need to ...\n{GT}The name of the old output node is 'lost:0'\n"
        + physical(
            "2020-09-01 09:31:05,000",
            "quantize_model",
            "Insert searchN operator at the end of the network!",
            "Conv2D:0",
            SN,
        )
        + f"{LT}The name of the new output node is 'orphan:0'\n"
        + "2020-09-01 09:31:06 - WARNING - [AMCT]:[quantize_model]: no names here\n"
        + "not a record - WARNING - [AMCT]:[x]: The name of the old output node is 'a:0'\n"
    )
    renames = parse_log(text)
    assert [(r.old, r.new) for r in renames] == [("Conv2D:0", SN)]
    assert parse_log("") == [] and log_chains([]) == {}
    assert parse_log("just text\nwith lines\n") == []


def test_whole_faq_page_last_run_wins() -> None:
    """The FAQ's page strings six runs together; a log holding several runs counts only the last one."""
    renames = parse_log(DATA.read_text(encoding="utf-8"))
    assert len(renames) == 11
    chains = log_chains(renames)
    assert list(chains) == ["batch_normalization/batchnorm/add_1:0"]
    assert chains["batch_normalization/batchnorm/add_1:0"].final == SN


def test_rerun_appended_to_the_same_file() -> None:
    first = physical(
        "2024-05-01 10:00:00,000",
        "quantize_model",
        "Insert searchN operator at the end of the network!",
        "Conv2D:0",
        SN,
    )
    second = physical(
        "2024-05-01 11:00:00,000",
        "quantize_model",
        "Insert searchN operator at the end of the network!",
        "Conv2D:0",
        "search_n_quant_1/search_n_quant_SEARCHN/Identity:0",
    )
    chains = log_chains(parse_log(first + second))
    assert chains["Conv2D:0"].final == "search_n_quant_1/search_n_quant_SEARCHN/Identity:0"
    assert len(chains["Conv2D:0"].steps) == 1
    # Time going backwards also starts a new run (an older log appended after a newer one).
    older = physical(
        "2024-04-01 09:00:00,000",
        "quantize_model",
        "Insert searchN operator at the end of the network!",
        "MatMul:0",
        SN,
    )
    assert list(log_chains(parse_log(first + older))) == ["MatMul:0"]


def test_two_tails_in_one_run() -> None:
    text = (
        physical(
            "2024-05-01 10:00:00,000",
            "replace_add_pass",
            "Replace ADD at the end of the network!",
            "head_a/Add:0",
            "bias_add/BiasAdd:0",
        )
        + physical(
            "2024-05-01 10:00:00,050",
            "quantize_model",
            "Insert searchN operator at the end of the network!",
            "bias_add/BiasAdd:0",
            SN,
        )
        + physical(
            "2024-05-01 10:00:00,060",
            "quantize_model",
            "Insert searchN operator at the end of the network!",
            "head_b/BiasAdd:0",
            "search_n_quant_1/search_n_quant_SEARCHN/Identity:0",
        )
    )
    chains = log_chains(parse_log(text))
    assert chains["head_a/Add:0"].names() == ["head_a/Add:0", "bias_add/BiasAdd:0", SN]
    assert chains["head_b/BiasAdd:0"].final == "search_n_quant_1/search_n_quant_SEARCHN/Identity:0"
    assert chains["head_b/BiasAdd:0"].removes_original is False
    assert chains["head_a/Add:0"].removes_original is True


def test_crlf_line_endings() -> None:
    text = faq_sections()["s3_conv2d"].replace("\n", "\r\n")
    multi = physical("2020-09-01 09:40:28,717", "quantize_model", "Insert searchN operator!", "Conv2D:0", SN)
    assert [(r.old, r.new) for r in parse_log(text)] == [("Conv2D:0", SN)]
    assert [(r.old, r.new) for r in parse_log(multi.replace("\n", "\r\n"))] == [("Conv2D:0", SN)]


def test_read_log_chains_of_a_file(tmp_path: Path) -> None:
    log = tmp_path / "amct_tensorflow.log"
    log.write_text(faq_sections()["s1_add"], encoding="utf-8")
    assert read_log_chains(log)["Add:0"].final == SN
    assert read_log_chains(tmp_path / "missing.log") == {}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                [
                    "2020-09-01 09:31:04,896 - WARNING - [AMCT]:[quantize_model]: ",
                    f"{GT}The name of the old output node is 'a:0'",
                    f"{LT}The name of the new output node is 'b:0'",
                    "Insert searchN operator at the end of the network! ",
                    "\n",
                    "'",
                ]
            ),
        ),
        max_size=30,
    )
)
def test_parse_log_never_raises(parts: list[str]) -> None:
    renames = parse_log("".join(parts))
    for rename in renames:
        assert rename.old and rename.new and rename.line >= 1
    chains = log_chains(renames)
    assert all(chain.steps for chain in chains.values())


@pytest.mark.parametrize("tag", ["", "[replace_bn_pass]:"])
def test_continuation_records_with_or_without_the_module_tag(tag: str) -> None:
    """Whether AMCT's logger repeats `[module]:` on the records of a split message is not documented."""
    old = "scope/" * 70 + "batchnorm/add_1:0"
    new = "scope/" * 70 + "batchnorm/bn_replace/scope/FusedBatchNormV3:0"
    text = split_bn_then_fusion(old, new, continuation_tag=tag)
    assert_bn_then_fusion(text, old, new)
    # A record of another module is never glued on.
    other = text.replace(f"[AMCT]:{tag} ", "[AMCT]:[quantize_model]: ", 1) if tag == "" else None
    if other is not None:
        assert [r.old for r in parse_log(other)] == [new]


def _big_log(size: int) -> str:
    """An AMCT log of about `size` characters: many ordinary records, a rename pair now and then."""
    filler = "2020-09-01 09:31:04,{ms:03d} - INFO - [AMCT]:[quantize_model]: Quantize layer conv_{n} done.\n"
    parts: list[str] = []
    total = n = 0
    while total < size:
        part = filler.format(ms=n % 1000, n=n)
        if n % 500 == 0:
            part += FAQ_LOG.replace("Add:0", f"Add_{n}:0").replace("bias_add/", f"bias_add_{n}/")
        parts.append(part)
        total += len(part)
        n += 1
    return "".join(parts)


def _parse_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        renames = parse_log(text)
        best = min(best, time.perf_counter() - start)
    assert renames, "the generated log has renames"
    return best


def test_parse_time_is_linear_in_the_log_size() -> None:
    """Issue 13: a 2 MB log took 6 s per keystroke (quadratic). 4x the text must cost well under 16x."""
    small, large = _big_log(1 << 20), _big_log(4 << 20)
    large_seconds = _parse_seconds(large)
    ratio = large_seconds / _parse_seconds(small)
    assert ratio < 8, f"4x the log cost {ratio:.1f}x the time"
    assert large_seconds < 10


def test_record_lines_are_counted_in_a_big_log() -> None:
    text = _big_log(300_000)
    renames = parse_log(text)
    lines = text.split("\n")
    for rename in renames:
        assert lines[rename.line - 1].startswith(rename.timestamp)
        assert f"[{rename.pass_name}]" in lines[rename.line - 1]


def test_the_log_cache_parses_once_per_version_of_the_file(tmp_path: Path) -> None:
    log = tmp_path / "amct_tensorflow.log"
    log.write_text(FAQ_LOG)
    cache = LogCache()
    first = cache.get(log)
    assert first["Add:0"].final == "search_n_quant_1/Identity:0"
    assert cache.get(log) is first and cache.parses == 1
    log.write_text(FAQ_LOG.replace("search_n_quant_1", "search_n_quant_2"))
    os.utime(log, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    second = cache.get(log)
    assert second is not first and cache.parses == 2
    assert second["Add:0"].final == "search_n_quant_2/Identity:0"
    assert cache.get(tmp_path / "missing.log") == {}


def test_a_file_is_read_like_its_text(tmp_path: Path) -> None:
    text = _big_log(200_000).replace("\n", "\r\n")
    log = tmp_path / "amct_tensorflow.log"
    log.write_bytes(text.encode())
    assert read_log_chains(log) == log_chains(parse_log(text.replace("\r\n", "\n")))
    assert read_log_chains(log)


@pytest.mark.slow
def test_a_huge_log_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """Only a line (64 KiB at most) and a few records are held at a time, never the whole file."""
    log = tmp_path / "amct_tensorflow.log"
    block = _big_log(1 << 20)
    with log.open("w", encoding="utf-8") as handle:
        for _ in range(8):
            handle.write(block)
        handle.write("x" * (4 << 20))  # one 4 MB line of garbage
        handle.write("\n" + FAQ_LOG)
    tracemalloc.start()
    try:
        chains = read_log_chains(log)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chains["Add:0"].final == "search_n_quant_1/Identity:0"
    assert peak < 4 << 20, f"peak {peak / 2**20:.1f} MiB for a {log.stat().st_size / 2**20:.0f} MiB log"
