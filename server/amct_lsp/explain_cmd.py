"""`amct-lsp explain MODEL`: every tail of a model and the rename chain AMCT's quantize_model will apply."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from amct_lsp.amct.chain import Prediction, TailVerdict
from amct_lsp.amct.driver import predict
from amct_lsp.amct.options import ConfigError, QuantOptions, load_config, merge
from amct_lsp.model.errors import ModelError
from amct_lsp.model.reader import read_model

EXIT_OK, EXIT_ERROR = 0, 2


def _split(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def options_from_args(args: argparse.Namespace) -> QuantOptions:
    """The command line's skip settings merged with the config file's (raises ConfigError)."""
    parts: list[QuantOptions] = []
    config = getattr(args, "config", None)
    if config:
        parts.append(load_config(config))
    skip_layers = _split(getattr(args, "skip_layers", ""))
    if skip_layers:
        parts.append(QuantOptions(skip_layers=skip_layers, sources=("--skip-layers",)))
    skip_types = _split(getattr(args, "skip_layer_types", ""))
    if skip_types:
        parts.append(QuantOptions(skip_layer_types=skip_types, sources=("--skip-layer-types",)))
    return merge(*parts) if parts else QuantOptions()


def verdict_json(verdict: TailVerdict) -> dict[str, Any]:
    chain = verdict.chain
    output = chain.original if chain is not None else f"{verdict.tail}:0"
    return {
        "tail": verdict.tail,
        "op": verdict.op,
        "output": output,
        "final": chain.final if chain is not None else output,
        "reason": verdict.reason,
        "chain": [
            {
                "pass": step.pass_name,
                "old": step.old,
                "new": step.new,
                "reason": step.reason,
                "evidence": step.evidence.value,
                "removes_old": step.removes_old,
            }
            for step in (chain.steps if chain is not None else ())
        ],
        "notes": list(chain.notes) if chain is not None else [],
    }


def render_text(prediction: Prediction, node_count: int | None = None) -> str:
    """A table per tail: its tensor and op, what it becomes, then one row per rename step and the notes."""
    lines: list[str] = []
    size = f"{node_count} nodes, " if node_count is not None else ""
    count = len(prediction.tails)
    lines.append(
        f"Model: {prediction.model_path or '<in memory>'} ({size}{count} tail{'s' if count != 1 else ''})"
    )
    for verdict in prediction.tails:
        lines.append("")
        chain = verdict.chain
        output = chain.original if chain is not None else f"{verdict.tail}:0"
        lines.append(f"Tail {output}  [{verdict.op}]")
        if chain is None:
            lines.append(f"  keeps its name: {verdict.reason}")
            continue
        kind = "removed" if chain.removes_original else "kept, but no longer the output"
        lines.append(f"  becomes {chain.final}  (old node {kind}; {chain.evidence.label})")
        width_pass = max(len(s.pass_name) for s in chain.steps)
        width_move = max(len(f"{s.old} → {s.new}") for s in chain.steps)
        for step in chain.steps:
            move = f"{step.old} → {step.new}"
            lines.append(
                f"  {step.pass_name:<{width_pass}}  {move:<{width_move}}  "
                f"({step.evidence.label})  {step.reason}"
            )
        lines.extend(f"  note: {note}" for note in chain.notes)
    if not prediction.tails:
        lines.append("")
        lines.append("The model has no tails (no node whose output is unused), so nothing is renamed.")
    return "\n".join(lines) + "\n"


def run_explain(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the prediction for `args.model`; 2 and one line when the model or config is unusable."""
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    try:
        options = options_from_args(args)
        graph = read_model(args.model)
    except (ModelError, ConfigError) as error:
        print(f"amct-lsp explain: {error}", file=stderr)
        return EXIT_ERROR
    prediction = predict(graph, options)
    if getattr(args, "format", "text") == "json":
        json.dump([verdict_json(v) for v in prediction.tails], stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
    else:
        stdout.write(render_text(prediction, len(graph)))
    return EXIT_OK
