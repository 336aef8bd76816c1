"""Fixes for a finding: edit the literal, edit only the reported uses, or go through calib_outputs."""

from __future__ import annotations

from amct_lsp.check.edits import literal_edit, quoted
from amct_lsp.check.state import CheckState
from amct_lsp.check.verdict import Verdict, phase_text
from amct_lsp.findings import Fix, Position, Span, TextEdit
from amct_lsp.script.facts import NameUse, Phase, UseKind
from amct_lsp.script.values import Literal, Str


class FixBuilder(CheckState):
    """Builds the fixes that are safe for every use sharing the literal."""

    def _primary_fix(self, value: Str, literal: Literal, uses: list[NameUse], verdict: Verdict) -> Fix | None:
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
            edits.append(TextEdit(use.site, quoted(new, literal)))
        if not edits:
            return None
        others = sorted({phase_text(u.phase) for u in shared})
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

    def _index(self) -> tuple[dict[Literal, list[NameUse]], dict[Span, set[str]]]:
        """The uses by literal and the values by use site, built once per check."""
        if self._by_literal is None or self._by_site is None:
            self._by_literal = {}
            self._by_site = {}
            for use in self.analysis.uses:
                for lit in use.value.literals:
                    self._by_literal.setdefault(lit, []).append(use)
                self._by_site.setdefault(use.site, set()).add(use.value.value)
        return self._by_literal, self._by_site

    def _uses_of(self, literal: Literal) -> list[NameUse]:
        """Every use whose value has characters from `literal`."""
        return self._index()[0].get(literal, [])

    def _site_replaceable(self, use: NameUse) -> bool:
        return use.site_replaceable and len(self._index()[1].get(use.site, ())) == 1

    def _calib_fix(self, value: Str, uses: list[NameUse], verdict: Verdict, *, primary: bool) -> Fix | None:
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


def _fresh_name(base: str, taken: frozenset[str]) -> str:
    if base not in taken:
        return base
    n = 1
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"
