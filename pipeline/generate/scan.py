"""Turn a born-digital report into the scan an office would publish: an image-only PDF (or a
multi-page TIFF).

Degradations: faint and broken rulings, grey paper, uneven exposure, skew, blur, noise, low
contrast, red seals, phone photos at an angle, pages turned by 90/180/270° and JPEG compression,
drawn per page within the bounds of ScanOptions (hard() and field() for the harder sets). Two
families of their own: an archive scanner's black-and-white pages (1-bit, thresholded light or
dark, dust, stored as CCITT G4) and pages downloaded as low-resolution pictures (72-110 dpi,
strong JPEG, colour or grey).
"""
from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, replace

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from .content import GeneratedReport


@dataclass
class ScanOptions:
    dpi: int | tuple[int, int] = 200  # or a range, drawn per report
    max_skew: float = 1.5  # degrees
    blur: tuple[float, float] = (0.3, 0.8)  # Gaussian sigma, px
    noise: tuple[float, float] = (2.0, 7.0)  # grey levels
    jpeg_quality: tuple[int, int] = (55, 85)
    ink: tuple[float, float] = (10, 45)  # grey level of black ink
    paper: tuple[float, float] = (222, 248)
    seal: float = 0.0  # chance that a page carries a red official seal (公章)
    broken_lines: float = 0.0  # chance that a page's rulings print faint and broken
    photo: float = 0.0  # chance that a page is a phone photo: perspective, dark surround, shading
    turn: float = 0.0  # chance that a page is turned: by 180° half the time, else 90° or 270°
    # an archive scanner's 1-bit mode: the threshold between ink and paper, drawn per page from
    # this range (low: light, strokes thin and break; high: dark, strokes bleed), no JPEG
    bilevel: tuple[float, float] | None = None
    dust: float = 0.0  # specks of dust and dirt per page
    colour: float = 0.0  # chance that a page is kept in colour (tinted paper) rather than grey
    container: str = "pdf"  # "pdf" or "tiff" (multi-page); 1-bit pages CCITT G4 in either

    @classmethod
    def hard(cls) -> "ScanOptions":
        """Heavier blur and noise, low contrast, 150 dpi, seals over the tables."""
        return cls(dpi=150, max_skew=1.5, blur=(0.5, 1.1), noise=(5.0, 11.0), jpeg_quality=(45, 75),
                   ink=(40, 110), paper=(200, 235), seal=0.5)

    @classmethod
    def field(cls) -> "ScanOptions":
        """Reports as offices really scan them: 150 dpi, ±3° skew, seals over the tables, faint
        and broken rulings, one page in three photographed at an angle, some pages turned."""
        return cls(dpi=150, max_skew=3.0, blur=(0.4, 0.9), noise=(3.0, 8.0), jpeg_quality=(50, 80),
                   ink=(15, 70), paper=(205, 240), seal=0.5, broken_lines=1.0, photo=1 / 3, turn=0.15)


    @classmethod
    def black_and_white(cls, dpi: int | tuple[int, int] = (200, 400), container: str = "pdf",
                        threshold: tuple[float, float] = (0.4, 0.7)) -> "ScanOptions":
        """An archive scanner's black-and-white mode: 1-bit pages, thresholded light or dark
        (`threshold`: between ink and paper), slight skew, dust, CCITT G4."""
        return cls(dpi=dpi, max_skew=1.0, blur=(0.3, 0.8), noise=(2.0, 8.0), bilevel=threshold, dust=40,
                   container=container)

    @classmethod
    def page_pictures(cls, dpi: int | tuple[int, int] = (72, 110), container: str = "pdf") -> "ScanOptions":
        """A report downloaded as low-resolution page pictures: 72-110 dpi, JPEG of quality
        30-60, colour or grey, barely skewed."""
        return cls(dpi=dpi, max_skew=0.3, blur=(0.0, 0.4), noise=(0.0, 3.0), jpeg_quality=(30, 60), colour=0.5,
                   container=container)


# Each of the field set's degradations alone, on an office scan (200 dpi unless it is the
# resolution), for the bench's per-degradation figures.
DEGRADATIONS = {
    "150 dpi": ScanOptions(dpi=150),
    "skew 3°": ScanOptions(max_skew=3.0),
    "worn rulings": ScanOptions(broken_lines=1.0),
    "red seal": ScanOptions(seal=1.0),
    "phone photo": ScanOptions(photo=1.0),
    "turned page": ScanOptions(turn=1.0),
    "faint, noisy": ScanOptions(blur=(0.5, 1.1), noise=(5.0, 11.0), ink=(40, 110), paper=(200, 235),
                                jpeg_quality=(45, 75)),
}


