"""Text against table: the statements in a report's running text that restate a table cell
("全年受理政府信息公开申请 21 件" restates 三、一 本年新收 总计), each checked against the cells it
restates. A disagreement is a warning about the document, never a repair of a cell.

The statements are data (configs/text.yaml): patterns in the phrasings real reports use, and the
cells each restates in each format, in each of its readings. A statement is said to contradict
its table ("fail") only where its words are exactly a cell's quantity and no reading of them
agrees: real authors state categories together, count the carry-over in, and report documents
cleaned up rather than in force, and a false accusation is worse than no check.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
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


Readings = dict[str, list[list[str]]]  # per format, the cell sets a statement may restate (cell id patterns)


@dataclass
class StatementRule:
    id: str
    what: str
    patterns: list[re.Pattern]
    readings: Readings  # the cells first, then the other readings of the same words (`also`)
    subjects: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # a subject word → its cells
    value_if_no_number: float | None = None
    unit: str | None = None
    joins: bool = False  # categories stated together: their cells come from the words matched


def _readings(rule: dict) -> Readings:
    out: Readings = {}
    for cells in [rule.get("cells", {}), *rule.get("also", [])]:
        for template_id, ids in cells.items():
            out.setdefault(str(template_id), []).append(ids)
    return out


@lru_cache(maxsize=1)
def statement_rules() -> list[StatementRule]:
    """The rules of configs/text.yaml, after the one for result categories stated together (it
    takes their number before the rule of one of them could)."""
    config = text_config()
    names = "|".join(map(re.escape, config["categories"]))
    joined = StatementRule(
        "joined_results", "几类办理结果合计",
        [re.compile(rf"(?P<cats>(?:{names})(?:(?:及|和|与|以及|、)(?:{names}))+)(?:的)?(?:申请)?(?:共计?|合计)?(?:为)?"
                    rf"{NUM}件")], {}, joins=True)
    rules = [StatementRule(r["id"], r["what"], [re.compile(p.replace("NUM", NUM)) for p in r["patterns"]],
                           _readings(r), {word: {str(k): v for k, v in cells.items()}
                                          for word, cells in r.get("subjects", {}).items()},
                           r.get("value_if_no_number"), r.get("unit")) for r in config["statements"]]
    return [rules[0], joined, *rules[1:]]  # after 信息处理费, which is checked against nothing


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
    readings: Readings  # the cells it may restate, by format (the rule's, or those its words pick)
    decimals: int = 0  # printed after the point (in the table's unit): a rounded amount agrees
    hedge: str | None = None  # a word of its clause that makes its number possibly another quantity


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
    sentence_start = max(text.chars.rfind(stop, 0, m.start()) for stop in "。；;！!？?") + 1
    clause_start = max(text.chars.rfind(stop, 0, m.start()) for stop in "。；;！!？?，,：:") + 1
    hedge = next((word for word in text_config()["inexact"] if word in text.chars[clause_start:m.end()]), None)
    return Statement(rule, value, text.sentence(m.start(), m.end()), section, first.page, bbox,
                     min(text.probs[m.start():m.end()]), _matched_readings(rule, m, text.chars[sentence_start:m.end()]),
                     decimals, hedge)


def _matched_readings(rule: StatementRule, m: re.Match, sentence: str) -> Readings:
    """The cells the words say: for categories stated together, the sum of theirs; where the
    sentence names one subject of a rule's (行政复议 or 行政诉讼), that subject's; where it names
    none, any of them; else the rule's readings."""
    if rule.joins:
        categories = text_config()["categories"]
        named = re.findall("|".join(map(re.escape, categories)), m.group("cats"))
        return {t: [[cid for name in named for cid in categories[name][t]]]
                for t in next(iter(categories.values()))}
    named = [word for word in rule.subjects if word in sentence]
    if len(named) == 1:
        return {t: [ids] for t, ids in rule.subjects[named[0]].items()}
    if not named and rule.subjects:
        return {t: [*ids, *(cells[t] for cells in rule.subjects.values() if t in cells)]
                for t, ids in rule.readings.items()}
    return rule.readings


def _cell_ids(cells: dict[str, CellResult], patterns: list[str]) -> list[str]:
    """The report's cell ids that the patterns (ids, `*` globs) name."""
    return [cid for pattern in patterns for cid in cells if fnmatchcase(cid, pattern)]


