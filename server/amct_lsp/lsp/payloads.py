"""The JSON the server puts on the wire beyond LSP's own types, as typed dataclasses.

- `DocumentStatus`, the `amct/documentStatus` notification: what the server knows about one open document
  (the model, the AMCT log and the config files it was checked against, and the state of the check), so the
  client shows it without scraping Markdown.
- `DiagnosticData`, a diagnostic's `data`: its fixes in code points and the document version they are for.

Both go out through the server's cattrs converter (`make_converter`, pygls' own plus camelCase hooks for
these classes); `read_data` reads diagnostic data back strictly, so a forged or stale payload gives None.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from lsprotocol import converters
from pygls.protocol import default_converter

#: Method of the status notification (the client registers a handler for it).
DOCUMENT_STATUS = "amct/documentStatus"
#: The client capability (`experimental`) that asks for it.
STATUS_CAPABILITY = "amctDocumentStatus"
#: Version of the `Diagnostic.data` layout; data written by another layout is ignored.
DATA_LAYOUT = 1


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentStatus:
    """What the server knows about one open document after checking one version of it."""

    uri: str
    version: int | None
    #: "checked" (a model was read), "no-model", "model-error", "failed" (the engine raised), "disabled",
    #: "not-amct" (a Python file that does not use AMCT: the client shows nothing for it).
    state: str
    model_path: str | None = None
    log_path: str | None = None
    config_paths: tuple[str, ...] = ()
    #: Why the model could not be used (model-error) or the check failed (failed).
    message: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class EditData:
    start: tuple[int, int]
    end: tuple[int, int]
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class FixData:
    title: str
    primary: bool
    edits: tuple[EditData, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class DiagnosticData:
    """A diagnostic's fixes (positions in code points) for the document `version` they were computed on."""

    layout: int
    version: int | None
    code: str
    line: int
    fixes: tuple[FixData, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class ExplainUse:
    """A use of a renamed tail's name in the script (client position units), a button in the picture."""

    label: str
    start: tuple[int, int]
    end: tuple[int, int]
    stale: bool


@dataclasses.dataclass(frozen=True, slots=True)
class ExplainView:
    """The answer of `amct-lsp.explainModelView`: the picture of the rewrite as an HTML fragment and its
    stylesheet (the server renders; the client only wraps them in a webview page), and the uses its
    `data-use` buttons point at (by index), for the document `version`."""

    uri: str
    version: int | None
    title: str
    html: str
    style: str
    uses: tuple[ExplainUse, ...] = ()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _register(converter: cattrs.Converter, cls: type) -> None:
    renames: dict[str, Any] = {f.name: override(rename=_camel(f.name)) for f in dataclasses.fields(cls)}
    converter.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, converter, **renames))
    converter.register_structure_hook(cls, make_dict_structure_fn(cls, converter, **renames))


_PAYLOADS = (DocumentStatus, EditData, FixData, DiagnosticData, ExplainUse, ExplainView)


def make_converter() -> cattrs.Converter:
    """pygls' converter, plus our payload classes in camelCase (the server's `converter_factory`)."""
    converter: cattrs.Converter = default_converter()  # type: ignore[no-untyped-call]
    for cls in _PAYLOADS:
        _register(converter, cls)
    return converter


def _strict(kind: type) -> Any:
    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TypeError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return structure


#: lsprotocol's converter, reading data that came back from the client without coercion ("3" is not a line).
_READER = converters.get_converter()
for _kind in (str, int, bool):
    _READER.register_structure_hook(_kind, _strict(_kind))
for _cls in _PAYLOADS:
    _register(_READER, _cls)


def unstructure(value: Any) -> Any:
    """A payload as plain JSON (for places that hold `LSPAny`, like `Diagnostic.data`)."""
    return _READER.unstructure(value)


def read_data(raw: Any) -> DiagnosticData | None:
    """Diagnostic data as we wrote it, or None (another layout, another server's data, garbage)."""
    if not isinstance(raw, dict) or raw.get("layout") != DATA_LAYOUT:
        return None
    try:
        return _READER.structure(raw, DiagnosticData)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError):
        return None


def read_fix(raw: Any) -> FixData | None:
    try:
        return _READER.structure(raw, FixData)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError):
        return None


__all__ = [
    "DATA_LAYOUT",
    "DOCUMENT_STATUS",
    "STATUS_CAPABILITY",
    "DiagnosticData",
    "DocumentStatus",
    "EditData",
    "ExplainUse",
    "ExplainView",
    "FixData",
    "make_converter",
    "read_data",
    "read_fix",
    "unstructure",
]
