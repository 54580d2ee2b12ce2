"""Checks: the template's accounting identities on every report, and auto-repair of a misread.

A failed identity is either the document's own inconsistency (every cell in it was read exactly,
from a text layer or a document: the office printed numbers that do not add up; listed in the
report's `inconsistencies`) or a possible misreading. Either way each recognised cell in it has its
confidence lowered, so a person looks at the ink. For the
latter, each recognised cell in a failed check offers its plausible other readings (the
recogniser's runner-up characters, and the confusions OCR is known for: 0/8/6/9, 1/7, 3/8,
a dropped or doubled digit, a lost decimal point). When exactly one change of one cell makes
every identity hold, it is proposed as the value, the reading kept as `ocr_value`. A reading that
is no number at all is solved from the identities it is the one unknown of, when its digits
agree.
"""
from __future__ import annotations

from ..config import CheckOptions
from ..read.reconstruct import DIGIT_LOOKALIKES, parse_value
from ..templates import Template, failed_identities
from ..types import CellResult

CONFUSIONS = {"0": "869", "8": "0369", "6": "085", "9": "08", "1": "74", "7": "1", "3": "8", "5": "6", "4": "1",
              "2": "7"}
MIN_OPTION_P = 0.01  # a runner-up class this likely is a plausible reading
CONFUSION_P = 0.02  # the prior plausibility of a known confusion
UNREADABLE_SOLVED_P = 0.5  # the reading of an unreadable cell that the identities single out
DISPUTED_P = 0.5  # the plausibility of the other structure reading's value
SMALL_CHECK = 8  # cells in an identity small enough to show them all to a person when it fails


def _digit_readings(text: str) -> set[int]:
    """The numbers an unreadable reading could hold: every run of its digits (look-alikes
    such as O/0 included), e.g. 'QORANG1' → {0, 1, 01}."""
    digits = "".join(ch for ch in text.translate(DIGIT_LOOKALIKES) if ch in "0123456789")  # not ①, ²
    return {int(digits[i:j]) for i in range(len(digits)) for j in range(i + 1, min(len(digits), i + 6) + 1)}


def candidate_readings(cell: CellResult, decimal: bool, signed: bool) -> dict[float | int, float]:
    """Other values this cell's ink could plausibly be, with a plausibility in (0, 1]: the
    other structure reading's value where the two disagree, the recogniser's runner-ups, known
    confusions."""
    disputed = {cell.disputed: DISPUTED_P} if cell.recognised and cell.disputed not in (None, cell.value) else {}
    text = cell.text or ""
    if not cell.recognised or not text or any(len(opts) == 0 for opts in cell.options):
        return disputed
    variants: dict[str, float] = {}

    def add(candidate: str, p: float):
        if candidate != text:
            variants[candidate] = max(variants.get(candidate, 0.0), p)

    for i, opts in enumerate(cell.options):
        for ch, p in opts[1:]:
            if p >= MIN_OPTION_P and ch != "?":
                add(text[:i] + ch + text[i + 1:], p)
    for i, ch in enumerate(text):
        for other in CONFUSIONS.get(ch, ""):
            add(text[:i] + other + text[i + 1:], CONFUSION_P)
        if ch in "0123456789":
            add(text[:i] + text[i + 1:], CONFUSION_P)  # a doubled digit
            add(text[:i] + ch + text[i:], CONFUSION_P)  # a dropped digit
        if decimal and 0 < i:
            add(text[:i] + "." + text[i:], CONFUSION_P)  # a lost decimal point
    out: dict[float | int, float] = dict(disputed)
    for candidate, p in variants.items():
        parsed = parse_value(candidate, decimal=decimal, signed=signed)
        if parsed.ok and parsed.value is not None and parsed.value != cell.value:
            out[parsed.value] = max(out.get(parsed.value, 0.0), p)
    return out


