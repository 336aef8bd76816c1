"""Join the script analysis, the model and the predicted rewrite into findings with fixes.

Editor-neutral and fast: the language server calls `check_source` on every edit (models come from a shared
`ModelCache`), the CLI calls `check_paths`. Nothing here raises for a bad script or a bad model; both become
findings (AMCT900, AMCT004).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from amct_lsp.amct.chain import Evidence, Prediction, RenameChain
from amct_lsp.amct.driver import predict
from amct_lsp.amct.log import find_log, read_log_chains
from amct_lsp.amct.options import ConfigError, QuantOptions, load_cfg, load_config_json, merge
from amct_lsp.findings import Code, Finding, Fix, Position, Related, Severity, Span, TextEdit
from amct_lsp.model.cache import ModelCache
from amct_lsp.model.errors import ModelError
from amct_lsp.model.graph import ModelGraph
from amct_lsp.script import analyze
from amct_lsp.script.facts import NameUse, Phase, ScriptAnalysis, UseKind
from amct_lsp.script.locate import locate_file, locate_model
from amct_lsp.script.parse import split_lines
from amct_lsp.script.source import ScriptDecodeError, read_script
from amct_lsp.script.values import Literal, Str

EVIDENCE_LOG = "amct-log"
EVIDENCE_PREDICTED = "predicted"

#: Ops with exactly one output: `name:1` on them does not exist.
_SINGLE_OUTPUT = frozenset(
    {
        "Conv2D",
        "DepthwiseConv2dNative",
        "Conv2DBackpropInput",
        "MatMul",
        "BatchMatMul",
        "BatchMatMulV2",
        "BiasAdd",
        "Add",
        "AddV2",
        "Sub",
        "Mul",
        "RealDiv",
        "Relu",
        "Relu6",
        "LeakyRelu",
        "Elu",
        "Selu",
        "Sigmoid",
        "Tanh",
        "Softmax",
        "LogSoftmax",
        "Identity",
        "AvgPool",
        "MaxPool",
        "Mean",
        "Sum",
        "Max",
        "Reshape",
        "Squeeze",
        "ExpandDims",
        "ConcatV2",
        "Pad",
        "Rsqrt",
        "Sqrt",
        "Placeholder",
        "Const",
        "Transpose",
        "Cast",
        "ArgMax",
        "Pack",
        "StridedSlice",
        "Shape",
        "Maximum",
        "Minimum",
        "Square",
        "ResizeBilinear",
        "ResizeNearestNeighbor",
        "Softplus",
        "Neg",
        "Exp",
        "Log",
        "Fill",
        "Tile",
    }
)
_FUSED_BN_OUTPUTS = {"FusedBatchNorm": 5, "FusedBatchNormV2": 5, "FusedBatchNormV3": 6}
_SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
)


@dataclass(frozen=True, slots=True)
class NameInfo:
    """One name string of the script: where it is written, where it is used, and what becomes of it."""

    value: str  # as the script has it at the use: "Add:0" or the op name "Add"
    span: Span  # the literal where the (changing part of the) value is written
    uses: tuple[Span, ...]  # the use sites (argument expressions)
    phase: str  # the most telling phase: "after", "before", "save_model", "calib_outputs", "unknown"
    phases: tuple[str, ...]
    kinds: tuple[str, ...]  # "get_tensor_by_name", "sess.run fetch", ...
    tensor: str  # the value as a tensor name ("Add:0")
    chain: RenameChain | None = None
    evidence: str | None = None  # "amct-log" or "predicted" when there is a chain
    #: One line when there is no rename to show: "internal node of the model", "network input", ...
    verdict: str | None = None
    replacement: str | None = None
    literal_spans: tuple[Span, ...] = ()


@dataclass(slots=True)
class CheckResult:
    """Everything one check of one script found; the LSP layer and the CLI only format this."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    names: list[NameInfo] = field(default_factory=list)
    model_path: str | None = None
    model_span: Span | None = None
    model_note: str | None = None
    prediction: Prediction | None = None
    model_error: str | None = None
    log_path: str | None = None
    config_paths: tuple[str, ...] = ()
    analysis: ScriptAnalysis | None = None

    @property
    def has_findings(self) -> bool:
        return bool(self.findings)


# -- entry points --------------------------------------------------------------------------------------------


def check_source(
    source: str,
    path: str,
    *,
    cache: ModelCache,
    model: str | None = None,
    root: str | None = None,
    log: str | None = None,
    extra_skip_layers: Sequence[str] = (),
) -> CheckResult:
    """Check one script's text. `model`/`log` override what the script names; `root` bounds file searches."""
    path = os.path.abspath(path)
    if "amct" not in source.lower():
        # Not a quantization script (no import, alias or directive): nothing to say, and nothing to parse.
        return CheckResult(path=path)
    analysis = analyze(source, path)
    result = CheckResult(path=path, analysis=analysis)
    if analysis.syntax_error is not None:
        problem = analysis.syntax_error
        result.findings.append(
            Finding(
                Code.SYNTAX,
                Severity.WARNING,
                f"The script does not parse, so AMCT names are not checked: {problem.message}",
                path,
                problem.span,
            )
        )
        return result
    if not analysis.uses_amct:
        return result
    return _Checker(source, path, analysis, result, cache, model, root, log, extra_skip_layers).run()


