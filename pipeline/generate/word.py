"""The Word route: a report written as a .docx the way agencies lay it out (python-docx), and
its PDF as LibreOffice prints it: another layout engine than the drawn route's, with Word's own
table model (compact rows as tall as their text, rows that break across pages, repeated header
rows, cell borders drawn per cell, shading, fonts a document names that a machine may lack).

Everything is drawn per document (WordLayout), wider than real reports vary.
"""
from __future__ import annotations

import random
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .tables import Grid, GridCell

# East-Asian font names as documents carry them. The first three groups are installed by `make`
# (fonts-noto-cjk, fonts-arphic-*, fonts-wqy-*); the last are the names real government documents
# use, which LibreOffice replaces by a fallback of its own choosing.
FONTS = {
    "serif": ["Noto Serif CJK SC", "AR PL SungtiL GB", "AR PL UMing CN"],
    "sans": ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei"],
    "kai": ["AR PL UKai CN", "AR PL KaitiM GB"],
    "missing": ["仿宋_GB2312", "方正小标宋简体", "宋体", "黑体"],
}
SHADES = ["DCE6F1", "D9D9D9", "F2F2F2", "DEEAF6", "FBE4D5"]
CONVERT_TIMEOUT_S = 600


def _font(rng: random.Random) -> str:
    return rng.choice(FONTS[rng.choice(["serif", "serif", "sans", "kai", "missing"])])


@dataclass
class WordLayout:
    """One document's typography and table formatting."""
    body_font: str
    title_font: str
    table_font: str
    body_size: float  # pt
    title_size: float
    table_size: float  # labels and headers
    value_size: float  # numbers: often set larger than the labels
    body_spacing: float  # line spacing of the prose, in lines
    cell_spacing: float  # line spacing inside cells: 1.0 is Word's compact single spacing
    row_height: float | None  # pt, at least; None: rows as tall as their text
    borders: str  # "grid": every cell ruled; "tops": a row rules its top, so the last row on a page has no rule under it
    border_size: int  # eighths of a point
    outer_size: int  # the table's outer border, eighths of a point
    shade: str | None  # fill of section and header rows
    bold_headers: bool
    label_align: str  # "left", "center"
    value_align: str
    valign: str  # "center", "top"
    cell_margin: float  # pt, left and right
    margin_cm: float  # page margins
    cant_split: bool  # rows kept whole on one page, where no header row repeats (see _table)
    indent_table: float  # cm the tables are moved left (tables wider than the text are common)
    prose: tuple[int, int]  # paragraphs of prose between sections, at least and at most

    @classmethod
    def draw(cls, rng: random.Random) -> "WordLayout":
        body_size = rng.choice([10.5, 12, 14, 15, 16])
        table_size = rng.choice([9, 9, 10, 10.5, 10.5, 11, 12])
        compact = rng.random() < 0.4
        return cls(
            body_font=_font(rng), title_font=_font(rng), table_font=_font(rng),
            body_size=body_size, title_size=rng.choice([16, 18, 20, 22]),
            table_size=table_size, value_size=table_size if rng.random() < 0.6 else rng.choice([10.5, 12, 14]),
            body_spacing=rng.choice([1.0, 1.25, 1.5, 1.75]),
            cell_spacing=1.0 if compact else rng.choice([1.0, 1.15, 1.5]),
            row_height=None if compact else rng.choice([None, 16, 20, 24, 28, 32]),
            borders=rng.choice(["grid", "grid", "tops"]),
            border_size=rng.choice([4, 4, 6, 8, 12]), outer_size=rng.choice([4, 8, 12, 18]),
            shade=rng.choice(SHADES) if rng.random() < 0.3 else None,
            bold_headers=rng.random() < 0.4,
            label_align=rng.choice(["left", "left", "center"]), value_align=rng.choice(["center", "center", "right"]),
            valign=rng.choice(["center", "center", "top"]),
            cell_margin=rng.choice([1.0, 3.0, 5.4, 8.0]),
            margin_cm=rng.uniform(1.8, 3.2),
            cant_split=rng.random() < 0.3,
            indent_table=rng.choice([0.0, 0.0, 0.3, 0.8]),
            prose=rng.choice([(0, 1), (1, 4), (2, 9)]),
        )


