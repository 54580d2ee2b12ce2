"""Web pages saved as one file: an MHTML archive (.mhtml/.mht, what a browser's "save as a
single file" writes) and a .zip of a page with its pictures. Both are read as HTML pages whose
pictures come from the archive (html.py)."""
from __future__ import annotations

import email
import email.policy
import posixpath
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ...types import InputError, StructuredDocument
from ..ingest import decode_text, zipped_page_name
from .html import html_document

MAX_ARCHIVE_BYTES = 400_000_000  # an archive unpacking to more is refused (a zip bomb)


def read_mhtml(path: Path) -> StructuredDocument:
    """The archive's HTML part, its pictures found by address (as written, or resolved against
    the page's address), by Content-ID (`cid:`), or by name."""
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    page, base, parts = None, "", {}
    for part in message.walk():
        if part.is_multipart():
            continue
        body = part.get_payload(decode=True) or b""
        location = (part.get("Content-Location") or "").strip()
        if part.get_content_type() == "text/html" and page is None:
            page, base = body, location
            continue
        for key in (location, f"cid:{(part.get('Content-ID') or '').strip('<> ')}"):
            if key and key != "cid:":
                parts[key] = body
    if page is None:
        raise InputError("an MHTML archive without an HTML page in it")
    text = decode_text(page)
    if text is None:
        raise InputError("the MHTML archive's page is not text")
    by_name = {posixpath.basename(unquote(urlsplit(key).path)): body for key, body in parts.items()}

    def fetch(src: str) -> bytes | None:
        return parts.get(src) or parts.get(urljoin(base, src)) or \
            by_name.get(posixpath.basename(unquote(urlsplit(src).path)))

    return html_document(text, fetch)


def read_web_zip(path: Path) -> StructuredDocument:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise InputError(f"corrupt ZIP archive ({e})") from e
    with archive:
        infos = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        if sum(info.file_size for info in infos.values()) > MAX_ARCHIVE_BYTES:
            raise InputError(f"the ZIP archive unpacks to more than {MAX_ARCHIVE_BYTES // 1_000_000} MB")
        page = zipped_page_name(list(infos))
        if page is None:
            raise InputError("a ZIP archive with no web page (.html) in it")
        text = decode_text(archive.read(page))
        if text is None:
            raise InputError(f"{page} in the ZIP archive is not text")
        folder = posixpath.dirname(page)
        by_name = {posixpath.basename(name): name for name in infos}

        def fetch(src: str) -> bytes | None:
            address = unquote(urlsplit(src).path)
            name = posixpath.normpath(posixpath.join(folder, address)) if not urlsplit(src).scheme else None
            name = name if name in infos else by_name.get(posixpath.basename(address))
            return archive.read(name) if name else None

        return html_document(text, fetch)
