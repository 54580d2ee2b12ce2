"""Two years of one agency side by side (`reportocr compare A B`): every table cell of both
with its absolute and relative change, the cells that changed most, the cross-checks of both
and the carry-over between them, and per section how much of the text is the same (evaluators
look for a report copied from the year before). A JSON and an HTML page that opens without a
server."""
from __future__ import annotations

import html
import json
import re
from difflib import SequenceMatcher
from pathlib import Path

from ..files import write_atomic
from ..read.prose import NUMERALS, compact
from ..templates import cell_labels, load_templates
from ..verify.years import same_agency, year_link

SECTION_NAMES = {1: "总体情况", 2: "主动公开政府信息情况", 3: "收到和处理政府信息公开申请情况",
                 4: "政府信息公开行政复议、行政诉讼情况", 5: "存在的主要问题及改进情况", 6: "其他需要报告的事项"}
MOST_CHANGED = 12


def _cell_ids(templates: list[str | None]) -> list[tuple[str, str]]:
    """(cell id, the template whose labels name it) over both reports' formats, in print order."""
    out, seen = [], set()
    for template_id in dict.fromkeys(t for t in templates if t):
        for cid in load_templates()[template_id].cell_ids():
            if cid not in seen:
                seen.add(cid)
                out.append((cid, template_id))
    return out


def _value(data: dict, cid: str):
    cell = data["cells"].get(cid)
    return None if cell is None else cell["value"]


def _changes(earlier: dict, later: dict) -> list[dict]:
    rows = []
    for cid, template_id in _cell_ids([earlier["template"], later["template"]]):
        row, column = cell_labels(template_id, cid)
        a, b = _value(earlier, cid), _value(later, cid)
        change = None if a is None or b is None else round(b - a, 6)
        relative = None if change is None or a == 0 else round(change / abs(a), 4)
        flagged = any(d["cells"].get(cid, {}).get("needs_review", False) for d in (earlier, later))
        rows.append({"id": cid, "label": f"{row} / {column}", "before": a, "after": b, "change": change,
                     "relative": relative, "flagged": flagged})
    return rows


def _most_changed(rows: list[dict]) -> list[dict]:
    """The cells that changed most: the change over the square root of the larger value, so that
    both a large change (550 → 9,487) and a whole one (0 → 50) rank above a small one (0 → 1)."""
    changed = [r for r in rows if r["change"]]
    changed.sort(key=lambda r: abs(r["change"]) / max(abs(r["before"]), abs(r["after"]), 1) ** 0.5, reverse=True)
    return changed[:MOST_CHANGED]


def _shape(text: str) -> str:
    """A section's text for comparing years: numbers (years, counts) all alike."""
    return re.sub(r"\d+(?:\.\d+)?", "#", compact(text))


def text_similarity(a: str, b: str) -> float:
    """How much of two texts is the same, 0..1 (difflib's ratio on their shapes)."""
    a, b = _shape(a), _shape(b)
    return round(SequenceMatcher(None, a, b, autojunk=False).ratio(), 3)


def _verdict(similarity: float) -> str:
    return "copied" if similarity >= 0.9 else "largely the same" if similarity >= 0.6 else "rewritten"


def _sections(earlier: dict, later: dict) -> list[dict]:
    def by_number(data):
        return {s["number"]: s for s in data.get("sections", []) if s["number"]}

    a, b = by_number(earlier), by_number(later)
    out = []
    for number in range(1, 7):
        if number not in a and number not in b:
            continue
        ta, tb = a.get(number, {}).get("text", ""), b.get(number, {}).get("text", "")
        chars = [len(compact(ta)), len(compact(tb))]
        similarity = text_similarity(ta, tb) if all(chars) else None
        verdict = _verdict(similarity) if similarity is not None else \
            "no text in either year" if not any(chars) else "text in one year only"
        out.append({"number": number, "heading": f"{NUMERALS[number - 1]}、{SECTION_NAMES[number]}",
                    "chars": chars, "similarity": similarity, "verdict": verdict})
    return out


def compare_reports(a: dict, b: dict) -> dict:
    """The comparison of two report JSONs (in either order: the earlier year comes first)."""
    earlier, later = sorted((a, b), key=lambda d: d["report"].get("year") or 0)
    y0, y1 = earlier["report"].get("year"), later["report"].get("year")
    match = same_agency(earlier["report"].get("agency") or "", later["report"].get("agency") or "")
    notes = []
    if match is None:
        notes.append(f"the agency names do not match by the naming rule: {earlier['report'].get('agency')} / "
                     f"{later['report'].get('agency')}")
    cross = [dict(c, year=y) for d, y in ((earlier, y0), (later, y1)) for c in d.get("cross_checks", [])
             if c["kind"] == "text_vs_table"]
    link = year_link(earlier, later, match or "compared as asked") if y0 and y1 and y1 == y0 + 1 else None
    if link is not None:
        cross.append(dict(link, year=f"{y0}-{y1}"))
    elif y0 and y0 == y1:
        notes.append("both reports are of the same year")
    rows = _changes(earlier, later)
    return {"reports": [{"source": d["source"], "agency": d["report"].get("agency"), "year": d["report"].get("year"),
                         "template": d["template"]} for d in (earlier, later)],
            "agency_match": match, "notes": notes, "cells": rows, "most_changed": _most_changed(rows),
            "cross_checks": cross, "sections": _sections(earlier, later)}


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"


