"""Ingest: tell a report file's kind by its bytes; open a PDF, an image or a folder of page
images and yield its pages one at a time (bounded memory). Word, HTML and text files go to
documents/.

PDFs are rasterised with pypdfium2 (0.03 s a page at 200 dpi here, against 0.11-0.16 s for
poppler's pdftoppm). A page with a usable text layer also carries its words, so the OCR stage
can read them exactly instead of recognising pixels.
"""
from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageSequence

from ..types import InputError, Page, Word
from .drawing import page_marks

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}  # text extractions (Markdown: tables as | rows)
WEB_SUFFIXES = {".html", ".htm", ".shtml", ".mhtml", ".mht", ".zip"}  # a web page, saved or archived
DOCUMENT_SUFFIXES = {".docx", ".doc", ".wps", ".odt", ".rtf"} | WEB_SUFFIXES | TEXT_SUFFIXES
DOCUMENT_KINDS = ("docx", "office", "html", "mhtml", "webzip", "text")  # read by documents/
INPUT_SUFFIXES = IMAGE_SUFFIXES | {".pdf"} | DOCUMENT_SUFFIXES  # what a folder is searched for
MAX_IMAGE_PIXELS = 120_000_000  # larger images are refused rather than exhausting memory
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MARKUP = re.compile(r"<(div|p|body|span|br)\b")


def _natural_key(path: Path) -> list:
    """page2 before page10: runs of digits compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower()) for part in re.split(r"(\d+)", path.name)]


def page_files(folder: Path) -> list[Path]:
    """A folder's page images (PNG, JPEG, TIFF, BMP directly in it), in natural name order."""
    return sorted((p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                   and not p.name.startswith(".")), key=_natural_key)


SAVED_FOLDER_ENDINGS = ("_files", ".files")  # a saved page's pictures' folder: <name>_files beside <name>.html


def saved_page_folders(page: Path) -> list[Path]:
    """The folders a browser saves a page's pictures in beside it."""
    return [folder for folder in (page.with_name(page.stem + ending) for ending in SAVED_FOLDER_ENDINGS)
            if folder.is_dir()]


def is_readme(path: Path) -> bool:
    """A folder's README (README.md, readme.txt): its notes on the reports, not one of them."""
    return path.stem.lower() == "readme"


def in_saved_page_folder(path: Path) -> bool:
    """Whether a file belongs to a saved web page (is in the pictures' folder beside it): read
    with its page, not as a report of its own."""
    for folder in path.parents:
        for ending in SAVED_FOLDER_ENDINGS:
            if folder.name.endswith(ending) and any(
                    folder.with_name(folder.name[:-len(ending)] + suffix).is_file() for suffix in (".html", ".htm")):
                return True
    return False


