"""Units of the inlay hints and code lenses: which findings get a hint, the lens titles, when to refresh."""

from __future__ import annotations

import pytest
from lsprotocol import types

from amct_lsp.amct.chain import Evidence, RenameChain, RenameStep
from amct_lsp.check.findings import Code, Finding, Fix, Position, Severity, Span, TextEdit
from amct_lsp.lsp import server as srv
from amct_lsp.lsp.analysis import Snapshot
from amct_lsp.lsp.features import code_lens, inlay_hints
from amct_lsp.lsp.hints import hint_at, name_hints
from amct_lsp.lsp.lenses import renames_title
from amct_lsp.lsp.refresh import ViewRefresh

URI = "file:///ws/q.py"
NEW = "search_n_quant/search_n_quant_SEARCHN/Identity:0"
LITERAL = Span(Position(3, 10), Position(3, 17))
INSIDE = Span(Position(3, 11), Position(3, 16))


def finding(*fixes: Fix, evidence: Evidence = Evidence.FAQ, code: Code = Code.STALE_NAME) -> Finding:
    step = RenameStep("quantize_model", "Add:0", NEW, "searchN", evidence, removes_old=False)
    return Finding(
        code, Severity.ERROR, "stale", "/q.py", LITERAL, tensor="Add:0", replacement=NEW,
        chain=RenameChain("Add", (step,)), fixes=fixes,
    )  # fmt: skip


def test_a_hint_needs_a_safe_primary_edit_of_the_string_itself() -> None:
    rename = Fix("AMCT001: use it", (TextEdit(INSIDE, NEW),))
    (hint,) = name_hints([finding(rename)])
    assert hint.label == "→ search_n_quant/…/Identity:0" and NEW in hint.tooltip
    assert hint_at([hint], (3, 10), "AMCT001") is hint
    assert hint_at([hint], (3, 10), "AMCT002") is None and hint_at([hint], (3, 11), "AMCT001") is None
    elsewhere = Fix("look it up again", (TextEdit(Span(Position(9, 0), Position(9, 0)), "x = ...\n"),))
    proof = Fix("calib_outputs", (TextEdit(INSIDE, "calib[0]"),), rename_proof=True)
    guess = Fix("did you mean?", (TextEdit(INSIDE, NEW),), safe=False)
    ignore = Fix("ignore", (TextEdit(INSIDE, NEW),), primary=False, suppression=True)
    for fixes in ((elsewhere,), (proof, rename), (guess,), (ignore,), ()):
        assert name_hints([finding(*fixes)]) == [], fixes
    assert name_hints([finding(rename)], hidden=[Code.STALE_NAME]) == []


def test_a_second_literal_fix_behind_the_calib_outputs_route_gets_an_inferred_hint() -> None:
    """Several quantized layers: the calib_outputs route is preferred and the literal name is second; the
    hint applies that literal fix, labelled inferred even on a FAQ chain, and says why. Never a guess."""
    proof = Fix("calib_outputs", (TextEdit(INSIDE, "calib[0]"),), rename_proof=True)
    second = Fix("AMCT001: use it (inferred)", (TextEdit(INSIDE, NEW),), primary=False)
    (hint,) = name_hints([finding(proof, second)])
    assert hint.fix is second and hint.second
    assert hint.label == "→ search_n_quant/…/Identity:0 (inferred)"
    assert "numbered" in hint.tooltip and "calib_outputs quick fix is the rename-proof route" in hint.tooltip
    guess = Fix("did you mean?", (TextEdit(INSIDE, NEW),), primary=False, safe=False)
    line_9 = Span(Position(9, 0), Position(9, 0))
    elsewhere = Fix("look it up again", (TextEdit(line_9, "x\n"),), primary=False)
    ignore = Fix("ignore", (TextEdit(INSIDE, NEW),), primary=False, suppression=True)
    for fixes in ((proof, guess), (proof, elsewhere), (proof, ignore), (proof,)):
        assert name_hints([finding(*fixes)]) == [], fixes
    (first,) = name_hints([finding(Fix("use it", (TextEdit(INSIDE, NEW),)))])
    assert not first.second and "numbered" not in first.tooltip and not first.label.endswith("(inferred)")


def test_an_inferred_chain_says_so_in_the_label() -> None:
    (hint,) = name_hints([finding(Fix("use it", (TextEdit(INSIDE, NEW),)), evidence=Evidence.INFERRED)])
    assert hint.label.endswith("(inferred)")


def test_lens_titles() -> None:
    assert [renames_title(n) for n in (0, 1, 2)] == [
        "renames no outputs",
        "renames 1 output",
        "renames 2 outputs",
    ]


def test_refresh_only_for_a_change_at_the_same_version() -> None:
    views = ViewRefresh()
    assert views.changed("u", 1, {"hints": (), "lenses": ()}) == []  # nothing shown yet: nothing to refresh
    assert views.changed("u", 1, {"hints": ("a",), "lenses": ()}) == ["hints"]  # the model appeared
    assert views.changed("u", 2, {"hints": ("b",), "lenses": ("c",)}) == []  # an edit: the client asks itself
    assert views.changed("u", 2, {"hints": ("b",), "lenses": ()}) == ["lenses"]
    views.forget("u")
    assert views.changed("u", 5, {"hints": ("b",), "lenses": ()}) == ["hints"]  # reopened


async def test_a_failing_hint_or_lens_is_answered_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behind the guard like every route: a failure is logged and answered with the route's fallback."""
    ls = srv.create_server()
    ls.apply_settings(None)
    logged: list[str] = []
    monkeypatch.setattr(ls, "log_message", lambda message, kind=None: logged.append(message))

    async def broken(uri: str, attempts: int = 5) -> None:
        raise RuntimeError("forced failure")

    monkeypatch.setattr(ls.analyzer, "current", broken)
    monkeypatch.setattr(ls, "snapshot", lambda uri: Snapshot(uri, "/ws/q.py", 1, ""))
    doc = types.TextDocumentIdentifier(uri=URI)
    rng = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=9, character=0))
    assert await ls.handlers[types.TEXT_DOCUMENT_INLAY_HINT](types.InlayHintParams(doc, rng)) == []
    assert await ls.handlers[types.TEXT_DOCUMENT_CODE_LENS](types.CodeLensParams(doc)) == []
    assert await ls.handlers[inlay_hints.CMD_APPLY_FIX](URI, 1, 0, 0, "AMCT001") is False
    assert await ls.handlers[code_lens.CMD_SHOW_RENAMES](URI) == ""
    assert len(logged) == 4 and all("forced failure" in entry for entry in logged)