def _pct(value) -> str:
    return "" if value is None else f"{value:+.0%}"


CSS = """
body{font:14px/1.5 "Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:22px;margin-bottom:4px} h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:8px 0} th,td{border:1px solid #ddd;padding:3px 8px}
th{background:#f3f3f3;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.changed td{background:#fff8e1} .up{color:#1b5e20} .down{color:#b71c1c} .flag{color:#e65100}
.pass{color:#1b5e20;font-weight:bold} .fail{color:#b71c1c;font-weight:bold} .uncertain{color:#e65100;font-weight:bold}
.copied{color:#b71c1c;font-weight:bold} .note{background:#fdecea;padding:6px 10px}
"""


def render_html(comparison: dict) -> str:
    e = html.escape
    r0, r1 = comparison["reports"]
    y0, y1 = r0["year"], r1["year"]
    parts = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{e(str(r1['agency']))} "
             f"{y0} → {y1}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(str(r1['agency'] or r0['agency']))}: {y0} → {y1}</h1>",
             "<table><tr><th>year</th><th>agency as printed</th><th>file</th><th>format</th></tr>"]
    for r in (r0, r1):
        parts.append(f"<tr><td>{r['year']}</td><td>{e(str(r['agency']))}</td><td>{e(r['source'])}</td>"
                     f"<td>{r['template']}</td></tr>")
    parts.append("</table>")
    if comparison["agency_match"]:
        parts.append(f"<p>One agency: {e(comparison['agency_match'])}.</p>")
    parts += [f"<p class='note'>{e(note)}</p>" for note in comparison["notes"]]

    parts.append("<h2>Cross-checks</h2><table id='cross-checks'><tr><th>year</th><th>check</th><th>status</th>"
                 "<th>what was compared</th></tr>")
    for c in comparison["cross_checks"]:
        if c["kind"] == "year_over_year":
            what = "; ".join(f"{col}: {' vs '.join(_fmt(v) for k, v in vals.items() if k != 'status')}"
                             for col, vals in c["values"].items() if vals["status"] != "pass") or \
                "上年结转 equals the year before's 结转下年度 in every column"
            name = "carry-over (上年结转 = 结转下年度)"
        else:
            what = (f"text: {_fmt(c['values']['text'])} · table: {_fmt(c['values']['table'])} · "
                    f"「{c['statement']['text']}」")
            name = c["what"]
        parts.append(f"<tr><td>{e(str(c['year']))}</td><td>{e(name)}</td>"
                     f"<td class='{c['status']}'>{c['status']}</td><td>{e(what)}</td></tr>")
    if not comparison["cross_checks"]:
        parts.append("<tr><td colspan='4'>no statement in the text restates a table cell</td></tr>")
    parts.append("</table>")

    parts.append("<h2>Text, section by section</h2><table id='sections'><tr><th>section</th>"
                 f"<th>characters {y0} / {y1}</th><th>same text</th><th></th></tr>")
    for s in comparison["sections"]:
        same = "" if s["similarity"] is None else f"{s['similarity']:.0%}"
        parts.append(f"<tr><td>{e(s['heading'])}</td><td class='n'>{s['chars'][0]} / {s['chars'][1]}</td>"
                     f"<td class='n'>{same}</td><td class='{s['verdict'].split()[0]}'>{s['verdict']}</td></tr>")
    parts.append("</table>")

    def cell_rows(rows, table_id):
        out = [f"<table id='{table_id}'><tr><th>cell</th><th>{y0}</th><th>{y1}</th><th>change</th><th>%</th></tr>"]
        for r in rows:
            direction = "" if not r["change"] else ("up" if r["change"] > 0 else "down")
            flag = " <span class='flag' title='flagged for review'>⚑</span>" if r["flagged"] else ""
            out.append(f"<tr class='{'changed' if r['change'] else ''}'><td title='{r['id']}'>{e(r['label'])}{flag}</td>"
                       f"<td class='n'>{_fmt(r['before'])}</td><td class='n'>{_fmt(r['after'])}</td>"
                       f"<td class='n {direction}'>{'' if r['change'] is None else _fmt(r['change'])}</td>"
                       f"<td class='n {direction}'>{_pct(r['relative'])}</td></tr>")
        return out + ["</table>"]

    parts.append("<h2>Changed most</h2>")
    parts += cell_rows(comparison["most_changed"], "most-changed") if comparison["most_changed"] else \
        ["<p>No cell changed.</p>"]
    titles = {"t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况", "t4": "四、行政复议、行政诉讼"}
    for table_id, title in titles.items():
        parts.append(f"<h2>{title}</h2>")
        parts += cell_rows([r for r in comparison["cells"] if r["id"].startswith(table_id + "/")], f"cells-{table_id}")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_comparison(comparison: dict, out_dir: Path) -> tuple[Path, Path]:
    r0, r1 = comparison["reports"]
    stem = f"compare_{Path(r0['source']).stem}_{Path(r1['source']).stem}"
    json_path, html_path = out_dir / f"{stem}.json", out_dir / f"{stem}.html"
    write_atomic(json_path, json.dumps(comparison, ensure_ascii=False, indent=1))
    write_atomic(html_path, render_html(comparison))
    return json_path, html_path
