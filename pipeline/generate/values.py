"""Random cell values for one report that satisfy every identity of its template."""
from __future__ import annotations

import random

from ..templates import Template

APPLICANTS = ("natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org")


def _small(rng: random.Random, busy: float, high: int) -> int:
    """Mostly zero, sometimes a count up to `high` (real offices receive few requests)."""
    return rng.randint(1, high) if rng.random() < busy else 0


def _decimal(rng: random.Random, high: float) -> float:
    places = rng.choice([0, 1, 2, 2, 4, 6])
    return round(rng.uniform(0, high), places) if places else float(rng.randint(0, int(high)))


def _t2(template: Template, rng: random.Random) -> dict[str, float | int]:
    out: dict[str, float | int] = {}
    for row in template.tables["t2"].rows:
        for col in row.columns:
            cid = f"t2/{row.id}/{col}"
            if col == "amount":
                out[cid] = _decimal(rng, rng.choice([500, 5000, 900000])) if rng.random() < 0.5 else 0
            elif col == "change":
                out[cid] = rng.randint(-9, 12) if rng.random() < 0.4 else 0
            else:
                out[cid] = _small(rng, 0.6, rng.choice([9, 60, 400, 3000]))
    return out


def _t3(template: Template, rng: random.Random, carried: dict[str, int] | None = None) -> dict[str, int | None]:
    """`carried`: per applicant column, what the year before carried out (a series of years)."""
    rows = [r.id for r in template.tables["t3"].rows]
    result_rows = [r for r in rows if r not in ("new", "carried_in", "total", "carried_out")]
    busy = rng.choice([0.0, 0.3, 0.7, 1.0])
    out: dict[str, int | None] = {}
    for col in APPLICANTS:
        high = 400 if col == "natural_person" else 25
        new = _small(rng, busy, high)
        carried_in = _small(rng, busy / 3, max(1, high // 10)) if carried is None else carried[col]
        carried_out = rng.randint(0, (new + carried_in) // 4) if new + carried_in else 0
        done = new + carried_in - carried_out
        weights = [rng.random() ** 3 for _ in result_rows]
        counts = dict.fromkeys(result_rows, 0)
        for _ in range(done):
            counts[rng.choices(result_rows, weights)[0]] += 1
        out[f"t3/new/{col}"] = new
        out[f"t3/carried_in/{col}"] = carried_in
        out[f"t3/carried_out/{col}"] = carried_out
        out[f"t3/total/{col}"] = done
        for row, n in counts.items():
            out[f"t3/{row}/{col}"] = n
    for row in rows:
        out[f"t3/{row}/total"] = sum(out[f"t3/{row}/{col}"] or 0 for col in APPLICANTS)
    # Some offices leave the 2021 (六) rows blank when they are all zero (seed report 003).
    other_rows = [r for r in rows if r.startswith("other.")]
    if other_rows and rng.random() < 0.2 and all(out[f"t3/{r}/total"] == 0 for r in other_rows):
        for r in other_rows:
            for col in (*APPLICANTS, "total"):
                out[f"t3/{r}/{col}"] = None
    return out


def _t4(template: Template, rng: random.Random) -> dict[str, int]:
    out = {}
    for group in template.tables["t4"].rows:
        parts = [_small(rng, 0.3, 12) for _ in range(4)]
        for col, n in zip(("upheld", "corrected", "other", "pending"), parts):
            out[f"t4/{group.id}/{col}"] = n
        out[f"t4/{group.id}/total"] = sum(parts)
    return out


def draw_values(template: Template, rng: random.Random,
                carried_in: dict[str, int] | None = None) -> dict[str, float | int | None]:
    values = {**_t2(template, rng), **_t3(template, rng, carried_in), **_t4(template, rng)}
    return {cid: values[cid] for cid in template.cell_ids()}  # in print order; a missing id is a bug


def as_printed(template: Template, values: dict, style) -> dict:
    """The truth of what a report prints in its layout (a tables.Style): where a 2021 report
    prints （六）其他处理 as one row, that row holds the three sub-rows' sums as other.other and
    the other two are not printed (null); a table that leaves its zeros blank has nulls there."""
    out = dict(values)
    for cid, v in values.items():
        if v == 0 and cid.split("/")[0] in style.zeros_blank:
            out[cid] = None
    if not style.other_one_row or "t3/other.other/total" not in values:
        return out
    for col in (*APPLICANTS, "total"):
        parts = [values[f"t3/other.{r}/{col}"] for r in ("overdue_correction", "overdue_fee", "other")]
        out[f"t3/other.other/{col}"] = None if all(v is None for v in parts) else sum(v or 0 for v in parts)
        out[f"t3/other.overdue_correction/{col}"] = out[f"t3/other.overdue_fee/{col}"] = None
    return out


def format_value(value: float | int | None) -> str:
    """How a value is printed in a cell."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value}"
    return str(int(value))