def _table_value(cells: dict[str, CellResult], patterns: list[str]) -> tuple[float | None, str | None]:
    """The sum of the cells (a printed blank counts 0), and why it is not sure, if it is not:
    a cell not found or not printed, flagged for review, or in a check its table fails (the
    table contradicts itself there)."""
    ids = _cell_ids(cells, patterns)
    total, doubt = 0.0, None
    for cid in ids:
        cell = cells[cid]
        if not cell.found or not cell.printed:
            return None, f"{cid} is not in the table"
        if cell.checks_failed:
            doubt = doubt or f"the table does not add up at {cid} ({cell.checks_failed[0]})"
        elif cell.needs_review:
            doubt = doubt or f"{cid} is flagged for review"
        total += cell.value or 0
    return (total, doubt) if ids else (None, "no such cells")


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def text_vs_table(sections: list[Section], template_id: str, cells: dict[str, CellResult]) -> list[dict]:
    """The cross-checks of a report's statements against its table cells: pass where a reading
    of the statement agrees with its cells; fail where every reading disagrees, the statement's
    words are exactly the quantity (no word of its clause makes it possibly another one) and both
    sides were read surely; uncertain otherwise, with the reason."""
    threshold = text_config()["statement_confidence"]
    checks, counts = [], {}
    for statement in find_statements(sections):
        readings = statement.readings.get(template_id)
        if not readings:
            continue  # a quantity the table does not hold (信息处理费), or not in this format
        values = [(ids, *_table_value(cells, ids)) for ids in readings]
        agreeing = [(ids, table) for ids, table, _ in values if table is not None
                    and abs(table - statement.value) <= 0.5 * 10 ** -statement.decimals + 1e-9]
        ids, table, _ = values[0]
        reason = None
        if agreeing:
            status, (ids, table) = "pass", agreeing[0]
        else:
            reason = next((d for _, _, d in values if d), None)
            if statement.hedge:
                reason = f"the words may count another quantity ({statement.hedge})"
            elif statement.confidence < threshold:
                reason = f"the statement was read with confidence {statement.confidence:.2f}"
            status = "uncertain" if reason else "fail"
        counts[statement.rule.id] = counts.get(statement.rule.id, 0) + 1
        check = {
            "id": f"text/{statement.rule.id}/{counts[statement.rule.id]}", "kind": "text_vs_table",
            "what": statement.rule.what, "status": status,
            "cells": _cell_ids(cells, ids),
            "statement": {"text": statement.text, "section": statement.section, "page": statement.page,
                          "bbox": statement.bbox, "confidence": round(statement.confidence, 4)},
            "values": {"text": _number(statement.value), "table": None if table is None else _number(table)}}
        if reason:
            check["reason"] = reason
        checks.append(check)
    return checks


def stated_cells(sections: list[Section], template_id: str) -> dict[str, CellResult]:
    """The cells a report without a table states in its text (a report on 2008-2018 that prints
    no statistics table): each statement whose words name one cell, the first of each cell;
    read from the text (`from_text`), in doubt where a word of its clause makes its number
    possibly another quantity (约, 余, 累计 …) or it was read unsurely."""
    threshold = text_config()["statement_confidence"]
    out: dict[str, CellResult] = {}
    for statement in find_statements(sections):
        readings = statement.readings.get(template_id) or []
        if len(readings) != 1 or len(readings[0]) != 1 or "*" in readings[0][0] or readings[0][0] in out:
            continue
        out[readings[0][0]] = CellResult(
            value=_number(statement.value), text=statement.text, confidence=0.0, needs_review=False,
            page=statement.page, bbox=statement.bbox, label_score=1.0, ocr_score=statement.confidence,
            from_text=True, row_doubt=bool(statement.hedge) or statement.confidence < threshold)
    return out


def describe_failure(check: dict) -> str:
    """A fail as one warning line."""
    where = f" (page {check['statement']['page']})" if check["statement"]["page"] else ""
    return (f"the text says {check['values']['text']} for {check['what']}{where} but the table gives "
            f"{check['values']['table']} ({' + '.join(check['cells'])}): 「{check['statement']['text']}」")
