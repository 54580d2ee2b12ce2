"""One agency across years: which reports in an output folder are the same agency's (its
name is printed with or without the places above it: 淮安市洪泽区人民政府 in 2024, 洪泽区人民政府
in 2023), an agency key for the exports (a panel of agency × year is one group-by), and the
check between consecutive years: this year's 上年结转 is last year's 结转下年度, column by column
(the national grids), or this year's 历年累计 is last year's plus this year's (pre-2019 tables).

The rule is conservative: two names are one agency when they are equal, or when the longer is
the shorter with higher-level places before it (each ending 省/自治区/市/州/地区/盟/县/区/旗) and
the shorter itself starts with a place name; a short name that would join two different longer
ones (朝阳区人民政府 under 北京市 and under 长春市) joins neither.
"""
from __future__ import annotations

import re
from collections import defaultdict

from ..failpoints import failpoint
from ..read.prose import compact
from ..types import failure_reason

APPLICANT_COLUMNS = ["natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org",
                     "total"]
_PLACES_ABOVE = re.compile(r"^(?:[\u4e00-\u9fff]{2,9}?(?:省|自治区|市|自治州|州|地区|盟|县|区|旗))+$")
_STARTS_WITH_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:市|区|县|旗|乡|镇|街道)")


def agency_name(name: str | None) -> str:
    """The name as compared, and the agency key until a longer name of the agency turns up."""
    return compact(name or "").strip("()（）")


def same_agency(a: str, b: str) -> str | None:
    """Why names `a` and `b` are one agency's, or None when the rule does not say they are."""
    a, b = agency_name(a), agency_name(b)
    if not a or not b:
        return None
    if a == b:
        return f"the same name {a}"
    short, long = sorted((a, b), key=len)
    above = long[:-len(short)]
    if long.endswith(short) and _PLACES_ABOVE.match(above) and _STARTS_WITH_PLACE.match(short):
        return f"{short} is {long} without the places above it ({above})"
    return None


def agency_keys(names: list[str | None]) -> dict[str, str]:
    """Each name's agency key: the longest name of its agency among `names` (the most specific)."""
    distinct = sorted({agency_name(n) for n in names if agency_name(n)}, key=len, reverse=True)
    key = {}
    for name in distinct:  # longest first: a longer name has its key when a shorter one looks
        longer = {key[other] for other in key if len(other) > len(name) and same_agency(name, other)}
        key[name] = longer.pop() if len(longer) == 1 else name
    return key


def _cell(data: dict, cid: str) -> tuple[float | None, bool]:
    """A cell's value (a printed blank is 0) and whether it is sure."""
    cell = data["cells"].get(cid)
    if cell is None or not cell.get("printed", True) or (cell["value"] is None and cell["confidence"] == 0):
        return None, False
    return cell["value"] or 0, not cell["needs_review"]


def carry_over(earlier: dict, later: dict, match: str) -> dict:
    """The check of `later`'s 上年结转 against `earlier`'s 结转下年度, column by column: pass,
    fail (a column differs and both cells were read surely) or uncertain."""
    columns, statuses, cells = {}, [], []
    y0, y1 = earlier["report"]["year"], later["report"]["year"]
    for col in APPLICANT_COLUMNS:
        out_value, out_sure = _cell(earlier, f"t3/carried_out/{col}")
        in_value, in_sure = _cell(later, f"t3/carried_in/{col}")
        if out_value is not None and out_value == in_value:
            status = "pass"
        else:
            status = "fail" if out_sure and in_sure else "uncertain"
            cells += [f"{earlier['source']}:t3/carried_out/{col}", f"{later['source']}:t3/carried_in/{col}"]
        statuses.append(status)
        columns[col] = {f"carried_out_{y0}": out_value, f"carried_in_{y1}": in_value, "status": status}
    status = "fail" if "fail" in statuses else "uncertain" if "uncertain" in statuses else "pass"
    return {"id": f"years/{y0}-{y1}", "kind": "year_over_year", "status": status,
            "cells": cells or [f"{earlier['source']}:t3/carried_out/{c}" for c in APPLICANT_COLUMNS] +
            [f"{later['source']}:t3/carried_in/{c}" for c in APPLICANT_COLUMNS],
            "reports": {str(y0): earlier["source"], str(y1): later["source"]},
            "agency_match": match, "values": columns}


