"""Reports on 2008-2018 (format pre-2019) with their truth: prose, and the statistics table of
indicators at the end (附表), as offices printed it: the short form of 2008 (主动公开, requests and
their channels, answers, fees, reviews, lawsuits, complaints) or the national form of 2014 (with
its sections, outcomes, refusal grounds, staff and meetings), each row's label in one of the
variants the template knows and numbered as offices number them (其中：1. / （一） / 1、), one value
column (本年 / 年末统计 / YYYY年度) or two (and 历年累计), with or without a 代码 and a 计量单位 column,
now and then in another order or stopping part way (the rows after the cut are not printed, not
zero). The truth holds the printed indicators only; the values keep every identity of the template.
"""
from __future__ import annotations

import random

from ..templates import load_templates
from .content import PROSE, Block, ReportContent, title_blocks, _agency
from .tables import Grid

SHORT_FORM = ["proactive.total", "proactive.website", "proactive.gazette", "requests.total", "requests.in_person",
              "requests.fax", "requests.email", "requests.online", "requests.letter", "requests.other",
              "answers.total", "answers.granted", "answers.partly_granted", "answers.refused", "answers.other",
              "fees", "review", "litigation", "complaints"]
# the national form of 国办发〔2014〕32号: its section headings (rows without values) before their rows
NATIONAL_FORM = [("一、主动公开情况", ["proactive.total", "proactive.normative_docs", "proactive.normative_issued",
                                    "proactive.gazette", "proactive.website", "proactive.weibo", "proactive.wechat",
                                    "proactive.other"]),
                 ("二、回应解读情况", ["response.hot_topics", "response.press_conferences",
                                    "response.press_conferences_heads", "response.interviews",
                                    "response.interviews_heads", "response.interpretations", "response.weibo_wechat",
                                    "response.other"]),
                 ("三、依申请公开情况", ["requests.total", "requests.in_person", "requests.fax", "requests.online",
                                     "requests.letter", "requests.completed", "requests.on_time", "requests.extended",
                                     "answers.total", "answers.already_public", "answers.granted",
                                     "answers.partly_granted", "answers.refused", "answers.refused.state_secret",
                                     "answers.refused.business_secret", "answers.refused.privacy",
                                     "answers.refused.security_stability", "answers.refused.not_government_info",
                                     "answers.refused.other_law", "answers.not_held", "answers.not_exist",
                                     "answers.amend", "answers.other_channel"]),
                 ("", ["review", "review.upheld", "review.corrected", "review.other", "litigation", "litigation.upheld",
                       "litigation.corrected", "litigation.other", "complaints", "fees"]),
                 ("八、机构建设和保障经费情况", ["staff.offices", "staff.reading_points", "staff.total", "staff.full_time",
                                         "staff.part_time", "staff.funds"]),
                 ("九、政府信息公开会议和培训情况", ["meetings.meetings", "meetings.trainings", "meetings.trainees"])]
UNITS = {"proactive": "条", "response": "次", "requests": "件", "answers": "件", "review": "件", "litigation": "件",
         "complaints": "件", "fees": "元", "staff": "人", "meetings": "次"}
CHINESE = "一二三四五六七八九十"


def _values(rows: list[str], within: dict[str, str], rng: random.Random) -> dict[str, tuple[int, int]]:
    """(this year, over the years) for each row: parts drawn, a whole the sum of its printed
    parts (the channels of 主动公开 overlap, so its total is drawn apart), the years' count at
    least this year's."""
    out: dict[str, tuple[int, int]] = {}
    for row in reversed(rows):  # parts before their whole
        parts = [r for r in rows if within.get(r) == row]
        if parts and row != "proactive.total":
            out[row] = (sum(out[p][0] for p in parts), sum(out[p][1] for p in parts))
            continue
        busy = rng.random() < 0.4
        year = rng.choice([0, 0, 1, 2, 3]) if not busy else rng.randint(0, 400 if row.startswith("proactive") else 40)
        if row == "proactive.total":
            year = max([year] + [out[p][0] for p in parts])
        out[row] = (year, year + rng.randint(0, 3 * year + 20))
    if "proactive.total" in out:
        total = out["proactive.total"]
        out["proactive.total"] = (total[0], max([total[1]] + [out[p][1] for p in rows if within.get(p) == "proactive.total"]))
    return out


