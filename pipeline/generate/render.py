"""Compose a synthetic report and write it as a born-digital PDF (reportlab), with its ground truth.

The page flow is done here rather than with reportlab's platypus so that table 三 can break
across pages mid-span exactly as Word does, and so a header row can be repeated or not.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..templates import load_templates
from .statements import report_statements
from .tables import Grid, Printer, Style, table_2, table_3, table_4
from .values import APPLICANTS, as_printed, draw_values

FONT_FILES = {
    "wqy-zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "wqy-microhei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "ar-uming": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "ar-ukai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
}

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


def _register_fonts() -> list[str]:
    names = []
    for name, path in FONT_FILES.items():
        if not Path(path).exists():
            continue
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        names.append(name)
    if not names:
        raise RuntimeError("no CJK font found: install fonts-wqy-zenhei (make demo does)")
    return names


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Chinese wraps between any two characters; a "\n" breaks the line."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in _wrap(part, font, size, width)]
    lines, line = [], ""
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines or [""]


class PageWriter:
    """A cursor down A4 pages of a reportlab canvas."""

    def __init__(self, path: Path, font: str, size: float, rng: random.Random):
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.font, self.size, self.rng = font, size, rng
        self.margin = rng.uniform(54, 80)
        self.width = A4[0] - 2 * self.margin
        self.pages = 1
        self.y = A4[1] - self.margin

    def new_page(self):
        self.c.showPage()
        self.pages += 1
        self.y = A4[1] - self.margin

    def room(self) -> float:
        return self.y - self.margin

    def text(self, text: str, size: float | None = None, center: bool = False, indent: bool = False):
        size = size or self.size
        lead = size * 1.6
        first_indent = 2 * size if indent else 0
        for i, line in enumerate(_wrap(text, self.font, size, self.width - first_indent)):
            if self.room() < lead:
                self.new_page()
            self.c.setFont(self.font, size)
            x = self.margin + (first_indent if i == 0 else 0)
            if center:
                x = (A4[0] - pdfmetrics.stringWidth(line, self.font, size)) / 2
            self.y -= lead
            self.c.drawString(x, self.y + size * 0.3, line)

    def gap(self, h: float):
        self.y -= h

    def table(self, grid: Grid, repeat_header: bool):
        size = self.size * self.rng.uniform(0.8, 0.92)
        lead, pad = size * 1.3, size * 0.5
        widths = [w / sum(grid.col_widths) * self.width for w in grid.col_widths]
        xs = [self.margin + sum(widths[:i]) for i in range(len(widths) + 1)]
        heights = [size * 2.2] * grid.n_rows
        wrapped = {}
        for cell in grid.cells:
            w = xs[cell.col + cell.colspan] - xs[cell.col] - 2 * pad
            wrapped[id(cell)] = _wrap(cell.text, self.font, size, w)
            need = len(wrapped[id(cell)]) * lead + 2 * pad
            span = range(cell.row, cell.row + cell.rowspan)
            have = sum(heights[r] for r in span)
            if need > have:
                heights[cell.row + cell.rowspan - 1] += need - have
        page_rows: list[list[int]] = [[]]  # row indices drawn on each page
        if self.room() < heights[0] * 3:
            self.new_page()
        y = self.y
        tops: dict[int, tuple[int, float]] = {}  # row -> (page slot, top y)
        for r, h in enumerate(heights):
            if y - h < self.margin:
                page_rows.append([])
                y = A4[1] - self.margin
                if repeat_header:
                    for hr in range(grid.header_rows):
                        y -= heights[hr]
            tops[r] = (len(page_rows) - 1, y)
            page_rows[-1].append(r)
            y -= h
        # A cell broken by a page break prints its text in its taller part, as Word does.
        text_slot = {}
        for cell in grid.cells:
            span = range(cell.row, cell.row + cell.rowspan)
            text_slot[id(cell)] = max({tops[r][0] for r in span},
                                      key=lambda s: sum(heights[r] for r in span if tops[r][0] == s))
        line_width = self.rng.choice([0.5, 0.75, 1.0])
        for slot, rows in enumerate(page_rows):
            if slot:
                self.new_page()
            self.c.setLineWidth(line_width)
            if slot and repeat_header:
                header = range(grid.header_rows)
                self._draw_rows(grid, header, xs, heights, A4[1] - self.margin, wrapped, size, lead, None)
            self._draw_rows(grid, rows, xs, heights, tops[rows[0]][1], wrapped, size, lead,
                            {i for i, s in text_slot.items() if s == slot})
        self.y = y

    def _draw_rows(self, grid: Grid, rows, xs, heights, top: float, wrapped, size, lead, text_cells):
        rows = list(rows)
        row_top = {r: top - sum(heights[rows[0]:r]) for r in rows}
        for cell in grid.cells:
            covered = [r for r in range(cell.row, cell.row + cell.rowspan) if r in row_top]
            if not covered:
                continue
            y0 = row_top[covered[0]]
            y1 = row_top[covered[-1]] - heights[covered[-1]]
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            self.c.rect(x0, y1, x1 - x0, y0 - y1, stroke=1, fill=0)
            if text_cells is not None and id(cell) not in text_cells:
                continue
            lines = wrapped[id(cell)]
            self.c.setFont(self.font, size)
            ty = (y0 + y1) / 2 + len(lines) * lead / 2 - lead + (lead - size) / 2 + size * 0.15
            for line in lines:
                lw = pdfmetrics.stringWidth(line, self.font, size)
                self.c.drawString((x0 + x1 - lw) / 2, ty, line)
                ty -= lead

    def save(self):
        self.c.save()


def _agency(rng: random.Random) -> str:
    return rng.choice(AGENCY_KINDS).format(p=rng.choice(PLACES), c=rng.choice(COUNTIES))


@dataclass
class Block:
    """One piece of a report's content, in reading order."""
    kind: str  # "title", "heading", "para" or "table"
    text: str = ""
    grid: Grid | None = None


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
                   agency: str | None = None, year: int | None = None, values: dict | None = None) -> ReportContent:
    """The content of one report: title, prose that restates some of its numbers (a few planted
    to contradict them), and tables 二, 三, 四 in an office's layout (`wide`: drawn from the Word
    route's wider range of layouts; `style`: this one). `agency`, `year`, `values`: given rather
    than drawn (a series of one agency's years)."""
    template = load_templates()[template_id]
    style = style or Style.draw(rng, wide)
    values = as_printed(template, values or draw_values(template, rng), style)
    printer = Printer(style, values, rng)
    agency = agency or _agency(rng)
    year = year or (rng.choice([2019, 2020]) if template_id == "2019" else rng.randint(2021, 2025))
    statements = report_statements(template_id, values, year, rng)
    said = {k: [st.text for st in statements if st.section == k] for k in (1, 3, 4, 6)}
    blocks = title_blocks(agency, year, rng)
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