def decode_text(data: bytes, partial: bool = False) -> str | None:
    """The text of a file in the encodings Chinese sites use, or None when it is binary.
    `partial`: `data` is the file's head, which may end inside a character."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=not partial)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
        return text if controls <= len(text) * 0.01 else None
    return None


def sniff(path: Path) -> str:
    """The file's kind from its bytes, whatever its name says: 'pdf', 'image', 'docx',
    'office' (.doc/.wps/.odt/.rtf: converted by LibreOffice), 'html', 'mhtml' (a web page saved
    as one file), 'webzip' (a .zip of a web page and its pictures) or 'text'; 'pages' for a
    folder of page images (one report, see page_files)."""
    if path.is_dir():
        if not page_files(path):
            raise InputError("folder holds no page images (PNG, JPEG, TIFF)")
        return "pages"
    try:
        with path.open("rb") as f:
            head = f.read(65536)
    except OSError as e:
        raise InputError(f"cannot read file: {e.strerror or e}") from e
    if not head:
        raise InputError("empty file")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:8] == b"\x89PNG\r\n\x1a\n" or head[:3] == b"\xff\xd8\xff" or head[:4] in (b"II*\x00", b"MM\x00*") \
            or head[:2] == b"BM":
        return "image"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "docx"
        if b"opendocument.text" in head:
            return "office"
        if _zipped_page(path):
            return "webzip"
        raise InputError("a ZIP archive that is neither a .docx, an .odt document nor a saved web page")
    if head.startswith(b"\xd0\xcf\x11\xe0") or head.startswith(b"{\\rtf"):
        return "office"  # OLE2 (.doc, .wps) or RTF
    text = decode_text(head, partial=len(head) == 65536)
    if text is None:
        wanted = {".html": "an HTML page", ".htm": "an HTML page"}.get(path.suffix.lower(), "a PDF or image")
        raise InputError(f"not {wanted} (binary content starting {head[:8]!r})")
    lowered = text[:65536].lower()
    if "mime-version:" in lowered[:4096] and "multipart/related" in lowered:
        return "mhtml"
    if "<html" in lowered or "<table" in lowered or "<!doctype html" in lowered or \
            (path.suffix.lower() in WEB_SUFFIXES and _MARKUP.search(lowered)):  # a page's article cut out
        return "html"
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "text"
    raise InputError(f"not a PDF or image: the {path.suffix or 'file'} holds plain text")


def zipped_page_name(names: list[str]) -> str | None:
    """The page of a zipped web page: the HTML file nearest the archive's top (not one inside a
    picture folder), None when it holds no page."""
    pages = [n for n in names if n.lower().endswith((".html", ".htm")) and not n.startswith("__MACOSX/")]
    return min(pages, key=lambda n: (n.count("/"), len(n)), default=None)


def _zipped_page(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return zipped_page_name(archive.namelist()) is not None
    except (zipfile.BadZipFile, OSError):
        return False


def page_count(path: Path) -> int:
    kind = sniff(path)
    if kind == "pdf":
        with _open_pdf(path) as doc:
            return len(doc)
    return sum(_frames(image) for image in (page_files(path) if kind == "pages" else [path]))


def _frames(path: Path) -> int:
    """How many pages an image file holds, from its header (nothing decoded)."""
    try:
        with Image.open(path) as img:
            return getattr(img, "n_frames", 1)
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"{path.name}: corrupt or unreadable image ({e})") from e


class _open_pdf:
    def __init__(self, path: Path):
        try:
            self.doc = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            msg = str(e)
            if "password" in msg.lower():
                raise InputError("password-protected PDF") from e
            raise InputError(f"corrupt or unreadable PDF ({msg})") from e

    def __enter__(self):
        return self.doc

    def __exit__(self, *exc):
        self.doc.close()


class _open_image:
    def __init__(self, path: Path):
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        try:
            self.img = Image.open(path)
            self.img.load()
        except Image.DecompressionBombError as e:
            raise InputError(f"image too large ({e})") from e
        except (OSError, SyntaxError, ValueError) as e:
            raise InputError(f"corrupt or unreadable image ({e})") from e

    def __enter__(self):
        return self.img

    def __exit__(self, *exc):
        self.img.close()


RED_CORE = 36  # red minus the larger of green and blue: a seal stroke's core; light red or peach shading is 25 or less
SEAL_SPECKS = np.ones((15, 15), np.uint8)  # reach of the colour specks around a seal that go with it (9 left two dark pixels beside a ring)
BLACK_INK = 0.4  # of the local paper's tone: darker in luminance is black ink, kept under a seal


def drop_red(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Grey from a colour scan with red ink (seals, red headers) made invisible. The red
    channel shows red ink as bright as paper and black ink still black. JPEG keeps colour at
    half resolution, so along red strokes the colour bleeds: a stroke's edge turns dark grey and
    black ink under red turns lighter in the red channel. Luminance stays sharp, and in it red
    ink is half as dark as paper while black ink is darker still: pixels on or beside red ink
    take the paper's local tone unless their luminance says black ink. Returns the grey image
    and where red ink was (None when there was none)."""
    red = np.ascontiguousarray(rgb[..., 0])
    green_blue = np.maximum(rgb[..., 1], rgb[..., 2])
    if cv2.subtract(red, green_blue).max() < 12:  # no pixel red enough that a blur could reach 12
        return red, None
    redness = red.astype(np.float32) - green_blue.astype(np.float32)
    # judged over a pixel's neighbourhood, which reaches the stroke's edges whose colour bled out
    # (reaching further takes the digits a red line crosses: measured worse)
    near_red = cv2.GaussianBlur(redness, (0, 0), 1.5) > 12
    # red ink has a saturated core; a table cell shaded a light red or peach (Word's accent
    # tints, FBE4D5: 23 redder) has none, and its text is no seal's to wash out. The specks of
    # colour JPEG scatters around a seal's strokes go with the seal.
    n, regions = cv2.connectedComponents(cv2.dilate(near_red.view(np.uint8), SEAL_SPECKS))
    cored = np.zeros(n, bool)
    cored[regions[near_red & (redness > RED_CORE)]] = True
    cored[0] = False
    near_red &= cored[regions]
    if not near_red.any():
        return red, None
    luminance = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)
    paper = cv2.medianBlur(red, 21)  # red ink is paper in red light: the median sees paper
    black = luminance < BLACK_INK * paper.astype(np.float32)
    wash = near_red & ~black
    keep = near_red & black
    red[wash] = paper[wash]
    red[keep] = np.minimum(red[keep], luminance[keep])
    return red, near_red.astype(np.uint8) * 255


