"""Sentences of a report's running text that restate its table cells, in the phrasings real
reports use (seeds and published reports), a few of them planted to contradict the table;
and sentences that name other quantities (信息处理费, active disclosures) a checker must not
take for a table cell. Each restating sentence comes with its truth, so that the text-versus-
table checks can be measured: every planted contradiction should fail, nothing else should."""
from __future__ import annotations

import random
from dataclasses import dataclass

from .values import format_value

_CN = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """A small count in Chinese numerals: 3 → 三, 12 → 十二, 21 → 二十一."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


@dataclass
class Statement:
    section: int  # where it goes: 1 总体情况, 3 申请, 4 复议诉讼, 6 其他
    text: str
    truths: list[dict]  # per quantity it restates: {"rule", "cells", "text", "table", "planted"}


# rule → (cells per format, phrasings: {n} the number, {we} the office, {year})
PHRASES = {
    "applications_received": (
        {"2021": ["t3/new/total"], "2019": ["t3/new/total"]},
        ["{year}年，{we}共收到政府信息公开申请{n}件。", "全年共受理政府信息公开申请{n}件，均在法定期限内答复。",
         "本年度新收政府信息公开申请{n}件。", "{year}年全区受理政府信息公开申请 {n} 件，均在法定期限答复。",
         "一年来，{we}共收到并及时妥善处理群众政府信息公开申请{n}件。", "全年共受理依申请公开{n}件。",
         "本年度收到政府信息公开申请数量为{n}件。"]),
    "carried_in": (
        {"2021": ["t3/carried_in/total"], "2019": ["t3/carried_in/total"]},
        ["上年结转政府信息公开申请{n}件。", "另有上年度结转申请{n}件。"]),
    "carried_out": (
        {"2021": ["t3/carried_out/total"], "2019": ["t3/carried_out/total"]},
        ["结转下年度继续办理{n}件。", "{n}件申请结转至下一年度办理。"]),
    "applications_answered": (
        {"2021": ["t3/total/total"], "2019": ["t3/total/total"]},
        ["本年度已办结{n}件。", "已全部答复{n}件。"]),
    "disclosed": (
        {"2021": ["t3/disclosed/total"], "2019": ["t3/disclosed/total"]},
        ["其中予以公开{n}件。", "办理结果中，予以公开{n}件。"]),
    "administrative_review": (
        {"2021": ["t4/review/total"], "2019": ["t4/review/total"]},
        ["因政府信息公开工作被申请行政复议{n}件。", "全年发生政府信息公开行政复议案件{n}件。"]),
    "administrative_litigation": (
        {"2021": ["t4/litigation_direct/total", "t4/litigation_after_review/total"],
         "2019": ["t4/litigation_direct/total", "t4/litigation_after_review/total"]},
        ["因政府信息公开被提起行政诉讼{n}件。", "行政诉讼案件{n}件。"]),
    "corrected": (
        {k: ["t4/review/corrected", "t4/litigation_direct/corrected", "t4/litigation_after_review/corrected"]
         for k in ("2021", "2019")},
        ["复议、诉讼结果被纠错{n}件。"]),
    "normative_docs_issued": (
        {"2021": ["t2/art20_1.normative_docs/issued"], "2019": ["t2/art20_1.normative_docs/new_made"]},
        ["本年度制发行政规范性文件{n}件。", "全年印发规范性文件{n}件。"]),
    "normative_docs_in_force": (
        {"2021": ["t2/art20_1.normative_docs/in_force"]},
        ["现行有效规范性文件{n}件。"]),
    "administrative_fees": (
        {"2021": ["t2/art20_8.admin_fees/amount"]},
        ["本年度行政事业性收费{amount}。", "行政事业性收费金额共计{amount}。"]),
}
SECTIONS = {"applications_received": 1, "carried_in": 3, "carried_out": 3, "applications_answered": 3,
            "disclosed": 3, "administrative_review": 4, "administrative_litigation": 4, "corrected": 4,
            "normative_docs_issued": 1, "normative_docs_in_force": 1, "administrative_fees": 1}
# what real reports also say, restating no table cell
OTHER = [(6, "全年收取政府信息公开信息处理费{fee}元。"), (6, "本年度未收取信息处理费。"),
         (1, "全年主动公开政府信息{n}条。"), (1, "政策解读{n}篇，回应关切{n}次。")]
NO_REVIEWS = ["未发生因政府信息公开引起的行政复议、行政诉讼案件。", "本年度行政复议和行政诉讼案件均为0件。",
              "没有因政府信息公开被申请行政复议或提起行政诉讼的情况。"]
WITH_CARRIED = "全年共受理政府信息公开申请{n}件（含上年结转{m}件）。"
# as real authors write (the independent corpus's false accusations): result categories stated
# together, a 纠正 under its own sentence's subject, a received count that counts the carry-over
# in without saying so, and documents cleaned up and published (a part of those in force)
JOINED = "办理结果中，予以公开及部分公开{n}件。"
REVIEW_CORRECTED = "全年发生政府信息公开行政复议{r}件，其中结果纠正{n}件。"
LITIGATION_CORRECTED = "因政府信息公开被提起行政诉讼{r}件，其中结果纠正{n}件。"
SILENTLY_CARRIED = "全年共受理政府信息公开申请{n}件，均已按期答复。"
CLEANED_UP = "清理并集中发布现行有效行政规范性文件{n}件，动态更新本年度制发的规范性文件。"


def _as_authors_write(template_id: str, values: dict, rng: random.Random, planted_rate: float) -> list[Statement]:
    """One or two sentences in the phrasings real authors use that a checker reading words as
    cells gets wrong: each restates the sum of its cells (planted off with `planted_rate`), but
    the cleaned-up count names another quantity, which no check may call a contradiction."""
    def value(cells):
        return sum((values.get(c) or 0) for c in cells)

    def restating(section, phrase, rule, cells, **given):
        table = value(cells)
        planted = rng.random() < planted_rate
        said = _contradict(table, rng) if planted else table
        truth = {"rule": rule, "cells": cells, "text": said, "table": table, "planted": planted}
        return Statement(section, phrase.format(n=said, **given), [truth])

    review, litigation = ["t4/review/total"], ["t4/litigation_direct/total", "t4/litigation_after_review/total"]
    options = [lambda: restating(3, JOINED, "joined_results", ["t3/disclosed/total", "t3/partial/total"]),
               lambda: restating(4, REVIEW_CORRECTED, "corrected", ["t4/review/corrected"], r=value(review)),
               lambda: restating(4, LITIGATION_CORRECTED, "corrected",
                                 ["t4/litigation_direct/corrected", "t4/litigation_after_review/corrected"],
                                 r=value(litigation))]
    if values.get("t3/carried_in/total"):
        options.append(lambda: restating(1, SILENTLY_CARRIED, "applications_received",
                                         ["t3/new/total", "t3/carried_in/total"]))
    in_force = values.get("t2/art20_1.normative_docs/in_force") or 0
    if template_id == "2021" and in_force > 1:
        part = rng.randint(1, in_force - 1)
        options.append(lambda: Statement(1, CLEANED_UP.format(n=part), [
            {"rule": "normative_docs_in_force", "cells": ["t2/art20_1.normative_docs/in_force"], "text": part,
             "table": in_force, "planted": False, "other_quantity": True}]))
    return [make() for make in rng.sample(options, rng.randint(1, 2))]


def _contradict(value: float, rng: random.Random) -> float:
    """A different value a report might print: off by one or a few, a digit dropped or doubled."""
    if isinstance(value, float) and not value.is_integer():
        return round(value * rng.choice([0.5, 1.5, 10]) + rng.choice([1, 3]), 2)
    value = int(value)
    options = [value + 1, value + rng.randint(2, 9), value * 10 + rng.randint(0, 9)]
    if value > 0:
        options += [value - 1, int(str(value)[:-1] or 0)]
    return rng.choice([v for v in options if v != value and v >= 0])


def _amount(value: float, rng: random.Random) -> str:
    """An amount in 万元 as a report words it: in 万元 as printed, rounded, or in 元."""
    form = rng.choice(["exact", "round", "yuan"])
    if form == "yuan" and round(value * 10000, 2).is_integer():
        return f"{int(round(value * 10000))}元"
    if form == "round":
        return f"{value:.2f}万元"
    return f"{format_value(value)}万元"


def report_statements(template_id: str, values: dict, year: int, rng: random.Random,
                      planted_rate: float = 0.15) -> list[Statement]:
    """The sentences of one report's text about its numbers: 3-8 restating cells (each planted
    to contradict its table with `planted_rate`), and 1-3 about other quantities."""
    rules = [r for r, (cells, _) in PHRASES.items() if template_id in cells]
    chosen = rng.sample(rules, rng.randint(min(3, len(rules)), min(8, len(rules))))
    out = []
    we = rng.choice(["本机关", "我局", "我乡", "我镇", "本单位", "我办"])
    reviews_zero = sum((values.get(c) or 0) for c in PHRASES["administrative_review"][0][template_id] +
                       PHRASES["administrative_litigation"][0][template_id]) == 0
    if reviews_zero and rng.random() < 0.5:
        chosen = [r for r in chosen if r not in ("administrative_review", "administrative_litigation")]
        truth = [{"rule": r, "cells": PHRASES[r][0][template_id], "text": 0, "table": 0, "planted": False}
                 for r in ("administrative_review", "administrative_litigation")]
        out.append(Statement(4, rng.choice(NO_REVIEWS), truth))
    carried = values.get("t3/carried_in/total") or 0
    if carried and "applications_received" in chosen and rng.random() < 0.4:  # 23 件（含上年结转 2 件）
        chosen = [r for r in chosen if r not in ("applications_received", "carried_in")]
        cells = ["t3/new/total", "t3/carried_in/total"]
        both = (values.get("t3/new/total") or 0) + carried
        planted = rng.random() < planted_rate
        said = _contradict(both, rng) if planted else both
        out.append(Statement(1, WITH_CARRIED.format(n=said, m=carried), [
            {"rule": "applications_with_carried", "cells": cells, "text": said, "table": both, "planted": planted},
            {"rule": "carried_in", "cells": ["t3/carried_in/total"], "text": carried, "table": carried,
             "planted": False}]))
    out += _as_authors_write(template_id, values, rng, planted_rate)
    for rule in chosen:
        cells, phrasings = PHRASES[rule]
        table = sum((values.get(c) or 0) for c in cells[template_id])
        planted = rng.random() < planted_rate
        said = _contradict(table, rng) if planted else table
        phrase = rng.choice(phrasings)
        if rule == "administrative_fees":
            text = phrase.format(amount=_amount(float(said), rng))
        else:
            n = int(said)
            number = chinese(n) if n <= 20 and rng.random() < 0.1 else str(n)
            text = phrase.format(n=number, we=we, year=year)
        truth = {"rule": rule, "cells": cells[template_id], "text": said, "table": table, "planted": planted}
        out.append(Statement(SECTIONS[rule], text, [truth]))
    for section, phrase in rng.sample(OTHER, rng.randint(1, 3)):
        fee = rng.choice([0, 0, 35, 120])
        out.append(Statement(section, phrase.format(fee=fee, n=rng.randint(5, 3000)), []))
    return out