def write_pdf(content: ReportContent, path: Path, rng: random.Random) -> int:
    """A Word-like PDF of the content; returns its page count."""
    font = rng.choice(_register_fonts())
    w = PageWriter(path, font, rng.choice([10.5, 11, 12]), rng)
    title_size = rng.choice([16, 18])
    after_title = True
    for block in content.blocks:
        if block.kind == "title":
            w.text(block.text, size=title_size, center=True)
            continue
        if after_title:
            w.gap(12)
            after_title = False
        if block.kind == "heading":
            w.gap(8)
            w.text(block.text)
        elif block.kind == "para":
            w.text(block.text, indent=True)
        else:
            w.gap(4)
            w.table(block.grid, repeat_header=content.repeat_header)
    w.save()
    return w.pages


def write_truth(path: Path, content: ReportContent, pages: int) -> dict:
    truth = {"source": path.name, "template": content.template_id, "pages": pages,
             "report": {"agency": content.agency, "year": content.year}, "cells": content.values,
             "statements": content.statements}
    path.with_suffix(".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


ROUTES = ("draw", "word")  # reportlab's drawing; Word documents printed by LibreOffice


def generate_report(path: Path, template_id: str, seed: int, route: str = "draw") -> GeneratedReport:
    """Write one report at `path` and its ground truth beside it: a born-digital PDF, or a
    Word or HTML document when `path` ends in .docx or .html. `route` "word" draws its layout
    from the Word route's wider range, and prints a PDF from a Word document by LibreOffice."""
    return _generate([(path, template_id, seed, {})], route)[0]


def _generate(jobs: list[tuple[Path, str, int, dict]], route: str) -> list[GeneratedReport]:
    """jobs: (path, template id, seed, what compose_report is given rather than draws)."""
    from .documents import write_html
    from .word import docx_to_pdf, write_docx

    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r} (one of {', '.join(ROUTES)})")
    contents, printed = [], []
    for path, template_id, seed, given in jobs:
        rng = random.Random(seed)
        content = compose_report(template_id, rng, wide=route == "word", **given)
        suffix = path.suffix.lower()
        pages = 0
        if suffix == ".docx":
            write_docx(content, path, rng)
        elif suffix in (".html", ".htm"):
            write_html(content, path, rng)
        elif route == "word":
            write_docx(content, path.with_suffix(".docx"), rng)
            printed.append(path.with_suffix(".docx"))
        else:
            pages = write_pdf(content, path, rng)
        contents.append((path, content, pages))
    if printed:
        docx_to_pdf(printed)
        for docx_path in printed:
            docx_path.unlink()
    reports = []
    for path, content, pages in contents:
        if path.suffix.lower() == ".pdf" and route == "word":
            pages = _page_count(path)
        reports.append(GeneratedReport(path, write_truth(path, content, pages)))
    return reports


