"""What the script tells AMCT not to touch: skip_layers, skip_layer_types, quant_enable, fusion switches.

These decide whether a tail layer is quantized (so gets a searchN) or its BN fused, so they change the names.
Three sources exist: `create_quant_config(skip_layers=..., skip_layer_types=...)` arguments, a
`config_defination` .cfg text proto, and an existing config.json; `merge` combines them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from amct_lsp.fileio import MAX_CONFIG_BYTES, FileTooLarge, NotRegularFile, read_regular
from amct_lsp.model.errors import UserError


class ConfigError(UserError):
    """An AMCT config file (config.json, .cfg) could not be used."""


def _frozen(values: Iterable[str]) -> frozenset[str]:
    if isinstance(values, str):  # a lone string is one name, not its characters
        return frozenset({values}) if values else frozenset()
    return frozenset(v for v in values if v)


@dataclass(frozen=True)
class QuantOptions:
    """The switches that change AMCT's rewrite. Sets hold op names (op types for skip_layer_types)."""

    skip_layers: frozenset[str] = field(default_factory=frozenset)
    skip_layer_types: frozenset[str] = field(default_factory=frozenset)
    #: Layers whose config.json entry has `"quant_enable": false`.
    disabled_layers: frozenset[str] = field(default_factory=frozenset)
    do_fusion: bool = True
    skip_fusion_layers: frozenset[str] = field(default_factory=frozenset)
    #: Where the settings came from, for messages: "config.json /abs/path", "--skip-layers", ...
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Accept any iterable (lists from argparse or JSON) but store hashable, order-free sets.
        for name in ("skip_layers", "skip_layer_types", "disabled_layers", "skip_fusion_layers"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "sources", tuple(self.sources))

    def merge(self, *others: QuantOptions) -> QuantOptions:
        """Union of every skip list; fusion is off when any source turns it off."""
        return merge(self, *others)

    @property
    def is_default(self) -> bool:
        return self == QuantOptions(sources=self.sources)

    def source_text(self) -> str:
        """The sources as " (from X, Y)" for messages; empty when none are recorded."""
        return f" (from {', '.join(self.sources)})" if self.sources else ""


def merge(*options: QuantOptions) -> QuantOptions:
    """Combine option sets from several places (script arguments, .cfg, config.json, command line)."""
    sources: list[str] = []
    for opt in options:
        sources.extend(s for s in opt.sources if s not in sources)
    return QuantOptions(
        skip_layers=frozenset().union(*(o.skip_layers for o in options)),
        skip_layer_types=frozenset().union(*(o.skip_layer_types for o in options)),
        disabled_layers=frozenset().union(*(o.disabled_layers for o in options)),
        do_fusion=all(o.do_fusion for o in options),
        skip_fusion_layers=frozenset().union(*(o.skip_fusion_layers for o in options)),
        sources=tuple(sources),
    )


def _read_text(path: str | os.PathLike[str], what: str) -> str:
    p = Path(path)
    try:
        # Windows editors may start the file with a BOM; a FIFO or device is refused, not waited on.
        return read_regular(p, MAX_CONFIG_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"The {what} '{p}' does not exist.", str(p)) from None
    except IsADirectoryError:
        raise ConfigError(f"The {what} '{p}' is a directory, not a file.", str(p)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"The {what} '{p}' is not UTF-8 text.", str(p)) from None
    except PermissionError:
        raise ConfigError(f"The {what} '{p}' cannot be read: permission denied.", str(p)) from None
    except (NotRegularFile, FileTooLarge) as err:
        raise ConfigError(f"The {what} '{p}' {err.strerror}.", str(p)) from None
    except OSError as err:
        raise ConfigError(f"The {what} '{p}' cannot be read: {err.strerror or err}.", str(p)) from None


def _string_list(value: Any, key: str, path: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"In '{path}', \"{key}\" must be a list of layer names.", path)


def load_config_json(path: str | os.PathLike[str]) -> QuantOptions:
    """Read AMCT's config.json (as written by `create_quant_config`): fusion switches and disabled layers."""
    where = str(path)
    text = _read_text(path, "AMCT config file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(
            f"The AMCT config file '{where}' is not valid JSON: {err.msg} "
            f"at line {err.lineno}, column {err.colno}.",
            where,
        ) from None
    except (ValueError, RecursionError) as err:
        # A number of thousands of digits (int conversion limit) or arrays nested thousands deep.
        problem = "nests too deeply" if isinstance(err, RecursionError) else "holds a number too long to read"
        raise ConfigError(f"The AMCT config file '{where}' {problem}.", where) from None
    if not isinstance(data, dict):
        raise ConfigError(f"The AMCT config file '{where}' must hold a JSON object at the top level.", where)
    do_fusion = data.get("do_fusion", True)
    if not isinstance(do_fusion, bool):
        raise ConfigError(
            f"In '{where}', \"do_fusion\" must be true or false, not {json.dumps(do_fusion)}.", where
        )
    skip_fusion = _string_list(data.get("skip_fusion_layers", []), "skip_fusion_layers", where)
    disabled: list[str] = []
    for key, value in data.items():
        # Layer entries are objects keyed by the quantizable op's own name.
        if isinstance(value, dict) and "quant_enable" in value:
            enable = value["quant_enable"]
            if not isinstance(enable, bool):
                raise ConfigError(f"In '{where}', \"{key}\".quant_enable must be true or false.", where)
            if not enable:
                disabled.append(key)
    return QuantOptions(
        disabled_layers=frozenset(disabled),
        do_fusion=do_fusion,
        skip_fusion_layers=frozenset(skip_fusion),
        sources=(f"config.json {where}",),
    )