def decode_failure(path: str, err: ScriptDecodeError) -> CheckResult:
    """The result for a script whose bytes do not decode: one AMCT900 finding, like a syntax error."""
    span = Span(Position(err.line, err.column), Position(err.line, err.column + 1))
    finding = Finding(Code.SYNTAX, Severity.WARNING, f"The script cannot be read: {err.message}", path, span)
    return CheckResult(path=path, findings=[finding])


def iter_scripts(paths: Iterable[str]) -> list[str]:
    """Files as given, folders searched recursively for *.py (hidden and virtualenv folders skipped).

    Symlinked folders are not followed (no loops); in a folder, a *.py that is not a readable regular file
    through its links (dangling or looping symlink, fifo) is skipped, while a file named explicitly is kept
    so that its problem is reported."""
    out: list[str] = []
    for given in paths:
        if os.path.isdir(given):
            for folder, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                for name in sorted(files):
                    full = os.path.join(folder, name)
                    if name.endswith(".py") and not name.startswith(".") and os.path.isfile(full):
                        out.append(full)
        elif os.path.lexists(given):
            out.append(given)
        else:
            raise FileNotFoundError(given)
    return list(dict.fromkeys(os.path.abspath(p) for p in out))


def check_paths(
    paths: Iterable[str],
    *,
    model: str | None = None,
    root: str | None = None,
    log: str | None = None,
    extra_skip_layers: Sequence[str] = (),
    cache: ModelCache | None = None,
) -> list[CheckResult]:
    """Check files and folders (recursively *.py); every model is read once through one shared cache.

    Raises FileNotFoundError for a path that does not exist; unreadable scripts become AMCT900 results."""
    cache = cache if cache is not None else ModelCache()
    results: list[CheckResult] = []
    for script in iter_scripts(paths):
        try:
            text = read_script(script).text
        except ScriptDecodeError as err:
            results.append(decode_failure(script, err))
            continue
        except OSError as err:
            results.append(decode_failure(script, ScriptDecodeError(f"{err.strerror or err}.")))
            continue
        results.append(
            check_source(
                text,
                script,
                cache=cache,
                model=model,
                root=root,
                log=log,
                extra_skip_layers=extra_skip_layers,
            )
        )
    return results


_NEWLINES = re.compile(r"\r\n|\r|\n")


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
    """Apply non-overlapping edits given in `source`'s coordinates; raises ValueError when they overlap."""
    starts = [0, *(m.end() for m in _NEWLINES.finditer(source))]

    def offset(pos: Position) -> int:
        if pos.line >= len(starts):
            return len(source)
        line_end = starts[pos.line + 1] if pos.line + 1 < len(starts) else len(source)
        return min(starts[pos.line] + pos.character, line_end)

    spans = sorted(
        ((offset(e.span.start), offset(e.span.end), e.new_text) for e in edits), key=lambda t: t[:2]
    )
    out: list[str] = []
    cursor = 0
    for start, end, text in spans:
        if start < cursor:
            raise ValueError("overlapping edits")
        out.append(source[cursor:start])
        out.append(text)
        cursor = max(end, start)
    out.append(source[cursor:])
    return "".join(out)


def primary_edits(findings: Iterable[Finding]) -> list[TextEdit]:
    """Every finding's primary fix edits, dropping duplicates and any edit overlapping an earlier one."""
    chosen: list[TextEdit] = []
    for finding in findings:
        fix = finding.primary_fix
        if fix is None:
            continue
        if any(_overlaps(e, c) and e != c for e in fix.edits for c in chosen):
            continue
        chosen.extend(e for e in fix.edits if e not in chosen)
    return chosen


def _overlaps(a: TextEdit, b: TextEdit) -> bool:
    return (a.span.start < b.span.end and b.span.start < a.span.end) or a.span.start == b.span.start


# -- the checker ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Verdict:
    """What one use of one value means."""

    code: Code | None
    severity: Severity = Severity.ERROR
    replacement: str | None = None  # the right value at this use
    chain: RenameChain | None = None
    evidence: str | None = None
    message: str = ""
    verdict: str | None = None  # one line for the hover when fine
    #: Which characters of the value change (value range) — decides which literal the finding points at.
    change: tuple[int, int] | None = None