def _page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


KINDS = {"digital": ".pdf", "scan": ".pdf", "docx": ".docx", "html": ".html"}


def generate_batch(out_dir: Path, n: int, seed: int, templates=("2021", "2019"), kind: str = "digital",
                   scan_options=None, route: str = "draw") -> list[GeneratedReport]:
    """n reports alternating over `templates`, of one kind: digital (PDF), scan, docx or html;
    by one route (see generate_report)."""
    from .scan import to_scan

    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = kind if route == "draw" else f"{route}-{kind}"
    jobs = [(out_dir / f"{prefix}_{templates[i % len(templates)]}_{seed}_{i:03d}{KINDS[kind]}",
             templates[i % len(templates)], seed * 1000 + i, {}) for i in range(n)]
    reports = _generate(jobs, route)
    if kind == "scan":
        reports = [to_scan(report, random.Random(seed * 1000 + i), scan_options) for i, report in enumerate(reports)]
    return reports


PROVINCES = ["河北省", "江西省", "安徽省", "江苏省", "宁夏回族自治区"]
CITIES = ["淮安市", "衡水市", "宜春市", "六安市", "固原市", "保定市"]
LOCAL_AGENCIES = ["{p}镇人民政府", "{p}乡人民政府", "{p}街道办事处", "{c}县人民政府", "{c}县教育局", "{c}县交通运输局"]


def _agency_names(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """One agency's name as its reports print it: alone ('洪泽区人民政府'), and under the places
    above it ('淮安市洪泽区人民政府'), as the same office's titles differ from year to year. Its
    name alone is not one of `taken` (two towns of one name in a batch are two agencies, which
    the name rule rightly refuses to tell apart)."""
    local = next(name for name in (rng.choice(LOCAL_AGENCIES).format(p=rng.choice(PLACES), c=rng.choice(COUNTIES))
                                   for _ in range(1000)) if name not in taken)
    taken.add(local)
    above = rng.choice(CITIES)
    if local[:2] in PLACES:  # a township: its county too, or only its county
        above = rng.choice([above, ""]) + f"{rng.choice(COUNTIES)}县"
    if rng.random() < 0.3:
        above = rng.choice(PROVINCES) + above
    return local, above + local


def generate_series(out_dir: Path, n: int, seed: int, kind: str = "digital", route: str = "draw",
                    scan_options=None, mismatch_rate: float = 0.5) -> list[tuple[GeneratedReport, GeneratedReport]]:
    """n pairs of one agency's reports of two consecutive years (formats as the year had them),
    the agency named with and without the places above it. This year's 上年结转 is last year's
    结转下年度, column by column, except in pairs planted (`mismatch_rate`) with a column off;
    the later report's truth says which (`carry_over`)."""
    from .scan import to_scan

    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    prefix = kind if route == "draw" else f"{route}-{kind}"
    jobs, plans, taken = [], [], set()
    for i in range(n):
        year = rng.randint(2020, 2025)
        formats = ["2019" if y <= 2020 else "2021" for y in (year - 1, year)]
        names = list(_agency_names(rng, taken))
        rng.shuffle(names)
        before = draw_values(load_templates()[formats[0]], rng)
        carried = {col: before[f"t3/carried_out/{col}"] for col in APPLICANTS}
        mismatched = []
        if rng.random() < mismatch_rate:
            col = rng.choice(APPLICANTS)
            carried[col] += rng.randint(1, 5) * rng.choice([1, -1]) if carried[col] > 5 else rng.randint(1, 5)
            mismatched = [col, "total"]
        after = draw_values(load_templates()[formats[1]], rng, carried)
        for k, (y, template_id, values) in enumerate(zip((year - 1, year), formats, (before, after))):
            path = out_dir / f"{prefix}_series_{seed}_{i:03d}_{y}{KINDS[kind]}"
            jobs.append((path, template_id, seed * 1000 + 2 * i + k, {"agency": names[k], "year": y, "values": values}))
        plans.append(mismatched)
    reports = _generate(jobs, route)
    if kind == "scan":
        reports = [to_scan(report, random.Random(seed * 1000 + i), scan_options) for i, report in enumerate(reports)]
    pairs = []
    for i, mismatched in enumerate(plans):
        earlier, later = reports[2 * i], reports[2 * i + 1]
        later.truth["carry_over"] = {"previous": earlier.pdf.name, "mismatched": mismatched}
        later.pdf.with_suffix(".truth.json").write_text(json.dumps(later.truth, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
        pairs.append((earlier, later))
    return pairs
