"""The picture of the rewrite as HTML: one fragment (the editor's webview shows it) and one self-contained
page (`amct-lsp explain --format html`).

Per renamed tail: the drawing (`svg.tail_svg`), the chain step by step with each step's evidence (inferred
steps say so), and, in the editor, buttons back to the script's uses of the name. Then the tails that keep
their names, the rules line and the model's notes. Nothing refers outside the page: no URL, no script, no
font; styles come from `STYLE`, whose colours are CSS variables that take VS Code's theme colours where they
exist and follow `prefers-color-scheme` elsewhere. Every text is escaped (node names come from the model).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from amct_lsp.amct.chain import Evidence, Prediction, RenameChain, TailVerdict
from amct_lsp.model.graph import ModelGraph
from amct_lsp.render.rewrite_view import pictures
from amct_lsp.render.svg import tail_svg, text

#: Tails drawn; the others renamed are listed by name only.
MAX_PICTURES = 12
#: Tails that keep their names, listed.
MAX_UNCHANGED = 40
#: Script uses listed under one tail.
MAX_USES = 20

_EVIDENCE_CLASS = {
    Evidence.FAQ: "ev-faq",
    Evidence.DOC: "ev-doc",
    Evidence.TF: "ev-tf",
    Evidence.INFERRED: "ev-inferred",
    Evidence.LOG: "ev-log",
}

STYLE = """
.amct-explain {
  --amct-fg: var(--vscode-editor-foreground, #1f2328);
  --amct-bg: var(--vscode-editor-background, #ffffff);
  --amct-muted: var(--vscode-descriptionForeground, #59636e);
  --amct-border: var(--vscode-panel-border, #d1d9e0);
  --amct-box: var(--vscode-editorWidget-background, #f6f8fa);
  --amct-new: var(--vscode-charts-green, #1a7f37);
  --amct-removed: var(--vscode-charts-red, #cf222e);
  --amct-inferred: var(--vscode-charts-orange, #9a6700);
  --amct-link: var(--vscode-textLink-foreground, #0969da);
  --amct-code: var(--vscode-editor-font-family, ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace);
  color: var(--amct-fg);
  background: var(--amct-bg);
  font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--vscode-font-size, 14px);
  line-height: 1.45;
  padding: 1px 12px 16px;
  min-height: 100vh;
  box-sizing: border-box;
}
@media (prefers-color-scheme: dark) {
  .amct-explain {
    --amct-fg: var(--vscode-editor-foreground, #e6edf3);
    --amct-bg: var(--vscode-editor-background, #0d1117);
    --amct-muted: var(--vscode-descriptionForeground, #9198a1);
    --amct-border: var(--vscode-panel-border, #3d444d);
    --amct-box: var(--vscode-editorWidget-background, #151b23);
    --amct-new: var(--vscode-charts-green, #3fb950);
    --amct-removed: var(--vscode-charts-red, #f85149);
    --amct-inferred: var(--vscode-charts-orange, #d29922);
    --amct-link: var(--vscode-textLink-foreground, #4493f8);
  }
}
body.amct-page { margin: 0; background: var(--vscode-editor-background, Canvas); color-scheme: light dark; }
.amct-explain h1 { font-size: 1.3em; margin: 16px 0 4px; }
.amct-explain h2 { font-size: 1.1em; margin: 0 0 8px; word-break: break-all; }
.amct-explain h3 { font-size: 1em; margin: 12px 0 4px; }
.amct-explain code { font-family: var(--amct-code); font-size: 0.92em; word-break: break-all; }
.amct-meta, .amct-rules, .amct-reason, .amct-fate, .amct-legend { color: var(--amct-muted); }
.amct-rules { margin: 2px 0 12px; }
.amct-tail { border: 1px solid var(--amct-border); border-radius: 6px; padding: 12px; margin: 12px 0; }
.amct-tail-body { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.amct-picture { overflow-x: auto; max-width: 100%; }
.amct-side { flex: 1 1 320px; min-width: 280px; }
.amct-steps { margin: 0; padding-left: 1.4em; }
.amct-steps li { margin-bottom: 6px; }
.amct-reason { margin: 2px 0 0; font-size: 0.92em; }
.amct-pass { font-weight: 600; }
.amct-final { color: var(--amct-new); font-weight: 600; }
.amct-evidence { border: 1px solid currentColor; border-radius: 8px; padding: 0 6px; font-size: 0.82em;
  white-space: nowrap; }
.amct-evidence.ev-inferred { color: var(--amct-inferred); }
.amct-evidence.ev-faq, .amct-evidence.ev-doc, .amct-evidence.ev-tf, .amct-evidence.ev-log {
  color: var(--amct-new); }
.amct-uses { list-style: none; padding: 0; margin: 0; }
.amct-use { background: none; border: none; padding: 0; color: var(--amct-link); cursor: pointer;
  font: inherit; text-align: left; text-decoration: underline; }
.amct-use.stale::before { content: "⚠ "; color: var(--amct-removed); }
.amct-rewrite { display: block; max-width: 100%; height: auto; }
.amct-rewrite text { fill: var(--amct-fg); font-family: var(--amct-code); }
.amct-rewrite .amct-row-heading { fill: var(--amct-muted); font-family: inherit; font-style: italic; }
.amct-op rect { fill: var(--amct-box); stroke: var(--amct-muted); stroke-width: 1; }
.amct-op .amct-op-type { font-weight: 600; }
.amct-op.new rect { fill: color-mix(in srgb, var(--amct-new) 18%, var(--amct-bg)); stroke: var(--amct-new);
  stroke-width: 2; }
.amct-op.new.inferred rect { stroke: var(--amct-inferred); stroke-dasharray: 5 3; }
.amct-op.removed rect { stroke: var(--amct-removed); stroke-dasharray: 4 3; fill: none; }
.amct-op.removed text { fill: var(--amct-muted); text-decoration: line-through; }
.amct-op.tail rect { stroke-width: 2.5; }
.amct-edge { fill: none; stroke: var(--amct-muted); stroke-width: 1.3; }
.amct-arrow { fill: var(--amct-muted); }
.amct-swatch { display: inline-block; width: 1.6em; height: 0.9em; border-radius: 3px; vertical-align: middle;
  border: 1px solid var(--amct-muted); margin: 0 4px 0 12px; }
.amct-swatch.new { border: 2px solid var(--amct-new);
  background: color-mix(in srgb, var(--amct-new) 18%, transparent); }
.amct-swatch.removed { border: 1px dashed var(--amct-removed); }
.amct-swatch.inferred { border: 2px dashed var(--amct-inferred); }
"""


@dataclass(frozen=True, slots=True)
class UseLink:
    """A use of a tail's name in the script, shown as a button; `index` is what the editor sends back."""

    index: int
    tail: str  # the tail's op name ("Add")
    label: str  # "line 17: 'Add:0' · get_tensor_by_name after quantize_model"
    stale: bool  # a finding says the name is stale there


def _evidence(evidence: Evidence) -> str:
    return f'<span class="amct-evidence {_EVIDENCE_CLASS[evidence]}">{text(evidence.label)}</span>'


def _steps(chain: RenameChain) -> str:
    items = [
        f'<li><span class="amct-pass">{text(step.pass_name)}</span> <code>{text(step.old)}</code> → '
        f"<code>{text(step.new)}</code> {_evidence(step.evidence)}"
        f'<p class="amct-reason">{text(step.reason.strip())}</p></li>'
        for step in chain.steps
    ]
    return f'<ol class="amct-steps">{"".join(items)}</ol>'


def _uses(links: Sequence[UseLink]) -> str:
    if not links:
        return ""
    shown = links[:MAX_USES]
    items = [
        f'<li><button type="button" class="amct-use{" stale" if link.stale else ""}" '
        f'data-use="{link.index}">{text(link.label)}</button></li>'
        for link in shown
    ]
    more = f"<li>… and {len(links) - len(shown)} more</li>" if len(links) > len(shown) else ""
    return f'<h3>In the script</h3><ul class="amct-uses">{"".join(items)}{more}</ul>'


def _tail_section(
    index: int, verdict: TailVerdict, chain: RenameChain, svg: str, links: Sequence[UseLink]
) -> str:
    notes = "".join(f"<li>{text(note)}</li>" for note in dict.fromkeys(chain.notes))
    fate = (
        f"Fetching <code>{text(chain.original)}</code> after quantize_model runs off the quantized path: "
        "calibration records nothing for the layer and save_model fails."
    )
    return (
        f'<section class="amct-tail" id="amct-tail-{index}" data-tail="{text(verdict.tail)}">'
        f'<h2><code>{text(chain.original)}</code> → <code class="amct-final">{text(chain.final)}</code></h2>'
        f'<div class="amct-tail-body"><div class="amct-picture">{svg}</div><div class="amct-side">'
        f'{_steps(chain)}<p class="amct-fate">{fate}</p>'
        + (f'<ul class="amct-notes">{notes}</ul>' if notes else "")
        + _uses(links)
        + "</div></div></section>"
    )


def _unchanged(tails: Sequence[TailVerdict]) -> str:
    if not tails:
        return ""
    shown = tails[:MAX_UNCHANGED]
    items = "".join(f"<li><code>{text(v.output)}</code> ({text(v.op)}): {text(v.reason)}</li>" for v in shown)
    more = f"<li>… and {len(tails) - len(shown)} more</li>" if len(tails) > len(shown) else ""
    heading = "<h2>Tails that keep their names</h2>"
    return f'<section class="amct-unchanged">{heading}<ul>{items}{more}</ul></section>'


_LEGEND = (
    '<p class="amct-legend"><span class="amct-swatch new"></span>created by the rewrite'
    '<span class="amct-swatch removed"></span>taken off the path (replaced or fused)'
    '<span class="amct-swatch inferred"></span>created by an inferred step (not confirmed by the vendor)</p>'
)


def explain_fragment(
    prediction: Prediction, graph: ModelGraph, uses: Sequence[UseLink] = (), title: str | None = None
) -> str:
    """The whole report as one `<div class="amct-explain">`: header, one section per renamed tail (capped),
    the tails that keep their names, the notes."""
    renamed = [v for v in prediction.tails if v.chain is not None and v.chain.steps]
    kept = [v for v in prediction.tails if v.chain is None or not v.chain.steps]
    drawn, left = pictures(graph, prediction.tails, MAX_PICTURES)
    model = title or prediction.model_path or graph.path or "<in memory>"
    parts = [
        '<div class="amct-explain">',
        f"<h1>Model <code>{text(os.path.basename(model) or model)}</code></h1>",
        f'<p class="amct-meta"><code>{text(model)}</code>: {len(graph)} nodes · '
        f"{len(prediction.tails)} tail(s) · {len(renamed)} renamed by quantize_model</p>",
    ]
    if prediction.rules:
        parts.append(f'<p class="amct-rules">Rules: {text(prediction.rules)}</p>')
    if renamed:
        parts.append(_LEGEND)
    for index, shown in enumerate(drawn, 1):
        links = [link for link in uses if link.tail == shown.verdict.tail]
        parts.append(_tail_section(index, shown.verdict, shown.chain, tail_svg(shown, index), links))
    if left:
        names = ", ".join(
            f"<code>{text(v.output)}</code>" for v in renamed[len(drawn) : len(drawn) + MAX_UNCHANGED]
        )
        parts.append(f'<p class="amct-meta">{left} more renamed tail(s) not drawn: {names}</p>')
    if not prediction.tails:
        parts.append("<p>The model has no tails (no node whose output is unused), so nothing is renamed.</p>")
    parts.append(_unchanged(kept))
    notes = "".join(f"<li>{text(note)}</li>" for note in dict.fromkeys(prediction.notes))
    if notes:
        parts.append(f'<section class="amct-notes"><h2>Notes</h2><ul>{notes}</ul></section>')
    parts.append("</div>")
    return "".join(parts)


def html_page(fragment: str, title: str) -> str:
    """A self-contained page around `fragment`: inline style only, no URL, no script."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>{text(title)}</title><style>{STYLE}</style></head>"
        f'<body class="amct-page">{fragment}</body></html>\n'
    )


def message_fragment(heading: str, message: str) -> str:
    """The report when there is no picture to draw (no model, an unreadable one, a script not open)."""
    return f'<div class="amct-explain"><h1>{text(heading)}</h1><p>{text(message)}</p></div>'
