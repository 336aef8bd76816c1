"""The abstract values a script's expressions evaluate to.

A name like `'Add:0'` is rarely used where it is written: it goes through variables, lists, `name + ':0'`,
f-strings and slices first. Each string value therefore keeps, character run by character run, the literal it
came from (`Segment`), so a fix for the value can be mapped back to the exact characters of the literal.
An expression evaluates to a tuple of alternatives (`Vals`); unknown values are simply absent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from amct_lsp.text import Position, Span

if TYPE_CHECKING:
    from amct_lsp.script.walk.scopes import ClassInfo, Instance, LambdaFn

#: At most this many alternatives per expression; the rest are dropped (keeps loops over big lists cheap).
MAX_ALTERNATIVES = 64

#: Bounds on one computed value. A script that doubles a string or a list forty times (`x = x + x`) would
#: otherwise grow the walk's memory exponentially; a value past a bound is unknown (never a name anyway).
MAX_STR_LENGTH = 4096
MAX_SEGMENTS = 256
#: Values inside one list or dict, nested ones counted (also bounds the cost of hashing nested lists).
MAX_ITEMS = 2048


@dataclass(frozen=True, slots=True)
class Literal:
    """A string literal in the script (or an f-string's text part) that characters of a value come from."""

    span: Span  # the whole literal, quotes and prefix included (for an f-string: the whole f-string)
    value: str  # the evaluated characters of this literal (piece)
    #: Where `value[0]` sits in the source when every character maps 1:1 to the source (no escapes, one line);
    #: None when the literal cannot be edited in place.
    body: Position | None
    quote: str = "'"  # the quote the literal uses, reused for new literals written at a use site
    prefix: str = ""  # string prefix as written ("", "r", "b", "f", "rb", ...)
    #: Values are hashed over and over (alternative sets, use keys); the hash is computed once.
    _hash: int = field(default=0, init=False, repr=False, compare=False, hash=False)

    def __hash__(self) -> int:
        h = self._hash
        if not h:
            h = hash((self.span, self.value, self.body, self.quote, self.prefix)) or 1
            object.__setattr__(self, "_hash", h)
        return h

    def body_span(self, start: int, end: int) -> Span | None:
        """Source span of `value[start:end]`, when the literal maps 1:1 onto the source."""
        if self.body is None:
            return None
        return Span(
            Position(self.body.line, self.body.character + start),
            Position(self.body.line, self.body.character + end),
        )


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a value's characters, `literal.value[offset:offset+len(text)]` (computed: literal None)."""

    text: str
    literal: Literal | None = None
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Str:
    """A string value whose characters are known, with where each run of them was written."""

    segments: tuple[Segment, ...]
    _hash: int = field(default=0, init=False, repr=False, compare=False, hash=False)

    def __hash__(self) -> int:
        h = self._hash
        if not h:
            h = hash(self.segments) or 1
            object.__setattr__(self, "_hash", h)
        return h

    @property
    def value(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def literals(self) -> tuple[Literal, ...]:
        seen: list[Literal] = []
        for seg in self.segments:
            if seg.literal is not None and seg.literal not in seen:
                seen.append(seg.literal)
        return tuple(seen)

    def locate(self, start: int, end: int) -> tuple[Literal, int, int] | None:
        """The literal and its value range holding `value[start:end]`, when one literal holds all of it."""
        pos = 0
        for seg in self.segments:
            seg_end = pos + len(seg.text)
            if pos <= start and end <= seg_end and seg.literal is not None and (end > start or seg.text):
                return seg.literal, seg.offset + start - pos, seg.offset + end - pos
            pos = seg_end
        return None


@dataclass(frozen=True, slots=True)
class Int:
    value: int


@dataclass(frozen=True, slots=True)
class Seq:
    """A list or tuple; each item has its own alternatives."""

    items: tuple[Vals, ...]
    #: How many values it holds, nested ones counted (see MAX_ITEMS).
    size: int = field(default=0, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "size", 1 + sum(size_of(v) for alts in self.items for v in alts))


@dataclass(frozen=True, slots=True)
class DictV:
    """A dict display: (key alternatives, value alternatives) pairs."""

    pairs: tuple[tuple[Vals, Vals], ...]
    size: int = field(default=0, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        total = sum(size_of(v) for keys, values in self.pairs for alts in (keys, values) for v in alts)
        object.__setattr__(self, "size", 1 + total)


class GraphRef:
    """One tf.Graph of the script (hashable by identity): which graph quantize_model rewrote, which one a
    lookup or a session reads."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Graph:
    """A tf.Graph; `ref` None for one the walk cannot tell apart from the others."""

    ref: GraphRef | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A tf.Session and the graph it runs (None when not known)."""

    graph: GraphRef | None = None


@dataclass(frozen=True, slots=True)
class Lookup:
    """Where a tensor or op object was looked up by name, so a later run of it can be judged: a lookup
    before quantize_model names the old tensor even after the graph it lives in is rewritten in place."""

    value: Str  # the name looked up (one known string)
    site: Span  # the name argument of the lookup
    call: Span  # the whole lookup call
    method: str  # "get_tensor_by_name" or "get_operation_by_name"
    graphs: frozenset[GraphRef] | None  # the graphs it was looked up in (None: not known)
    before: bool  # looked up while the graph was not yet rewritten
    function: str  # the function holding the lookup
    #: `target = receiver.method(...)` on its own line: the variable and the receiver's source text, so a
    #: fix can repeat the lookup after quantize_model; None otherwise.
    refetch: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Tensor:
    """What `get_tensor_by_name` returns: the name it was looked up by, when that is one known string."""

    name: str | None = None
    lookup: Lookup | None = None


@dataclass(frozen=True, slots=True)
class Operation:
    """What `get_operation_by_name` returns."""

    name: str | None = None
    lookup: Lookup | None = None


@dataclass(frozen=True, slots=True)
class Namespace:
    """What argparse's `parse_args()` returns: attributes read the arguments' defaults."""


@dataclass(frozen=True, slots=True)
class CalibOutputs:
    """The calib_outputs list after quantize_model rewrote it in place: its strings are no longer known."""


@dataclass(frozen=True, slots=True)
class AmctResult:
    """What an AMCT API returns (other than the values the walk follows)."""

    api: str


@dataclass(frozen=True, slots=True)
class FunctionObj:
    """A function (or method) the script defines."""

    node: cst.FunctionDef


@dataclass(frozen=True, slots=True)
class LambdaObj:
    fn: LambdaFn


@dataclass(frozen=True, slots=True)
class ClassObj:
    """A class the script defines."""

    info: ClassInfo


@dataclass(frozen=True, slots=True)
class InstanceObj:
    """An object of a class the script defines."""

    obj: Instance


@dataclass(frozen=True, slots=True)
class BoundMethod:
    """`obj.method` of a script class: the method and the value its first parameter gets."""

    node: cst.FunctionDef
    owner: Val


@dataclass(frozen=True, slots=True)
class SuperObj:
    """`super()` in a method: the method's class and what its first parameter may be."""

    cls: ClassInfo
    owners: Vals


#: Values only the walk itself makes (no text): TensorFlow, AMCT and argparse objects, the script's callables.
Obj = (
    Graph
    | Session
    | Tensor
    | Operation
    | Namespace
    | CalibOutputs
    | AmctResult
    | FunctionObj
    | LambdaObj
    | ClassObj
    | InstanceObj
    | BoundMethod
    | SuperObj
)
Val = Str | Int | Seq | DictV | Obj
Vals = tuple[Val, ...]
NOTHING: Vals = ()


def is_object(v: Val) -> bool:
    """Whether `v` is an object of the walk (not text, a number, a list or a dict)."""
    return not isinstance(v, Str | Int | Seq | DictV)


def size_of(v: Val) -> int:
    return v.size if isinstance(v, Seq | DictV) else 1


def seq(items: Iterable[Vals]) -> Vals:
    """A list value, or unknown (no alternative) when it holds more than MAX_ITEMS values."""
    made = Seq(tuple(items))
    return (made,) if made.size <= MAX_ITEMS else NOTHING


def dict_value(pairs: Iterable[tuple[Vals, Vals]]) -> Vals:
    """A dict value, or unknown when it holds more than MAX_ITEMS values."""
    made = DictV(tuple(pairs))
    return (made,) if made.size <= MAX_ITEMS else NOTHING


def bounded(s: Str) -> Str | None:
    """`s`, or None (unknown) when it is longer than MAX_STR_LENGTH or made of more than MAX_SEGMENTS runs."""
    if len(s.segments) > MAX_SEGMENTS or sum(len(seg.text) for seg in s.segments) > MAX_STR_LENGTH:
        return None
    return s


def const(text: str) -> Str:
    """A computed string with no literal behind it (e.g. `__file__`, a path separator)."""
    return Str((Segment(text),) if text else ())


def from_literal(literal: Literal) -> Str:
    return Str((Segment(literal.value, literal, 0),) if literal.value else ())


def union(*groups: Iterable[Val | None]) -> Vals:
    """Alternatives of several expressions, deduplicated in order and capped; None (unknown) is dropped."""
    out: list[Val] = []
    seen: set[Val] = set()
    for group in groups:
        for v in group:
            if v is not None and v not in seen:
                seen.add(v)
                out.append(v)
                if len(out) >= MAX_ALTERNATIVES:
                    return tuple(out)
    return tuple(out)


def strings(vals: Vals) -> Iterator[Str]:
    for v in vals:
        if isinstance(v, Str):
            yield v


def _merge(segments: Iterable[Segment]) -> tuple[Segment, ...]:
    out: list[Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if out:
            prev = out[-1]
            if prev.literal is seg.literal and (
                seg.literal is None or prev.offset + len(prev.text) == seg.offset
            ):
                out[-1] = Segment(prev.text + seg.text, prev.literal, prev.offset)
                continue
        out.append(seg)
    return tuple(out)


def concat(*parts: Str) -> Str | None:
    """The joined string, or None (unknown) past the bounds."""
    segments = [seg for p in parts for seg in p.segments]
    if len(segments) > 2 * MAX_SEGMENTS or sum(len(seg.text) for seg in segments) > MAX_STR_LENGTH:
        return None
    return bounded(Str(_merge(segments)))


def slice_str(s: Str, start: int | None, stop: int | None) -> Str:
    """`s[start:stop]` (step 1), keeping where each remaining character came from."""
    lo, hi, _ = slice(start, stop).indices(len(s.value))
    out: list[Segment] = []
    pos = 0
    for seg in s.segments:
        seg_lo, seg_hi = max(lo, pos), min(hi, pos + len(seg.text))
        if seg_lo < seg_hi:
            cut = seg_lo - pos
            out.append(Segment(seg.text[cut : seg_hi - pos], seg.literal, seg.offset + cut))
        pos += len(seg.text)
    return Str(tuple(out))


def index_str(s: Str, index: int) -> Str | None:
    n = len(s.value)
    if not -n <= index < n:
        return None
    index %= n
    return slice_str(s, index, index + 1)


def split_str(s: Str, sep: str | None, maxsplit: int = -1, *, right: bool = False) -> Seq:
    """`s.split(sep, maxsplit)` / `rsplit`: each piece keeps its origin."""
    value = s.value
    pieces = value.rsplit(sep, maxsplit) if right else value.split(sep, maxsplit)
    items: list[Vals] = []
    if sep is None:  # whitespace split: find each piece in order
        pos = 0
        for piece in pieces:
            at = value.find(piece, pos)
            items.append((slice_str(s, at, at + len(piece)),))
            pos = at + len(piece)
        return Seq(tuple(items))
    # Pieces are separated by exactly one `sep`; walk them from the matching end.
    if right:
        pos = len(value)
        rev: list[Vals] = []
        for piece in reversed(pieces):
            rev.append((slice_str(s, pos - len(piece), pos),))
            pos -= len(piece) + len(sep)
        items = list(reversed(rev))
    else:
        pos = 0
        for piece in pieces:
            items.append((slice_str(s, pos, pos + len(piece)),))
            pos += len(piece) + len(sep)
    return Seq(tuple(items))


def partition_str(s: Str, sep: str, *, right: bool = False) -> Seq:
    value = s.value
    at = value.rfind(sep) if right else value.find(sep)
    if at < 0:
        empty = const("")
        return Seq(((empty,), (empty,), (s,)) if right else ((s,), (empty,), (empty,)))
    return Seq(
        (
            (slice_str(s, 0, at),),
            (slice_str(s, at, at + len(sep)),),
            (slice_str(s, at + len(sep), None),),
        )
    )


def strip_str(s: Str, chars: str | None, *, left: bool = True, right: bool = True) -> Str:
    value = s.value
    lo, hi = 0, len(value)
    if left:
        lo = len(value) - len(value.lstrip(chars))
    if right:
        hi = len(value.rstrip(chars))
    return slice_str(s, lo, max(lo, hi))


def to_str(v: Val) -> Str | None:
    """The text `str(v)` / f-string / format would produce, for values whose text we know."""
    if isinstance(v, Str):
        return v
    if isinstance(v, Int):
        return const(str(v.value))
    return None


def format_template(template: Str, args: list[Val], kwargs: dict[str, Val]) -> Str | None:
    """`template.format(*args, **kwargs)` for plain `{}`, `{0}` and `{name}` fields (no spec/conversion)."""
    import string  # only for a str.format template

    try:
        parsed = list(string.Formatter().parse(template.value))
    except ValueError:
        return None
    parts: list[Str] = []
    raw_pos = 0  # position in the template's value
    auto = 0
    raw = template.value
    for text, field_name, spec, conversion in parsed:
        # `text` is literal text with `{{`/`}}` collapsed; map it back only when nothing was collapsed.
        raw_len = _raw_length(raw, raw_pos, text)
        if raw_len == len(text):
            parts.append(slice_str(template, raw_pos, raw_pos + raw_len))
        else:
            parts.append(const(text))
        raw_pos += raw_len
        if field_name is None:
            continue
        if spec or conversion:
            return None
        if field_name == "":
            if auto >= len(args):
                return None
            value: Val | None = args[auto]
            auto += 1
        elif field_name.isdigit():
            idx = int(field_name)
            value = args[idx] if idx < len(args) else None
        else:
            value = kwargs.get(field_name)
        text_value = to_str(value) if value is not None else None
        if text_value is None:
            return None
        parts.append(text_value)
        # Skip the field in the raw template: "{" + field + "}".
        raw_pos = raw.index("}", raw_pos) + 1
    return concat(*parts)


def _raw_length(raw: str, pos: int, text: str) -> int:
    """How many raw template characters starting at `pos` produce the literal `text` (`{{` counts twice)."""
    i, j = pos, 0
    while j < len(text) and i < len(raw):
        if raw[i] in "{}" and raw[i : i + 2] in ("{{", "}}"):
            i += 2
        else:
            i += 1
        j += 1
    return i - pos


def percent_format(template: Str, args: list[Val]) -> Str | None:
    """`template % args` for `%s` / `%d` / `%i` and `%%`."""
    raw = template.value
    parts: list[Str] = []
    i = start = 0
    k = 0
    while i < len(raw):
        if raw[i] != "%":
            i += 1
            continue
        parts.append(slice_str(template, start, i))
        if i + 1 >= len(raw):
            return None
        spec = raw[i + 1]
        if spec == "%":
            parts.append(const("%"))
        elif spec in "sdi":
            if k >= len(args):
                return None
            value = to_str(args[k])
            k += 1
            if value is None or (spec in "di" and not isinstance(args[k - 1], Int)):
                return None
            parts.append(value)
        else:
            return None
        i += 2
        start = i
    if k != len(args):
        return None
    parts.append(slice_str(template, start, None))
    return concat(*parts)


def path_join(parts: list[Str]) -> Str | None:
    """`os.path.join` with '/' (POSIX rules: an absolute part restarts the path); None past the bounds."""
    out: Str | None = None
    for part in parts:
        if out is None or part.value.startswith("/"):
            out = part
        elif not out.value or out.value.endswith("/"):
            out = concat(out, part)
        else:
            out = concat(out, const("/"), part)
        if out is None:
            return None
    return out if out is not None else const("")


def path_parents(s: Str, limit: int = 8) -> Seq:
    """pathlib's `p.parents`: the successive parent folders of `s` (at most `limit`)."""
    out: list[Vals] = []
    current = s
    while len(out) < limit and "/" in current.value.rstrip("/"):
        current = path_dirname(current)
        out.append((current,))
        if current.value in ("", "/", "."):
            break
    return Seq(tuple(out))


def path_dirname(s: Str) -> Str:
    value = s.value
    at = value.rfind("/")
    if at < 0:
        return const("")
    head = value[: at + 1]
    trimmed = head.rstrip("/") or head  # keep "/" for the root, like posixpath.dirname
    return slice_str(s, 0, len(trimmed))
