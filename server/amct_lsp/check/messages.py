"""The one place that words AMCT001: a one-line message that leads with the action and stays short.

An editor shows the message in the Problems list and at the top of the hover, and `check` prints it after the
position, so it says what to use and nothing else; why (the rename chain) and what happens as written (the
consequence) go to the hover, the finding's notes and `Finding.consequence`."""

from __future__ import annotations

from collections.abc import Callable

#: The longest AMCT001 message: long names are shortened in the middle ('search_n_quant/…/Identity:0').
MAX_MESSAGE = 100
ELLIPSIS = "…"


def shorten(name: str, room: int) -> str:
    """`name` in at most `room` characters (never under 12): its first and last path segments around '…',
    else '…' and its last segment (the op the user recognises), else its two ends."""
    room = max(room, 12)
    if len(name) <= room:
        return name
    parts = name.split("/")
    candidates = [f"{parts[0]}/{ELLIPSIS}/{parts[-1]}"] if len(parts) >= 3 else []
    candidates += [f"{ELLIPSIS}/{parts[-1]}"] if len(parts) >= 2 else []
    for candidate in candidates:
        if len(candidate) <= room:
            return candidate
    keep = room - len(ELLIPSIS)
    head = (keep + 1) // 2
    return f"{name[:head]}{ELLIPSIS}{name[len(name) - (keep - head) :]}"


def _fit(build: Callable[[str, str], str], old: str, new: str = "") -> str:
    """`build(old, new)` within MAX_MESSAGE: the new name gives way first, down to half the room, then the
    old one."""
    room = MAX_MESSAGE - len(build("", ""))
    if len(old) + len(new) > room and new:
        new = shorten(new, max(room - len(old), room // 2))
    if len(old) + len(new) > room:
        old = shorten(old, room - len(new))
    return build(old, new)


def stale_name(old: str, new: str, mark: str = "") -> str:
    """A stale name with a predicted (or logged) new one; `mark` tells the evidence ("(inferred)")."""
    suffix = f" {mark}" if mark else ""
    return _fit(lambda o, n: f"stale output '{o}' → use '{n}' after quantize_model{suffix}", old, new)


def stale_unpredicted(old: str) -> str:
    """A stale name whose new name is not predicted (e.g. under a tf.import_graph_def prefix)."""
    return _fit(lambda o, _: f"stale output '{o}' → pass it through quantize_model(calib_outputs=...)", old)


def stale_object(how: str, kind: str, old: str, new: str) -> str:
    """A tensor or op object looked up before quantize_model and run after it."""
    how = shorten(how, 20)
    return _fit(lambda o, n: f"{how} runs a stale {kind} '{o}' → look it up again as '{n}'", old, new)
