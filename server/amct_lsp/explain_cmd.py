"""`amct-lsp explain MODEL`: every tail of a model and the rename chain AMCT's quantize_model will apply."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from typing import Any, TextIO

from amct_lsp.amct.chain import Prediction, RenameChain, RenameStep, TailVerdict
from amct_lsp.amct.driver import predict
from amct_lsp.amct.layers import option_warnings
from amct_lsp.amct.options import ConfigError, QuantOptions, load_config, merge
from amct_lsp.model.errors import ModelError
from amct_lsp.model.reader import read_model
from amct_lsp.safe_text import escape_json, escape_text, one_line

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
    """One tail for `--format json`: its tensor, what it becomes, and every step with its evidence."""
    chain = verdict.chain
    return {
        "tail": verdict.tail,
        "op": verdict.op,
        "output": verdict.output,
        "final": chain.final if chain is not None else verdict.output,
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


_WIDTH = 100  # prose is wrapped here
_HEAD_WIDTH = 110  # a step's `old → new` moves its `→ new` to a second line beyond this


def _wrapped(text: str, indent: str) -> list[str]:
    """`text` wrapped at the table width; tensor names are never split (they contain no spaces)."""
    return textwrap.wrap(
        text, _WIDTH, initial_indent=indent, subsequent_indent=indent, break_long_words=False,
        break_on_hyphens=False,
    )  # fmt: skip


def _fate(chain: RenameChain) -> str:
    """What happens to the original tensor, in the user's terms."""
    if chain.removes_original:
        return f"the old node is removed: fetching '{chain.original}' after quantize_model raises KeyError"
    return (
        f"the old node stays but no longer ends the network: fetching '{chain.original}' skips the searchN "
        "op, so the last layer's calibration is incomplete"
    )


def _step_lines(number: int, step: RenameStep) -> list[str]:
    """`1. pass: old → new  [evidence]`, with `→ new` on its own line when the names are long."""
    head = f"  {number}. {step.pass_name}: {step.old} → {step.new}  [{step.evidence.label}]"
    if len(head) <= _HEAD_WIDTH:
        lines = [head]
    else:
        lines = [f"  {number}. {step.pass_name}: {step.old}", f"     → {step.new}  [{step.evidence.label}]"]
    return lines + _wrapped(step.reason, "     ")


def _caveat_key(note: str) -> str:
    """A chain's note and the model's note on the same caveat differ only after their first clause."""
    return note.split(";", 1)[0]


def render_text(prediction: Prediction, node_count: int | None = None) -> str:
    """Per tail: its tensor and op, what it becomes and why, then one numbered entry per rename step."""
    lines: list[str] = []
    size = f"{node_count} nodes, " if node_count is not None else ""
    count = len(prediction.tails)
    lines.append(
        f"Model: {prediction.model_path or '<in memory>'} ({size}{count} tail{'s' if count != 1 else ''})"
    )
    shown_caveats: set[str] = set()
    for verdict in prediction.tails:
        lines.append("")
        chain = verdict.chain
        lines.append(f"Tail {verdict.output}  [{verdict.op}]")
        if chain is None:
            lines.extend(_wrapped(f"keeps its name: {verdict.reason}", "  "))
            continue
        lines.append(f"  becomes {chain.final}  [{chain.evidence.label}]")
        lines.extend(_wrapped(_fate(chain), "  "))
        for number, step in enumerate(chain.steps, 1):
            lines.extend(_step_lines(number, step))
        for note in chain.notes:
            lines.extend(_wrapped(f"note: {note}", "  "))
            shown_caveats.add(_caveat_key(note))
    if not prediction.tails:
        lines.append("")
        lines.append("The model has no tails (no node whose output is unused), so nothing is renamed.")
    # A model-wide caveat every chain already carries is not repeated.
    model_notes = [n for n in prediction.notes if _caveat_key(n) not in shown_caveats]
    if model_notes:
        lines.append("")
        for note in model_notes:
            lines.extend(_wrapped(f"Note: {note}", ""))
    # Node names come from the model file: a name with an ESC or a newline must not reach the terminal raw.
    return "\n".join(escape_text(line) for line in lines) + "\n"


def run_explain(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Print the prediction for `args.model`; 2 and one line when the model or config is unusable.

    Skip settings that cannot match the model (a name it lacks, a tensor name, a non-layer op) are warned
    about on stderr: AMCT would quietly quantize the layer anyway, so the user's exclusion does nothing.
    """
    stdout = out or sys.stdout
    stderr = err or sys.stderr
    try:
        options = options_from_args(args)
        graph = read_model(args.model)
    except (ModelError, ConfigError) as error:
        print(f"amct-lsp explain: {_one_line(str(error))}", file=stderr)
        return EXIT_ERROR
    for warning in option_warnings(graph, options):
        print(f"amct-lsp explain: warning: {one_line(warning)}", file=stderr)
    prediction = predict(graph, options)
    if getattr(args, "format", "text") == "json":
        encoded = json.dumps([verdict_json(v) for v in prediction.tails], indent=2, ensure_ascii=False)
        text = escape_json(encoded) + "\n"
    else:
        text = render_text(prediction, len(graph))
    try:
        stdout.write(text)
        stdout.flush()
    except BrokenPipeError:
        # `amct-lsp explain m.pb | head`: the reader left, which is not an error. Point stdout at devnull
        # so the interpreter's own flush at exit does not print a traceback.
        if stdout is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


def _one_line(message: str) -> str:
    """Error messages can hold a path or a name with control characters: one line, escaped."""
    return one_line(message)