def degrade(page: np.ndarray, rng: random.Random, opt: ScanOptions) -> np.ndarray:
    """A grey page image as scanned (`opt.dpi` a number): uint8 grey of the same size, BGR when a
    seal is stamped or the page kept in colour, boolean when 1-bit."""
    h, w = page.shape
    if rng.random() < opt.broken_lines:
        page = break_lines(page, rng, opt.dpi)
    img = page.astype(np.float32)
    paper = rng.uniform(*opt.paper)
    ink = rng.uniform(*opt.ink)
    img = ink + (img / 255.0) * (paper - ink)
    gradient = np.linspace(rng.uniform(-10, 0), rng.uniform(0, 10), w, dtype=np.float32)
    img += gradient[None, :]
    angle = rng.uniform(-opt.max_skew, opt.max_skew)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(paper))
    sigma = rng.uniform(*opt.blur)
    if sigma > 0.05:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    nprng = np.random.default_rng(rng.randrange(2**32))
    img += nprng.normal(0, rng.uniform(*opt.noise), img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if opt.bilevel:
        return with_dust(img < ink + rng.uniform(*opt.bilevel) * (paper - ink), rng, opt.dust, opt.dpi)
    if rng.random() < opt.colour:
        img = tint(img, rng)
    if rng.random() < opt.seal:
        img = stamp_seal(img, rng, opt.dpi)
    if rng.random() < opt.photo:
        img = photograph(img, rng)
    if rng.random() < opt.turn:
        img = np.ascontiguousarray(np.rot90(img, rng.choice([2, 2, 1, 3])))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*opt.jpeg_quality)])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def with_dust(ink: np.ndarray, rng: random.Random, specks: float, dpi: int) -> np.ndarray:
    """A 1-bit page (True: ink) with dust on the glass: dark specks on the paper and white ones
    in the strokes, a few pixels across."""
    nprng = np.random.default_rng(rng.randrange(2**32))
    h, w = ink.shape
    out = ink.astype(np.uint8)
    for _ in range(nprng.poisson(specks)):
        r = max(1, int(nprng.uniform(0.003, 0.012) * dpi))
        cv2.circle(out, (int(nprng.integers(w)), int(nprng.integers(h))), r, int(nprng.random() < 0.75), -1)
    return out.astype(bool)


def tint(grey: np.ndarray, rng: random.Random) -> np.ndarray:
    """A grey page on tinted paper (cream, blue-grey), as BGR."""
    tone = np.array([rng.uniform(0.85, 1.0), rng.uniform(0.92, 1.0), rng.uniform(0.95, 1.0)], np.float32)
    paper = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR).astype(np.float32)
    return np.clip(255 - (255 - paper) * tone[::-1] * rng.uniform(0.9, 1.0) - (1 - tone) * 60, 0, 255).astype(np.uint8)


