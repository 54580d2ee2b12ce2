"""Text against table: the statements in a report's running text that restate a table cell
("全年受理政府信息公开申请 21 件" restates 三、一 本年新收 总计), each checked against the cells it
restates. A disagreement is a warning about the document, never a repair of a cell.

The statements are data (configs/text.yaml): patterns in the phrasings real reports use, and the
cells each restates in each format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..read.prose import compact, text_config
from ..types import CellResult, ProseLine, Section, union_bbox

NUM = r"(?P<n>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千]+)"
_DIGITS = {ch: i for i, ch in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_PER_WAN = {"元": 10000, "万元": 1}  # the table's amounts are in 万元


def parse_number(text: str) -> float | None:
    """Digits ('1,136', '7730.28') or Chinese numerals ('十二', '二十一', '两') as a number."""
    text = text.replace(",", "")
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return float(text)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


@dataclass
class StatementRule:
    id: str
    what: str
    patterns: list[re.Pattern]
    cells: dict[str, list[str]]
    value_if_no_number: float | None = None
    unit: str | None = None


@lru_cache(maxsize=1)
def statement_rules() -> list[StatementRule]:
    return [StatementRule(r["id"], r["what"], [re.compile(p.replace("NUM", NUM)) for p in r["patterns"]],
                          {str(k): v for k, v in r.get("cells", {}).items()}, r.get("value_if_no_number"),
                          r.get("unit")) for r in text_config()["statements"]]


@dataclass
class _Text:
    """A section's text compacted (see prose.compact), each character with its probability and
    the line it came from, so a match can say where it is and how sure its reading is."""
    chars: str
    probs: list[float]
    owners: list[ProseLine]
    printed: list[str]  # the character as printed (full-width punctuation kept), for quoting

    @classmethod
    def of(cls, section: Section) -> "_Text":
        chars, probs, owners, printed = [], [], [], []
        for line in section.lines:
            for ch, p in zip(line.text, line.char_probs or [1.0] * len(line.text)):
                for i, out in enumerate(compact(ch)):
                    chars.append(out)
                    probs.append(p)
                    owners.append(line)
                    printed.append("" if i else ch)
        return cls("".join(chars), probs, owners, printed)

    def sentence(self, start: int, end: int) -> str:
        """The sentence around chars[start:end], as printed."""
        left = max(self.chars.rfind(stop, 0, start) for stop in "。；;！!？?") + 1
        rights = [i for i in (self.chars.find(stop, end) for stop in "。；;！!？?") if i >= 0]
        return "".join(self.printed[left:min(rights, default=len(self.chars)) + 1])


@dataclass
class Statement:
    rule: StatementRule
    value: float
    text: str  # the sentence it is in
    section: int
    page: int | None
    bbox: list[float] | None
    confidence: float  # the least sure character of the words matched
    decimals: int = 0  # printed after the point (in the table's unit): a rounded amount agrees


def find_statements(sections: list[Section]) -> list[Statement]:
    """Every statement the rules find, in rule order; a number one rule took is not taken
    again by a later rule (one number states one quantity)."""
    found = []
    for section in sections:
        text = _Text.of(section)
        taken: set[int] = set()  # where the numbers taken start
        for rule in statement_rules():
            for pattern in rule.patterns:
                for m in pattern.finditer(text.chars):
                    has_number = "n" in pattern.groupindex
                    if has_number and m.start("n") in taken:
                        continue
                    statement = _statement(rule, m, text, section.number)
                    if statement is not None:
                        found.append(statement)
                        if has_number:
                            taken.add(m.start("n"))
    return found


def _statement(rule: StatementRule, m: re.Match, text: _Text, section: int) -> Statement | None:
    """The statement a match makes: its value (in the table's unit), the sentence it is in,
    where it is, and how surely it was read."""
    decimals = 0
    if "n" not in m.re.groupindex:
        value = rule.value_if_no_number
    else:
        value = parse_number(m.group("n"))
        if value is None:
            return None
        decimals = len(m.group("n").partition(".")[2])
        if rule.unit:
            value = round(value / _PER_WAN[m.group("unit")], 8)
            decimals += 4 if m.group("unit") == "元" else 0
    owners = text.owners[m.start():m.end()]
    first = owners[0]
    lines = list({id(line): line for line in owners}.values())
    boxes = [line.bbox for line in lines if line.bbox and line.page == first.page]
    bbox = [round(v, 1) for v in union_bbox(boxes)] if boxes else None
    return Statement(rule, value, text.sentence(m.start(), m.end()), section, first.page, bbox,
                     min(text.probs[m.start():m.end()]), decimals)


def _table_value(cells: dict[str, CellResult], ids: list[str]) -> tuple[float | None, bool]:
    """The sum of the cells (a printed blank counts 0), and whether it is sure: every cell
    found, not flagged for review."""
    total, sure = 0.0, True
    for cid in ids:
        cell = cells.get(cid)
        if cell is None or not cell.found or not cell.printed:
            return None, False
        sure = sure and not cell.needs_review
        total += cell.value or 0
    return total, sure


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def text_vs_table(sections: list[Section], template_id: str, cells: dict[str, CellResult]) -> list[dict]:
    """The cross-checks of a report's statements against its table cells: pass where they
    agree; fail where they disagree and both the statement and the cells were read surely;
    uncertain where they disagree and either was not."""
    threshold = text_config()["statement_confidence"]
    checks, counts = [], {}
    for statement in find_statements(sections):
        ids = statement.rule.cells.get(template_id)
        if not ids:
            continue  # a quantity the table does not hold (信息处理费), or not in this format
        table, sure = _table_value(cells, ids)
        counts[statement.rule.id] = counts.get(statement.rule.id, 0) + 1
        agree = table is not None and abs(table - statement.value) <= 0.5 * 10 ** -statement.decimals + 1e-9
        if agree:
            status = "pass"
        elif sure and statement.confidence >= threshold:
            status = "fail"
        else:
            status = "uncertain"
        checks.append({
            "id": f"text/{statement.rule.id}/{counts[statement.rule.id]}", "kind": "text_vs_table",
            "what": statement.rule.what, "status": status, "cells": ids,
            "statement": {"text": statement.text, "section": statement.section, "page": statement.page,
                          "bbox": statement.bbox, "confidence": round(statement.confidence, 4)},
            "values": {"text": _number(statement.value), "table": None if table is None else _number(table)}})
    return checks


def describe_failure(check: dict) -> str:
    """A fail as one warning line."""
    where = f" (page {check['statement']['page']})" if check["statement"]["page"] else ""
    return (f"the text says {check['values']['text']} for {check['what']}{where} but the table gives "
            f"{check['values']['table']} ({' + '.join(check['cells'])}): 「{check['statement']['text']}」")
