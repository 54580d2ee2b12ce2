"""The pipeline: ingest → layout → structure → ocr → reconstruct → checks → confidence →
cross-checks (the text against the tables), for one file (a failure is an Outcome with its
stage and page, never an exception); and which files a list of inputs names. The batch around
it is pipeline/batch/."""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import Iterable

from .config import RunOptions
from .failpoints import failpoint
from .read.documents import read_structured
from .read.engines import resolve, resolve_precision
from .read.documents.pictures import picture_pages
from .read.drawing import drawn_lines
from .read.ingest import INPUT_SUFFIXES, in_saved_page_folder, is_readme, iter_pages, page_files, sniff
from .read.layout import (LayoutOptions, PageNormaliser, erase_lines, find_tables, horizontal_rules, is_blank,
                          ruling_lines, table_zones)
from .read.ocr import (LineJob, LineReader, OrientationClassifier, PPOCRRecognizer, Recognition, add_reading,
                       slash_not_one, weigh_second_look)
from .read.prose import document_lines, parse_title, split_sections
from .read.repeats import first_alike
from .read.reconstruct import from_statements, reconstruct
from .read.volumes import PageSummary, Part, split_volume
from .read.structure.ruled import RuledReading, build_grid, cell_edges, mark_sealed
from .read.structure.text import TextReading
from .templates import load_templates
from .types import InputError, Page, PageLayout, Picture, ProseLine, Report, Table, failure_reason
from .verify.checks import ArithmeticChecks
from .verify.confidence import ConfidenceScorer
from .verify.text_vs_table import describe_failure, stated_cells, text_vs_table
from .verify.years import agency_name


PROSE_FORMAT = "pre-2019"  # the format whose reports may state their numbers in prose alone


@dataclass
class Timings:
    """Seconds spent in each stage, summed over pages."""
    stages: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        self.stages[stage] += now - since
        return now


@dataclass
class PartFailure:
    """A report of a volume that could not be read (the volume's other reports were)."""
    part: Part
    stage: str
    error: str


@dataclass
class Outcome:
    """What became of one file: its report (a volume's reports, in order), or an error with the
    stage (and page) it stopped at."""
    path: Path
    reports: list[Report]
    error: str | None
    timings: Timings
    pages: int = 0
    seconds: float = 0.0
    stage: str | None = None
    page: int | None = None
    failed_parts: list[PartFailure] = field(default_factory=list)

    @property
    def report(self) -> Report | None:
        """The file's report; a volume's first."""
        return self.reports[0] if self.reports else None


