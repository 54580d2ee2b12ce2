"""Word .docx: the real table cells with their merges (gridSpan across, vMerge down), and the
pictures pasted among them (a table pasted as an image), in their place."""
from __future__ import annotations

import zipfile
from pathlib import Path

from ...types import InputError, Picture, StructuredDocument
from .grid import GridCell, grid_table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _text(element) -> str:
    """A paragraph's or cell's text; a cell's paragraphs (a wrapped label) are joined."""
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def _table_cells(tbl) -> list[GridCell]:
    cells: list[GridCell] = []
    open_down: dict[int, GridCell] = {}  # column → the cell a vMerge continues
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        c = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            c = int(before.get(f"{W}val", "0"))
        for tc in tr.findall(f"{W}tc"):
            span_el = tc.find(f"{W}tcPr/{W}gridSpan")
            span = int(span_el.get(f"{W}val", "1")) if span_el is not None else 1
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(f"{W}val") != "restart" and c in open_down:
                open_down[c].row_span = r - open_down[c].row + 1
            else:
                cell = GridCell(r, c, 1, span, _text(tc))
                cells.append(cell)
                if vmerge is not None:
                    open_down[c] = cell
                else:
                    open_down.pop(c, None)
            c += span
    return cells


def read_docx(path: Path) -> StructuredDocument:
    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(f"malformed .docx ({type(e).__name__}: {e})") from e
    except Exception as e:  # python-docx raises a variety of errors on broken parts
        raise InputError(f"malformed .docx ({type(e).__name__}: {e})") from e
    tables, title_lines, prose, pictures, unreadable = [], [], [], [], []
    for child in document.element.body.iterchildren():
        for rel in _picture_rels(child):  # a table's own pictures count as before it
            part = document.part.related_parts.get(rel)
            name = str(getattr(part, "partname", rel)).rsplit("/", 1)[-1]
            if part is None or not getattr(part, "blob", None):
                unreadable.append(f"{name}: not in the file")
            else:
                pictures.append(Picture(name, part.blob, len(tables)))
        if child.tag == f"{W}tbl":
            table = grid_table(_table_cells(child))
            if table is not None:
                tables.append(table)
        elif child.tag == f"{W}p":
            text = _text(child).strip()
            if text:
                prose.append(text)
                if not tables and len(title_lines) < 6:
                    title_lines.append(text)
    return StructuredDocument(tables, title_lines, prose, pictures, unreadable)


def _picture_rels(element) -> list[str]:
    """The relationship ids of the pictures in a paragraph or table: DrawingML (<a:blip>) and the
    older VML (<v:imagedata>) that Word 2003 documents and conversions carry."""
    rels = [blip.get(f"{R}embed") for blip in element.iter(f"{A}blip")]
    rels += [data.get(f"{R}id") for data in element.iter(f"{V}imagedata")]
    return [rel for rel in dict.fromkeys(rels) if rel]
