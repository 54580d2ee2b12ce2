"""Checks: the template's accounting identities on every report, and auto-repair of a misread.

A failed identity is either the document's own inconsistency (every cell in it was read exactly,
from a text layer or a document, and both structure readings agree on where it stands: the office
printed numbers that do not add up; listed in the report's `inconsistencies`) or a possible
misreading or misplacing. Either way each cell in it that may be misread or misplaced has its
confidence lowered, so a person looks at the ink. For the
latter, each recognised cell in a failed check offers its plausible other readings (the
recogniser's runner-up characters, and the confusions OCR is known for: 0/8/6/9, 1/7, 3/8,
a dropped or doubled digit, a lost decimal point). When exactly one smallest set of changes
(one cell, or several misreads on a page that each broke their row and column) makes every
identity hold, it is proposed as the values, each reading kept as `ocr_value`; the repaired
cells stay flagged, and identities that several changes mended vouch for no cell. A reading
that is no number at all is solved from the identities it is the one unknown of, when its
digits agree.
"""
from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np

from ..config import CheckOptions
from ..read.reconstruct import DIGIT_LOOKALIKES, parse_value
from ..templates import Identity, Template, failed_identities
from ..types import CellResult

CONFUSIONS = {"0": "869", "8": "0369", "6": "085", "9": "08", "1": "74", "7": "1", "3": "8", "5": "6", "4": "1",
              "2": "7"}
MIN_OPTION_P = 0.01  # a runner-up class this likely is a plausible reading
CONFUSION_P = 0.02  # the prior plausibility of a known confusion
MAX_CANDIDATES = 24  # cells nothing vouches for, in failed identities, beyond which no explanation is sought
MAX_CULPRITS = 3  # the most misread cells an explanation of the failed identities may name
UNREADABLE_SOLVED_P = 0.5  # the reading of an unreadable cell that the identities single out
DISPUTED_P = 0.5  # the plausibility of the other structure reading's value
MAX_REPAIRED = 8  # the most misread cells one repair may change
MAX_REPAIR_STEPS = 5000  # the search for a repair gives up (and repairs nothing) beyond this


def _digit_readings(text: str) -> set[int]:
    """The numbers an unreadable reading could hold: every run of its digits (look-alikes
    such as O/0 included), e.g. 'QORANG1' → {0, 1, 01}."""
    digits = "".join(ch for ch in text.translate(DIGIT_LOOKALIKES) if ch in "0123456789")  # not ①, ²
    return {int(digits[i:j]) for i in range(len(digits)) for j in range(i + 1, min(len(digits), i + 6) + 1)}


