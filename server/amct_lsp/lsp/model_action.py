"""The AMCT004 quick fix "choose the model file…": a client command (the VS Code extension's
`amct.pickModel`) opens a file picker and inserts a `# amct: model=` line. Only a client that announces the
command (`experimental.amctPickModel`) gets it; the server cannot pick a file on the user's behalf."""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from amct_lsp.check.findings import Code

PICK_MODEL_CAPABILITY = "amctPickModel"
PICK_MODEL_COMMAND = "amct.pickModel"
TITLE = "AMCT004: choose the model file (adds # amct: model=…)"


def directive_line(lines: Sequence[str]) -> int:
    """Where the `# amct: model=` line goes: after a shebang and an encoding comment, else on line 0."""
    line = 0
    for text in lines[:2]:
        stripped = text.strip()
        shebang = line == 0 and stripped.startswith("#!")
        if shebang or (stripped.startswith("#") and "coding" in stripped):
            line += 1
        else:
            break
    return line


def _is_model_problem(diagnostic: types.Diagnostic) -> bool:
    # AMCT004 also reports an AMCT config that cannot be read; a model picker does not help there.
    return diagnostic.code == Code.MODEL_PROBLEM.value and "config" not in diagnostic.message.lower()


def pick_model_actions(
    uri: str, lines: Sequence[str], diagnostics: Sequence[types.Diagnostic]
) -> list[types.CodeAction]:
    """One "choose the model file" action for the model's AMCT004 among `diagnostics`, if there is one."""
    found = [d for d in diagnostics if _is_model_problem(d)]
    if not found:
        return []
    command = types.Command(title=TITLE, command=PICK_MODEL_COMMAND, arguments=[uri, directive_line(lines)])
    return [
        types.CodeAction(
            title=TITLE, kind=types.CodeActionKind.QuickFix, diagnostics=found[:1], command=command
        )
    ]


__all__ = ["PICK_MODEL_CAPABILITY", "PICK_MODEL_COMMAND", "directive_line", "pick_model_actions"]
