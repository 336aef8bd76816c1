"""One tail's rewrite as an SVG drawing: the ops before quantize_model on top, after it below, left to right.

Our own layered layout (no graphviz, no script): an op's column is the longest path to it from the ops the
picture starts at, boxes are sized from their text, edges are curves with a drawn arrowhead. Colours come
from CSS classes only (`amct-op new`, `amct-op removed`, ...), so the page's stylesheet themes the picture
and a strict Content-Security-Policy (no inline styles) still applies. Every text is escaped for XML: node
names come from the model file.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from amct_lsp.amct.chain import Evidence
from amct_lsp.render.rewrite_view import DrawnOp, OpState, Row, TailPicture
from amct_lsp.safe_text import escape_text

CHAR_WIDTH = 7.0  # monospace advance at FONT_SIZE (px), a little generous
FONT_SIZE = 11
MAX_LABEL = 30  # characters of a name drawn in a box; the full name is in its <title>
BOX_HEIGHT = 38
BOX_PAD = 10
COLUMN_GAP = 34
ROW_GAP = 12
MARGIN = 8
HEADING = 22  # height of a row's "before quantize_model" heading

#: What a state adds to an op's label line.
_BADGE = {OpState.NEW: "new", OpState.REMOVED: "removed"}


def text(value: str) -> str:
    """`value` safe inside an XML element or attribute: control characters escaped as visible text (XML 1.0
    cannot hold them), then `<`, `>`, `&` and quotes as entities."""
    return escape(escape_text(value), quote=True)


def shorten(name: str, limit: int = MAX_LABEL) -> str:
    """A long scoped name keeps its start and its last part: `search_n_quant/…/Identity`."""
    if len(name) <= limit:
        return name
    head, _, last = name.rpartition("/")
    if head and len(last) + 2 <= limit // 2 + 4:
        keep = limit - len(last) - 2
        return f"{head[:keep]}…/{last}"
    half = (limit - 1) // 2
    return f"{name[:half]}…{name[-(limit - 1 - half) :]}"


@dataclass(frozen=True, slots=True)
class _Box:
    op: DrawnOp
    x: float
    y: float
    width: float


def _columns(row: Row) -> dict[str, int]:
    """Each op's column: 0 for an op none of the drawn ops feeds, else one past its furthest producer."""
    producers: dict[str, list[str]] = {op.name: [] for op in row.ops}
    for source, target in row.edges:
        producers[target].append(source)
    column: dict[str, int] = {}

    def place(name: str, seen: frozenset[str]) -> int:
        if name in column:
            return column[name]
        inputs = [p for p in producers.get(name, []) if p not in seen]
        value = 1 + max((place(p, seen | {name}) for p in inputs), default=-1)
        column[name] = value
        return value

    for op in row.ops:
        place(op.name, frozenset())
    return column


def _label_lines(op: DrawnOp) -> tuple[str, str]:
    badge = _BADGE.get(op.state)
    first = op.op + (f" · {badge}" if badge else "") + (" · tail" if op.is_tail else "")
    return first, shorten(op.name)


def _layout(row: Row, top: float) -> tuple[list[_Box], float, float]:
    """Boxes of a row from `top`; the row's width and bottom."""
    columns = _columns(row)
    by_column: dict[int, list[DrawnOp]] = {}
    for op in row.ops:
        by_column.setdefault(columns[op.name], []).append(op)
    boxes: list[_Box] = []
    x = float(MARGIN)
    bottom = top
    for index in sorted(by_column):
        ops = by_column[index]
        width = max(max(len(line) for line in _label_lines(op)) * CHAR_WIDTH + 2 * BOX_PAD for op in ops)
        y = top
        for op in ops:
            boxes.append(_Box(op, x, y, width))
            y += BOX_HEIGHT + ROW_GAP
        bottom = max(bottom, y - ROW_GAP)
        x += width + COLUMN_GAP
    return boxes, x - COLUMN_GAP + MARGIN, bottom


def _box_svg(box: _Box) -> str:
    op = box.op
    classes = ["amct-op", op.state.value]
    if op.is_tail:
        classes.append("tail")
    if op.evidence is Evidence.INFERRED:
        classes.append("inferred")
    first, second = _label_lines(op)
    tip = f"{op.name} ({op.op})"
    if op.step is not None and op.evidence is not None:
        verb = "created" if op.state is OpState.NEW else "taken off the path"
        tip += f" — {verb} by step {op.step} [{op.evidence.label}]"
    cx = box.x + BOX_PAD
    return (
        f'<g class="{" ".join(classes)}" data-op="{text(op.name)}"><title>{text(tip)}</title>'
        f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.width:.1f}" height="{BOX_HEIGHT}" rx="4"/>'
        f'<text class="amct-op-type" x="{cx:.1f}" y="{box.y + 15:.1f}">{text(first)}</text>'
        f'<text class="amct-op-name" x="{cx:.1f}" y="{box.y + 30:.1f}">{text(second)}</text></g>'
    )


def _edge_svg(source: _Box, target: _Box) -> str:
    x1, y1 = source.x + source.width, source.y + BOX_HEIGHT / 2
    x2, y2 = target.x - 2, target.y + BOX_HEIGHT / 2
    mid = (x1 + x2) / 2
    head = f"{x2:.1f},{y2:.1f} {x2 - 7:.1f},{y2 - 4:.1f} {x2 - 7:.1f},{y2 + 4:.1f}"
    return (
        f'<path class="amct-edge" d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} '
        f'{x2 - 6:.1f},{y2:.1f}"/><polygon class="amct-arrow" points="{head}"/>'
    )


def _row_svg(row: Row, heading: str, top: float) -> tuple[list[str], float, float]:
    parts = [f'<text class="amct-row-heading" x="{MARGIN}" y="{top + 14:.1f}">{text(heading)}</text>']
    boxes, width, bottom = _layout(row, top + HEADING)
    where = {box.op.name: box for box in boxes}
    parts.extend(_edge_svg(where[s], where[t]) for s, t in row.edges if s in where and t in where)
    parts.extend(_box_svg(box) for box in boxes)
    return parts, width, bottom


def tail_svg(shown: TailPicture, index: int = 1) -> str:
    """The picture of one tail: an `<svg>` element for an HTML page (no xmlns: the page carries no URL at
    all), well-formed XML on its own; `index` keeps its title id unique on the page."""
    more = f" (+{shown.before.hidden} more ops not drawn)" if shown.before.hidden else ""
    before, w1, b1 = _row_svg(shown.before, f"before quantize_model{more}", MARGIN)
    after, w2, b2 = _row_svg(shown.after, "after quantize_model", b1 + 2 * ROW_GAP)
    width, height = max(w1, w2, 240.0), b2 + MARGIN
    title_id = f"amct-svg-{index}"
    summary = f"{shown.chain.original} becomes {shown.chain.final}"
    return (
        f'<svg class="amct-rewrite" role="img" '
        f'aria-labelledby="{title_id}" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-size="{FONT_SIZE}">'
        f'<title id="{title_id}">{text(summary)}</title>' + "".join(before) + "".join(after) + "</svg>"
    )