def _needed(ident: Identity, cid: str, known: dict) -> float | int:
    """The value `cid` must hold for `ident` to hold, its other cells as `known`."""
    side = 1 if cid in ident.lhs else -1
    return side * (sum(known[c] or 0 for c in ident.rhs if c != cid) - sum(known[c] or 0 for c in ident.lhs if c != cid))


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
        # a cell whose row is in doubt is no known value: the identities it is in wait for a person
        values = {cid: c.value for cid, c in cells.items() if c.found and c.parse_ok and not c.row_doubt}
        # an identity over optional parts (a pre-2019 table's) where the table prints none of them
        template = replace(template, identities=tuple(
            ident for ident in template.identities
            if not ident.parts_printed or any(cells[cid].printed for cid in ident.rhs if cid in cells)))
        if self.options.repair:
            self._solve_unreadable(template, cells, values)
        failed = failed_identities(template, values)
        if not failed:
            self._judge(template, cells, values, [])
            return self._bounds(template, cells, values)
        involved = {cid for ident in failed for cid in (*ident.lhs, *ident.rhs)}
        alternatives = {cid: candidate_readings(cells[cid], *self._column_kind(template, cid)) for cid in involved}
        for cid, alts in alternatives.items():
            cells[cid].alternatives = [v for v, _ in sorted(alts.items(), key=lambda kv: -kv[1])[:3]]
        unproven: list[Identity] = []
        if self.options.repair:
            vouched = self._vouched(template, cells, values, failed)
            mendable = {cid: alts for cid, alts in alternatives.items() if cid not in vouched}
            fixes = self._mending_sets(template, values, failed, mendable) or \
                self._pair_fixes(template, cells, values, failed, alternatives)
            if len(fixes) == 1:
                for cid, value, p in fixes[0]:
                    cell = cells[cid]
                    cell.ocr_value, cell.value, cell.repaired, cell.parse_ok = cell.value, value, True, True
                    cell.ocr_score = p
                    values[cid] = value
                before, failed = failed, failed_identities(template, values)
                if len(fixes[0]) > 1:
                    # mended by several guesses together: they hold, but prove none of their cells
                    unproven = [ident for ident in before if ident not in failed]
        inconsistencies = [ident.name for ident in failed
                           if all(self._trusted(cells[cid]) for cid in (*ident.lhs, *ident.rhs))]
        self._judge(template, cells, values, failed, unproven)
        return inconsistencies + self._bounds(template, cells, values)

    def _bounds(self, template: Template, cells: dict[str, CellResult], values: dict) -> list[str]:
        """A column that holds no more than another of its row (this year's count against 历年累计,
        `not_above` in the template): where a row's breaks it, its two cells are shown unless
        exact, and the document's own inconsistency where both are."""
        broken = []
        for tid, spec in template.tables.items():
            for low, high in spec.not_above.items():
                for row in spec.rows:
                    pair = (f"{tid}/{row.id}/{low}", f"{tid}/{row.id}/{high}")
                    if any(values.get(cid) is None for cid in pair) or values[pair[0]] <= values[pair[1]]:
                        continue
                    name = f"{tid}.{low}_within_{high}[{row.id}]"
                    for cid in pair:
                        cells[cid].checks_failed.append(name)
                        if not self._trusted(cells[cid]):
                            cells[cid].check_factor *= self.options.failure_factor
                            cells[cid].check_review = True
                    if all(self._trusted(cells[cid]) for cid in pair):
                        broken.append(name)
        return broken

    def _judge(self, template: Template, cells: dict[str, CellResult], values: dict, failed: list[Identity],
               unproven: list[Identity] = ()):
        """Which cells the identities vouch for and which they refute. An identity evaluated in
        full that holds vouches for its cells (a misread digit breaks every identity it is in,
        unless a second one makes up for it exactly). The failed ones are explained, when they
        can be, by the fewest cells nothing vouches for whose change mends them all: one misread
        on a grid of row and column totals breaks its row and its column by the same amount, and
        is the one cell refuted. One with a single cell unknown (unreadable, not found) is solved
        for it: a value no cell can hold (negative, fractional, none of the digits read there)
        refutes its other cells. A culprit is believed only where two failed identities cross
        on it; where nothing explains a failure, or only a guess does (a whole row read from
        another row holds its own total; two misreads hide behind an unreadable third; a row of
        table 四 has one identity and no other to cross it), all the recognised cells of the
        failed identity are shown. Those `unproven` (mended by a repair of several cells) vouch
        for nothing."""
        implausible = self._implausible(template, cells, values)
        vouched = self._vouched(template, cells, values, failed + implausible + list(unproven))
        for cid, cell in cells.items():
            cell.vouched = cid in vouched
        culprits = self._explanation(template, cells, values, failed, vouched)
        crossed = {cid for cid in culprits if sum(cid in (*i.lhs, *i.rhs) for i in failed) > 1}
        for ident in failed + implausible:
            members = [cid for cid in (*ident.lhs, *ident.rhs) if cid in cells and cells[cid].found]
            doubtful = [cid for cid in members if not self._trusted(cells[cid])]
            mine = culprits.intersection(members)
            shown = sorted(mine) if ident in failed and mine and mine <= crossed else doubtful
            for cid in members:
                cells[cid].checks_failed.append(ident.name)
            for cid in shown:  # a person can look at the ink; a document's text is what it is
                cells[cid].check_factor *= self.options.failure_factor
                cells[cid].check_review = True

    def _explanation(self, template: Template, cells: dict[str, CellResult], values: dict,
                     failed: list[Identity], vouched: set[str]) -> set[str]:
        """The fewest recognised cells nothing vouches for (at most MAX_CULPRITS) whose change
        mends every failed identity (whole, non-negative values where the column has them); the
        union where several sets of that size do; empty when none does."""
        if not failed:
            return set()
        candidates = sorted({cid for ident in failed for cid in (*ident.lhs, *ident.rhs)
                             if cells[cid].recognised and cid not in vouched})
        if not candidates or len(candidates) > MAX_CANDIDATES:
            return set()
        residual = np.array([sum(values[c] or 0 for c in i.lhs) - sum(values[c] or 0 for c in i.rhs) for i in failed])
        effect = np.array([[(c in i.lhs) - (c in i.rhs) for c in candidates] for i in failed], float)
        for size in range(1, MAX_CULPRITS + 1):
            found = set()
            for chosen in itertools.combinations(range(len(candidates)), size):
                a = effect[:, chosen]
                if not a.any(axis=1).all():
                    continue  # a failed identity none of them is in
                change, *_ = np.linalg.lstsq(a, -residual, rcond=None)
                if np.abs(a @ change + residual).max() < 1e-6 and \
                        all(self._plausible(template, candidates[k], (values[candidates[k]] or 0) + d)
                            for k, d in zip(chosen, change)):
                    found.update(candidates[k] for k in chosen)
            if found:
                return found
        return set()

    def _plausible(self, template: Template, cid: str, value: float) -> bool:
        decimal, signed = self._column_kind(template, cid)
        return (value >= -1e-9 or signed) and (decimal or abs(value - round(value)) < 1e-6)

    def _vouched(self, template: Template, cells: dict[str, CellResult], values: dict,
                 failed: list[Identity]) -> set[str]:
        """The cells an identity that holds vouches for (_vouches)."""
        return {cid for ident in template.identities if self._vouches(ident, cells, values, failed)
                for cid in (*ident.lhs, *ident.rhs)}

    @staticmethod
    def _vouches(ident: Identity, cells: dict[str, CellResult], values: dict, failed: list[Identity]) -> bool:
        """Evaluated in full, it holds, and ink was read in it: a row read as blanks (lost, or
        printed blank) holds trivially and says nothing of its cells. Nor does one whose only
        number on each side is the same, a row of one count and its total: the same glyphs
        printed twice are misread alike (a 4 that lost its bar reads 1 in both)."""
        members = (*ident.lhs, *ident.rhs)
        if ident in failed or not all(cid in values for cid in members) or \
                not any((cells[cid].text or "").strip() for cid in members):
            return False
        return not all(sum(1 for cid in side if values[cid]) == 1 for side in (ident.lhs, ident.rhs))

    def _implausible(self, template: Template, cells: dict[str, CellResult], values: dict) -> list[Identity]:
        """The identities with one cell unknown that no value of that cell can make hold."""
        out = []
        for ident in template.identities:
            unknown = [cid for cid in (*ident.lhs, *ident.rhs) if cid not in values]
            if len(unknown) != 1 or unknown[0] not in cells:
                continue
            cid = unknown[0]
            needed = _needed(ident, cid, values)
            read = {ch for ch in (cells[cid].text or "").translate(DIGIT_LOOKALIKES) if ch.isdigit()}
            if not self._plausible(template, cid, needed) or \
                    (read and float(needed).is_integer() and not read & set(str(int(abs(needed))))):
                out.append(ident)
        return out

    @staticmethod
    def _mending_sets(template: Template, values: dict, failed: list[Identity],
                      alternatives: dict[str, dict]) -> list[tuple]:
        """The smallest sets of changes (at most MAX_REPAIRED cells, each to one of its plausible
        readings, none in an identity that holds) that make every identity hold, found by
        mending one failed identity at a time by one cell, the identity with the fewest ways
        first. Several misreads on one page (faint 0s read 6 or 8 in four rows of table 三, a 5
        read 3) each break their row and column, and together have one explanation; where two
        sets of a size do, both are returned (and none is taken). Empty where none is found
        within MAX_REPAIR_STEPS."""
        found: set[frozenset] = set()
        steps = 0

        def ways(ident: Identity, known: dict, changed: dict) -> list[tuple]:
            out = []
            for cid in (*ident.lhs, *ident.rhs):
                if cid in changed or not alternatives.get(cid):
                    continue
                need = _needed(ident, cid, known)
                out += [(cid, v, p) for v, p in alternatives[cid].items() if abs(v - need) < 1e-6][:1]
            return out

        def search(changed: dict, broken: list[Identity], size: int):
            nonlocal steps
            steps += 1
            if not broken:
                found.add(frozenset(changed.items()))
                return
            if len(changed) == size or steps > MAX_REPAIR_STEPS:
                return
            known = {**values, **{cid: v for cid, (v, _) in changed.items()}}
            # an identity two misreads broke (a column) has no way yet: mended once one of them is
            options = min((w for w in (ways(ident, known, changed) for ident in broken) if w), key=len, default=[])
            for cid, value, p in options:
                after = {**changed, cid: (value, p)}
                search(after, failed_identities(template, {**known, cid: value}), size)

        for size in range(1, MAX_REPAIRED + 1):
            search({}, failed, size)
            if found or steps > MAX_REPAIR_STEPS:
                break
        if steps > MAX_REPAIR_STEPS:
            return []
        return [tuple((cid, v, p) for cid, (v, p) in sorted(one)) for one in found]

    def _pair_fixes(self, template: Template, cells: dict[str, CellResult], values: dict, failed: list,
                    alternatives: dict) -> list[tuple]:
        """When no set of changes mending one identity at a time fits: the changes of two cells
        (each among its plausible readings; an unreadable cell's from its digits) that make
        every identity hold. Only pairs that touch every failed identity are tried."""
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
        is proposed when the digits in the reading contain it, or it is the recogniser's
        likeliest number for the glyphs (or a seal lay over it, whose red ink may have been
        washed out with the digit's strokes), and every identity then holds."""
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
                value = _needed(ident, cid, {**values, **proposed})
                sealed = cells[cid].under_seal >= self.options.sealed_share
                if value >= 0 and float(value).is_integer() and (sealed or value == cells[cid].value or
                                                                  int(value) in _digit_readings(cells[cid].text or "")):
                    proposed[cid] = int(value)
                    progress = True
        if proposed and not failed_identities(template, {**values, **proposed}):
            for cid, value in proposed.items():
                cell = cells[cid]
                cell.ocr_value, cell.value, cell.repaired, cell.parse_ok = None, value, True, True
                cell.ocr_score = UNREADABLE_SOLVED_P
                values[cid] = value

    def _trusted(self, cell: CellResult) -> bool:
        """Read exactly (a text layer, a document) and placed surely (the structure readings
        agree on it, its row and column labels matched): only then is a failed check the
        document's own. A recognised reading, however confident, may be a misreading, and a
        value one reading put in a cell the other saw blank, or in a row whose label matched
        loosely, may belong to another cell: a person should see either before anyone is told
        the agency's numbers do not add up."""
        return not cell.recognised and not cell.contested and cell.label_score >= self.options.label_full_match

    @staticmethod
    def _column_kind(template: Template, cid: str) -> tuple[bool, bool]:
        table, _, column = cid.split("/")
        spec = template.tables[table]
        return column in spec.decimal_columns, column in spec.signed_columns