def cumulative_link(earlier: dict, later: dict, match: str) -> dict | None:
    """Two consecutive pre-2019 reports: an indicator's count over the years (历年累计) is last
    year's plus this year's, for each indicator both print it for; None where none is."""
    y0, y1 = earlier["report"]["year"], later["report"]["year"]
    values, statuses, cells = {}, [], []
    for cid in later["cells"]:
        if not cid.startswith("s/") or not cid.endswith("/cumulative"):
            continue
        before, before_sure = _cell(earlier, cid)
        after, after_sure = _cell(later, cid)
        this_year, year_sure = _cell(later, cid.removesuffix("cumulative") + "year")
        if before is None or after is None or this_year is None:
            continue
        if after == before + this_year:
            status = "pass"
        else:
            status = "fail" if before_sure and after_sure and year_sure else "uncertain"
            cells += [f"{earlier['source']}:{cid}", f"{later['source']}:{cid}"]
        statuses.append(status)
        values[cid.split("/")[1]] = {f"cumulative_{y0}": before, f"year_{y1}": this_year, f"cumulative_{y1}": after,
                                     "status": status}
    if not values:
        return None
    status = "fail" if "fail" in statuses else "uncertain" if "uncertain" in statuses else "pass"
    return {"id": f"years/{y0}-{y1}", "kind": "year_over_year", "status": status,
            "cells": cells or [f"{later['source']}:s/{row}/cumulative" for row in values],
            "reports": {str(y0): earlier["source"], str(y1): later["source"]},
            "agency_match": match, "values": values}


NATIONAL = ("2019", "2021")


def year_link(earlier: dict, later: dict, match: str) -> dict | None:
    """The check between two consecutive reports of one agency: the carry-over of applications
    between the national grids, the counts over the years between pre-2019 tables; none
    across the change of format (the quantities differ)."""
    formats = (earlier["template"], later["template"])
    if all(f in NATIONAL for f in formats):
        return carry_over(earlier, later, match)
    if formats == ("pre-2019", "pre-2019"):
        return cumulative_link(earlier, later, match)
    return None


def describe_carry_over(check: dict) -> str:
    """A failed or uncertain year-over-year check as one line."""
    (y0, earlier), (y1, later) = check["reports"].items()
    wrong = {key: v for key, v in check["values"].items() if v["status"] != "pass"}
    if all(f"carried_out_{y0}" in v for v in wrong.values()):
        columns = ", ".join(f"{col} {v[f'carried_out_{y0}']} → {v[f'carried_in_{y1}']}" for col, v in wrong.items())
        return f"carry-over {check['status']}: {earlier} ({y0}) 结转下年度 against {later} ({y1}) 上年结转: {columns}"
    rows = ", ".join(f"{row} {v[f'cumulative_{y0}']} + {v[f'year_{y1}']} → {v[f'cumulative_{y1}']}"
                     for row, v in wrong.items())
    return f"counts over the years {check['status']}: {earlier} ({y0}) 历年累计 + {later} ({y1}) 本年 against its 历年累计: {rows}"


def link_years(reports: list[tuple[str, dict]]) -> tuple[list[str], dict[str, str]]:
    """Sets every report's agency key and its year-over-year checks (replacing those of an
    earlier link) from the reports of the same agency a year before and after. Returns the
    stems of the reports whose data changed (to be written back), and the reports that could
    not be linked, each with the reason: the others are linked without them."""
    failures: dict[str, str] = {}
    linkable = []
    for stem, data in reports:
        try:
            failpoint("years", data["source"])
            linkable.append((stem, data, data["report"].get("agency"), data["report"].get("year")))
        except Exception as e:
            failures[stem] = failure_reason(e)
    keys = agency_keys([agency for _, _, agency, _ in linkable])
    by_agency = defaultdict(list)
    for stem, data, agency, year in linkable:
        if agency_name(agency) and isinstance(year, int):
            by_agency[keys[agency_name(agency)]].append((stem, data))
    new_checks = defaultdict(list)
    for members in by_agency.values():
        for stem0, earlier in members:
            for stem1, later in members:
                if later["report"]["year"] != earlier["report"]["year"] + 1:
                    continue
                try:
                    check = year_link(earlier, later,
                                      same_agency(earlier["report"]["agency"], later["report"]["agency"]) or
                                      f"both under {keys[agency_name(later['report']['agency'])]}")
                except Exception as e:
                    failures[stem1] = failure_reason(e)
                    continue
                if check is None:
                    continue
                new_checks[stem0].append(check)
                new_checks[stem1].append(check)
    changed = []
    for stem, data, agency, _ in linkable:
        if stem in failures:
            continue
        try:
            kept = [c for c in data.get("cross_checks", []) if c["kind"] != "year_over_year"]
        except Exception as e:
            failures[stem] = failure_reason(e)
            continue
        checks = kept + new_checks.get(stem, [])
        key = keys.get(agency_name(agency)) if agency_name(agency) else None
        if checks != data.get("cross_checks", []) or data["report"].get("agency_key") != key:
            data["cross_checks"] = checks
            data["report"]["agency_key"] = key
            changed.append(stem)
    return changed, failures
