"""Readers for born-digital reports: Word (.docx; .doc/.wps/.odt through LibreOffice), HTML
pages (saved with their pictures' folder, as .mhtml, or zipped) and plain-text extractions. Each
yields the same tables the scanned path produces, so one reconstruction maps them all onto the
template; pictures among them (tables pasted as images) go through the scan path."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ...types import StructuredDocument


def read_structured(path: Path, kind: str) -> StructuredDocument:
    """kind: as ingest.sniff names it: 'docx', 'office', 'html', 'mhtml', 'webzip' or 'text'. A
    picture shown twice (a page repeating an image) is read once, where it first stands."""
    document = _read(path, kind)
    distinct, seen = [], set()
    for picture in document.pictures:
        digest = hashlib.sha256(picture.data).digest()
        if digest not in seen:
            seen.add(digest)
            distinct.append(picture)
    document.pictures = distinct
    return document


def _read(path: Path, kind: str) -> StructuredDocument:
    if kind == "docx":
        from .docx import read_docx

        return read_docx(path)
    if kind == "office":
        from .office import read_office

        return read_office(path)
    if kind == "html":
        from .html import read_html

        return read_html(path)
    if kind == "mhtml":
        from .web_archive import read_mhtml

        return read_mhtml(path)
    if kind == "webzip":
        from .web_archive import read_web_zip

        return read_web_zip(path)
    if kind == "text":
        from .text import read_text

        return read_text(path)
    raise ValueError(f"no reader for {kind}")
