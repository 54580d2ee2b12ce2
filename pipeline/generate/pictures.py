"""Reports whose tables are pictures, as government sites and offices publish them: a web page
(saved with its `_files` folder, as one .mhtml file, or zipped with its pictures) or a Word file
(.docx, or .doc saved by LibreOffice) with each table pasted as an image. Each table is drawn (reportlab) or printed from Word
(LibreOffice), rasterised at 72-150 dpi, cropped tightly or loosely, now and then with its title
or its section's heading inside the picture (and so not in the text), and saved as PNG or JPEG;
a table longer than a page is two pictures. A logo, a seal and a QR code are pictures that are
no tables."""
from __future__ import annotations

import email.encoders
import email.generator
import email.mime.multipart
import email.mime.nonmultipart
import email.mime.text
import io
import random
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from .content import Block, GeneratedReport, ReportContent, compose_report
from .documents import write_html
from .render import write_pdf
from .reports import ROUTES, write_truth
from .word import WordLayout, docx_to_pdf, print_whole, write_docx

FORMS = {".html": "web page with its _files folder", ".mhtml": "web page as one MHTML file",
         ".zip": "web page zipped with its pictures", ".docx": "Word file", ".doc": "Word 97 file"}
SITE = "http://www.example.gov.cn/art/2024/"


def generate_picture_report(path: Path, template_id: str, seed: int, route: str = "draw") -> GeneratedReport:
    """Write a report at `path` (its suffix names the form, see FORMS) whose tables are pictures,
    and its truth beside it."""
    if path.suffix not in FORMS or route not in ROUTES:
        raise ValueError(f"unknown form {path.suffix!r} or route {route!r}")
    rng = random.Random(seed)
    content = compose_report(template_id, rng, wide=route == "word")
    dpi = rng.uniform(72, 150)
    jpeg = rng.random() < 0.5
    with tempfile.TemporaryDirectory(prefix="reportocr-pictures-") as tmp:
        tables = _table_pictures(content, Path(tmp), route, dpi, rng)
        blocks, k = [], 0
        for block in content.blocks:
            if block.kind != "table":
                blocks.append(block)
                continue
            taken, images = tables[k]
            k += 1
            if taken:
                blocks.pop()  # the title or heading went into the picture
            for image in images:
                blocks.append(_picture_block(image, Path(tmp), path, len(blocks), dpi, jpeg, rng))
        blocks = _decorations(blocks, Path(tmp), path, rng)
        pictured = replace(content, blocks=blocks)
        _write(pictured, path, rng)
    truth = write_truth(path, content, 0, {"picture_dpi": round(dpi, 1)})
    return GeneratedReport(path, truth)


def _table_pictures(content: ReportContent, tmp: Path, route: str, dpi: float,
                    rng: random.Random) -> list[tuple[bool, list[np.ndarray]]]:
    """Each table of the content as pictures (one per page it fills), and whether the block
    before it (its title, or its section's heading) is in the picture."""
    layout = WordLayout.draw(rng) if route == "word" else None
    documents = []
    for k, block in enumerate(content.blocks):
        if block.kind != "table":
            continue
        before = content.blocks[k - 1]
        # a heading, or a table's title (a paragraph without numbers: the text's statements stay)
        title = before.kind == "heading" or (before.kind == "para" and not any(ch.isdigit() for ch in before.text))
        taken = title and len(before.text) <= 40 and rng.random() < 0.4
        one = replace(content, blocks=([before] if taken else []) + [block])
        pdf = tmp / f"table{len(documents)}.pdf"
        if layout is not None:
            write_docx(one, pdf.with_suffix(".docx"), rng, layout)
        else:
            write_pdf(one, pdf, rng)
        documents.append((taken, pdf, one))
    if layout is not None:
        print_whole({pdf.with_suffix(".docx"): (one, rng) for _, pdf, one in documents})
    out = []
    for taken, pdf, _ in documents:
        document = pdfium.PdfDocument(str(pdf))
        images = [_cropped(page.render(scale=dpi / 72).to_numpy()[..., :3], rng) for page in document]
        document.close()
        out.append((taken, [image for image in images if image is not None]))
    return out


def _cropped(rgb: np.ndarray, rng: random.Random) -> np.ndarray | None:
    """The printed part of a page, tightly (a few pixels around the ink) or loosely; None when
    nothing is printed."""
    ys, xs = np.nonzero(rgb.min(axis=2) < 200)
    if len(ys) == 0:
        return None
    pad = rng.randint(1, 4) if rng.random() < 0.5 else rng.randint(10, 50)
    h, w = rgb.shape[:2]
    return np.ascontiguousarray(rgb[max(0, ys.min() - pad):min(h, ys.max() + pad + 1),
                                    max(0, xs.min() - pad):min(w, xs.max() + pad + 1)])


def _picture_block(rgb: np.ndarray, tmp: Path, path: Path, k: int, dpi: float, jpeg: bool,
                   rng: random.Random, name: str | None = None) -> Block:
    """The picture saved as a site or Word saves it, as a block of the page."""
    suffix = ".jpg" if jpeg else ".png"
    name = name or (f"image{k:03d}{suffix}" if rng.random() < 0.5 else f"W0{rng.randrange(10**17):017d}{suffix}")
    file = tmp / name
    image = Image.fromarray(rgb)
    if jpeg:
        image.save(file, quality=rng.randint(40, 90))
    else:
        image.save(file)
    return Block("picture", f"{path.stem}_files/{name}", picture=file, width_cm=rgb.shape[1] / dpi * 2.54)