def write_docx(content, path: Path, rng: random.Random, layout: WordLayout | None = None) -> WordLayout:
    """The report (a render.ReportContent) as a .docx laid out by `layout`, or a drawn one."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    layout = layout or WordLayout.draw(rng)
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(layout.margin_cm))
    text_width_cm = 21.0 - 2 * layout.margin_cm
    _set_font(document.styles["Normal"], layout.body_font, layout.body_size)
    for block in content.blocks:
        if block.kind == "table":
            _table(document, block.grid, layout, text_width_cm, content.repeat_header)
            continue
        if block.kind == "picture":
            document.add_picture(str(block.picture), width=Cm(min(block.width_cm, text_width_cm)))
            document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        fmt = paragraph.paragraph_format
        fmt.line_spacing = layout.body_spacing
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run.bold = rng.random() < 0.5
            _set_run_font(run, layout.title_font, layout.title_size)
        elif block.kind == "heading":
            run.bold = rng.random() < 0.5
            fmt.first_line_indent = Pt(2 * layout.body_size) if rng.random() < 0.5 else None
        else:
            fmt.first_line_indent = Pt(2 * layout.body_size)
    document.save(str(path))
    return layout


def _set_font(style, name: str, size: float):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style.font.name = name
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _set_run_font(run, name: str, size: float, bold: bool | None = None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if bold is not None:
        run.bold = bold


def _element(tag: str, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _borders(parent_tag: str, sides: dict[str, int | None]):
    """A w:tblBorders or w:tcBorders element: each side single at its size, or none (None)."""
    el = _element(parent_tag)
    for side, size in sides.items():
        if size is None:
            el.append(_element(f"w:{side}", val="nil"))
        else:
            el.append(_element(f"w:{side}", val="single", sz=size, space=0, color="000000"))
    return el


def _table(document, grid: Grid, layout: WordLayout, text_width_cm: float, repeat_header: bool):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    n_cols = len(grid.col_widths)
    table = document.add_table(rows=grid.n_rows, cols=n_cols)
    table.autofit = False
    width_cm = text_width_cm + layout.indent_table
    widths = [Cm(w / sum(grid.col_widths) * width_cm) for w in grid.col_widths]
    tbl_pr = table._tbl.tblPr
    tbl_pr.append(_element("w:tblW", w=int(width_cm * 567), type="dxa"))
    if layout.indent_table:
        tbl_pr.append(_element("w:tblInd", w=int(-layout.indent_table / 2 * 567), type="dxa"))
    tbl_pr.append(_element("w:tblLayout", type="fixed"))
    margins = _element("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(_element(f"w:{side}", w=int(layout.cell_margin * 20), type="dxa"))
    tbl_pr.append(margins)
    inner, outer = layout.border_size, layout.outer_size
    if layout.borders == "grid":
        tbl_pr.append(_borders("w:tblBorders", {"top": outer, "left": outer, "bottom": outer, "right": outer,
                                                "insideH": inner, "insideV": inner}))
    for i, column in enumerate(table.columns):
        column.width = widths[i]
    # LibreOffice drops a table's rows from the one after a repeated header on, when that row may not
    # break and the page ends below it (table 三 printed to its first row, prose where the rest
    # belongs). Word prints them, so an author never sees it: no unbreakable rows under repeated headers.
    cant_split = layout.cant_split and not repeat_header
    for r, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        if layout.row_height:
            row.height = Pt(layout.row_height)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST  # exact heights clip what does not fit
        if cant_split:
            tr_pr.append(_element("w:cantSplit"))
        if repeat_header and r < grid.header_rows:
            tr_pr.append(_element("w:tblHeader"))
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
    last_row = grid.n_rows - 1
    for g in grid.cells:
        target = table.cell(g.row, g.col)
        if g.rowspan > 1 or g.colspan > 1:
            target = target.merge(table.cell(g.row + g.rowspan - 1, g.col + g.colspan - 1))
        _fill(target, g, layout)
        target.vertical_alignment = (WD_CELL_VERTICAL_ALIGNMENT.TOP if layout.valign == "top" and not g.is_value
                                     else WD_CELL_VERTICAL_ALIGNMENT.CENTER)
        if layout.borders == "tops":  # on each row of a merged cell: Word draws each row's part
            left = outer if g.col == 0 else inner
            right = outer if g.col + g.colspan == n_cols else inner
            for r in range(g.row, g.row + g.rowspan):
                top = (outer if r == 0 else inner) if r == g.row else None
                bottom = outer if r == last_row else None
                _tc_at(table.rows[r], g.col).get_or_add_tcPr().append(
                    _borders("w:tcBorders", {"top": top, "left": left, "bottom": bottom, "right": right}))
        if layout.shade and g.role in ("section", "header"):
            target._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=layout.shade))
        for paragraph in target.paragraphs:
            align = layout.value_align if g.is_value else ("center" if g.role != "label" else layout.label_align)
            paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                                   "right": WD_ALIGN_PARAGRAPH.RIGHT}[align]
    document.add_paragraph()  # Word ends a table with a paragraph; keeps two tables apart


def _tc_at(row, col: int):
    """The w:tc of a table row that starts at grid column `col`."""
    from docx.oxml.ns import qn

    at = 0
    for tc in row._tr.tc_lst:
        if at == col:
            return tc
        span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
        at += int(span.get(qn("w:val"))) if span is not None else 1
    raise IndexError(f"no cell starts at column {col}")


def _fill(cell, g: GridCell, layout: WordLayout):
    """The cell's text, a forced line break for each "\n"."""
    from docx.shared import Pt

    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = layout.cell_spacing
    size = layout.value_size if g.is_value else layout.table_size
    for k, line in enumerate(g.text.split("\n")):
        run = paragraph.add_run(line)
        _set_run_font(run, layout.table_font, size, bold=layout.bold_headers and g.role in ("header", "section"))
        if k < g.text.count("\n"):
            run.add_break()