def to_grey(frame: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """The frame as grey, and where red ink was washed out of it. A transparent background (a
    picture pasted from an editor) is paper: white, not the black its pixels hold."""
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        frame = Image.alpha_composite(Image.new("RGBA", frame.size, "white"), frame.convert("RGBA"))
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.float64)
        return (arr / max(arr.max(), 1) * 255).astype(np.uint8), None
    if frame.mode in ("L", "1", "LA"):
        return np.asarray(frame.convert("L")), None
    return drop_red(np.asarray(frame.convert("RGB")))


def _char_box(textpage: pdfium.PdfTextPage, i: int) -> tuple[float, float, float, float]:
    """A character's box in PDF points: the font's box (one height for a whole line, where a
    tight box of 一 or 。 is a sliver), unless it is no character's size (text set vertically
    gets boxes across the page); then the glyph's own."""
    tight = textpage.get_charbox(i)
    loose = textpage.get_charbox(i, loose=True)
    tw, th = tight[2] - tight[0], tight[3] - tight[1]
    lw, lh = loose[2] - loose[0], loose[3] - loose[1]
    return loose if lw <= 2 * tw + 3 and lh <= 2 * max(tw, th) + 3 else tight


def _text_layer(page: pdfium.PdfPage, scale: float, height_px: float) -> list[Word] | None:
    """Characters of the text layer as words (one per character: Chinese has no spaces), or
    None when the page has no usable text (a scan, or text without CJK characters)."""
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        text = textpage.get_text_range()
        if n < 20 or len(_CJK.findall(text)) < 10:
            return None
        words = []
        for i in range(n):
            ch = text[i] if i < len(text) else ""
            if not ch.strip():
                continue
            x0, y0, x1, y1 = _char_box(textpage, i)
            words.append(Word(ch, (x0 * scale, height_px - y1 * scale, x1 * scale, height_px - y0 * scale)))
        return words
    finally:
        textpage.close()


def is_bilevel(grey: np.ndarray) -> bool:
    """Black and white only (a 1-bit scan), rendered or not: nearly every pixel is the page's
    darkest or its lightest (a grey scan's noise leaves hardly any at either)."""
    return float(np.mean((grey == grey.min()) | (grey == grey.max()))) > 0.9