def compose_indicator_report(template_id: str, rng: random.Random, wide: bool = False) -> ReportContent:
    """A pre-2019 report's content; `wide`: the Word route's wider range (the national form more often)."""
    template = load_templates()["pre-2019"]
    spec = template.tables["s"]
    by_id = {row.id: row for row in spec.rows}
    within = {row.id: row.within for row in spec.rows}
    agency, year = _agency(rng), rng.randint(2008, 2018)
    national = year >= 2014 and rng.random() < (0.6 if wide else 0.4)
    sections = NATIONAL_FORM if national else [("", list(SHORT_FORM))]
    if not national and rng.random() < 0.4:  # complaints before reviews and lawsuits, as some print them
        order = sections[0][1]
        order.insert(order.index("review"), order.pop(order.index("complaints")))
    rows = [r for _, section in sections for r in section]
    if rng.random() < 0.15:  # a table that stops part way
        cut = rng.randint(len(rows) // 3, len(rows) - 1)
        rows = rows[:cut]
        sections = [(heading, [r for r in section if r in rows]) for heading, section in sections]
    values = _values(rows, within, rng)
    two = rng.random() < 0.5
    code, unit = rng.random() < 0.3, rng.random() < 0.85
    year_header = rng.choice([f"{year}年度", "本年", "年末统计", "统计数", "本期实际"])
    header = ["指标名称"] + (["代码"] if code else []) + (["计量单位"] if unit else []) + [year_header] + \
        (["历年累计"] if two else [])
    grid = Grid(col_widths=[4.0] + [0.8] * (len(header) - 1), header_rows=1, kind="s")
    for c, text in enumerate(header):
        grid.add(0, c, text, role="header")
    r = 1
    numbered = {}
    for heading, section in sections:
        if heading and section:
            grid.add(r, 0, heading, colspan=len(header), role="section")
            r += 1
        for row_id in section:
            parent = within[row_id]
            k = numbered[parent] = numbered.get(parent, 0) + 1
            label = rng.choice(by_id[row_id].labels)
            if parent:
                mark = rng.choice([f"{k}.", f"{k}、", f"（{CHINESE[k - 1]}）"]) if k <= 10 else ""
                label = ("其中：" if k == 1 and rng.random() < 0.7 else "") + mark + label
            cells = [label] + ([str(r)] if code else []) + ([UNITS[row_id.split(".")[0]]] if unit else [])
            cells += [str(values[row_id][0])] + ([str(values[row_id][1])] if two else [])
            for c, text in enumerate(cells):
                grid.add(r, c, text, is_value=c >= len(cells) - (2 if two else 1))
            r += 1
    truth = {f"s/{row_id}/{column}": values[row_id][k] for row_id in rows
             for k, column in enumerate(["year", "cumulative"][:2 if two else 1])}
    blocks = title_blocks(agency, year, rng)
    blocks += [Block("para", "根据《中华人民共和国政府信息公开条例》的要求，特向社会公布本年度政府信息公开工作年度报告。"),
               Block("heading", "一、概述")]
    blocks += [Block("para", "".join(rng.sample(PROSE, 3))) for _ in range(rng.randint(2, 5))]
    blocks += [Block("heading", "二、存在的主要问题及改进措施"), Block("para", "".join(rng.sample(PROSE, 3))),
               Block("para", rng.choice(["附表：政府信息公开情况统计表", f"附件1：{agency}{year}年政府信息公开情况统计表",
                                         "政府信息公开情况统计表"])),
               Block("table", grid=grid)]
    return ReportContent("pre-2019", agency, year, truth, blocks, False)
