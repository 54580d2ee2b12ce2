"""The bad-input corpus: every kind of file a batch meets that cannot be digitised, written on
demand (small; nothing binary is kept in git), with the reason its error must give."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.pdfgen import canvas


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds one empty row: enough for a reader to see the size."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) \
        + chunk(b"IEND", b"")


def _text_pdf(path: Path, lines: list[str], encrypt: str | None = None):
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 16 * i, line)
    c.save()


def build(root: Path, good_pdf: Path) -> dict[str, tuple[Path, str]]:
    """case → (path, what its error must say). `good_pdf`: a real report, to truncate."""
    root.mkdir(parents=True, exist_ok=True)
    cases: dict[str, tuple[Path, str]] = {}

    def write(case: str, name: str, data: bytes, reason: str):
        (root / name).write_bytes(data)
        cases[case] = (root / name, reason)

    write("empty file", "empty.pdf", b"", "empty file")
    write("corrupt PDF", "corrupt.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "corrupt or unreadable PDF")
    data = good_pdf.read_bytes()
    write("truncated PDF", "truncated.pdf", data[: len(data) // 3], "corrupt or unreadable PDF")
    _text_pdf(root / "locked.pdf", ["secret"], encrypt="pw")
    cases["password-protected PDF"] = (root / "locked.pdf", "password-protected PDF")
    _text_pdf(root / "letter.pdf", ["Dear colleague,", "this PDF has text and no tables."])
    cases["PDF that is not a report"] = (root / "letter.pdf", "no report statistics table found")
    write("text named .pdf", "notes.pdf", "政府信息公开工作年度报告（文本）".encode(), "not a PDF or image")
    write("random bytes named .pdf", "noise.pdf", np.random.default_rng(1).bytes(4096), "not a PDF or image")
    write("broken PNG", "broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt or unreadable image")
    jpeg = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 200, 200)).save(jpeg, "JPEG")
    write("truncated JPEG", "cut.jpg", jpeg.getvalue()[:200], "corrupt or unreadable image")
    write("huge image (20000 x 20000 px)", "huge.png", _png_header(20000, 20000), "image too large")
    Image.new("L", (800, 1100), 240).save(root / "blank.png")
    cases["blank page image"] = (root / "blank.png", "no report statistics table found")
    photo = np.random.default_rng(2).integers(0, 255, (600, 800, 3), dtype=np.uint8)
    Image.fromarray(photo).save(root / "photo.jpg")
    cases["image that is not a report"] = (root / "photo.jpg", "no report statistics table found")
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><unclosed>")
    write("malformed .docx", "broken.docx", broken.getvalue(), "malformed .docx")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "not a document")
    write("ZIP archive named .docx", "archive.docx", archive.getvalue(), "neither a .docx, an .odt document nor a saved web page")
    write("web page without report tables", "news.html",
          "<html><body><h1>新闻</h1><p>今天天气很好。</p></body></html>".encode(), "no report statistics table found")
    write("binary named .html", "report.html", bytes(range(256)) * 8, "not an HTML page")
    (root / "dangling.pdf").symlink_to(root / "gone.pdf")
    cases["dangling link"] = (root / "dangling.pdf", "no such file or directory")
    (root / "empty_folder").mkdir()
    cases["folder without reports"] = (root / "empty_folder", "directory holds no report files")
    cases["missing path"] = (root / "missing.pdf", "no such file or directory")
    return cases
