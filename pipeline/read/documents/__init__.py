"""Readers for born-digital reports: Word (.docx; .doc/.wps/.odt through LibreOffice), HTML
pages and plain-text extractions. Each yields the same tables the scanned path produces, so one
reconstruction maps them all onto the template."""
from __future__ import annotations

from pathlib import Path

from ...types import StructuredDocument


def read_structured(path: Path, kind: str) -> StructuredDocument:
    """kind: as ingest.sniff names it: 'docx', 'office', 'html' or 'text'."""
    if kind == "docx":
        from .docx import read_docx

        return read_docx(path)
    if kind == "office":
        from .office import read_office

        return read_office(path)
    if kind == "html":
        from .html import read_html

        return read_html(path)
    if kind == "text":
        from .text import read_text

        return read_text(path)
    raise ValueError(f"no reader for {kind}")