class _Checker:
    def __init__(
        self,
        source: str,
        path: str,
        analysis: ScriptAnalysis,
        result: CheckResult,
        cache: ModelCache,
        model: str | None,
        root: str | None,
        log: str | None,
        extra_skip_layers: Sequence[str],
    ) -> None:
        self.source = source
        self.path = path
        self.analysis = analysis
        self.result = result
        self.cache = cache
        self.explicit_model = model
        self.root = root
        self.log = log
        self.extra_skip_layers = tuple(extra_skip_layers)
        self.graph: ModelGraph | None = None
        self.prediction: Prediction | None = None
        self.log_chains: dict[str, RenameChain] = {}
        self.created: dict[str, RenameChain] = {}  # post-rewrite name (tensor and op form) -> its chain
        self._lines: list[str] | None = None
        self._by_literal: dict[Literal, list[NameUse]] | None = None
        self._by_site: dict[Span, set[str]] | None = None
        #: skip_layers names AMCT ignores because the same call gives a config_defination .cfg.
        self.overridden: set[str] = set()
        #: The other models the script loads (path, graph), read on first need.
        self._others: list[tuple[str, ModelGraph]] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.source)
        return self._lines

    def run(self) -> CheckResult:
        self._load_model()
        if self.graph is not None:
            self._load_log()
            self._check_names()
        else:
            self._unchecked_names()
        self.result.findings = [f for f in self.result.findings if not self._ignored(f)]
        self.result.findings.sort(key=lambda f: (f.span.start, f.code.value))
        return self.result

    # -- model, options, log ---------------------------------------------------------------------------------

    def _load_model(self) -> None:
        located = locate_model(self.analysis, self.path, self.root, self.explicit_model)
        self.result.model_span = located.span
        self.result.model_note = located.note
        if located.path is None:
            self.result.model_path = located.wanted
            self.result.model_error = f"No model found for this script: {located.note}."
            hint = " Add a comment `# amct: model=path/to/model.pb` or pass --model."
            self._model_finding(f"{self.result.model_error}{hint}", located.span, Severity.WARNING)
            return
        self.result.model_path = located.path
        try:
            self.graph = self.cache.get(located.path)
        except ModelError as err:
            self.result.model_error = str(err)
            self._model_finding(f"The model cannot be used: {err}", located.span, Severity.WARNING)
            return
        options, config_paths = self._options()
        self.result.config_paths = config_paths
        self.prediction = predict(self.graph, options)
        self.result.prediction = self.prediction

    def _model_finding(self, message: str, span: Span | None, severity: Severity) -> None:
        if span is None:
            calls = self.analysis.quantize_calls or self.analysis.calls
            if calls:
                span = calls[0].span
            else:
                first = self.lines[0] if self.lines else ""
                span = Span(Position(0, 0), Position(0, len(first)))
        related: tuple[Related, ...] = ()
        if self.result.model_path and os.path.isabs(self.result.model_path):
            origin = Span(Position(0, 0), Position(0, 0))
            related = (Related(self.result.model_path, origin, "the model file"),)
        self.result.findings.append(
            Finding(
                Code.MODEL_PROBLEM,
                severity,
                message,
                self.path,
                span,
                model=self.result.model_path,
                related=related,
            )
        )

    def _options(self) -> tuple[QuantOptions, tuple[str, ...]]:
        loaded: dict[str, QuantOptions] = {}
        paths: list[str] = []
        parts: list[QuantOptions] = []
        for ref in self.analysis.configs:
            found = locate_file(ref.path, self.path, self.root)
            if found is None or found in paths:
                continue
            try:
                if ref.kind == "config_defination":
                    options = load_cfg(found)
                    loaded[ref.path] = options
                elif found.lower().endswith(".json"):
                    options = load_config_json(found)
                else:
                    continue
            except ConfigError:
                continue  # a broken config is AMCT's to report; the prediction goes on without it
            parts.append(options)
            paths.append(found)
        # AMCT ignores a create_quant_config call's skip_layers when the call also gives config_defination:
        # the .cfg wins. When that .cfg cannot be read its own skips are unknown, so the call's are kept
        # (a layer wrongly taken as skipped hides a finding; the other way round would invent one).
        skips: list[str] = list(self.extra_skip_layers)
        types: list[str] = []
        for group in self.analysis.skip_sets:
            if group.config_defination is not None and group.config_defination in loaded:
                self.overridden.update(group.skip_layers)
                continue
            skips.extend(group.skip_layers)
            types.extend(group.skip_layer_types)
        script = QuantOptions(
            skip_layers=frozenset(skips),
            skip_layer_types=frozenset(types),
            sources=("the script",) if skips or types else (),
        )
        return merge(script, *parts), tuple(paths)

    def _load_log(self) -> None:
        log_path: str | None
        if self.log:
            log_path = os.path.abspath(self.log)
        else:
            start = os.path.dirname(self.path)
            found = find_log(start, self.root) if self.root else find_log(start)
            log_path = str(found) if found is not None else None
        if log_path is None or not os.path.isfile(log_path):
            return
        self.log_chains = read_log_chains(log_path)
        self.result.log_path = log_path
        assert self.prediction is not None
        chains = [*self.prediction.chains, *self.log_chains.values()]
        for chain in chains:
            for name in chain.names()[1:]:
                self.created.setdefault(name, chain)
                self.created.setdefault(name.rpartition(":")[0], chain)

    # -- names -----------------------------------------------------------------------------------------------

    def _chain(self, tensor: str) -> tuple[RenameChain | None, str | None]:
        log_chain = self.log_chains.get(tensor)
        if log_chain is not None and log_chain.steps:
            return log_chain, EVIDENCE_LOG
        assert self.prediction is not None
        chain = self.prediction.chain_for(tensor)
        if chain is not None and chain.steps:
            return chain, EVIDENCE_PREDICTED
        return None, None

    def _created_chain(self, value: str) -> RenameChain | None:
        if not self.created and self.prediction is not None:
            for chain in self.prediction.chains:
                for name in chain.names()[1:]:
                    self.created.setdefault(name, chain)
                    self.created.setdefault(name.rpartition(":")[0], chain)
        return self.created.get(value)

    def _judge(self, use: NameUse) -> _Verdict:
        value = use.value.value
        prefix = self._import_prefix(value)
        if prefix is None:
            return self._judge_name(use, value)
        inner = self._judge_name(use, value[len(prefix) + 1 :], prefix + "/")
        return self._prefixed(use, value, prefix, inner)

    def _import_prefix(self, value: str) -> str | None:
        """The `tf.import_graph_def` prefix ("import") on a name the model does not have as written."""
        assert self.graph is not None
        for prefix in self.analysis.import_prefixes:
            if not value.startswith(prefix + "/"):
                continue
            op_name = value.rpartition(":")[0] if ":" in value else value
            if self.graph.get(op_name) is None and self._created_chain(op_name) is None:
                return prefix
        return None

    def _prefixed(self, use: NameUse, value: str, prefix: str, inner: _Verdict) -> _Verdict:
        """A verdict on the name without its import prefix, told in terms of the name as written."""
        shift = len(prefix) + 1
        change = (inner.change[0] + shift, inner.change[1] + shift) if inner.change is not None else None
        where = f" (the model's '{value[shift:]}' under the '{prefix}/' prefix tf.import_graph_def adds)"
        if inner.code is None:
            verdict = inner.verdict + where if inner.verdict else None
            return _Verdict(None, chain=inner.chain, evidence=inner.evidence, verdict=verdict)
        if inner.code is Code.STALE_NAME:
            assert inner.chain is not None
            steps = " → ".join(inner.chain.names())
            message = (
                f"'{value}' is renamed by quantize_model: {steps}{where[:-1]}); where the new node lands "
                f"under the '{prefix}/' prefix is not predicted: pass the name through "
                "quantize_model(calib_outputs=...) or read it from the AMCT log"
            )
            return _Verdict(
                Code.STALE_NAME,
                severity=inner.severity,
                chain=inner.chain,
                evidence=inner.evidence,
                message=message,
                change=change,
            )
        if inner.code is Code.UNKNOWN_NAME and inner.message.startswith(f"'{value}'"):
            # From _unknown, which already speaks of the whole name and its prefixed suggestions.
            return _Verdict(inner.code, replacement=inner.replacement, message=inner.message, change=change)
        replacement = f"{prefix}/{inner.replacement}" if inner.replacement is not None else None
        return _Verdict(
            inner.code,
            severity=inner.severity,
            replacement=replacement,
            chain=inner.chain,
            evidence=inner.evidence,
            message=inner.message.replace(f"'{value[shift:]}'", f"'{value}'", 1) + where,
            verdict=inner.verdict,
            change=change,
        )

    def _judge_name(self, use: NameUse, value: str, prefix: str = "") -> _Verdict:
        graph = self.graph
        assert graph is not None and self.prediction is not None
        is_tensor = ":" in value
        op_name, _, index_text = value.rpartition(":") if is_tensor else (value, "", "0")
        tensor = value if is_tensor else f"{value}:0"
        if is_tensor and not index_text.isdigit():
            return _Verdict(
                Code.UNKNOWN_NAME,
                message=f"'{value}' is not a valid tensor name: the part after ':' must be an output index.",
            )
        node = graph.get(op_name)
        if use.kind == UseKind.SKIP_LAYER:
            if node is None:
                return self._unknown(value, op_name, is_tensor, use)
            if op_name in self.overridden:
                return _Verdict(
                    None,
                    verdict=f"layer {node.op} '{op_name}' of the model; AMCT ignores skip_layers here "
                    "because the call also gives config_defination, whose .cfg settings win",
                )
            return _Verdict(None, verdict=f"layer {node.op} '{op_name}' of the model, not quantized as asked")
        form = self._form_problem(
            use, value, op_name, node is not None or self._created_chain(value) is not None
        )
        if form is not None:
            return form
        chain, evidence = self._chain(tensor)
        if chain is not None:
            final = chain.final
            right = final if is_tensor else final.rpartition(":")[0]
            if use.phase == Phase.AFTER:
                return self._stale(value, right, chain, evidence)
            if use.phase == Phase.UNKNOWN:
                return _Verdict(
                    None,
                    verdict="cannot tell: no call of this function was seen, so whether it runs before or "
                    f"after quantize_model is unknown; after it the name is '{right}' "
                    f"({' → '.join(chain.names())})",
                )
            return _Verdict(None, chain=chain, evidence=evidence, verdict=self._original_ok(use, right))
        created = self._created_chain(value)
        if created is not None:
            names = created.names()
            if use.phase == Phase.AFTER and tensor in names and names.index(tensor) < len(names) - 1:
                later = created.steps[names.index(tensor) :]
                partial = RenameChain(created.tail, later, created.notes)
                right = created.final if is_tensor else created.final.rpartition(":")[0]
                evidence = EVIDENCE_LOG if partial.evidence is Evidence.LOG else EVIDENCE_PREDICTED
                return self._stale(value, right, partial, evidence)
            if use.phase.wants_original:
                original = created.original if is_tensor else created.original.rpartition(":")[0]
                where = {
                    Phase.BEFORE: "before quantize_model",
                    Phase.SAVE: "in save_model(outputs=...), which re-reads the original model",
                    Phase.CALIB: "in calib_outputs, which AMCT matches against the original graph",
                }[use.phase]
                return _Verdict(
                    Code.NAME_TOO_EARLY,
                    replacement=original,
                    chain=created,
                    evidence=EVIDENCE_LOG if created.evidence is Evidence.LOG else EVIDENCE_PREDICTED,
                    message=(
                        f"'{value}' only exists after quantize_model "
                        f"(it is what '{created.original}' becomes); "
                        f"{where} use '{original}'"
                    ),
                    change=(0, len(value)),
                )
            return _Verdict(
                None,
                chain=created,
                evidence=EVIDENCE_LOG if created.evidence is Evidence.LOG else EVIDENCE_PREDICTED,
                verdict=f"created by quantize_model (what '{created.original}' becomes)",
            )
        if node is None:
            made = self._made_by_script(op_name)
            if made is not None:
                return _Verdict(None, verdict=f"made by the script itself ({made}), not part of the model")
            elsewhere = self._in_other_model(op_name)
            if elsewhere is not None:
                return _Verdict(
                    None,
                    verdict=f"not in {os.path.basename(self.result.model_path or '')} but in {elsewhere}, "
                    "which the script also loads; not checked",
                )
            return self._unknown(value, op_name, is_tensor, use, prefix)
        if is_tensor:
            problem = _index_problem(node.op, int(index_text), node.attrs)
            if problem is not None:
                return _Verdict(
                    Code.UNKNOWN_NAME,
                    replacement=f"{op_name}:0",
                    message=(
                        f"'{value}' does not exist: {op_name} ({node.op}) {problem}; "
                        f"did you mean '{op_name}:0'?"
                    ),
                    change=(len(op_name) + 1, len(value)),
                )
        return _Verdict(None, verdict=self._plain_verdict(op_name, node.op))

    def _made_by_script(self, op_name: str) -> str | None:
        """The `name=` of a TensorFlow call of the script that makes this op (a scope or the op itself)."""
        made = self.analysis.script_names
        if not made:
            return None
        for part in op_name.split("/"):
            base = re.sub(r"_\d+$", "", part)
            for candidate in (part, base):
                if candidate in made:
                    return f"name='{candidate}'"
        return None

    def _in_other_model(self, op_name: str) -> str | None:
        """Another model the script loads that has this op (a script that quantizes several models).

        Not when the user named the model (--model, a setting, `# amct: model=`): that one is the model."""
        if self.explicit_model or self.analysis.directive_model is not None:
            return None
        if self._others is None:
            self._others = []
            chosen = self.result.model_path
            located: set[str] = set()
            for cand in self.analysis.models:
                if cand.source.value not in ("loader", "save_model", "directive"):
                    continue
                found = locate_file(cand.path, self.path, self.root)
                if found is None or found == chosen or found in located:
                    continue
                located.add(found)
                try:
                    self._others.append((found, self.cache.get(found)))
                except ModelError:
                    continue
        for path, graph in self._others:
            if graph.get(op_name) is not None:
                return os.path.basename(path)
        return None

    def _form_problem(self, use: NameUse, value: str, op_name: str, known: bool) -> _Verdict | None:
        """get_tensor_by_name needs "op:N", get_operation_by_name an op name (TensorFlow raises otherwise)."""
        if not known:
            return None
        if use.kind == UseKind.TENSOR and ":" not in value:
            return _Verdict(
                Code.UNKNOWN_NAME,
                replacement=f"{value}:0",
                message=(
                    f"get_tensor_by_name needs a tensor name ('op:index'); '{value}' is an op name "
                    f"— use '{value}:0'"
                ),
                change=(len(value), len(value)),
            )
        if use.kind == UseKind.OPERATION and ":" in value:
            return _Verdict(
                Code.UNKNOWN_NAME,
                replacement=op_name,
                message=(
                    f"get_operation_by_name needs an op name; '{value}' is a tensor name — use '{op_name}'"
                ),
                change=(len(op_name), len(value)),
            )
        return None

    def _stale(self, value: str, right: str, chain: RenameChain, evidence: str | None) -> _Verdict:
        inferred = [s.pass_name for s in chain.steps if s.evidence is Evidence.INFERRED]
        steps = " → ".join(chain.names())
        message = f"'{value}' is renamed by quantize_model: {steps}; use '{right}' after quantize_model"
        if evidence == EVIDENCE_LOG:
            message += " (confirmed by the AMCT log)"
        elif inferred:
            message += (
                f" (the {', '.join(dict.fromkeys(inferred))} step is inferred, not confirmed by the vendor)"
            )
        if not chain.removes_original:
            message += (
                "; the old node survives but no longer ends the network, so calibration skips the new ops"
            )
        op_len = len(value.rpartition(":")[0]) if ":" in value else len(value)
        change = (0, op_len) if (":" in value) == (":" in right) else (0, len(value))
        return _Verdict(
            Code.STALE_NAME,
            severity=Severity.ERROR if chain.removes_original else Severity.WARNING,
            replacement=right,
            chain=chain,
            evidence=evidence,
            message=message,
            change=change,
        )

    def _original_ok(self, use: NameUse, right: str) -> str:
        if use.phase == Phase.SAVE:
            return (
                "original name, right for save_model (it re-reads the original model); "
                f"after quantize_model it is '{right}'"
            )
        if use.phase == Phase.BEFORE:
            return f"original name, right before quantize_model; after it the name is '{right}'"
        if use.phase == Phase.CALIB:
            return f"original name, right for calib_outputs (AMCT updates the list to '{right}')"
        return f"renamed to '{right}' if used after quantize_model"

    def _plain_verdict(self, op_name: str, op: str) -> str:
        assert self.prediction is not None and self.graph is not None
        for verdict in self.prediction.tails:
            if verdict.tail == op_name:
                return f"network output, not rewritten: {verdict.reason}"
        if op in ("Placeholder", "PlaceholderWithDefault"):
            return "network input"
        return f"internal node of the model ({op})"

    def _unknown(self, value: str, op_name: str, is_tensor: bool, use: NameUse, prefix: str = "") -> _Verdict:
        """AMCT002 with the closest names of the model; `prefix` is an import prefix ("import/") the value
        carries before `value`, shown in the message and kept in the suggestions."""
        assert self.graph is not None
        names = list(self.graph.nodes)
        close = difflib.get_close_matches(op_name, names, n=3, cutoff=0.6)
        lowered = {n.lower(): n for n in names}
        if op_name.lower() in lowered and lowered[op_name.lower()] not in close:
            close.insert(0, lowered[op_name.lower()])
        suffix = ":" + value.rpartition(":")[2] if is_tensor else ""
        suggestions = [f"{prefix}{c}{suffix}" for c in close[:3]]
        model = os.path.basename(self.result.model_path or "the model")
        message = f"'{prefix}{value}' is not in the model {model} and quantize_model does not create it"
        replacement = suggestions[0] if suggestions else None
        if suggestions:
            message += "; did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?"
        else:
            message += "; no node has a similar name"
        if replacement is not None and use.phase == Phase.AFTER:
            # After quantize_model the right name is what the suggestion becomes.
            closest = f"{close[0]}{suffix}"
            chain, _ = self._chain(closest if is_tensor else f"{closest}:0")
            if chain is not None:
                final = chain.final if is_tensor else chain.final.rpartition(":")[0]
                message += f" After quantize_model, '{replacement}' is renamed"
                if prefix:  # where AMCT's new node lands under the prefix is not predicted
                    message += f" ({' → '.join(chain.names())})."
                    replacement = None
                else:
                    message += f" to '{final}'."
                    replacement = final
        return _Verdict(
            Code.UNKNOWN_NAME,
            replacement=replacement,
            message=message,
            change=(0, len(op_name)) if replacement is not None else None,
        )

    def _unchecked_names(self) -> None:
        """Without a model, still list the names (the hover says why they are not checked)."""
        reason = "not checked: " + (self.result.model_error or "no model")
        for (_, value, literal), uses in _groups(self.analysis.uses).items():
            self.result.names.append(_name_info(value, literal, uses, None, _Verdict(None, verdict=reason)))

    def _check_names(self) -> None:
        verdicts: dict[tuple[Str, Literal], list[tuple[NameUse, _Verdict]]] = {}
        for use in self.analysis.uses:
            verdict = self._judge(use)
            literal = _primary_literal(use.value, verdict.change)
            verdicts.setdefault((use.value, literal), []).append((use, verdict))
        for (value, literal), items in verdicts.items():
            uses = [u for u, _ in items]
            # The finding with the strongest code speaks for the value; other uses of it are fine.
            bad = [(u, v) for u, v in items if v.code is not None]
            best = bad[0][1] if bad else items[0][1]
            self.result.names.append(_name_info(value.value, literal, uses, best.replacement, best))
            if not bad:
                continue
            for code in dict.fromkeys(v.code for _, v in bad):
                group = [(u, v) for u, v in bad if v.code == code]
                self._finding(value, literal, group)

    def _finding(self, value: Str, literal: Literal, group: list[tuple[NameUse, _Verdict]]) -> None:
        verdict = group[0][1]
        uses = [u for u, _ in group]
        assert verdict.code is not None
        fixes: list[Fix] = []
        primary = (
            self._primary_fix(value, literal, uses, verdict) if verdict.replacement is not None else None
        )
        if primary is not None:
            fixes.append(primary)
        if verdict.code == Code.STALE_NAME:
            calib = self._calib_fix(value, uses, verdict, primary=primary is None)
            if calib is not None:
                fixes.append(calib)
        related = [
            Related(self.path, u.site, f"used here ({u.kind.value}, {_phase_text(u.phase)})") for u in uses
        ]
        if self.result.model_path:
            related.append(Related(self.result.model_path, Span(Position(0, 0), Position(0, 0)), "the model"))
        notes = tuple(verdict.chain.notes) if verdict.chain is not None else ()
        if not fixes and self._reached_before(uses):
            notes += (
                "No automatic fix: the same line also runs where the old name is right (before "
                "quantize_model on another branch or in another call).",
            )
        elif not fixes and verdict.replacement is not None:
            notes += ("No automatic fix: the string is shared with a use that needs the old name.",)
        elif primary is None and verdict.replacement is not None:
            notes += (
                "The string is shared with a use that needs the old name: the fix goes through "
                "calib_outputs.",
            )
        self.result.findings.append(
            Finding(
                verdict.code,
                verdict.severity,
                verdict.message,
                self.path,
                literal.span,
                tensor=value.value,
                replacement=verdict.replacement,
                chain=verdict.chain,
                evidence=verdict.evidence,
                model=self.result.model_path,
                fixes=tuple(fixes),
                related=tuple(related),
                notes=notes,
            )
        )

    # -- fixes -----------------------------------------------------------------------------------------------

    def _primary_fix(
        self, value: Str, literal: Literal, uses: list[NameUse], verdict: _Verdict
    ) -> Fix | None:
        assert verdict.replacement is not None
        new = verdict.replacement
        group_sites = {u.site for u in uses}
        reported = {(u.site, u.phase, u.kind) for u in uses}
        shared = [
            u
            for u in self._uses_of(literal)
            if not (u.value == value and (u.site, u.phase, u.kind) in reported)
        ]
        if any(u.site in group_sites for u in shared):
            return None  # the same expression also runs where the old name is right (a branch, a 2nd call)
        if not shared:
            edit = literal_edit(value, new)
            if edit is not None:
                return Fix(f"Replace '{value.value}' with '{new}'", (edit,))
        # The literal also feeds a use that must keep its value: change only the uses reported here.
        edits: list[TextEdit] = []
        for use in uses:
            if not self._site_replaceable(use):
                return None
            edits.append(TextEdit(use.site, _quoted(new, literal)))
        if not edits:
            return None
        others = sorted({_phase_text(u.phase) for u in shared})
        reason = f" (the string is also used {', '.join(others)})" if others else ""
        where = "at its use" if len(edits) == 1 else f"at its {len(edits)} uses"
        return Fix(f"Use '{new}' {where}{reason}", tuple(dict.fromkeys(edits)))

    def _reached_before(self, uses: list[NameUse]) -> bool:
        """Whether one of these use sites also runs while the name is still the original one."""
        sites = {u.site for u in uses}
        return any(
            u.site in sites and u.phase is not Phase.AFTER
            for lit in uses[0].value.literals
            for u in self._uses_of(lit)
        )

    def _uses_of(self, literal: Literal) -> list[NameUse]:
        """Every use whose value has characters from `literal` (indexed once per check)."""
        if self._by_literal is None:
            self._by_literal = {}
            self._by_site = {}
            for use in self.analysis.uses:
                for lit in use.value.literals:
                    self._by_literal.setdefault(lit, []).append(use)
                self._by_site.setdefault(use.site, set()).add(use.value.value)
        return self._by_literal.get(literal, [])

    def _site_replaceable(self, use: NameUse) -> bool:
        if not use.site_replaceable:
            return False
        self._uses_of(use.value.literals[0])
        assert self._by_site is not None
        return len(self._by_site.get(use.site, ())) == 1

    def _calib_fix(self, value: Str, uses: list[NameUse], verdict: _Verdict, *, primary: bool) -> Fix | None:
        """Pass the name through quantize_model(calib_outputs=...) and fetch from that list (rename-proof)."""
        call = uses[0].after_call
        if call is None or call.api != "quantize_model" or verdict.chain is None:
            return None
        if any(u.after_call != call or u.function != call.function or ":" not in u.value.value for u in uses):
            return None
        if any(u.kind not in (UseKind.TENSOR, UseKind.FETCH) or not self._site_replaceable(u) for u in uses):
            return None
        if self._reached_before(uses):
            return None  # on the path without quantize_model the new variable would not exist
        if call.has_star:  # `**kwargs` may already hold calib_outputs; `*args` may fill its position
            return None
        original = value.value
        edits: list[TextEdit] = []
        if call.calib_var is not None:
            items = call.calib_items or ()
            if original not in items:
                return None
            var = call.calib_var
            index = items.index(original)
        else:
            if "calib_outputs" in call.args or call.statement is None or call.insert_arg_at is None:
                return None
            var = _fresh_name("calib_outputs", self.analysis.bound_names)
            index = 0
            line = call.statement.start.line
            text = self.lines[line] if line < len(self.lines) else ""
            indent = text[: len(text) - len(text.lstrip())]
            quote = value.literals[0].quote if value.literals and len(value.literals[0].quote) == 1 else "'"
            edits.append(
                TextEdit(
                    Span(Position(line, 0), Position(line, 0)),
                    f"{indent}{var} = [{quote}{original}{quote}]{self.analysis.newline}",
                )
            )
            sep = ", " if call.has_args else ""
            edits.append(TextEdit(call.insert_arg_at, f"{sep}calib_outputs={var}"))
        edits.extend(TextEdit(u.site, f"{var}[{index}]") for u in uses)
        return Fix(
            f"Pass '{original}' through quantize_model(calib_outputs={var}) and fetch {var}[{index}] "
            "(AMCT updates the list to the new name)",
            tuple(dict.fromkeys(edits)),
            primary=primary,
        )

    # -- suppression -----------------------------------------------------------------------------------------

    def _ignored(self, finding: Finding) -> bool:
        ignores = self.analysis.ignores
        if not ignores:
            return False

        def hit(line: int) -> bool:
            codes = ignores.get(line)
            return codes is not None and (not codes or finding.code.value in codes)

        if hit(finding.span.start.line):
            return True
        uses = [r.span.start.line for r in finding.related if r.path == self.path]
        return bool(uses) and all(hit(line) for line in uses)


