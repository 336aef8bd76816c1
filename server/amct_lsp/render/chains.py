"""A rename chain as data and as text: the one JSON shape of a chain, used by `check` and `explain` alike."""

from __future__ import annotations

from typing import Any

from amct_lsp.amct.chain import Prediction, RenameChain, RenameStep, TailVerdict

ARROW = " → "


def step_json(step: RenameStep) -> dict[str, Any]:
    """One rename step: the pass, the names, why, how sure (evidence) and whether the old node goes away."""
    return {
        "pass": step.pass_name,
        "old": step.old,
        "new": step.new,
        "reason": step.reason,
        "evidence": step.evidence.value,
        "removes_old": step.removes_old,
    }


def chain_json(chain: RenameChain | None) -> list[dict[str, Any]] | None:
    """A chain as its list of steps; None without a chain."""
    return [step_json(step) for step in chain.steps] if chain is not None else None


def tail_json(verdict: TailVerdict) -> dict[str, Any]:
    """One tail of a model: its tensor, what it becomes, and every step with its evidence."""
    chain = verdict.chain
    return {
        "tail": verdict.tail,
        "op": verdict.op,
        "output": verdict.output,
        "final": chain.final if chain is not None else verdict.output,
        "reason": verdict.reason,
        "chain": chain_json(chain) or [],
        "notes": list(chain.notes) if chain is not None else [],
        # The layer whose calibration record a stale fetch leaves empty (null: none, or not quantized).
        "layer": verdict.layer if not verdict.layer_unquantized else None,
    }


def rules_json(prediction: Prediction | None) -> dict[str, Any] | None:
    """Which AMCT version's rewrite rules a prediction used and why: `version` ("7.0"; null: the newest
    documented behaviour), `source` (the option, setting or installed distribution it came from) and
    `summary` (the "Rules:" line of hover and explain). None without a prediction."""
    if prediction is None or not prediction.rules:
        return None
    return {
        "version": prediction.rules_version,
        "source": prediction.rules_source,
        "summary": prediction.rules,
    }


def chain_line(chain: RenameChain) -> str:
    """`Add:0 → bias_add/BiasAdd:0 → search_n_quant/search_n_quant_SEARCHN/Identity:0`"""
    return ARROW.join(chain.names())


def step_text(step: RenameStep) -> str:
    """`replace_add_pass: Add:0 → bias_add/BiasAdd:0  [vendor FAQ]`"""
    return f"{step.pass_name}: {step.old}{ARROW}{step.new}  [{step.evidence.label}]"