PRINT_TRIES = 4


def print_whole(documents: dict[Path, tuple[object, random.Random]]):
    """Print the Word documents (each with its render.ReportContent and the random source that
    laid it out) as PDFs beside them, then delete them. A document whose PDF lacks
    a table's text (LibreOffice leaves some layouts' rows out, or their cells empty, where Word
    prints them) is laid out afresh and printed again: its truth would otherwise promise cells the
    page never showed."""
    todo = dict(documents)
    for _ in range(PRINT_TRIES):
        if not todo:
            return
        for pdf in docx_to_pdf(list(todo)):
            docx_path = pdf.with_suffix(".docx")
            content, rng = todo[docx_path]
            if missing_text(pdf, content):
                write_docx(content, docx_path, rng)
            else:
                docx_path.unlink()
                del todo[docx_path]
    if todo:
        raise RuntimeError(f"LibreOffice left table text out of {', '.join(p.name for p in todo)} "
                           f"in {PRINT_TRIES} layouts")


def docx_to_pdf(paths: list[Path], target: str = "pdf") -> list[Path]:
    """PDFs of the .docx files, each beside its source, printed by LibreOffice in one run (or,
    `target` "doc", the same documents saved in Word 97's format)."""
    from ..read.documents.office import soffice

    exe = soffice()
    if exe is None:
        raise RuntimeError("the Word route needs LibreOffice (soffice): `make` installs it")
    by_dir: dict[Path, list[Path]] = {}
    for p in paths:
        by_dir.setdefault(p.parent, []).append(p)
    with tempfile.TemporaryDirectory(prefix="reportocr-lo-") as profile:
        for out_dir, group in by_dir.items():
            subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                            "--convert-to", target, "--outdir", str(out_dir), *map(str, group)],
                           capture_output=True, timeout=CONVERT_TIMEOUT_S, check=True)
    pdfs = [p.with_suffix(f".{target}") for p in paths]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no {target} of {', '.join(missing)}")
    return pdfs


def missing_text(pdf: Path, content) -> str:
    """The letters, digits and characters of `content` (its text and its tables' cells) that the
    printed PDF lacks, counted, in any order (a cell's wrapped lines come out between its
    neighbours' in the PDF's text, a merged cell's after the rows it spans)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        printed = Counter(_letters("".join(page.get_textpage().get_text_range() for page in document)))
    finally:
        document.close()
    written = Counter(_letters("".join(block.text for block in content.blocks if block.kind != "picture")))
    written += Counter(_letters("".join(g.text for block in content.blocks if block.kind == "table"
                                        for g in block.grid.cells)))
    return "".join((written - printed).elements())


def _letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())