# -- helpers -------------------------------------------------------------------------------------------------


def literal_edit(value: Str, new: str) -> TextEdit | None:
    """The smallest edit inside one literal that turns `value` into `new` (keeps quotes, prefixes, ':N')."""
    old = value.value
    candidates: list[tuple[int, int, str]] = [(0, len(old), new)]
    if ":" in old and ":" in new and old.rpartition(":")[2] == new.rpartition(":")[2]:
        old_op, new_op = old.rpartition(":")[0], new.rpartition(":")[0]
        candidates.append((0, len(old_op), new_op))
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[prefix:][::-1], new[prefix:][::-1])
    candidates.append((prefix, len(old) - suffix, new[prefix : len(new) - suffix]))
    for start, end, text in candidates:
        found = value.locate(start, end)
        if found is None:
            continue
        literal, lo, hi = found
        span = literal.body_span(lo, hi)
        escaped = _escape(text, literal)
        if span is not None and escaped is not None:
            return TextEdit(span, escaped)
    return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _escape(text: str, literal: Literal) -> str | None:
    quote = literal.quote[0]
    if "r" in literal.prefix.lower():
        return None if ("\\" in text or quote in text) else text
    if "f" in literal.prefix.lower() and ("{" in text or "}" in text):
        text = text.replace("{", "{{").replace("}", "}}")
    return text.replace("\\", "\\\\").replace(quote, "\\" + quote)


