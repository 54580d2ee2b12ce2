"""The data passed between stages. Each stage takes and returns these; none holds state."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the rasterised page
LOW_RESOLUTION_DPI = 150  # page pictures below this are low-resolution (resampled for layout, calibrated apart)


def map_bbox(m: np.ndarray | None, box: BBox) -> tuple[float, float, float, float]:
    """A box through a page's homography `m` (normalised image → rasterised page), as the box
    around its corners."""
    if m is None:
        return tuple(float(v) for v in box)
    x0, y0, x1, y1 = box
    corners = m @ np.array([[x0, x1, x0, x1], [y0, y0, y1, y1], [1.0, 1.0, 1.0, 1.0]])
    xs, ys = corners[0] / corners[2], corners[1] / corners[2]
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def union_bbox(boxes: list[BBox]) -> BBox:
    """The box around all of `boxes`."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


@dataclass
class Word:
    """A run of text from a PDF's text layer, in page pixels."""
    text: str
    bbox: BBox


@dataclass(frozen=True)
class Mark:
    """A horizontal or vertical bar of a PDF page's drawing (read/drawing.py), in pixels of the
    rendered page. `ink`: a ruling's (dark); else it paints over what was drawn before it (a
    cell's background)."""
    x0: float
    y0: float
    x1: float
    y1: float
    ink: bool = True


@dataclass(kw_only=True)
class Reading:
    """What was read in a line of text or a cell: its text with each character's probability,
    and the same ink read as a number (see ocr.Recognition)."""
    text: str = ""
    char_probs: list[float] = field(default_factory=list)  # per recognised character
    numeric_text: str = ""
    numeric_probs: list[float] = field(default_factory=list)
    numeric_options: list[list[tuple[str, float]]] = field(default_factory=list)
    sign_doubt: float = 0.0  # see ocr.Recognition.sign_doubt
    # the line read again with the specks beside it (a glyph's broken strokes) read otherwise
    # (see ocr.LineJob.widened), or specks inside its box on a 1-bit page (ocr.doubt_inner_specks):
    # the reading may have lost part of a glyph
    beside_doubt: float = 0.0
    under_seal: float = 0.0  # share of its ink (of a cell, when blank: of itself) that red ink (a seal) covered


@dataclass
class TextLine(Reading):
    """One line of text on a page: a run of characters between rulings and wide gaps (a
    wrapped label is several). The unit both structure readings place: the ruled one into its
    lattice cells, the text one into rows and columns."""
    bbox: BBox  # in the normalised page image

    @property
    def centre(self) -> tuple[float, float]:
        return (self.bbox[0] + self.bbox[2]) / 2, (self.bbox[1] + self.bbox[3]) / 2


@dataclass
class ProseLine(Reading):
    """A line of the report's running text, outside its tables: exact from a text layer or a
    document (every probability 1), or recognised on a scan (`--text`). Its page and bbox (in
    pixels of the rasterised page) are None for documents without pages."""
    page: int | None = None
    bbox: BBox | None = None

    @property
    def confidence(self) -> float:
        return min(self.char_probs, default=1.0)