class ArithmeticChecks:
    def __init__(self, options: CheckOptions):
        self.options = options

    def __call__(self, template: Template, cells: dict[str, CellResult]) -> list[str]:
        """Marks cells in failed checks, repairs a unique misreading; returns the checks the
        document itself breaks (inconsistencies)."""
        values = {cid: c.value for cid, c in cells.items() if c.found and c.parse_ok}
        if self.options.repair:
            self._solve_unreadable(template, cells, values)
        failed = failed_identities(template, values)
        if not failed:
            return []
        involved = {cid for ident in failed for cid in (*ident.lhs, *ident.rhs)}
        alternatives = {cid: candidate_readings(cells[cid], *self._column_kind(template, cid)) for cid in involved}
        for cid, alts in alternatives.items():
            cells[cid].alternatives = [v for v, _ in sorted(alts.items(), key=lambda kv: -kv[1])[:3]]
        if self.options.repair:
            fixes = [((cid, value, p),) for cid, alts in alternatives.items() for value, p in alts.items()
                     if not failed_identities(template, {**values, cid: value})]
            if not fixes:
                fixes = self._pair_fixes(template, cells, values, failed, alternatives)
            if len(fixes) == 1:
                for cid, value, p in fixes[0]:
                    cell = cells[cid]
                    cell.ocr_value, cell.value, cell.repaired, cell.parse_ok = cell.value, value, True, True
                    cell.ocr_score = p
                    values[cid] = value
                failed = failed_identities(template, values)
        inconsistencies = []
        # A recognised cell in a failed check is shown to a person: in the small checks (a row's
        # total, a balance: a handful of cells, one of them misread), or, where only the large
        # ones fail (the result rows' total), in those.
        small = [ident for ident in failed if len(ident.lhs) + len(ident.rhs) <= SMALL_CHECK]
        for ident in failed:
            members = [cells[cid] for cid in (*ident.lhs, *ident.rhs) if cid in values]
            if all(self._trusted(c) for c in members):
                inconsistencies.append(ident.name)
            for c in members:
                c.checks_failed.append(ident.name)
                if c.recognised:  # a person can look at the ink; a document's text is what it is
                    c.check_factor *= self.options.failure_factor
                    c.check_review = c.check_review or ident in small or not small
        return inconsistencies

    def _pair_fixes(self, template: Template, cells: dict[str, CellResult], values: dict, failed: list,
                    alternatives: dict) -> list[tuple]:
        """When no single change fits: the changes of two cells (each among its plausible
        readings; an unreadable cell's from its digits) that make every identity hold. Only
        pairs that touch every failed identity are tried."""
        unreadable = {cid: {v: UNREADABLE_SOLVED_P for v in _digit_readings(c.text or "")}
                      for cid, c in cells.items() if c.found and c.recognised and not c.parse_ok}
        if len(unreadable) > 2:
            return []
        options = {**{cid: dict(sorted(a.items(), key=lambda kv: -kv[1])[:8]) for cid, a in alternatives.items()},
                   **{cid: dict(list(a.items())[:12]) for cid, a in unreadable.items()}}
        members = {ident.name: set(ident.lhs) | set(ident.rhs) for ident in template.identities}
        failed_sets = [members[ident.name] for ident in failed]
        suspects = sorted(c for c in options if options[c])
        fixes = []
        for i, a in enumerate(suspects):
            for b in suspects[i + 1:]:
                if not all(a in m or b in m for m in failed_sets) or not set(unreadable) <= {a, b}:
                    continue
                for va, pa in options[a].items():
                    for vb, pb in options[b].items():
                        if not failed_identities(template, {**values, a: va, b: vb}):
                            fixes.append(((a, va, pa), (b, vb, pb)))
                            if len(fixes) > 1:
                                return fixes
        return fixes

    def _solve_unreadable(self, template: Template, cells: dict[str, CellResult], values: dict):
        """A recognised cell whose reading is no number (ink of a seal over a digit, say) is
        the one unknown of an identity whose other cells are known: the value that makes it hold
        is proposed when the digits in the reading contain it (or a seal lay over it, whose red
        ink may have been washed out with the digit's strokes), and every identity then holds."""
        unknown = {cid for cid, c in cells.items() if c.found and c.recognised and not c.parse_ok}
        proposed: dict[str, float | int] = {}
        progress = True
        while progress and unknown:
            progress = False
            for ident in template.identities:
                members = (*ident.lhs, *ident.rhs)
                open_ = [cid for cid in members if cid in unknown and cid not in proposed]
                if len(open_) != 1 or any(cid not in values and cid not in proposed and cid != open_[0]
                                          for cid in members):
                    continue
                cid = open_[0]
                known = {**values, **proposed}
                side = 1 if cid in ident.lhs else -1
                residual = sum(known[c] or 0 for c in ident.rhs if c != cid) - \
                    sum(known[c] or 0 for c in ident.lhs if c != cid)
                value = residual * side
                sealed = cells[cid].under_seal >= self.options.sealed_share
                if value >= 0 and float(value).is_integer() and \
                        (sealed or int(value) in _digit_readings(cells[cid].text or "")):
                    proposed[cid] = int(value)
                    progress = True
        if proposed and not failed_identities(template, {**values, **proposed}):
            for cid, value in proposed.items():
                cell = cells[cid]
                cell.ocr_value, cell.value, cell.repaired, cell.parse_ok = None, value, True, True
                cell.ocr_score = UNREADABLE_SOLVED_P
                values[cid] = value

    @staticmethod
    def _trusted(cell: CellResult) -> bool:
        """Read exactly (a text layer, a document): only then is a failed check the document's
        own. A recognised reading, however confident, may be a misreading a person should see
        before anyone is told the agency's numbers do not add up."""
        return not cell.recognised

    @staticmethod
    def _column_kind(template: Template, cid: str) -> tuple[bool, bool]:
        table, _, column = cid.split("/")
        spec = template.tables[table]
        return column in spec.decimal_columns, column in spec.signed_columns