def _quoted(text: str, literal: Literal) -> str:
    quote = literal.quote if len(literal.quote) == 1 else "'"
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


def _fresh_name(base: str, taken: frozenset[str]) -> str:
    if base not in taken:
        return base
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def _primary_literal(value: Str, change: tuple[int, int] | None) -> Literal:
    """The literal holding the characters that change; when several do, the one holding the ':N' (the
    template of a `+`, `%`, `.format` or f-string construction), else the name's end, else the first."""
    if change is not None:
        found = value.locate(*change)
        if found is not None:
            return found[0]
        at = value.locate(change[0], change[0])
        if at is not None and change[0] == change[1]:
            return at[0]
    text = value.value
    for index in (text.rfind(":"), len(text) - 1):
        holder = value.locate(index, index + 1) if index >= 0 else None
        if holder is not None:
            return holder[0]
    return value.literals[0]


def _groups(uses: list[NameUse]) -> dict[tuple[Str, str, Literal], list[NameUse]]:
    groups: dict[tuple[Str, str, Literal], list[NameUse]] = {}
    for use in uses:
        groups.setdefault((use.value, use.value.value, use.value.literals[0]), []).append(use)
    return groups


_PHASE_ORDER = (Phase.AFTER, Phase.SAVE, Phase.CALIB, Phase.BEFORE, Phase.UNKNOWN)


