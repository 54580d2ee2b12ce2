"""HTML pages: the <table> elements with their rowspan/colspan, the text outside them, and the
page's <title>."""
from __future__ import annotations

from pathlib import Path

from ...types import InputError, StructuredDocument
from ..ingest import decode_text
from .grid import grid_table, place_rows


def _span(value: str | None) -> int:
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return 1


def read_html(path: Path) -> StructuredDocument:
    import lxml.html

    text = decode_text(path.read_bytes())
    if text is None:
        raise InputError("not an HTML page (binary content)")
    try:
        root = lxml.html.fromstring(text)
    except Exception as e:  # lxml raises ParserError or ValueError on empty documents
        raise InputError(f"unreadable HTML ({e})") from e
    leaves = [t for t in root.iter("table") if t.find(".//table") is None]  # not layout tables
    tables = []
    for element in leaves:
        rows = []
        for tr in element.iter("tr"):
            rows.append([(" ".join(td.text_content().split()), _span(td.get("rowspan")), _span(td.get("colspan")))
                         for td in tr if td.tag in ("td", "th")])
        table = grid_table(place_rows(rows))
        if table is not None:
            tables.append(table)
    prose, before_tables = _text_outside(root, leaves)
    title = root.find(".//title")
    heading = [" ".join(title.text_content().split())] if title is not None and title.text_content().strip() else []
    return StructuredDocument(tables, prose[:min(before_tables, 60)] + heading, prose)


_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "section", "article", "table"}


def _text_outside(root, tables: list) -> tuple[list[str], int]:
    """The page's text outside its data tables (and outside <head>), a line per block element
    (<p>, <div>, <br> …): inline elements (<span>, <strong>) stay in their line; and how many
    lines come before the first table (the title is among them)."""
    lines, current = [], []
    skip = set(tables)
    before = [None]

    def flush():
        text = " ".join("".join(current).split())
        if text:
            lines.append(text)
        current.clear()

    def walk(element):
        if tables and element is tables[0] and before[0] is None:
            flush()
            before[0] = len(lines)
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "head", "title"):
            return
        block = element.tag in _BLOCKS
        if block:
            flush()
        if element not in skip:
            current.append(element.text or "")
            for child in element:
                walk(child)
                current.append(child.tail or "")
        if block:
            flush()

    walk(root)
    flush()
    return lines, len(lines) if before[0] is None else before[0]