def _picture_dpi(page: pdfium.PdfPage) -> float | None:
    """The resolution of the largest picture on a scanned PDF page: a page stored as a 96-dpi
    picture is rendered at 200 dpi like any other, but holds no more than 96 dpi of detail."""
    pictures = [obj.get_metadata() for obj in page.get_objects(filter=(pdfium_raw.FPDF_PAGEOBJ_IMAGE,))]
    largest = max(pictures, key=lambda m: m.width * m.height, default=None)
    return float(largest.horizontal_dpi) if largest is not None and largest.horizontal_dpi > 0 else None


def iter_pages(path: Path, dpi: float = 200, only: set[int] | None = None) -> Iterator[Page]:
    """The pages of a PDF, an image file or a folder of page images, rasterised to grey at
    `dpi` (images come at their own resolution), one at a time (`only`: just these page numbers).
    A Word file's or web page's pictures: documents.pictures.source_pages."""
    kind = sniff(path)
    if kind not in ("pdf", "image", "pages"):
        raise InputError(f"not a page-based file ({kind})")
    if kind == "pdf":
        yield from _pdf_pages(path, dpi, only)
        return
    if kind == "image":
        yield from _image_pages(path, dpi, 1, only)
        return
    first = 1
    for image in page_files(path):
        frames = _frames(image)
        if only is None or any(first <= n < first + frames for n in only):
            try:
                yield from _image_pages(image, dpi, first, only)
            except InputError as e:  # which of the folder's files
                raise InputError(f"{image.name}: {e}") from e
        first += frames


def _pdf_pages(path: Path, dpi: float, only: set[int] | None) -> Iterator[Page]:
    with _open_pdf(path) as doc:
        if len(doc) == 0:
            raise InputError("PDF has no pages")
        scale = dpi / 72
        for i in range(len(doc)):
            if only is not None and i + 1 not in only:
                continue
            page = doc[i]
            try:
                rgb = page.render(scale=scale, rev_byteorder=True).to_numpy()  # RGB(A)
                words = _text_layer(page, scale, rgb.shape[0])
                if words is not None:
                    image = cv2.cvtColor(np.ascontiguousarray(rgb[..., :3]), cv2.COLOR_RGB2GRAY)
                    yield Page(number=i + 1, image=image, dpi=int(round(dpi)), words=words,
                               marks=page_marks(page, scale, rgb.shape[0]))
                    continue
                image, seal = drop_red(rgb)  # a scan: seals and red ink away before layout and OCR
                yield Page(number=i + 1, image=image, dpi=int(round(dpi)), seal=seal,
                           source_dpi=_picture_dpi(page), bilevel=is_bilevel(image))
            finally:
                page.close()


def pdf_views(path: Path, dpi: float, only: set[int]) -> Iterator[tuple[int, np.ndarray]]:
    """Pages `only` of a PDF as printed, in colour (BGR, seals and all), for a person to look at
    (the review's overlays): none of the reading's work (red dropped, text layer, drawing), and a
    scan's picture scaled without smoothing, as legible at half resolution (9 ms a scanned page
    where the reading's rendering took 38)."""
    with _open_pdf(path) as doc:
        for number in sorted(n for n in only if 0 < n <= len(doc)):
            page = doc[number - 1]
            try:
                bgrx = page.render(scale=dpi / 72, no_smoothimage=True, prefer_bgrx=True).to_numpy()
                yield number, cv2.cvtColor(bgrx, cv2.COLOR_BGRA2BGR)
            finally:
                page.close()


def _image_pages(path: Path, dpi: float, first: int, only: set[int] | None) -> Iterator[Page]:
    """The frames of one image file, numbered from `first`."""
    with _open_image(path) as img:
        native_dpi = img.info.get("dpi", (dpi, dpi))[0] or dpi
        for i, frame in enumerate(ImageSequence.Iterator(img)):
            if only is not None and first + i not in only:
                continue
            image, seal = to_grey(frame)
            yield Page(number=first + i, image=image, dpi=int(round(float(native_dpi))), seal=seal,
                       source_dpi=float(native_dpi), bilevel=frame.mode == "1" or is_bilevel(image))