def _name_info(
    value: str, literal: Literal, uses: list[NameUse], replacement: str | None, verdict: _Verdict
) -> NameInfo:
    phases = sorted({u.phase for u in uses}, key=_PHASE_ORDER.index)
    literals: list[Span] = [literal.span]
    for use in uses:
        for lit in use.value.literals:
            if lit.span not in literals:
                literals.append(lit.span)
    return NameInfo(
        value=value,
        span=literal.span,
        uses=tuple(dict.fromkeys(u.site for u in uses)),
        phase=phases[0].value,
        phases=tuple(p.value for p in phases),
        kinds=tuple(dict.fromkeys(u.kind.value for u in uses)),
        tensor=value if ":" in value else f"{value}:0",
        chain=verdict.chain,
        evidence=verdict.evidence,
        verdict=verdict.verdict or (verdict.message if verdict.code is not None else None),
        replacement=replacement,
        literal_spans=tuple(literals),
    )


def _phase_text(phase: Phase) -> str:
    return {
        Phase.AFTER: "after quantize_model",
        Phase.BEFORE: "before quantize_model",
        Phase.SAVE: "in save_model(outputs=...)",
        Phase.CALIB: "in calib_outputs",
        Phase.UNKNOWN: "in a function not seen called",
    }[phase]


def _index_problem(op: str, index: int, attrs: object) -> str | None:
    if index == 0:
        return None
    if op in _SINGLE_OUTPUT:
        return "has a single output"
    count = _FUSED_BN_OUTPUTS.get(op)
    if count is not None and index >= count:
        return f"has {count} outputs"
    if op in ("Split", "SplitV", "Unpack") and isinstance(attrs, Mapping):
        n = attrs.get("num_split", attrs.get("num"))
        if isinstance(n, int) and index >= n:
            return f"has {n} outputs"
    return None


__all__ = [
    "CheckResult",
    "NameInfo",
    "apply_edits",
    "check_paths",
    "check_source",
    "decode_failure",
    "iter_scripts",
    "literal_edit",
    "primary_edits",
]
