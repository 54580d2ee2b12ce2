"""Reconcile: one value per template cell from the structure readings that found it.

Where the ruled and the text reading put the same reading in a cell, it stands on both (its
confidence is the higher for it). Where only one of them found the cell (the other lost its row
or column: a missing rule, a drifting grid), that one is taken. Where they disagree, the better
supported wins (ink over a blank, a number over an unreadable reading, then the better row and
header match; on a tie the ruled reading), the other value is kept as `disputed` (the checks may
prefer it) and the cell is flagged. Where one reading finds a row printed that the other says
is not, the value is taken and doubted.
"""
from __future__ import annotations

from ..types import CellResult, same_value


def _support(cell: CellResult) -> tuple[bool, bool, float]:
    """What a reading has for the cell, strongest first: ink at all (a reading loses far more
    often than it invents: a blank against a number is a row or column it lost), a number,
    then how well its row and header matched."""
    return bool(cell.text), cell.parse_ok and cell.value is not None, round(cell.label_score, 3)


def reconcile(readings: list[dict[str, CellResult]]) -> dict[str, CellResult]:
    """Every cell id of the first reading, from all of them (in order of preference)."""
    out = {}
    for cid, first in readings[0].items():
        found = [r[cid] for r in readings if r[cid].found]
        if not found:
            out[cid] = first
            continue
        best = max(found, key=_support)  # max keeps the first of equals: the preferred reading
        agreeing = [c for c in found if same_value(c.value, best.value) and c.parse_ok == best.parse_ok]
        best.readings, best.support = len(readings), len(agreeing)
        best.contested = len(agreeing) < len(found)
        # a reading of the same number, less sure of it (dust read as a point: "0."), disputes nothing
        others = [c.value for c in found if c not in agreeing and not same_value(c.value, best.value)]
        if others:
            best.disputed = others[0]
        if len(agreeing) > 1:
            best.label_score = max(c.label_score for c in agreeing)
        if best.printed and any(not c.printed for c in found):
            # one reading finds the row the other says the table does not print (a pre-2019
            # indicator, a one-row form): where it stands is in doubt
            best.row_doubt = True
        out[cid] = best
    return out
