"""Pipeline stage 3: what each name use is — stale, created too early, unknown, wrong form, or fine (and why).

`judge(ctx, use)` gives a `Verdict` against the model, its predicted rewrite and the AMCT log."""

from __future__ import annotations

import os
import re

from amct_lsp.amct.chain import Evidence, RenameChain
from amct_lsp.check import messages
from amct_lsp.check.consequence import stale_consequence
from amct_lsp.check.context import CheckContext
from amct_lsp.check.findings import Code, Severity
from amct_lsp.check.outputs import index_problem
from amct_lsp.check.verdict import EVIDENCE_LOG, Verdict, evidence_of
from amct_lsp.script.facts import NameUse, Phase, UseKind


def judge(ctx: CheckContext, use: NameUse) -> Verdict:
    """The verdict on one use; a name under a `tf.import_graph_def` prefix is judged without it."""
    value = use.value.value
    prefix = _import_prefix(ctx, value)
    if prefix is None:
        return _judge_name(ctx, use, value)
    inner = _judge_name(ctx, use, value[len(prefix) + 1 :], prefix + "/")
    return _prefixed(use, value, prefix, inner)


def _import_prefix(ctx: CheckContext, value: str) -> str | None:
    """The `tf.import_graph_def` prefix ("import") on a name the model does not have as written."""
    for prefix in ctx.analysis.import_prefixes:
        if not value.startswith(prefix + "/"):
            continue
        op_name = value.rpartition(":")[0] if ":" in value else value
        if ctx.graph.get(op_name) is None and ctx.chains.created_chain(op_name) is None:
            return prefix
    return None


def _prefixed(use: NameUse, value: str, prefix: str, inner: Verdict) -> Verdict:
    """A verdict on the name without its import prefix, told in terms of the name as written."""
    shift = len(prefix) + 1
    change = (inner.change[0] + shift, inner.change[1] + shift) if inner.change is not None else None
    where = f" (the model's '{value[shift:]}' under the '{prefix}/' prefix tf.import_graph_def adds)"
    if inner.code is None:
        verdict = inner.verdict + where if inner.verdict else None
        return Verdict(None, chain=inner.chain, evidence=inner.evidence, verdict=verdict)
    if inner.code is Code.STALE_NAME:
        assert inner.chain is not None
        steps = " → ".join(inner.chain.names())
        message = messages.stale_unpredicted(value)
        note = (
            f"quantize_model renames it ({steps}{where[:-1]})), and where the new node lands under the "
            f"'{prefix}/' prefix is not predicted: pass it through calib_outputs or read the new name from "
            "the AMCT log."
        )
        return Verdict(
            Code.STALE_NAME,
            severity=inner.severity,
            chain=inner.chain,
            evidence=inner.evidence,
            message=message,
            change=change,
            consequence=inner.consequence,
            layer=inner.layer,
            notes=(note,),
        )
    if inner.code is Code.UNKNOWN_NAME and inner.message.startswith(f"'{value}'"):
        # From _unknown, which already speaks of the whole name and its prefixed suggestions.
        return Verdict(
            inner.code, replacement=inner.replacement, message=inner.message, change=change, guess=inner.guess
        )
    replacement = f"{prefix}/{inner.replacement}" if inner.replacement is not None else None
    return Verdict(
        inner.code,
        severity=inner.severity,
        replacement=replacement,
        chain=inner.chain,
        evidence=inner.evidence,
        message=inner.message.replace(f"'{value[shift:]}'", f"'{value}'", 1) + where,
        verdict=inner.verdict,
        change=change,
        guess=inner.guess,
    )


