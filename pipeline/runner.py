"""The pipeline: ingest → layout → structure → ocr → reconstruct → checks → confidence, for one file,
and the batch loop over many files (one bad file never stops a batch)."""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .checks import ArithmeticChecks
from .config import RunOptions
from .confidence import ConfidenceScorer
from .ingest import INPUT_SUFFIXES, iter_pages, sniff
from .layout import LayoutOptions, PageNormaliser, erase_lines, find_tables, ruling_lines
from .ocr import CellReader, PPOCRRecognizer
from .readers import read_structured
from .reconstruct import parse_title, reconstruct
from .structure import build_grid
from .templates import load_templates
from .types import InputError, Report, Table


@dataclass
class Timings:
    """Seconds spent in each stage, summed over pages."""
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.stages[stage] += now - since
        return now


@dataclass
class Outcome:
    path: Path
    report: Report | None
    error: str | None
    timings: Timings
    pages: int = 0
    seconds: float = 0.0


class Pipeline:
    """Holds the loaded models; call `process(path)` per file. The OCR models load on the first
    scanned page, so a batch of Word or HTML reports never pays for them."""

    def __init__(self, options: RunOptions | None = None):
        self.options = options or RunOptions()
        self.layout_options = LayoutOptions()
        self.normalise = PageNormaliser(self.layout_options)
        self.templates = list(load_templates().values())
        self.check = ArithmeticChecks(self.options.checks())
        self.score = ConfidenceScorer(self.options.confidence())
        self._read_cells: CellReader | None = None

    @property
    def read_cells(self) -> CellReader:
        if self._read_cells is None:
            recognizer = PPOCRRecognizer(batch_size=self.options.ocr_batch_size, device=self.options.device)
            self._read_cells = CellReader(recognizer)
        return self._read_cells

    def process(self, path: Path) -> Outcome:
        start = time.perf_counter()
        timings = Timings()
        try:
            report, pages = self._process(path, timings)
            return Outcome(path, report, None, timings, pages, time.perf_counter() - start)
        except InputError as e:
            return Outcome(path, None, str(e), timings, 0, time.perf_counter() - start)
        except Exception as e:  # a bug or an input we did not foresee: report it, go on
            return Outcome(path, None, f"internal error: {type(e).__name__}: {e}", timings, 0,
                           time.perf_counter() - start)

    def _process(self, path: Path, timings: Timings) -> tuple[Report, int]:
        kind = sniff(path)
        if kind in ("pdf", "image"):
            tables, title_lines, pages = self._read_pages(path, timings)
        else:
            t = time.perf_counter()
            document = read_structured(path, kind)
            timings.add("read", t)
            tables, title_lines, pages = document.tables, document.title_lines, 0
        t = time.perf_counter()
        recon = reconstruct(tables, self.templates)
        agency, year = parse_title(title_lines)
        t = timings.add("reconstruct", t)
        if recon.template is None:
            raise InputError("no report statistics table found (is this an annual report?)")
        inconsistencies = self.check(recon.template, recon.cells)
        t = timings.add("checks", t)
        self.score(recon.cells)
        timings.add("confidence", t)
        warnings = recon.warnings + [f"the document's numbers do not add up: {name}" for name in inconsistencies]
        report = Report(source=path.name, template=recon.template.id, pages=pages, agency=agency, year=year,
                        cells=recon.cells, warnings=warnings, inconsistencies=inconsistencies)
        return report, pages

    def _read_pages(self, path: Path, timings: Timings) -> tuple[list[Table], list[str], int]:
        """Rasterised pages through layout, structure and OCR, one page at a time."""
        tables: list[Table] = []
        title_lines: list[str] = []
        pages = 0
        t = time.perf_counter()
        for page in iter_pages(path, self.options.dpi):
            pages += 1
            t = timings.add("ingest", t)
            page = self.normalise(page)
            lines = ruling_lines(page.image, page.dpi, self.layout_options)
            regions = find_tables(lines, self.layout_options)
            t = timings.add("layout", t)
            for region in regions:
                table = build_grid(lines, region, page.number, page.dpi)
                if table is not None:
                    table.to_source = page.to_source
                    table.from_text_layer = page.words is not None
                    page.tables.append(table)
            t = timings.add("structure", t)
            clean = erase_lines(page.image, lines) if page.words is None else None
            self.read_cells(page, clean)
            t = timings.add("ocr", t)
            tables.extend(page.tables)
            title_lines.extend(page.title_lines)
            page.image = None  # keep only what was read: memory stays bounded on long files
        if pages == 0:
            raise InputError("no pages")
        return tables, title_lines, pages


def expand_inputs(inputs: Iterable[str]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to process from files, directories and globs; and inputs that name nothing."""
    files, missing = [], []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES)
            if not found:
                missing.append((path, "directory holds no report files (PDF, image, Word, HTML or text)"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            matches = sorted(Path().glob(item)) if any(ch in item for ch in "*?[") else []
            if matches:
                files.extend(p for p in matches if p.is_file())
            else:
                missing.append((path, "no such file or directory"))
    return list(dict.fromkeys(files)), missing


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