@dataclass
class Section:
    """One of the report's numbered sections (一、总体情况 … 六、其他需要报告的事项); number 0 is
    what comes before the first (the title and the preamble)."""
    number: int
    heading: str | None
    lines: list[ProseLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_json(self) -> dict:
        pages = sorted({line.page for line in self.lines if line.page is not None})
        out = {"number": self.number, "heading": self.heading, "text": self.text, "pages": pages}
        if pages:  # where each line is on its page, and how sure its reading is
            out["lines"] = [{"text": line.text, "page": line.page,
                             "bbox": [round(v, 1) for v in line.bbox] if line.bbox else None,
                             "confidence": round(line.confidence, 4)} for line in self.lines]
        return out


@dataclass
class Page:
    number: int  # 1-based
    image: np.ndarray | None  # grey uint8; dropped once the page is read, to bound memory
    dpi: int
    words: list[Word] | None = None  # the text layer, when the PDF has a usable one
    marks: list[Mark] | None = None  # with it, the drawing's bars, where they can stand for the image's rulings
    seal: np.ndarray | None = None  # where red ink was washed out of the image (uint8 mask), for scans
    ink: np.ndarray | None = None  # the image binarised (layout.binarize), where the normaliser made it
    # 3x3 homography from the normalised image back to the rasterised page (undoing the
    # flattening, turning and deskewing), for bboxes
    to_source: np.ndarray = field(default_factory=lambda: np.eye(3))
    title_lines: list[str] = field(default_factory=list)  # its top text lines, above any table (a title)
    prose: list[ProseLine] = field(default_factory=list)  # the running text outside the tables
    # the picture the page is, for a scan: its own resolution (an image file's; a PDF's embedded
    # image's, whatever the page is rendered at), and whether it is black and white only (1-bit)
    source_dpi: float | None = None
    bilevel: bool = False
    cropped: bool = False  # a picture of part of a page (a document's table picture): its shape says nothing

    @property
    def band(self) -> str:
        """The kind of image its cells are read from, each with a calibration of its own: "text"
        (a text layer), "bilevel" (1-bit: strokes broken or bled by the threshold), "lowres"
        (a picture below LOW_RESOLUTION_DPI: glyphs of a few pixels), or "scan"."""
        if self.words is not None:
            return "text"
        if self.bilevel:
            return "bilevel"
        return "lowres" if (self.source_dpi or self.dpi) < LOW_RESOLUTION_DPI else "scan"


@dataclass
class Cell(Reading):
    """One cell of a detected table after merges, with what was read in it."""
    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox  # in the normalised page image
    unread_ink: float = 0.0  # ink in it no line was cut from (dropped as specks), in pixels at 100 dpi


@dataclass
class PageLayout:
    """What is kept of a page once its image is dropped: its ruled lattices (cells without
    text), the zones where tables lie, and the text lines in them (filled by recognition).
    Both structure readings take this."""
    number: int
    size: tuple[int, int]  # width, height of the normalised image
    dpi: int
    lattices: list["Table"] = field(default_factory=list)
    zones: list[BBox] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    rules: list[tuple[float, float, float]] = field(default_factory=list)  # horizontal rulings: y, x0, x1
    exact: bool = False  # the lines come from a text layer
    to_source: np.ndarray = field(default_factory=lambda: np.eye(3))
    band: str = "scan"  # see Page.band
    title_lines: list[str] = field(default_factory=list)  # its top text lines (a report's title, where one starts)
    blank: bool = False  # next to no ink on it (a volume's separator page, or a last line of text alone)


@dataclass
class Table:
    page: int | None  # None for sources without pages (Word, HTML, text)
    bbox: BBox
    n_rows: int
    n_cols: int
    cells: list[Cell] = field(default_factory=list)
    to_source: np.ndarray | None = None  # the page's homography, to report bboxes on the source page
    # What a cell's bbox measures: "page" pixels of a rasterised page (the ruled reading); "text"
    # the same pixels, for the text reading's rows and columns of text lines; "grid" lattice units
    # of a born-digital table (Word, HTML); "rows" nothing but the order of cells in their row (a
    # text extraction, where a merged cell's width is lost).
    geometry: str = "page"
    from_text_layer: bool = False  # its text is exact (a PDF's text layer, a document)

    @property
    def on_page(self) -> bool:
        """Its cells have a place on a page (and, unless from a text layer, were recognised)."""
        return self.geometry in ("page", "text")


@dataclass
class Picture:
    """A picture in a document (a table pasted as an image into a web page or a Word file):
    read as a page of its own through the scan path."""
    name: str  # its file name in the document (a saved page's picture, a .docx's media part)
    data: bytes
    tables_before: int  # how many of the document's own tables come before it: its place among them


@dataclass
class StructuredDocument:
    """What a document reader (Word, HTML, text) gives: its own tables, its pictures and its text."""
    tables: list[Table]
    title_lines: list[str] = field(default_factory=list)  # the first lines of text, where the title is
    prose: list[str] = field(default_factory=list)  # every paragraph outside the tables, in order
    pictures: list[Picture] = field(default_factory=list)  # in document order
    # pictures that could not be decoded (a Word file's EMF drawings, an SVG): their names and why
    unreadable_pictures: list[str] = field(default_factory=list)


@dataclass
class CellResult:
    """One template cell in the output contract."""
    value: float | int | None
    text: str | None
    confidence: float
    needs_review: bool
    page: int | None
    bbox: list[float] | None
    label_score: float = 0.0  # how well the row and column labels matched the template: the weaker (0..1)
    ocr_score: float = 0.0
    parse_ok: bool = True
    found: bool = True
    recognised: bool = False  # read by OCR (not from a text layer or a document): may be misread
    options: list[list[tuple[str, float]]] = field(default_factory=list)  # per char, see ocr.Recognition
    checks_failed: list[str] = field(default_factory=list)
    check_factor: float = 1.0  # how much failed checks lower the confidence
    check_review: bool = False  # a failed check a person should see it in (see checks.py)
    vouched: bool = False  # an identity evaluated in full holds with it (see checks.py); else stricter review
    ocr_value: float | int | None = None  # the reading before an auto-repair
    repaired: bool = False
    alternatives: list[float | int] = field(default_factory=list)  # other plausible readings
    confidence_unchecked: float | None = None  # the confidence had no check failed
    under_seal: float = 0.0  # see Cell.under_seal: strokes there may be washed out with the seal
    readings: int = 1  # structure readings of the page (ruled, text), or 1: a document's own table
    support: int = 1  # of them, those that found this value here
    disputed: float | int | None = None  # another reading's value for this cell, when they disagree
    contested: bool = False  # the readings that found this cell disagree on it (a blank against a value too)
    sealed: bool = False  # a seal lay over it (set by the confidence stage's policy)
    printed: bool = True  # False: the document does not print this cell (its row is not in its table)
    band: str = "scan"  # the image it was recognised from (see Page.band): which calibration scores it
    # read from a document's picture (a web page's or Word file's table pasted as an image): its name;
    # `page` is then the picture's number among the document's pictures, `bbox` in its pixels
    picture: str | None = None
    # its row is in doubt: a pre-2019 indicator whose label was read only loosely or placed by
    # order, or found printed by one structure reading only; a person checks where it stands
    row_doubt: bool = False
    from_text: bool = False  # stated by the report's text, which prints no table (verify/text_vs_table.stated_cells)

    def to_json(self) -> dict:
        out = {"value": self.value, "text": self.text, "confidence": round(self.confidence, 4),
               "needs_review": self.needs_review, "page": self.page, "bbox": self.bbox,
               "checks_failed": self.checks_failed}
        if self.picture is not None:
            out["picture"] = self.picture
        if self.alternatives:
            out["alternatives"] = self.alternatives
        if self.repaired:
            out["repaired"] = True
            out["ocr_value"] = self.ocr_value
        if self.confidence_unchecked is not None:
            out["confidence_unchecked"] = round(self.confidence_unchecked, 4)
        if self.disputed is not None:
            out["disputed"] = self.disputed
        if self.sealed:
            out["sealed"] = True
        if not self.printed:
            out["printed"] = False
        if self.row_doubt:
            out["row_doubt"] = True
        if self.from_text:
            out["from_text"] = True
        if self.needs_review:
            out["reason"] = flag_reason(out)
        return out


def flag_reason(cell: dict) -> str:
    """Why a cell (as in the report JSON) is flagged for review, in a few words."""
    if not cell.get("corrected") and cell["value"] is None and cell["confidence"] == 0 and cell.get("printed", True):
        return "not found"
    parts = []
    if "disputed" in cell:
        parts.append(f"the two readings of the table disagree ({cell['value']} or {cell['disputed']})")
    if cell.get("checks_failed"):
        parts.append("fails " + ", ".join(cell["checks_failed"]))
    if cell.get("repaired"):
        parts.append(f"auto-repaired from {cell['ocr_value']}")
    if cell["value"] is None and cell["text"]:
        parts.append("not a number")
    if cell.get("sealed"):
        parts.append("under a seal")
    if cell.get("from_text"):
        parts.append("stated by the text in words that may count another quantity, or read unsurely")
    elif cell.get("row_doubt"):
        parts.append("its row's label was not read surely")
    return "; ".join(parts) or f"low confidence ({cell['confidence']:.2f})"


@dataclass
class Report:
    source: str
    template: str | None
    pages: int
    agency: str | None
    year: int | None
    cells: dict[str, CellResult]
    warnings: list[str] = field(default_factory=list)
    # checks that fail although every cell in them was read with confidence: the document
    # itself prints inconsistent numbers (not a misreading)
    inconsistencies: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    agency_key: str | None = None  # one agency's reports share it across years (verify/years.py)
    # the report's text checked against its tables (verify/text_vs_table.py); the batch adds the checks
    # against the agency's other years (verify/years.py)
    cross_checks: list[dict] = field(default_factory=list)
    # where the file binds several reports (a volume): this one's first and last page of the file, and
    # how many reports the file holds
    source_pages: tuple[int, int] | None = None
    source_reports: int = 1
    # an indicator table's rows that are none of the template's indicators (pre-2019): each
    # {"label", "values" (as printed), "page"}, so that nothing printed is lost
    other_rows: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        volume = {"source_pages": list(self.source_pages), "source_reports": self.source_reports} \
            if self.source_pages else {}
        return {"source": self.source, **volume, "template": self.template, "pages": self.pages,
                "report": {"agency": self.agency, "year": self.year, "agency_key": self.agency_key},
                "cells": {cid: c.to_json() for cid, c in self.cells.items()},
                "warnings": self.warnings, "inconsistencies": self.inconsistencies,
                "sections": [s.to_json() for s in self.sections], "cross_checks": self.cross_checks,
                **({"other_rows": self.other_rows} if self.other_rows else {})}


class InputError(Exception):
    """A file that cannot be digitised: the message names the reason; the runner adds the file."""


def failure_reason(error: Exception) -> str:
    """An error as a reason a person reads: a bad input's own message, else what broke inside."""
    return str(error) if isinstance(error, InputError) else f"internal error: {type(error).__name__}: {error}"