def _judge_name(ctx: CheckContext, use: NameUse, value: str, prefix: str = "") -> Verdict:
    graph = ctx.graph
    assert graph is not None and ctx.prediction is not None
    is_tensor = ":" in value
    op_name, _, index_text = value.rpartition(":") if is_tensor else (value, "", "0")
    tensor = value if is_tensor else f"{value}:0"
    if is_tensor and not index_text.isdigit():
        return Verdict(
            Code.UNKNOWN_NAME,
            message=f"'{value}' is not a valid tensor name: the part after ':' must be an output index.",
        )
    node = graph.get(op_name)
    if use.kind == UseKind.SKIP_LAYER:
        if node is None:
            return _unknown(ctx, value, op_name, is_tensor, use)
        if op_name in ctx.model.overridden:
            return Verdict(
                None,
                verdict=f"layer {node.op} '{op_name}' of the model; AMCT ignores skip_layers here "
                "because the call also gives config_defination, whose .cfg settings win",
            )
        return Verdict(None, verdict=f"layer {node.op} '{op_name}' of the model, not quantized as asked")
    form = _form_problem(use, value, op_name, node is not None or ctx.chains.created_chain(value) is not None)
    if form is not None:
        return form
    chain, evidence = ctx.chains.chain(tensor)
    if chain is not None:
        final = chain.final
        right = final if is_tensor else final.rpartition(":")[0]
        if use.phase == Phase.AFTER:
            return _stale(ctx, value, right, chain, evidence)
        if use.phase == Phase.UNKNOWN:
            return Verdict(
                None,
                verdict="cannot tell: no call of this function was seen, so whether it runs before or "
                f"after quantize_model is unknown; after it the name is '{right}' "
                f"({' → '.join(chain.names())})",
            )
        return Verdict(None, chain=chain, evidence=evidence, verdict=_original_ok(use, right))
    created = ctx.chains.created_chain(value)
    if created is not None:
        names = created.names()
        if use.phase == Phase.AFTER and tensor in names and names.index(tensor) < len(names) - 1:
            later = created.steps[names.index(tensor) :]
            partial = RenameChain(created.tail, later, created.notes)
            right = created.final if is_tensor else created.final.rpartition(":")[0]
            return _stale(ctx, value, right, partial, evidence_of(partial))
        # A name made off the renamed path (the fused conv's `bias_add` before a kept BatchToSpaceND) is not
        # what the tail becomes, only what its rewrite makes on the way.
        side = tensor not in names
        origin = (
            f"the rewrite of '{created.original}' creates it, before '{created.final}'"
            if side
            else f"it is what '{created.original}' becomes"
        )
        if use.phase.wants_original:
            as_tensor = is_tensor and use.phase is not Phase.CALIB  # calib_outputs holds op names
            original = created.original if as_tensor else created.original.rpartition(":")[0]
            where = {
                Phase.BEFORE: "before quantize_model",
                Phase.SAVE: "in save_model(outputs=...), which re-reads the original model",
                Phase.CALIB: f"in {use.target or 'calib_outputs'}, which AMCT matches against the original "
                "graph",
            }[use.phase]
            return Verdict(
                Code.NAME_TOO_EARLY,
                replacement=original,
                chain=created,
                evidence=evidence_of(created),
                message=f"'{value}' only exists after quantize_model ({origin}); {where} use '{original}'",
                change=(0, len(value)),
                # Before quantize_model the network's output is not the side op's value: offered, not bulk.
                safe=not (side and use.phase is Phase.BEFORE),
                notes=(_SIDE_NOTE,) if side and use.phase is Phase.BEFORE else (),
            )
        return Verdict(
            None,
            chain=created,
            evidence=evidence_of(created),
            verdict=f"created by quantize_model ({origin if side else origin.removeprefix('it is ')})",
        )
    if node is None:
        made = _made_by_script(ctx, op_name)
        if made is not None:
            return Verdict(None, verdict=f"made by the script itself ({made}), not part of the model")
        elsewhere = ctx.others.holding(op_name)
        if elsewhere is not None:
            return Verdict(
                None,
                verdict=f"not in {os.path.basename(ctx.model.path or '')} but in {elsewhere}, "
                "which the script also loads; not checked",
            )
        return _unknown(ctx, value, op_name, is_tensor, use, prefix)
    if is_tensor:
        problem = index_problem(node.op, int(index_text), node.attrs)
        if problem is not None:
            return Verdict(
                Code.UNKNOWN_NAME,
                replacement=f"{op_name}:0",
                message=(
                    f"'{value}' does not exist: {op_name} ({node.op}) {problem}; did you mean '{op_name}:0'?"
                ),
                change=(len(op_name) + 1, len(value)),
                guess=True,
            )
    return Verdict(None, verdict=_plain_verdict(ctx, op_name, node.op))


def _made_by_script(ctx: CheckContext, op_name: str) -> str | None:
    """The `name=` of a TensorFlow call of the script that makes this op (a scope or the op itself)."""
    made = ctx.analysis.script_names
    if not made:
        return None
    for part in op_name.split("/"):
        base = re.sub(r"_\d+$", "", part)
        for candidate in (part, base):
            if candidate in made:
                return f"name='{candidate}'"
    return None


def _form_problem(use: NameUse, value: str, op_name: str, known: bool) -> Verdict | None:
    """get_tensor_by_name needs "op:N", get_operation_by_name an op name (TensorFlow raises otherwise)."""
    if not known:
        return None
    if use.kind == UseKind.TENSOR and ":" not in value:
        return Verdict(
            Code.UNKNOWN_NAME,
            replacement=f"{value}:0",
            message=(
                f"get_tensor_by_name needs a tensor name ('op:index'); '{value}' is an op name "
                f"— use '{value}:0'"
            ),
            change=(len(value), len(value)),
        )
    if use.kind == UseKind.CALIB_OUTPUT and ":" in value:
        index = value.rpartition(":")[2]
        target = use.target or "calib_outputs"
        listed = "calib_outputs" if target == "calib_outputs" else "outputs"
        return Verdict(
            Code.UNKNOWN_NAME,
            replacement=op_name,
            message=(
                f"{target} holds op names (documented): '{value}' is a tensor name, which AMCT does not "
                f"update when it renames the tail — use '{op_name}' and fetch {listed}[i] + ':{index}'"
            ),
            change=(len(op_name), len(value)),
            safe=False,  # the fetches reading the list need their ':N' back: the user's edit, not fix-all's
        )
    if use.kind == UseKind.OPERATION and ":" in value:
        return Verdict(
            Code.UNKNOWN_NAME,
            replacement=op_name,
            message=(f"get_operation_by_name needs an op name; '{value}' is a tensor name — use '{op_name}'"),
            change=(len(op_name), len(value)),
        )
    return None


