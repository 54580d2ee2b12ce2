"""Regenerate samples/: small synthetic reports and their expected output (*.truth.json)."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from pipeline.generate import generate_report
from pipeline.generate.scan import to_scan

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
README = """# Samples: the demo's inputs, each with its expected output (*.truth.json)

Written by `make samples` (bench/make_samples.py); do not edit by hand.

- digital_2021.pdf, scan_2019.pdf, scan_2021.tiff (a multi-page TIFF), word_2019.docx, web_2021.html:
  generated reports (pipeline/generate), their text restating some of their numbers, a few
  statements planted to contradict their tables (listed in the truth's `statements`).
- real_003.txt: a real report's text extraction (tests/data/seeds/003_752a671dabfd990e.txt).
- hongze2023.pdf, hongze2024.pdf: one agency's two published years, with hand-read truth; see
  tests/data/real/README.md for where they come from. `make demo` compares them.
"""


def main():
    shutil.rmtree(SAMPLES, ignore_errors=True)
    SAMPLES.mkdir()
    generate_report(SAMPLES / "digital_2021.pdf", "2021", seed=101)
    to_scan(generate_report(SAMPLES / "scan_2019.pdf", "2019", seed=102), random.Random(102))
    # A scan delivered as a multi-page TIFF instead of a PDF.
    tiff = to_scan(generate_report(SAMPLES / "scan_2021.pdf", "2021", seed=103), random.Random(103))
    doc = pdfium.PdfDocument(str(tiff.pdf))
    pages = [Image.fromarray(page.render(scale=200 / 72, grayscale=True).to_numpy()).convert("L") for page in doc]
    doc.close()
    pages[0].save(SAMPLES / "scan_2021.tiff", save_all=True, append_images=pages[1:], compression="jpeg",
                  dpi=(200, 200))
    tiff.pdf.unlink()
    truth = json.loads((SAMPLES / "scan_2021.truth.json").read_text(encoding="utf-8"))
    truth["source"] = "scan_2021.tiff"
    (SAMPLES / "scan_2021.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    # born-digital forms: a Word document and a web page, and one real report's text extraction
    generate_report(SAMPLES / "word_2019.docx", "2019", seed=104)
    generate_report(SAMPLES / "web_2021.html", "2021", seed=105)
    seeds = Path(__file__).resolve().parent.parent / "tests" / "data" / "seeds"
    shutil.copyfile(seeds / "003_752a671dabfd990e.txt", SAMPLES / "real_003.txt")
    truth = json.loads((seeds / "003_752a671dabfd990e.truth.json").read_text(encoding="utf-8"))
    truth["source"] = "real_003.txt"
    (SAMPLES / "real_003.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    # one agency's two published years (see tests/data/real/README.md): the demo compares them
    real = Path(__file__).resolve().parent.parent / "tests" / "data" / "real"
    for stem in ("hongze2023", "hongze2024"):
        shutil.copyfile(real / f"{stem}.pdf", SAMPLES / f"{stem}.pdf")
        shutil.copyfile(real / f"{stem}.truth.json", SAMPLES / f"{stem}.truth.json")
    (SAMPLES / "README.md").write_text(README, encoding="utf-8")
    for p in sorted(SAMPLES.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