def break_lines(page: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """Rulings as a worn printer or a light scan leaves them: each long line is faded to a grey
    and broken by gaps every inch or so (text is left alone)."""
    ink = (page < 128).astype(np.uint8)
    k = int(0.3 * dpi)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    out = page.copy()
    out[(horizontal | vertical) > 0] = int(rng.uniform(60, 150))  # faint
    gap = (int(0.02 * dpi), int(0.07 * dpi))
    for mask, along in ((horizontal, 1), (vertical, 0)):
        ys, xs = np.nonzero(mask)
        if ys.size == 0:
            continue
        breaks = max(1, ys.size // (3 * dpi))  # about one a inch: a line is ~3 px thick
        for i in np.random.default_rng(rng.randrange(2**32)).choice(ys.size, size=breaks, replace=False):
            y, x, g = ys[i], xs[i], rng.randint(*gap)
            if along:
                out[y - 2:y + 3, x:x + g][page[y - 2:y + 3, x:x + g] < 128] = 255
            else:
                out[y:y + g, x - 2:x + 3][page[y:y + g, x - 2:x + 3] < 128] = 255
    return out


def photograph(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """The page as a phone photo of it: on a darker desk, seen at an angle (each corner moved by
    up to 5% of the page), with light falling off across it."""
    h, w = img.shape[:2]
    margin = int(0.06 * max(h, w))
    desk = rng.uniform(40, 110)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = lambda: rng.uniform(-0.05, 0.05) * max(h, w)  # noqa: E731
    dst = np.float32([[margin + jitter(), margin + jitter()], [w + margin + jitter(), margin + jitter()],
                      [w + margin + jitter(), h + margin + jitter()], [margin + jitter(), h + margin + jitter()]])
    size = (w + 2 * margin, h + 2 * margin)
    m = cv2.getPerspectiveTransform(src, dst)
    border = (desk,) * 3 if img.ndim == 3 else desk
    photo = cv2.warpPerspective(img, m, size, flags=cv2.INTER_LINEAR, borderValue=border).astype(np.float32)
    shade = np.linspace(rng.uniform(0.8, 1.0), rng.uniform(0.95, 1.1), size[1], dtype=np.float32)[:, None]
    photo *= shade if img.ndim == 2 else shade[..., None]
    return np.clip(photo, 0, 255).astype(np.uint8)


def stamp_seal(grey: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """A red round seal (ring, star, a line of text) pressed over the page's middle right,
    where table values sit: red ink multiplies the page, as a real stamp does. Returns BGR."""
    h, w = grey.shape
    mask = np.zeros((h, w), np.uint8)
    r = int(rng.uniform(0.7, 0.9) * dpi)
    cx, cy = int(rng.uniform(0.5, 0.8) * w), int(rng.uniform(0.25, 0.7) * h)
    cv2.circle(mask, (cx, cy), r, 255, max(3, dpi // 40))
    star = np.array([[cx + r * 0.3 * np.cos(a) * (1 if i % 2 == 0 else 0.4),
                      cy - r * 0.3 * np.sin(a) * (1 if i % 2 == 0 else 0.4)]
                     for i, a in enumerate(np.linspace(np.pi / 2, np.pi / 2 + 2 * np.pi, 11)[:10])], np.int32)
    cv2.fillPoly(mask, [star], 255)
    cv2.putText(mask, "GONG ZHANG", (cx - int(r * 0.7), cy + int(r * 0.6)), cv2.FONT_HERSHEY_SIMPLEX,
                r / 180, 255, max(2, dpi // 60))
    strength = (mask.astype(np.float32) / 255.0) * rng.uniform(0.6, 0.9)
    red = np.array([40, 40, 255], np.float32) / 255.0  # BGR: red ink reflects red light as paper does
    page = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR).astype(np.float32)
    page *= 1.0 - strength[..., None] * (1.0 - red[None, None, :])
    return np.clip(page, 0, 255).astype(np.uint8)


def to_scan(report: GeneratedReport, rng: random.Random, options: ScanOptions | None = None) -> GeneratedReport:
    """Replace report.pdf by an image-only scan of it (a PDF, or a multi-page TIFF beside it:
    report.pdf then names the TIFF); the ground truth is unchanged."""
    opt = options or ScanOptions()
    if not isinstance(opt.dpi, int):
        opt = replace(opt, dpi=rng.randint(*opt.dpi))
    doc = pdfium.PdfDocument(str(report.pdf))
    images = []
    for page in doc:
        grey = page.render(scale=opt.dpi / 72, grayscale=True).to_numpy()
        grey = grey if grey.ndim == 2 else grey[..., 0]
        scanned = degrade(grey, rng, opt)
        if scanned.dtype == bool:
            images.append(Image.fromarray(~scanned).convert("1"))
        else:
            images.append(Image.fromarray(scanned if scanned.ndim == 2 else cv2.cvtColor(scanned, cv2.COLOR_BGR2RGB)))
    doc.close()
    buf = io.BytesIO()
    if opt.container == "tiff":
        bilevel = images[0].mode == "1"
        images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:], dpi=(opt.dpi, opt.dpi),
                       compression="group4" if bilevel else "jpeg", **({} if bilevel else {"quality": 90}))
        report.pdf.unlink()
        report.pdf = report.pdf.with_suffix(".tif")
        report.truth["source"] = report.pdf.name
    else:
        images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=opt.dpi)
    report.pdf.write_bytes(buf.getvalue())
    truth_path = report.pdf.with_suffix(".truth.json")
    truth_path.write_text(json.dumps(report.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return report