@dataclass
class Document:
    """A file after the image work: its pages' layouts (or a document's own tables), its title
    lines and the text lines still to recognise. Plain data, so it can cross to another process
    (a worker, a Ray actor)."""
    path: Path
    pages: int = 0
    layouts: list[PageLayout] = field(default_factory=list)  # a document's: of its pictures
    structured: bool = False  # a Word, HTML or text document (no pages; one report)
    tables: list[Table] = field(default_factory=list)  # read from a Word, HTML or text document
    # a document's pictures read as pages (tables pasted as images): by page number, the
    # picture's name and how many of the document's own tables come before it
    pictures: dict[int, tuple[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # about the file as a whole (a picture not read)
    recognise_every: int = 0  # see Pipeline.prepare
    title_lines: list[str] = field(default_factory=list)  # such a document's first lines (a page's: its layout's)
    prose: list[ProseLine] = field(default_factory=list)  # the running text, in order
    lines: list[LineJob] = field(default_factory=list)
    timings: Timings = field(default_factory=Timings)
    seconds: float = 0.0
    stage: str = "ingest"  # where it is, for the error record if something fails
    page: int | None = None

    def enter(self, stage: str, page: int | None = None):
        """Marks where the document is (the stage named in the error record if it fails there)."""
        self.stage, self.page = stage, page
        failpoint(stage, self.path)


class StageError(Exception):
    """A failure with the stage and page it happened at."""

    def __init__(self, document: Document, error: Exception):
        super().__init__(failure_reason(error))
        self.document = document

    def outcome(self) -> Outcome:
        d = self.document
        return Outcome(d.path, [], str(self), d.timings, 0, d.seconds, d.stage, d.page)


class Pipeline:
    """Holds the loaded models. `process(path)` runs one file through every stage; the batch
    runners call the three steps apart: `prepare` (CPU image work), `recognise` (the model, on
    the lines of many documents at once) and `finish` (reconstruction, checks, confidence).
    The recogniser loads on the first scanned page, so Word or HTML batches never pay for it."""

    def __init__(self, options: RunOptions | None = None):
        self.options = options or RunOptions()
        self.layout_options = LayoutOptions()
        self.normalise = PageNormaliser(self.layout_options, OrientationClassifier(threads=self.options.threads))
        self.templates = list(load_templates().values())
        self.check = ArithmeticChecks(self.options.checks())
        self.score = ConfidenceScorer(self.options.confidence())
        self.line_reader = LineReader()
        self.readings = [RuledReading(), TextReading()]  # the first preferred where they disagree
        self._recognizer: PPOCRRecognizer | None = None

    @property
    def recognizer(self) -> PPOCRRecognizer:
        if self._recognizer is None:
            engine, device = resolve(self.options.engine, self.options.device)
            batch = self.options.ocr_gpu_batch_size if device == "cuda" else self.options.ocr_batch_size
            self._recognizer = PPOCRRecognizer(batch_size=batch, device=device, engine=engine, threads=self.options.threads,
                                               precision=resolve_precision(self.options.precision, engine, device))
        return self._recognizer

    def process(self, path: Path | str) -> Outcome:
        try:
            document = self.prepare(path, recognise_every=self.options.lines_in_flight)
            self.recognise([document])
            return self.finish(document)
        except StageError as e:
            return e.outcome()

    def prepare(self, path: Path | str, recognise_every: int = 0) -> Document:
        """ingest → layout → structure → line crops (or a document's own text). `recognise_every`:
        the lines are recognised as soon as that many are cut, and their crops dropped, so a long
        volume read in one process holds a few pages' crops at a time (the executors that send a
        prepared document to another process recognise it there, with other files' lines)."""
        path = Path(path)
        document = Document(path, recognise_every=recognise_every)
        start = time.perf_counter()
        try:
            document.enter("ingest")
            kind = sniff(path)
            if kind in ("pdf", "image", "pages"):
                self._prepare_pages(document)
            else:
                document.enter("read")
                t = time.perf_counter()
                structured = read_structured(path, kind)
                document.timings.add("read", t)
                document.structured = True
                document.tables, document.title_lines = structured.tables, structured.title_lines
                document.prose = document_lines(structured.prose)
                document.warnings += [f"picture {reason}" for reason in structured.unreadable_pictures]
                self._prepare_pictures(document, structured.pictures)
        except StageError:
            raise
        except Exception as e:
            raise StageError(document, e) from e
        finally:
            document.seconds += time.perf_counter() - start
        return document

    def recognise(self, documents: list[Document]):
        """Reads the pending lines of all `documents` in one go (sorted by width and batched by
        the recogniser), and fills their cells and titles; raises StageError."""
        readings = self._read_lines(documents)
        for document in documents:
            self._take_readings(document, readings.pop(id(document), []))

    def recognise_each(self, prepared: list[Document | Outcome]) -> list[Document | Outcome]:
        """`recognise` on a batch where some files failed to prepare (their outcomes pass
        through): each document with its lines read, or its outcome where recognition failed.
        When the model's call for all of them fails, each document is read alone, so that only
        the one that fails alone fails."""
        documents = [p for p in prepared if isinstance(p, Document)]
        try:
            readings = self._read_lines(documents)
        except StageError as e:
            if len(documents) == 1:
                return [e.outcome() if p is e.document else p for p in prepared]
            return [self.recognise_each([p])[0] if isinstance(p, Document) else p for p in prepared]
        out = []
        for p in prepared:
            if isinstance(p, Document):
                try:
                    self._take_readings(p, readings.pop(id(p), []))
                except StageError as e:
                    p = e.outcome()
            out.append(p)
        return out

    def _read_lines(self, documents: list[Document]) -> dict[int, list[Recognition]]:
        """The model on the pending lines of every document (by id of the document), nothing
        taken into them yet, so that a failed call can be made again; the time spent shared out
        by each document's share of the lines."""
        lines = [(d, job) for d in documents for job in d.lines]
        if not lines:
            return {}
        start = time.perf_counter()
        for d in documents:
            try:
                d.enter("recognise")
            except Exception as e:
                raise StageError(d, e) from e
        to_read, source = self._crops_to_read(lines)
        widened = [job.widened for _, job in lines if job.widened is not None]
        try:
            results = self.recognizer.recognize([job.image for job in to_read] + widened,
                                                small=[job.small_settles for job in to_read] + [frozenset()] * len(widened))
        except Exception as e:
            raise StageError(documents[0], e) from e
        elapsed = time.perf_counter() - start
        second_looks = iter(results[len(to_read):])
        readings: dict[int, list[Recognition]] = {}
        for (d, job), k in zip(lines, source):
            rec = replace(results[k])  # a line's own: slash_not_one and the second look change it
            if job.widened is not None:
                weigh_second_look(rec, next(second_looks))
            slash_not_one(rec, job.image)
            readings.setdefault(id(d), []).append(rec)
        for d in documents:
            share = elapsed * len(d.lines) / len(lines)
            d.timings.stages["ocr"] += share
            d.seconds += share
        return readings

    @staticmethod
    def _crops_to_read(lines: list[tuple[Document, LineJob]]) -> tuple[list[LineJob], list[int]]:
        """The lines whose crops the model reads, and for each line the index of the reading it
        takes: a crop the same as one before it on its page takes that one's (read/repeats.py; a
        page's alone, so that a reading never depends on how a file's pages are batched)."""
        to_read, source = [], []
        for _, page_lines in groupby(lines, key=lambda item: (id(item[0]), item[1].page)):
            jobs = [job for _, job in page_lines]
            firsts = first_alike([job.image if job.shareable else None for job in jobs])
            base = len(source)
            for k, job in enumerate(jobs):
                if firsts[k] == k:
                    source.append(len(to_read))
                    to_read.append(job)
                else:
                    source.append(source[base + firsts[k]])
        return to_read, source

    @staticmethod
    def _take_readings(document: Document, readings: list[Recognition]):
        """Each reading into its line (a table's or the text's), or its page's top lines."""
        try:
            layouts = {layout.number: layout for layout in document.layouts}
            for job, rec in zip(document.lines, readings, strict=True):
                if job.line is None:
                    layouts[job.page].title_lines.append(rec.text)
                else:
                    add_reading(job.line, rec)
        except Exception as e:
            raise StageError(document, e) from e
        document.lines = []

    def finish(self, document: Document) -> Outcome:
        """reconstruct → checks → confidence → cross-checks, for each report of the file (a
        volume binds several: read/volumes.py); its reports, or the reason there are none."""
        start = time.perf_counter()
        try:
            document.enter("split")
            # a page is blank with next to no ink and no line read on it ("无。" alone is a page)
            parts = [] if document.structured else \
                split_volume([PageSummary(layout.number, layout.title_lines, [line.text for line in layout.lines],
                                          layout.blank and not layout.title_lines and not layout.lines)
                              for layout in document.layouts])
        except Exception as e:
            document.seconds += time.perf_counter() - start
            return StageError(document, e).outcome()
        reports, failures = [], []
        for part in parts or [None]:
            try:
                report = self._report(document, part)
                if part is not None and len(parts) > 1:
                    report.source_pages, report.source_reports = (part.first, part.last), len(parts)
                    report.pages = part.last - part.first + 1
                reports.append(report)
            except Exception as e:
                if part is None or len(parts) == 1:
                    document.seconds += time.perf_counter() - start
                    return StageError(document, e).outcome()
                failures.append(PartFailure(part, document.stage, failure_reason(e)))
        document.seconds += time.perf_counter() - start
        if not reports:
            first = failures[0]
            return Outcome(document.path, [], f"none of its {len(parts)} reports could be read; pages "
                                             f"{first.part.first}-{first.part.last}: {first.error}", document.timings,
                           document.pages, document.seconds, first.stage, first.part.first, failures)
        return Outcome(document.path, reports, None, document.timings, document.pages, document.seconds,
                       failed_parts=failures)

    def _report(self, document: Document, part: Part | None) -> Report:
        """One report of the document: of the pages of `part` (all of a document without pages)."""
        timings = document.timings
        layouts = [layout for layout in document.layouts if part is None or layout.number in part.pages]
        prose = [line for line in document.prose if part is None or line.page in part.pages]
        document.enter("reconstruct", part.first if part else None)
        t = time.perf_counter()
        readings = [self._in_order(document, layouts, reading) for reading in self.readings] if layouts else \
            [document.tables]
        title_lines = document.title_lines or (layouts[0].title_lines if layouts else [])
        agency, year = parse_title(title_lines or [line.text for line in prose[:6]])
        recon = reconstruct(readings, self.templates, year)
        bands = {layout.number: layout.band for layout in layouts}
        for cell in recon.cells.values():  # which calibration scores it, and which picture it is in
            cell.band = bands.get(cell.page, cell.band)
            cell.picture = document.pictures[cell.page][0] if cell.page in document.pictures else None
        sections = split_sections(prose)
        t = timings.add("reconstruct", t)
        stated = stated_cells(sections, PROSE_FORMAT) if recon.template is None else {}
        if stated:  # no table, but the text states the numbers (a report of 2008-2018)
            recon = from_statements(next(t for t in self.templates if t.id == PROSE_FORMAT), stated)
        if recon.template is None:
            raise InputError("no report statistics table found (is this an annual report?)")
        document.enter("checks")
        inconsistencies = self.check(recon.template, recon.cells)
        t = timings.add("checks", t)
        document.enter("confidence")
        self.score(recon.cells)
        t = timings.add("confidence", t)
        document.enter("cross_checks")
        cross_checks = [] if stated else text_vs_table(sections, recon.template.id, recon.cells)
        timings.add("cross_checks", t)
        warnings = document.warnings + ([part.warning] if part and part.warning else []) + recon.warnings + \
            [f"the document's numbers do not add up: {name}" for name in inconsistencies] + \
            [describe_failure(check) for check in cross_checks if check["status"] == "fail"]
        return Report(source=document.path.name, template=recon.template.id, pages=document.pages, agency=agency,
                      year=year, cells=recon.cells, warnings=warnings, inconsistencies=inconsistencies,
                      sections=sections, cross_checks=cross_checks, agency_key=agency_name(agency) or None,
                      other_rows=recon.other_rows)

    @staticmethod
    def _in_order(document: Document, layouts: list[PageLayout], reading) -> list[Table]:
        """One structure reading's tables of the pages, or of a document's pictures among its own
        tables in document order (a table continued from one picture to the next, or from a
        table of the document to a picture, is joined as across a page break)."""
        if not document.structured:
            return [table for layout in layouts for table in reading.read(layout)]
        tables = []
        for k in range(len(document.tables) + 1):
            tables += [table for layout in layouts if document.pictures[layout.number][1] == k
                       for table in reading.read(layout)]
            tables += document.tables[k:k + 1]
        return tables

    def _prepare_pages(self, document: Document):
        """Rasterised pages through layout and structure to their line crops, one page at a time:
        a page's image is dropped once its crops are cut, so memory stays bounded on long files."""
        t = time.perf_counter()
        for page in iter_pages(document.path, self.options.dpi):
            document.pages = page.number
            document.timings.add("ingest", t)
            self._prepare_page(document, page)
            document.enter("ingest", page.number + 1)
            t = time.perf_counter()
        if document.pages == 0:
            raise InputError("no pages")

    def _prepare_pictures(self, document: Document, pictures: list[Picture]):
        """A document's pictures as pages of their own (documents/pictures.py), numbered in
        document order; a picture that cannot be decoded is a warning, one too small no page."""
        t = time.perf_counter()
        for picture, page in picture_pages(pictures):
            document.timings.add("ingest", t)
            if isinstance(page, InputError):
                document.warnings.append(str(page))
            else:
                document.pictures[page.number] = (picture.name, picture.tables_before)
                self._prepare_page(document, page, pictured=True)
            t = time.perf_counter()

    def _prepare_page(self, document: Document, page: Page, pictured: bool = False):
        """One page through layout and structure to its line crops (and its top lines, where a
        title may be; a document's picture has none: its title is the document's)."""
        timings = document.timings
        t = time.perf_counter()
        document.enter("layout", page.number)
        page = self.normalise(page)
        lines = ruling_lines(page.image, page.dpi, self.layout_options, page.ink, page.bilevel) if page.marks is None else \
            drawn_lines(page.marks, page.image, page.dpi, self.layout_options)
        regions = find_tables(lines, self.layout_options)
        layout = PageLayout(page.number, (page.image.shape[1], page.image.shape[0]), page.dpi,
                            zones=table_zones(regions, page.image.shape, page.dpi), rules=horizontal_rules(lines),
                            exact=page.words is not None, to_source=page.to_source, band=page.band)
        t = timings.add("layout", t)
        document.enter("structure", page.number)
        for region in regions:
            # a document's picture is of the document's own table, whose rulings never wore: looking
            # for worn ones takes a bold label's strokes across a merged cell for a ruling
            table = build_grid(lines, region, page.number, page.dpi, worn=not (layout.exact or page.cropped))
            if table is not None:
                if page.seal is not None:
                    mark_sealed(table, page.seal, lines, page.dpi)
                layout.lattices.append(table)
        cuts = cell_edges(layout.lattices, page.image.shape, page.dpi)
        t = timings.add("structure", t)
        document.enter("ocr", page.number)
        if layout.exact:
            self.line_reader.read_text_layer(page, layout, cuts)
        else:
            document.lines += self.line_reader.line_jobs(page, layout, erase_lines(page.image, lines), cuts,
                                                         prose=self.options.text and not pictured,
                                                         titles=not pictured)
        layout.title_lines = page.title_lines
        layout.blank = not regions and is_blank(lines.ink)
        document.prose.extend(page.prose)
        timings.add("ocr", t)
        document.layouts.append(layout)
        page.image = page.seal = page.ink = None
        if document.recognise_every and len(document.lines) >= document.recognise_every:
            t = time.perf_counter()
            self.recognise([document])
            document.seconds -= time.perf_counter() - t  # recognise counted it, and prepare counts its whole time


def expand_inputs(inputs: Iterable[str], per_folder: bool = False) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to process from files, directories and globs; and inputs that name nothing.
    `per_folder`: each folder of page images (a given one, or one beneath it) is one report."""
    files, missing = [], []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            if per_folder:
                found = [d for d in [path, *sorted(p for p in path.rglob("*") if p.is_dir())] if page_files(d)]
                reason = "holds no folder of page images (PNG, JPEG, TIFF)"
            else:
                found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                               and not in_saved_page_folder(p) and not is_readme(p))
                reason = "directory holds no report files (PDF, image, Word, HTML or text)"
            if not found:
                missing.append((path, reason))
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
    """Of a file's bytes; of a folder of page images, of its pages' names and bytes in order."""
    h = hashlib.sha256()
    for part in page_files(path) if path.is_dir() else [path]:
        if path.is_dir():
            h.update(part.name.encode() + b"\0")
        with part.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def source_name(path: Path) -> str:
    """What a report's outputs are named after: a file's stem, a folder's whole name."""
    return path.name if path.is_dir() else path.stem
