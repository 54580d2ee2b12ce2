"""HTML pages: the <table> elements with their rowspan/colspan, and the text before them."""
from __future__ import annotations

from pathlib import Path

from ..ingest import decode_text
from ..types import InputError
from . import StructuredDocument
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
    return StructuredDocument(tables, _lines_before(root, leaves[0] if leaves else None))


def _lines_before(root, stop) -> list[str]:
    """Text lines of the page before `stop` (its first data table): the title is among them."""
    lines: list[str] = []
    for element in root.iter():
        if element is stop or len(lines) >= 60:
            break
        if element.tag in ("script", "style") or not isinstance(element.tag, str):
            continue
        for chunk in (element.text, element.tail):
            if chunk and chunk.strip():
                lines.append(chunk.strip())
    return lines