# --- the config_defination text proto ---

_PUNCT = set(":{}[],;<>")


def _tokenize(text: str, where: str) -> list[tuple[str, str, int]]:
    """(kind, value, line) tokens of a protobuf text-format file; kind is 'str', 'word' or the punctuation."""
    tokens: list[tuple[str, str, int]] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif ch in "\"'":
            start_line, quote, i = line, ch, i + 1
            out: list[str] = []
            while True:
                if i >= n or text[i] == "\n":
                    raise ConfigError(f"In '{where}', line {start_line}: a string is not closed.", where)
                c = text[i]
                if c == quote:
                    i += 1
                    break
                if c == "\\" and i + 1 < n:
                    nxt = text[i + 1]
                    out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
                    i += 2
                    continue
                out.append(c)
                i += 1
            # Adjacent string literals concatenate, as in protobuf text format.
            if tokens and tokens[-1][0] == "str" and tokens[-1][2] == start_line:
                prev = tokens.pop()
                tokens.append(("str", prev[1] + "".join(out), start_line))
            else:
                tokens.append(("str", "".join(out), start_line))
        elif ch in _PUNCT:
            tokens.append((ch, ch, line))
            i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] not in _PUNCT and text[i] not in "\"'#":
                i += 1
            tokens.append(("word", text[start:i], line))
    return tokens


_BOOLS = {"true": True, "t": True, "1": True, "false": False, "f": False, "0": False}


def _parse_top_level(text: str, where: str) -> list[tuple[str, str, str, int]]:
    """Top-level scalar fields as (name, kind, value, line); nested messages are skipped as a whole."""
    tokens = _tokenize(text, where)
    fields: list[tuple[str, str, str, int]] = []
    i, n = 0, len(tokens)

    def skip_message(start: int) -> int:
        depth, j = 0, start
        while j < n:
            kind = tokens[j][0]
            if kind in "{<":
                depth += 1
            elif kind in "}>":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        raise ConfigError(f"In '{where}', line {tokens[start][2]}: a '{{' block is not closed.", where)

    while i < n:
        kind, value, line = tokens[i]
        if kind in ",;":
            i += 1
            continue
        if kind != "word":
            raise ConfigError(f"In '{where}', line {line}: expected a field name, found '{value}'.", where)
        name = value
        i += 1
        if i < n and tokens[i][0] == ":":
            i += 1
        if i >= n:
            raise ConfigError(f"In '{where}', line {line}: field '{name}' has no value.", where)
        kind, value, vline = tokens[i]
        if kind in "{<":
            i = skip_message(i)
        elif kind == "[":
            i += 1
            while i < n and tokens[i][0] != "]":
                if tokens[i][0] in "{<":
                    i = skip_message(i)
                    continue
                if tokens[i][0] in ("str", "word"):
                    fields.append((name, tokens[i][0], tokens[i][1], tokens[i][2]))
                i += 1
            if i >= n:
                raise ConfigError(f"In '{where}', line {vline}: a '[' list is not closed.", where)
            i += 1
        elif kind in ("str", "word"):
            fields.append((name, kind, value, vline))
            i += 1
        else:
            raise ConfigError(f"In '{where}', line {vline}: field '{name}' has no value.", where)
    return fields


def parse_cfg(text: str, where: str = "<cfg>") -> QuantOptions:
    """Parse `config_defination` text; unknown fields and nested messages are ignored."""
    names: dict[str, list[str]] = {"skip_layers": [], "skip_layer_types": [], "skip_fusion_layers": []}
    do_fusion = True
    for name, kind, value, line in _parse_top_level(text, where):
        if name in names:
            if kind != "str":
                raise ConfigError(
                    f"In '{where}', line {line}: {name} needs a quoted name, not {value}.", where
                )
            names[name].append(value)
        elif name == "do_fusion":
            flag = _BOOLS.get(value.lower()) if kind == "word" else None
            if flag is None:
                raise ConfigError(
                    f"In '{where}', line {line}: do_fusion must be true or false, not {value}.", where
                )
            do_fusion = flag
    return QuantOptions(
        skip_layers=frozenset(names["skip_layers"]),
        skip_layer_types=frozenset(names["skip_layer_types"]),
        do_fusion=do_fusion,
        skip_fusion_layers=frozenset(names["skip_fusion_layers"]),
        sources=(f"config_defination {where}",),
    )


def load_cfg(path: str | os.PathLike[str]) -> QuantOptions:
    """Read a `config_defination` .cfg file (AMCT's calibration config text proto)."""
    return parse_cfg(_read_text(path, "AMCT .cfg file"), str(path))


def load_config(path: str | os.PathLike[str]) -> QuantOptions:
    """config.json or .cfg, told apart by the suffix (or by a leading '{' when the suffix says nothing)."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        return load_config_json(p)
    if p.suffix.lower() in (".cfg", ".prototxt", ".pbtxt", ".txt"):
        return load_cfg(p)
    text = _read_text(p, "AMCT config file")
    return load_config_json(p) if text.lstrip().startswith("{") else parse_cfg(text, str(p))