def _decorations(blocks: list[Block], tmp: Path, path: Path, rng: random.Random) -> list[Block]:
    """Pictures that are no tables: a site's logo before the title, a red seal and a QR code at
    the end (each now and then)."""
    h = rng.randint(40, 90)
    logo = np.full((h, h * 5, 3), (rng.randint(0, 80), rng.randint(60, 140), rng.randint(150, 230)), np.uint8)
    cv2.putText(logo, "GOV", (h // 4, int(h * 0.75)), cv2.FONT_HERSHEY_SIMPLEX, h / 40, (255, 255, 255), 2)
    seal = np.full((160, 160, 3), 255, np.uint8)
    cv2.circle(seal, (80, 80), 70, (220, 30, 30), 5)
    cv2.putText(seal, "*", (58, 105), cv2.FONT_HERSHEY_SIMPLEX, 3, (220, 30, 30), 6)
    modules = np.random.default_rng(rng.randrange(2**32)).random((25, 25)) < 0.5
    for y, x in ((0, 0), (0, 18), (18, 0)):  # the three finder squares
        modules[y:y + 7, x:x + 7] = True
        modules[y + 1:y + 6, x + 1:x + 6] = False
        modules[y + 2:y + 5, x + 2:x + 5] = True
    qr = np.pad(np.where(modules, 0, 255).astype(np.uint8), 3, constant_values=255)
    qr = cv2.cvtColor(cv2.resize(qr, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST), cv2.COLOR_GRAY2RGB)
    out = list(blocks)
    if rng.random() < 0.5:
        out.insert(0, _picture_block(logo, tmp, path, 0, 96, False, rng, "logo.png"))
    for name, image in (("seal.png", seal), ("qrcode.png", qr)):
        if rng.random() < 0.5:
            out.append(_picture_block(image, tmp, path, len(out), 96, False, rng, name))
    return out


def _write(content: ReportContent, path: Path, rng: random.Random):
    if path.suffix in (".docx", ".doc"):
        write_docx(content, path.with_suffix(".docx"), rng)
        if path.suffix == ".doc":
            docx_to_pdf([path.with_suffix(".docx")], target="doc")
            path.with_suffix(".docx").unlink()
        return
    page = path.with_suffix(".html") if path.suffix == ".html" else Path(tempfile.mkdtemp()) / f"{path.stem}.html"
    write_html(content, page, rng)
    pictures = [block for block in content.blocks if block.kind == "picture"]
    if path.suffix == ".html":
        folder = path.with_name(f"{path.stem}_files")
        folder.mkdir(exist_ok=True)
        for block in pictures:
            (folder / block.picture.name).write_bytes(block.picture.read_bytes())
    elif path.suffix == ".zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(page, page.name)
            for block in pictures:
                archive.write(block.picture, block.text)
    else:
        archive = email.mime.multipart.MIMEMultipart("related", type="text/html")
        archive["Subject"] = f"{content.year}年{content.agency}政府信息公开工作年度报告"
        archive["Snapshot-Content-Location"] = SITE + page.name
        html = email.mime.text.MIMEText(page.read_text(encoding="utf-8"), "html", "utf-8")
        html["Content-Location"] = SITE + page.name
        archive.attach(html)
        for block in pictures:
            kind = "jpeg" if block.picture.suffix == ".jpg" else "png"
            part = email.mime.nonmultipart.MIMENonMultipart("image", kind)
            part.set_payload(block.picture.read_bytes())
            email.encoders.encode_base64(part)
            part["Content-Location"] = SITE + block.text
            archive.attach(part)
        buffer = io.StringIO()
        email.generator.Generator(buffer, mangle_from_=False).flatten(archive)
        path.write_text(buffer.getvalue(), encoding="ascii")
    if path.suffix != ".html":
        page.unlink()
        page.parent.rmdir()


def screenshot_tables(page: Path, out: Path, rng: random.Random) -> Path:
    """A real web page (`page`) republished with each of its data tables as Chromium draws it
    (a screenshot at 1-1.5 device pixels per CSS pixel: 96-144 dpi, PNG or JPEG, cropped to the
    table with a margin of a few pixels or a few dozen): the picture route that another author,
    a browser, laid out. Written as `out` (an .html) with its `_files` folder."""
    import lxml.html

    from ..read.ingest import decode_text
    from .documents import screenshot

    root = lxml.html.fromstring(decode_text(page.read_bytes()))
    styles = "".join(lxml.html.tostring(style, encoding="unicode") for style in root.iter("style"))
    folder = out.with_name(f"{out.stem}_files")
    folder.mkdir(parents=True, exist_ok=True)
    scale, jpeg = rng.choice([1.0, 1.0, 1.25, 1.5]), rng.random() < 0.5
    with tempfile.TemporaryDirectory(prefix="reportocr-shot-") as tmp:
        for k, table in enumerate([t for t in root.iter("table") if t.find(".//table") is None]):
            alone = Path(tmp) / f"table{k}.html"
            alone.write_text(f"<html><head><meta charset='utf-8'>{styles}</head><body style='margin:8px'>"
                             f"{lxml.html.tostring(table, encoding='unicode')}</body></html>", encoding="utf-8")
            rgb = _cropped(screenshot(alone, Path(tmp) / f"table{k}.png", scale), rng)
            if rgb is None:
                continue
            name = f"table{k}{'.jpg' if jpeg else '.png'}"
            Image.fromarray(rgb).save(folder / name, **({"quality": rng.randint(50, 90)} if jpeg else {}))
            img = lxml.html.Element("img", src=f"{folder.name}/{name}")
            img.tail = table.tail
            table.getparent().replace(table, img)
    out.write_text(lxml.html.tostring(root, encoding="unicode"), encoding="utf-8")
    return out