def _stale(ctx: CheckContext, value: str, right: str, chain: RenameChain, evidence: str | None) -> Verdict:
    """AMCT001, always an error: the old tensor still runs, off the quantized path, and save_model fails
    (consequence.py). The message says what to use (messages.py); the chain and the consequence are the
    hover's and the notes'."""
    mark = ""
    if evidence == EVIDENCE_LOG:
        mark = "(AMCT log)"  # confirmed by the log: the hover says which
    elif any(s.evidence is Evidence.INFERRED for s in chain.steps):
        mark = "(inferred)"  # the hover's evidence line says which step
    layer, result, fails = stale_consequence(ctx.prediction, ctx.graph, chain)
    op_len = len(value.rpartition(":")[0]) if ":" in value else len(value)
    change = (0, op_len) if (":" in value) == (":" in right) else (0, len(value))
    return Verdict(
        Code.STALE_NAME,
        # A layer AMCT leaves unquantized loses no record: the old name is stale, not fatal.
        severity=Severity.ERROR if fails else Severity.WARNING,
        replacement=right,
        chain=chain,
        evidence=evidence,
        message=messages.stale_name(value, right, mark),
        change=change,
        consequence=result,
        layer=layer,
    )


def _original_ok(use: NameUse, right: str) -> str:
    if use.phase == Phase.SAVE:
        return (
            "original name, right for save_model (it re-reads the original model); "
            f"after quantize_model it is '{right}'"
        )
    if use.phase == Phase.BEFORE:
        return f"original name, right before quantize_model; after it the name is '{right}'"
    if use.phase == Phase.CALIB and use.target not in (None, "calib_outputs"):
        # quantize_preprocess(outputs=...): updated in place, but which renames it makes is not documented.
        return (
            f"original name, right for {use.target} (AMCT updates the list in place; the documentation does "
            f"not say which renames {use.target_api} makes; after quantize_model the name is '{right}')"
        )
    if use.phase == Phase.CALIB:
        return f"original name, right for calib_outputs (AMCT updates the list to '{right}')"
    return f"renamed to '{right}' if used after quantize_model"


def _plain_verdict(ctx: CheckContext, op_name: str, op: str) -> str:
    for verdict in ctx.prediction.tails:
        if verdict.tail == op_name:
            return f"network output, not rewritten: {verdict.reason}"
    if op in ("Placeholder", "PlaceholderWithDefault"):
        return "network input"
    return f"internal node of the model ({op})"


_SIDE_NOTE = (
    "The rewrite makes this op inside the fused layer, off the network's output path; before quantize_model "
    "the network's output is the tail's original name, whose value differs (check it is what you meant)."
)


def _unknown(
    ctx: CheckContext, value: str, op_name: str, is_tensor: bool, use: NameUse, prefix: str = ""
) -> Verdict:
    """AMCT002 with the closest names of the model; `prefix` is an import prefix ("import/") the value
    carries before `value`, shown in the message and kept in the suggestions."""
    names = list(ctx.graph.nodes)
    import difflib  # only for a name the model does not have

    close = difflib.get_close_matches(op_name, names, n=3, cutoff=0.6)
    lowered = {n.lower(): n for n in names}
    if op_name.lower() in lowered and lowered[op_name.lower()] not in close:
        close.insert(0, lowered[op_name.lower()])
    suffix = ":" + value.rpartition(":")[2] if is_tensor else ""
    suggestions = [f"{prefix}{c}{suffix}" for c in close[:3]]
    model = os.path.basename(ctx.model.path or "the model")
    message = f"'{prefix}{value}' is not in the model {model} and quantize_model does not create it"
    replacement = suggestions[0] if suggestions else None
    if suggestions:
        message += "; did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?"
    else:
        message += "; no node has a similar name"
    if replacement is not None and use.phase == Phase.AFTER:
        # After quantize_model the right name is what the suggestion becomes.
        closest = f"{close[0]}{suffix}"
        chain, _ = ctx.chains.chain(closest if is_tensor else f"{closest}:0")
        if chain is not None:
            final = chain.final if is_tensor else chain.final.rpartition(":")[0]
            message += f" After quantize_model, '{replacement}' is renamed"
            if prefix:  # where AMCT's new node lands under the prefix is not predicted
                message += f" ({' → '.join(chain.names())})."
                replacement = None
            else:
                message += f" to '{final}'."
                replacement = final
    return Verdict(
        Code.UNKNOWN_NAME,
        replacement=replacement,
        message=message,
        change=(0, len(op_name)) if replacement is not None else None,
        guess=True,
    )
