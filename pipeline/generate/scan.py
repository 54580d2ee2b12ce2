"""Turn a born-digital report into the scan an office would publish: an image-only PDF.

Degradations: grey paper, uneven exposure, skew, blur, noise and JPEG compression, drawn per
page within the bounds of ScanOptions.
"""
from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from .render import GeneratedReport


@dataclass
class ScanOptions:
    dpi: int = 200
    max_skew: float = 1.5  # degrees
    blur: tuple[float, float] = (0.3, 0.8)  # Gaussian sigma, px
    noise: tuple[float, float] = (2.0, 7.0)  # grey levels
    jpeg_quality: tuple[int, int] = (55, 85)


def degrade(page: np.ndarray, rng: random.Random, opt: ScanOptions) -> np.ndarray:
    """A grey page image as scanned: returns uint8 grey of the same size."""
    h, w = page.shape
    img = page.astype(np.float32)
    paper = rng.uniform(222, 248)
    ink = rng.uniform(10, 45)
    img = ink + (img / 255.0) * (paper - ink)
    gradient = np.linspace(rng.uniform(-10, 0), rng.uniform(0, 10), w, dtype=np.float32)
    img += gradient[None, :]
    angle = rng.uniform(-opt.max_skew, opt.max_skew)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=float(paper))
    sigma = rng.uniform(*opt.blur)
    img = cv2.GaussianBlur(img, (0, 0), sigma)
    nprng = np.random.default_rng(rng.randrange(2**32))
    img += nprng.normal(0, rng.uniform(*opt.noise), img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(*opt.jpeg_quality)])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)


def to_scan(report: GeneratedReport, rng: random.Random, options: ScanOptions | None = None) -> GeneratedReport:
    """Replace report.pdf by an image-only scan of it; the ground truth is unchanged."""
    opt = options or ScanOptions()
    doc = pdfium.PdfDocument(str(report.pdf))
    images = []
    for page in doc:
        grey = page.render(scale=opt.dpi / 72, grayscale=True).to_numpy()
        grey = grey if grey.ndim == 2 else grey[..., 0]
        images.append(Image.fromarray(degrade(grey, rng, opt)))
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=opt.dpi)
    report.pdf.write_bytes(buf.getvalue())
    truth_path = report.pdf.with_suffix(".truth.json")
    truth_path.write_text(json.dumps(report.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return report
