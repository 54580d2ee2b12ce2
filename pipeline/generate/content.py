"""A synthetic report's content and its ground truth: title, running text that restates some of
its numbers (a few planted to contradict them), and tables 二, 三, 四 in one office's layout.
Each writer (render.py: a PDF drawn with reportlab; word.py: a Word document; documents.py: a
web page) lays the same content out its own way."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from ..templates import load_templates
from .statements import report_statements
from .tables import Grid, Printer, Style, table_2, table_3, table_4
from .values import as_printed, draw_values

PLACES = "独乐 昌傅 交岔 花石 青山 白水 东关 西城 南湖 北塘 龙泉 石桥 柳林 杨庄 新华 长安 永安 安平 清河 丰乐 平安 河西 金山 双河".split()
COUNTIES = "深州 樟树 彭阳 金寨 武强 枣强 安国 定兴 高阳 临城 宁晋 新河 广宗 涉县".split()
AGENCY_KINDS = ["{p}乡人民政府", "{p}镇人民政府", "{c}市{p}镇", "{p}乡", "{c}县人民政府办公室", "{c}市人民政府办公室",
                "{c}市教育局", "{c}县{p}街道办事处", "{c}县交通运输局", "{c}市自然资源和规划局"]
PROSE = [
    "认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，扎实推进政务公开工作。",
    "进一步健全政府信息公开工作机制，明确专人负责信息发布、保密审查和档案管理工作。",
    "通过政府门户网站、政务新媒体、公开栏等渠道及时发布政策文件、财政预决算和重点领域信息。",
    "严格按照法定程序和时限办理依申请公开事项，规范受理、审查、答复等各个环节。",
    "加强政策解读和回应关切，围绕群众关心关注的热点问题做好解读工作。",
    "定期开展业务培训，提升工作人员的业务能力和服务水平，确保公开信息准确、及时、全面。",
    "存在的主要问题是公开内容还不够全面，信息更新不够及时，工作人员业务水平有待提高。",
    "下一步将继续加强组织领导，完善工作制度，丰富公开形式，不断提高政务公开工作质量。",
]


@dataclass


class GeneratedReport:
    pdf: Path
    truth: dict  # {"source", "template", "pages", "report": {...}, "cells": {id: value}}


def _agency(rng: random.Random) -> str:
    return rng.choice(AGENCY_KINDS).format(p=rng.choice(PLACES), c=rng.choice(COUNTIES))


@dataclass
class Block:
    """One piece of a report's content, in reading order."""
    kind: str  # "title", "heading", "para", "table" or "picture" (text: its address in a web page)
    text: str = ""
    grid: Grid | None = None
    picture: Path | None = None  # a picture's file (a table pasted as an image, see pictures.py)
    width_cm: float = 0.0  # the picture's printed width


@dataclass
class ReportContent:
    template_id: str
    agency: str
    year: int
    values: dict
    blocks: list[Block]
    repeat_header: bool
    statements: list[dict] = field(default_factory=list)  # what its text says of its cells (statements.py)


def title_blocks(agency: str, year: int, rng: random.Random) -> list[Block]:
    """The title in one of the forms real reports print: agency first, year first, 年度, or the
    agency on its own line above."""
    form = rng.choice(["agency_first", "agency_first", "year_first", "annual", "agency_above"])
    if form == "agency_above":
        return [Block("title", agency), Block("title", f"{year}年政府信息公开工作年度报告")]
    if form == "year_first":
        return [Block("title", f"{year}年{agency}政府信息公开工作年度报告")]
    if form == "annual":
        return [Block("title", f"{agency}{year}年度政府信息公开工作年度报告")]
    return [Block("title", f"{agency}{year}年政府信息公开工作年度报告")]


def compose_report(template_id: str, rng: random.Random, wide: bool = False, style: Style | None = None,
                   agency: str | None = None, year: int | None = None, values: dict | None = None,
                   titled: bool = True) -> ReportContent:
    """The content of one report: title, prose that restates some of its numbers (a few planted
    to contradict them), and tables 二, 三, 四 in an office's layout (`wide`: drawn from the Word
    route's wider range of layouts; `style`: this one). `agency`, `year`, `values`: given rather
    than drawn (a series of one agency's years). `titled` False: no title (a volume's report whose
    title page was lost)."""
    template = load_templates()[template_id]
    style = style or Style.draw(rng, wide)
    values = as_printed(template, values or draw_values(template, rng), style)
    printer = Printer(style, values, rng)
    agency = agency or _agency(rng)
    year = year or (rng.choice([2019, 2020]) if template_id == "2019" else rng.randint(2021, 2025))
    statements = report_statements(template_id, values, year, rng)
    said = {k: [st.text for st in statements if st.section == k] for k in (1, 3, 4, 6)}
    blocks = title_blocks(agency, year, rng) if titled else []
    blocks.append(Block("para", f"本报告依据《中华人民共和国政府信息公开条例》和{template.notice}要求编制。"))
    blocks.append(Block("heading", "一、总体情况"))
    paras = ["".join(rng.sample(PROSE, 3)) for _ in range(rng.randint(2, 9))]
    if said[1]:
        paras.insert(rng.randint(0, len(paras)), rng.choice(["（二）依申请公开情况。", ""]) + "".join(said[1]))
    blocks += [Block("para", text) for text in paras]
    prose = (0, 0) if not wide else rng.choice([(0, 0), (0, 2), (1, 5)])  # between a section's tables

    def section(heading: str, tables: list[tuple[str | None, Grid]], intro: list[str] = ()):
        blocks.append(Block("heading", heading))
        if intro:
            blocks.append(Block("para", "".join(intro)))
        for k, (title, grid) in enumerate(tables):
            if k:
                blocks.extend(Block("para", rng.choice(PROSE)) for _ in range(rng.randint(*prose)))
            if title:
                blocks.append(Block("para", title))
            blocks.append(Block("table", grid=grid))

    section("二、主动公开政府信息情况", table_2(template, printer))
    if wide:
        blocks.extend(Block("para", "".join(rng.sample(PROSE, 2))) for _ in range(rng.randint(0, 6)))
    section("三、收到和处理政府信息公开申请情况", [(None, table_3(template, printer))], said[3])
    if wide:
        blocks.extend(Block("para", "".join(rng.sample(PROSE, 2))) for _ in range(rng.randint(0, 6)))
    section("四、政府信息公开行政复议、行政诉讼情况", [(None, table_4(template, printer))], said[4])
    blocks += [Block("heading", "五、存在的主要问题及改进情况"), Block("para", "".join(rng.sample(PROSE, 4))),
               Block("heading", "六、其他需要报告的事项"), Block("para", "".join(said[6]) or "无。")]
    truths = [truth for st in statements for truth in st.truths]
    return ReportContent(template_id, agency, year, values, blocks, style.repeat_header, truths)
