"""HTML pages: the <table> elements with their rowspan/colspan, the pictures (<img>) in their
place among them, the text outside them, and the page's <title>. A page as a browser saves it
(`<name>.html` and its `<name>_files` folder) finds its pictures there; web_archive.py reads the
single-file forms (.mhtml, a .zip of the page and its pictures) through the same
`html_document`."""
from __future__ import annotations

import base64
import binascii
from pathlib import Path, PurePosixPath
from typing import Callable
from urllib.parse import unquote, urlsplit

from ...types import InputError, Picture, StructuredDocument
from ..ingest import decode_text, saved_page_folders
from .grid import grid_table, place_rows

# a picture's `src` → its bytes, or None when the page was saved without it
Fetch = Callable[[str], "bytes | None"]


def _span(value: str | None) -> int:
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return 1


def picture_name(src: str) -> str:
    """A picture's name as a person finds it: the last part of its address, undecorated."""
    return PurePosixPath(unquote(urlsplit(src).path)).name or src[:40]


def data_uri(src: str) -> bytes | None:
    """The bytes of a `data:image/...;base64,` address, None for any other."""
    if not src.startswith("data:") or ";base64," not in src[:200]:
        return None
    try:
        return base64.b64decode(src.split(",", 1)[1], validate=False)
    except (binascii.Error, ValueError):
        return None


LAZY = ("src", "data-src", "data-original")  # a lazily loaded picture's address is in one of these


def _picture(img, fetch: Fetch, number: int) -> tuple[str, bytes] | str | None:
    """An <img>'s name and bytes (of the largest of its addresses: a lazily loaded picture's `src`
    is a placeholder), or its name when the page was saved without it; None without an address."""
    found, name = [], None
    for src in dict.fromkeys((img.get(attribute) or "").strip() for attribute in LAZY):
        if not src:
            continue
        inline = src.startswith("data:")
        data = data_uri(src) if inline else fetch(src)
        name = name or (None if inline else picture_name(src))
        if data:
            found.append((f"picture-{number}" if inline else picture_name(src), data))
    if found:
        return max(found, key=lambda item: len(item[1]))
    return name


def read_html(path: Path) -> StructuredDocument:
    text = decode_text(path.read_bytes())
    if text is None:
        raise InputError("not an HTML page (binary content)")
    return html_document(text, _folder_fetch(path))


def _folder_fetch(path: Path) -> Fetch:
    """Pictures of a page saved by a browser: at their relative address (under the page's
    folder, never above it), else by name in the page's `_files` folder or beside the page."""
    root = path.parent.resolve()

    def fetch(src: str) -> bytes | None:
        address = unquote(urlsplit(src).path)
        name = PurePosixPath(address).name
        candidates = [] if urlsplit(src).scheme else [root / address]
        candidates += [folder / name for folder in saved_page_folders(path)] + [root / name]
        for candidate in candidates:
            try:
                candidate = candidate.resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return candidate.read_bytes()
            except OSError:
                continue
        return None

    return fetch


def html_document(text: str, fetch: Fetch) -> StructuredDocument:
    import lxml.html

    try:
        root = lxml.html.fromstring(text)
    except Exception as e:  # lxml raises ParserError or ValueError on empty documents
        raise InputError(f"unreadable HTML ({e})") from e
    leaves = [t for t in root.iter("table") if t.find(".//table") is None]  # not layout tables
    tables, pictures, missing = [], [], []
    leaf_set = set(leaves)
    for element in root.iter("table", "img"):
        if element.tag == "img":
            picture = _picture(element, fetch, len(pictures) + len(missing) + 1)
            if isinstance(picture, str):
                missing.append(f"{picture}: not saved with the page")
            elif picture is not None:
                pictures.append(Picture(picture[0], picture[1], len(tables)))
            continue
        if element not in leaf_set:
            continue
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
    return StructuredDocument(tables, prose[:min(before_tables, 60)] + heading, prose, pictures, missing)


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
