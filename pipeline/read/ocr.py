"""OCR: read the text of every table cell, from the text layer or by recognition.

Recognition runs PaddleOCR's PP-OCRv6 small recogniser (the ONNX file shipped inside the
`rapidocr` wheel) on one of the engines (ONNX Runtime, or PyTorch) on tight crops of each text line of each cell, many
crops per batch. Decoding is done here rather than in rapidocr so that every character keeps
its probability (the confidence stage needs the weakest one).
"""
from __future__ import annotations

import math
import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from ..types import BBox, Page, PageLayout, ProseLine, Reading, TextLine, Word, map_bbox, union_bbox
from .engines import QUANTISED_MODEL, load_model
from .engines.base import ModelEngine
from .engines.height_free import kept_height_free
from .layout import binarize, label_components

REC_HEIGHT = 48
SHORT_MARK = 0.4  # a line this much of the zone's text height or less is a mark, cropped as high as text
CROP_MARGIN = 0.1  # of a table line's height, on each side of its ink (and as much again of paper)
# of the zone's text height: a mark of thin strokes only this much taller is a ruling's ghost (a
# row's height; a "1" is no taller than the text)
GHOST_HEIGHT = 1.15
# inches by which a 1-bit page's strokes are thickened before they are read (see thickened)
BILEVEL_THICKENING = 0.01


@dataclass
class Recognition:
    text: str
    char_probs: list[float]
    # The same crop read as a number: each step's probability mass of a digit's look-alikes
    # (0/O/o, 1/l/I, ...) is pooled, so "0 or O" is not doubt; "?" marks a non-numeric glyph.
    numeric_text: str = ""
    numeric_probs: list[float] = field(default_factory=list)
    # per character of numeric_text, the three likeliest classes at its best step: the
    # recogniser's own alternative readings, for auto-repair
    numeric_options: list[list[tuple[str, float]]] = field(default_factory=list)
    # where no minus was read: the likeliest a minus was at a step before the first character
    # (a sign is a glyph like a digit, and a faint one is dropped as easily)
    sign_doubt: float = 0.0
    beside_doubt: float = 0.0  # set where the line's widened crop reads otherwise (see LineJob.widened)


BESIDE_DOUBT = 0.5  # the doubt of a reading its widened crop reads otherwise
INNER_SPECKS = 0.5  # px at 100 dpi (5 px at 300) of ink left out in or beside a line on a 1-bit page: part of a glyph lost
NUMERIC_CLASSES = "0123456789.-,"
NUMERIC_READING = ["<blank>", *NUMERIC_CLASSES, "?"]  # the classes a crop is read in as a number
LOOKALIKES = {
    "0": "0OoDQ〇○０", "1": "1lI|i!丨１", "2": "2Zz２", "3": "3３", "4": "4４", "5": "5Ss５", "6": "6b６",
    "7": "7７", "8": "8B８", "9": "9gq９", ".": ".。·．", "-": "-—−–一─－", ",": ",，",
}


class TextRecognizer(ABC):
    """The narrow interface an OCR engine implements: line crops in, text and probabilities out."""

    name: str

    @abstractmethod
    def recognize(self, crops: list[np.ndarray], small: list[frozenset[str]] | None = None) -> list[Recognition]:
        """crops: grey uint8 images of single text lines; `small`: for each, what a cheaper
        reading may settle (WORDS, NUMBER, TEXT), as long as those come out as read in full."""


def bundled_model(filename: str) -> Path:
    """A model file inside the installed rapidocr package (found, not imported: the package's
    own code and its many requirements are not used)."""
    import importlib.util

    return Path(importlib.util.find_spec("rapidocr").origin).parent / "models" / filename


def scaled_width(crop: np.ndarray, height: int) -> int:
    """A crop's width once scaled to `height`, keeping its aspect."""
    return max(1, math.ceil(height * crop.shape[1] / crop.shape[0]))


def narrowed(crop: np.ndarray, share: float) -> np.ndarray:
    """A crop squeezed along its width to `share` of it."""
    if share >= 1:
        return crop
    return cv2.resize(crop, (max(1, round(crop.shape[1] * share)), crop.shape[0]), interpolation=cv2.INTER_AREA)


def model_input(crop: np.ndarray, height: int, width: int) -> np.ndarray:
    """A grey line crop as PP-OCR's models take it: scaled to `height` (no wider than `width`),
    values in [-1, 1] on three channels, padded with 0 on the right to `width`."""
    new_w = min(width, scaled_width(crop, height))
    resized = cv2.resize(crop, (new_w, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    out = np.zeros((3, height, width), np.float32)
    out[:, :, :new_w] = (resized / 255.0 - 0.5) / 0.5
    return out


SMALL_HEIGHT = 32  # px, where the recogniser's own is 48: a crop read small (see PPOCRRecognizer.recognize)
# A crop that may hold words is read small narrowed to this share of its width too, a quarter less
# work: its square Chinese characters still read (on the labels of 7 reports of the speed set
# 98.3% of readings the same, the rest a space, a bracket or a character otherwise, and a label is
# matched to the template's words loosely; at 0.65 a real field scan lost a cell). Only its words
# settle it: anything else is read again in full.
WORDS_SQUEEZE = 0.75
LABEL_ASPECT = 3.0  # a crop this many times as wide as high may hold a label's words
# A crop at most this many times as wide as high holds a glyph or two: read small, each has two
# of the model's steps or more (it steps 8 px along the width), and two alike ("11") keep the
# blank step between them. In a wider one digits are lost: a 96-dpi picture's 458363.095886
# read small as 68363.095886, every character at 0.99 or more.
SHORT_ASPECT = 2.0
# what a crop's reading at SMALL_HEIGHT may settle (LineJob.small_settles)
WORDS = "words"  # a label's or a title's words, in a crop as wide as a few characters
NUMBER = "number"  # a short crop's number whose every character is read at SURE_SMALL or more
# a crop's Chinese text, every character read at SURE_SMALL or more (a stacked label's 结, (六), and
# the three-character pieces of a header wrapped in a narrow column, 社会公 over 益组织); not
# letters, which in a table's cell are a digit misread
TEXT = "text"
SURE_SMALL = 0.99
_CJK = re.compile(r"[\u4e00-\u9fff]")


def settles(rec: Recognition, kinds: frozenset[str]) -> bool:
    """Whether a small reading is one of `kinds` (WORDS, NUMBER, TEXT). A number is of digits,
    signs and points only, each character and the absence of a sign before it at SURE_SMALL or
    more: on the short crops of every scan family such a number read the same at full size but
    for a few broken glyphs (a 1-bit 14 read in full "1.4", a hard scan's speck of a 1 "." in
    ".2"); a doubtful one may not (1-bit strokes, 96-dpi zeros)."""
    if WORDS in kinds and is_label(rec.text):
        return True
    if NUMBER in kinds and rec.numeric_text and "?" not in rec.numeric_text \
            and min(rec.numeric_probs) >= SURE_SMALL and rec.sign_doubt <= 1 - SURE_SMALL:
        return True
    return TEXT in kinds and bool(_CJK.search(rec.text)) and min(rec.char_probs) >= SURE_SMALL


def _fitting(crop: np.ndarray, kinds: frozenset[str]) -> frozenset[str]:
    """Those of `kinds` a crop of its shape may hold: WORDS a wide one, NUMBER and TEXT a short
    one, TEXT one between (never a number: too wide to keep its digits small)."""
    aspect = scaled_width(crop, REC_HEIGHT) / REC_HEIGHT
    return kinds & ({WORDS} if aspect >= LABEL_ASPECT else {NUMBER, TEXT} if aspect <= SHORT_ASPECT else {TEXT})


def is_label(text: str) -> bool:
    """Text with two Chinese characters or more (every template label has two): not the blank
    marks 无/空 a value cell may hold, nor a value misread with one stray character ("一0", a
    seal's stroke read as 国), which as a row's last label would hide the row's real one."""
    return len(_CJK.findall(text)) >= 2


class PPOCRRecognizer(TextRecognizer):
    def __init__(self, batch_size: int = 16, threads: int | None = None, device: str = "cpu", engine: str = "onnx",
                 precision: str = "f32"):
        """`engine`, `device` and `precision` as resolved by engines.resolve and
        resolve_precision (no "auto")."""
        threads = threads or int(os.environ.get("REPORTOCR_THREADS", 0))
        weights = {"f32": bundled_model("PP-OCRv6_rec_small.onnx"), "int8": QUANTISED_MODEL}
        full, small = {"mixed": ("f32", "int8")}.get(precision, (precision, precision))
        # the graph as shipped takes 48 px only; crops are read first at SMALL_HEIGHT
        self.model = load_model(kept_height_free(weights[full]), engine, device, threads)
        # the first, small readings' (recognize); a second session where its weights differ
        self.small_model = self.model if small == full else load_model(kept_height_free(weights[small]), engine, device, threads)
        self.name = f"PP-OCRv6_rec_small ({precision}) on {self.model.name}"
        meta = self.model.metadata
        self.charset = ["<blank>"] + meta["character"].splitlines() + [" "]
        self.batch_size = batch_size
        self.width_step = 8
        index = {ch: i for i, ch in enumerate(self.charset)}
        # column groups of the output that pool into each numeric class
        self.numeric_groups = [[index[ch] for ch in LOOKALIKES[c] if ch in index] for c in NUMERIC_CLASSES]

    def _padded_width(self, crop: np.ndarray, height: int = REC_HEIGHT) -> int:
        """The width a crop is padded to: its own, rounded up to `width_step` (the model's
        stride, 8). It depends on nothing else in the batch, so a reading is the same however
        crops are batched (one document or many, local or on Ray). A coarser step makes fewer,
        fuller batches (bench/gpu.py measures it on a GPU) but pads crops more."""
        return max(height, -(-scaled_width(crop, height) // self.width_step) * self.width_step)

    def _batches(self, crops: list[np.ndarray], height: int = REC_HEIGHT) -> list[list[int]]:
        """Crops of one padded width together, up to `batch_size` crops and no more than
        `batch_size` × 256 px wide in all (the model's working memory grows with the width: 16
        lines of prose at once, 2,000 px each, took a worker to 1.2 GB). Batches do not change
        readings: a crop's padded width is its own."""
        by_width: dict[int, list[int]] = {}
        for i, crop in enumerate(crops):
            by_width.setdefault(self._padded_width(crop, height), []).append(i)
        batches = []
        for width, same in sorted(by_width.items()):
            size = max(1, min(self.batch_size, self.batch_size * 256 // width))
            batches += [same[k:k + size] for k in range(0, len(same), size)]
        return batches

    def recognize(self, crops: list[np.ndarray], small: list[frozenset[str]] | None = None) -> list[Recognition]:
        """`small`: for each crop, what its reading at SMALL_HEIGHT (the model's own is 48: at 32
        a crop costs 44% as much) may settle: WORDS (a label's, matched to the template's words
        loosely, or a title's) where the crop is as wide as a few characters; a NUMBER or any
        TEXT read surely where it is short (SHORT_ASPECT), and TEXT alone where it is between
        (_fitting). A crop that may hold words is read small narrowed too (WORDS_SQUEEZE); small
        readings run on `small_model` (the int8 weights where the precision is mixed). Any other
        reading (a doubtful digit, a smudge) is read again at full size, on `model`."""
        kinds = [_fitting(crop, what) for crop, what in zip(crops, small or [frozenset()] * len(crops))]
        first = [i for i, kind in enumerate(kinds) if kind]
        smalls = [narrowed(crops[i], WORDS_SQUEEZE) if WORDS in kinds[i] else crops[i] for i in first]
        results = {i: rec for i, rec in zip(first, self._read(smalls, SMALL_HEIGHT, self.small_model))
                   if settles(rec, kinds[i])}
        again = [i for i in range(len(crops)) if i not in results]
        results.update(zip(again, self._read([crops[i] for i in again], REC_HEIGHT, self.model)))
        return [results[i] for i in range(len(crops))]

    def _read(self, crops: list[np.ndarray], height: int, model: ModelEngine) -> list[Recognition]:
        results: list[Recognition | None] = [None] * len(crops)
        for idx in self._batches(crops, height):
            width = self._padded_width(crops[idx[0]], height)
            batch = np.stack([model_input(crops[i], height, width) for i in idx])
            for i, rec in zip(idx, self._decode(model.run(batch))):
                results[i] = rec
        return results  # type: ignore[return-value]

    def _decode(self, probs: np.ndarray) -> list[Recognition]:
        """A batch's readings (probs: crops x steps x classes). The passes over every class are
        made once for the batch (the arithmetic of each crop's the same: half the decoding time)."""
        best = probs.argmax(axis=2)
        best_p = np.take_along_axis(probs, best[:, :, None], axis=2)[:, :, 0]  # the max, without a second pass
        pooled = np.stack([probs[:, :, 0]] + [probs[:, :, g].sum(axis=2) for g in self.numeric_groups], axis=2)
        other = np.clip(1.0 - pooled.sum(axis=2, keepdims=True), 0.0, 1.0)
        pooled = np.concatenate([pooled, other], axis=2)
        pooled_best = pooled.argmax(axis=2)
        pooled_best_p = np.take_along_axis(pooled, pooled_best[:, :, None], axis=2)[:, :, 0]
        minus = NUMERIC_READING.index("-")
        out = []
        for b in range(len(probs)):
            text, char_probs, _ = self._greedy(best[b], best_p[b], self.charset)
            numeric_text, numeric_probs, steps = self._greedy(pooled_best[b], pooled_best_p[b], NUMERIC_READING)
            options = []
            for step in steps:
                top = np.argsort(pooled[b, step])[::-1][:3]
                options.append([(NUMERIC_READING[k] if k else "", float(pooled[b, step, k])) for k in top])
            before = pooled[b, :steps[0], minus] if steps else pooled[b, :, minus]
            sign_doubt = 0.0 if numeric_text.startswith("-") or before.size == 0 else float(before.max())
            out.append(Recognition(text, char_probs, numeric_text, numeric_probs, options, sign_doubt))
        return out

    @staticmethod
    def _greedy(best: np.ndarray, best_p: np.ndarray, charset: list[str]) -> tuple[str, list[float], list[int]]:
        """Greedy CTC decoding of each step's likeliest class (`best`, at `best_p`): a
        character's probability is its best step's (also returned)."""
        text, char_probs, steps = [], [], []
        prev = 0
        for t, (k, p) in enumerate(zip(best.tolist(), best_p.tolist())):
            if k != 0 and k != prev:
                text.append(charset[k] if k < len(charset) else "")
                char_probs.append(p)
                steps.append(t)
            elif k != 0 and p > char_probs[-1]:
                char_probs[-1], steps[-1] = p, t
            prev = k
        return "".join(text), char_probs, steps


class OrientationClassifier:
    """PaddleOCR's text-direction classifier (0° or 180°, shipped in the rapidocr wheel) on a
    handful of text-line crops: is the page upside down?"""

    name = "ch_ppocr_mobile_v2.0_cls"
    shape = (48, 192)

    def __init__(self, threads: int | None = None):
        # always ONNX Runtime on the CPU: a few crops a page, in the CPU's image work
        self.model = load_model(bundled_model("ch_ppocr_mobile_v2.0_cls_mobile.onnx"), threads=threads)

    def upside_down(self, crops: list[np.ndarray], threshold: float) -> bool:
        """Whether the lines' mean probability of being turned by 180° is over `threshold` (no
        lines: no). The first half are read first: where their probabilities leave the mean on
        one side of the threshold whatever the others' (each 0 to 1), those are not read. An
        upright page's lines are at 0.1 or less: on the speed set every page was told by its
        first half, half the classifier's time."""
        if not crops:
            return False
        batch = np.stack([model_input(crop, *self.shape) for crop in crops])
        first = -(-len(crops) // 2)
        turned = float(self.model.run(batch[:first])[:, 1].sum())
        rest = len(crops) - first
        if turned > threshold * len(crops) or turned + rest <= threshold * len(crops):
            return turned > threshold * len(crops)
        turned += float(self.model.run(batch[first:])[:, 1].sum())
        return turned > threshold * len(crops)


def split_lines(ink: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Row ranges of the text lines in a binary crop (ink = 255)."""
    rows = np.flatnonzero(ink.max(axis=1) > 0)
    if rows.size == 0:
        return []
    lines, start, prev = [], rows[0], rows[0]
    for r in rows[1:]:
        if r - prev > min_gap:
            lines.append((start, prev + 1))
            start = r
        prev = r
    lines.append((start, prev + 1))
    return lines


def _marks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The connected marks of a binary crop: labels and stats. The filters below each drop
    whole marks, which leaves the others as they were, so one labelling serves them all."""
    _, labels, stats, _ = label_components(ink)
    return labels, stats


def _kept(keep: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The ink of the marks `keep` says (by label; the background, label 0, never), 255 on 0."""
    lookup = keep.astype(np.uint8) * 255
    lookup[0] = 0
    return lookup[labels]


def _specks(stats: np.ndarray, shape: tuple[int, ...], min_area: int, edge: int = 0) -> np.ndarray:
    """Specks, and (with `edge`) small marks or slivers within `edge` px of the crop's border:
    the leftovers of a ruling. A decimal point inside the text is no speck."""
    x, y, w, h, area = (stats[:, i] for i in range(5))
    specks = area < min_area
    if edge:
        near = (x <= edge) | (y <= edge) | (x + w >= shape[1] - edge) | (y + h >= shape[0] - edge)
        specks |= near & ((area < 4 * min_area) | (w <= edge) | (h <= edge))
    return specks


def _despeckle(ink: np.ndarray, min_area: int, edge: int = 0) -> np.ndarray:
    """The ink less its specks (see _specks)."""
    labels, stats = _marks(ink)
    return _kept(~_specks(stats, ink.shape, min_area, edge), labels)


def _edge_marks(labels: np.ndarray, stats: np.ndarray, cut: np.ndarray, min_area: int, edge: int) -> np.ndarray:
    """Small marks and slivers within `edge` px of a cell edge in `cut`: the leftovers of a
    ruling that leans off its lattice line. A digit there is larger than a speck and thicker
    than a sliver."""
    near = cv2.dilate(cut.astype(np.uint8), np.ones((2 * edge + 1, 2 * edge + 1), np.uint8)) > 0
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    touches = np.zeros(len(stats), bool)
    touches[np.unique(labels[near & (labels > 0)])] = True
    return touches & ((area < 4 * min_area) | (w <= edge) | (h <= edge))


def _ruling_residue(stats: np.ndarray, keep: np.ndarray, dpi: int) -> np.ndarray:
    """What is left of rulings the line masks missed: marks thinner than any stroke run and
    taller or wider than the text around them (the marks `keep` says; a worn vertical between
    two values would otherwise be read as a 1 beside them). A mark's thickness is its area over
    its length: the ghost of a ruling on an enlarged low-resolution picture is a line a pixel
    thick that drifts over several rows, and read beside a 0 it was a 1 ("10"). The outline a
    thick ruling's blur leaves beside the band erased along it turns a corner, an L or a [ of
    such lines (read "E" beside a 0): thin strokes only, and taller than the text (GHOST_HEIGHT)."""
    w, h, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
    thin = max(2, int(0.012 * dpi))
    text = keep & (w > thin) & (h > thin)
    text_h = np.median(h[text]) if np.any(text) else 0.1 * dpi
    return ((area <= thin * (w + h)) & (h > GHOST_HEIGHT * text_h)) | ((area <= thin * w) & (w > 3 * text_h))


def _join_gap(heights: np.ndarray, dpi: int) -> int:
    """How far apart two marks may be and still be one line's text: half a character (the
    space after "1." or inside "总 计"), from the marks' median height."""
    tall = heights[heights >= 0.03 * dpi]
    return max(3, int(0.04 * dpi), int(0.6 * np.median(tall))) if tall.size else max(3, int(0.06 * dpi))


def paper_crop(region: np.ndarray, box: tuple[int, int, int, int], pad: int,
               cut: np.ndarray | None = None, min_height: int = 0) -> np.ndarray:
    """A text line's crop (x0, y0, x1, y1 inside `region`) with a margin of `pad` that stops
    short of a cell edge in `cut` (beyond it lie a ruling's remains, an edge PP-OCR reads as a
    stroke: a 0 beside one becomes an a), padded in the paper's tone around it, and to at least
    1.5x as wide as high: PP-OCR reads a lone narrow glyph ("1") squeezed into a thin crop as
    "0"; and to at least `min_height` high: a mark far shorter than a digit (the "-" of a cell
    printed blank) scaled to the recogniser's full height is a bar it reads as "0"."""
    x0, y0, x1, y1 = box
    a, b = max(0, y0 - pad), min(region.shape[0], y1 + pad)
    c, d = max(0, x0 - pad), min(region.shape[1], x1 + pad)
    if cut is not None:
        a, b, c, d = _short_of_edges(cut, (x0, y0, x1, y1), (a, b, c, d))
    height = max(b - a + 2 * pad, min_height)
    width = max(d - c + 2 * pad, int(1.5 * height))
    top, left = (height - (b - a)) // 2, (width - (d - c)) // 2
    crop = np.full((height, width), int(np.median(region[a:b, c:d])), np.uint8)
    crop[top:top + b - a, left:left + d - c] = region[a:b, c:d]
    return crop


def _short_of_edges(cut: np.ndarray, box: tuple[int, int, int, int],
                    outer: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The margin `outer` (a, b, c, d: rows a..b, columns c..d) around `box` cut back to end a
    pixel short of the nearest cell edge on each side."""
    x0, y0, x1, y1 = box
    a, b, c, d = outer
    left = np.flatnonzero(cut[y0:y1, c:x0].any(axis=0))
    right = np.flatnonzero(cut[y0:y1, x1:d].any(axis=0))
    top = np.flatnonzero(cut[a:y0, x0:x1].any(axis=1))
    bottom = np.flatnonzero(cut[y1:b, x0:x1].any(axis=1))
    return (a + top[-1] + 2 if top.size else a, y1 + bottom[0] - 1 if bottom.size else b,
            c + left[-1] + 2 if left.size else c, x1 + right[0] - 1 if right.size else d)


def ink_lines(clean: np.ndarray, zone: BBox, cuts: np.ndarray, dpi: int, seal: np.ndarray | None = None,
              dropped: np.ndarray | None = None,
              bilevel: bool = False) -> list[tuple[TextLine, np.ndarray, np.ndarray | None]]:
    """The text lines inside `zone` of a scanned page and their crops. `clean` is the page with
    its found rulings erased; `cuts` (a mask of the page) where lines must not run on: the
    table's cell edges, so that a cell's text never joins its neighbour's. Characters are
    joined along a line by a short smear; a run taller than a line (lines stacked close) is
    split at its blank rows. `dropped`, a mask of the page: where ink was left out of every line
    (specks, a ruling's remains) is marked in it. Each line comes with its crop, and a second
    crop widened over the specks beside it where there are any (see LineJob.widened). On a
    `bilevel` page the strokes are thickened first (see thickened): the pieces of a glyph a light
    threshold broke apart join again, and its line is found and cut whole."""
    h, w = clean.shape
    x0, y0, x1, y1 = max(0, int(zone[0])), max(0, int(zone[1])), min(w, int(np.ceil(zone[2]))), \
        min(h, int(np.ceil(zone[3])))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    region = clean[y0:y1, x0:x1]
    cut = cuts[y0:y1, x0:x1] > 0
    if bilevel:
        region = thickened(region, dpi)
    ink = binarize(region)
    ink[cut] = 0
    min_area = max(4, int((dpi / 100) ** 2 * 3))
    labels, stats = _marks(ink)
    keep = ~_specks(stats, ink.shape, min_area)
    keep[0] = False
    keep &= ~_ruling_residue(stats, keep, dpi)
    keep &= ~_edge_marks(labels, stats, cut, min_area, max(3, int(0.02 * dpi)))
    raw, ink = ink, _kept(keep, labels)
    left_out = raw & ~ink
    if dropped is not None:
        dropped[y0:y1, x0:x1] |= left_out
    min_height, pad, gap = max(4, int(0.03 * dpi)), max(4, int(0.03 * dpi)), max(2, int(0.012 * dpi))
    if bilevel:  # as tall in its own ink (a dot of dust is no taller for being thickened)
        min_height += len(_thickening(dpi)) - 1
    # along the line, half a character; across it, a glyph's parts a faint scan broke apart
    # (the bar of a 5), split again below where the gap is a line's
    join = _join_gap(stats[keep, cv2.CC_STAT_HEIGHT], dpi)
    smear = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (join, 2 * gap + 1)))
    smear[cut] = 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(smear, connectivity=4)
    runs = []  # (component's box, its ink, top, bottom)
    strays = []  # marks too short for a line: a glyph's part a threshold broke off, or dust
    for i in range(1, n):
        cx, cy, cw, ch = stats[i, :4]
        mine = (labels[cy:cy + ch, cx:cx + cw] == i) & (ink[cy:cy + ch, cx:cx + cw] > 0)
        for top, bottom in _split_stacks(mine, split_lines(mine.astype(np.uint8) * 255, gap), dpi):
            if bottom - top >= min_height:
                runs.append(((cx, cy), mine, top, bottom))
            else:
                cols = np.flatnonzero(mine[top:bottom].any(axis=0))
                strays.append((cx + cols[0], cy + top, cx + cols[-1] + 1, cy + bottom))
    # lines set close in a cell (a wrapped label at single spacing) touch: a run twice as tall as
    # the zone's lines is split where they meet
    usual = np.median([bottom - top for *_, top, bottom in runs]) if runs else 0
    boxes = []
    for (cx, cy), mine, top, bottom in runs:
        parts = _split_touching(mine, top, bottom, int(0.06 * dpi)) if bottom - top > TOUCHING * usual else [(top, bottom)]
        for top, bottom in parts:
            cols = np.flatnonzero(mine[top:bottom].any(axis=0))
            if cols.size:
                boxes.append((cx + int(cols[0]), cy + top, cx + int(cols[-1]) + 1, cy + bottom))
    # a "line" around another (the remains of the four rulings of a cell, blurred on a
    # low-resolution picture, left as a frame around its value) is no text: text lines never nest
    boxes = [box for box, encloses in zip(boxes, _enclosing(boxes)) if not encloses]
    if not boxes:
        return []
    # the zone's height of a line of text: a label stacked a character a line (table 四's narrow
    # columns) is no line's height
    heights = [box[3] - box[1] for box in boxes if box[2] - box[0] >= STACKED * (box[3] - box[1])]
    text_height = np.percentile(heights or [box[3] - box[1] for box in boxes], 90)
    found = []
    for box in _glyphs_joined(boxes, strays, cut, text_height):
        page_box = (x0 + box[0], y0 + box[1], x0 + box[2], y0 + box[3])
        line = TextLine(bbox=tuple(float(v) for v in page_box))
        if seal is not None:
            lo, hi = _cell_span(cut, box)
            line.under_seal = seal_share(seal, page_box, x0 + lo, x0 + hi)
        found.append((line, box))
    # a mark far shorter than the zone's lines of text (the "-" of a cell printed blank; the
    # taller lines, as in a table 四 printed mostly "-" most lines are dashes) keeps its size
    # beside them: its crop is as high as theirs. A digit is never that short beside a label.
    out = []
    for line, box in found:
        short = box[3] - box[1] < SHORT_MARK * text_height
        tall = int(text_height * (1 + 2 * CROP_MARGIN)) if short else 0
        # a margin in proportion to the line: the recogniser scales the crop to 48 px high, and
        # a small glyph (a 96-dpi picture, a faint digit) in a wide margin comes out too small
        margin = max(2, min(pad, round(CROP_MARGIN * (box[3] - box[1]))))
        wide = _beside(box, left_out, cut, dpi)
        out.append((line, paper_crop(region, box, margin, cut, tall),
                    paper_crop(region, wide, margin, cut, tall) if wide != box else None))
    out.sort(key=lambda item: (item[0].bbox[1], item[0].bbox[0]))
    return out


NUMBER_ASPECT = 3  # a line at least this many times as wide as high is words (a label), not a number
JOINED_HEIGHT = 1.25  # of the zone's line height: parts of one glyph together are no taller


def _glyphs_joined(boxes: list[tuple[int, int, int, int]], strays: list[tuple[int, int, int, int]],
                   cut: np.ndarray, height: float) -> list[tuple[int, int, int, int]]:
    """The lines `boxes` with the parts of a glyph that a light threshold broke apart joined
    again: a line and the marks or short lines above or below it, across its columns and in
    its cell, that together are no taller than a line of text. The foot of a 2 whose diagonal
    vanished is a mark too short to be a line (`strays`); the top and bottom halves of a 3 are
    short lines; read apart, each is another glyph (")" for 2). A label's line (words) joins
    nothing: a mark under words is no part of a digit. Marks that join no line are dropped."""
    tallest = JOINED_HEIGHT * height
    groups = []  # [x0, y0, x1, y1, has a line, is words], by their tops (a group's top is its first part's)
    for (x0, y0, x1, y1), is_line in sorted([(b, True) for b in boxes] + [(s, False) for s in strays],
                                            key=lambda item: item[0][1]):
        words = is_line and x1 - x0 >= NUMBER_ASPECT * (y1 - y0)
        joins = None
        for group in reversed(groups) if not words else ():
            gx0, gy0, gx1, gy1, _, group_words = group
            if y1 - gy0 > tallest:
                break  # this group, and every one before it, begins too far above
            if not (group_words or max(y1, gy1) - gy0 > tallest or x1 <= gx0 or x0 >= gx1
                    or cut[gy0:max(y1, gy1), max(x0, gx0):min(x1, gx1)].any()):
                joins = group
                break
        if joins is None:
            groups.append([x0, y0, x1, y1, is_line, words])
        else:
            joins[:5] = [min(x0, joins[0]), joins[1], max(x1, joins[2]), max(y1, joins[3]), joins[4] or is_line]
    return [tuple(group[:4]) for group in groups if group[4]]


SEAL_REACH = 0.6  # of a line's height: about a digit's width
TOUCHING = 1.7  # a run of ink this many times the zone's usual line height may be lines set touching


def seal_share(seal: np.ndarray, box: tuple[int, int, int, int], lo: int, hi: int) -> float:
    """The share of a text box (page pixels) under red ink, the box widened by a digit's width
    on either side but not past `lo` and `hi` (its cell's edges): a digit beside those read may
    have gone with a seal's stroke that crossed it, and left nothing to read or to doubt (a
    seal's ring through the 1 of 51 left a sure 5)."""
    x0, y0, x1, y1 = box
    reach = int(round(SEAL_REACH * (y1 - y0)))
    under = seal[y0:y1, max(lo, x0 - reach):min(hi, x1 + reach)]
    return float(np.count_nonzero(under)) / under.size if under.size else 0.0


def _cell_span(cut: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int]:
    """The columns between the cell edges in `cut` left and right of a box, along its rows."""
    edges = np.flatnonzero(cut[box[1]:box[3]].any(axis=0))
    left, right = edges[edges < box[0]], edges[edges >= box[2]]
    return (int(left[-1]) + 1 if left.size else 0), (int(right[0]) if right.size else cut.shape[1])


STACK_WIDTH = 0.09  # inches: a column of stacked characters is a character wide (a "1" or "11" is narrower)


def _split_stacks(mine: np.ndarray, lines: list[tuple[int, int]], dpi: int) -> list[tuple[int, int]]:
    """`lines` with each run of characters stacked one a line and touching (a label in a
    narrow column, bold type blurred on a low-resolution picture) cut into its characters:
    Chinese characters are square, so a stack as wide as one and k times as high holds k,
    cut at the emptiest row near each expected boundary."""
    out = []
    for top, bottom in lines:
        cols = np.flatnonzero(mine[top:bottom].any(axis=0))
        width, height = (cols[-1] - cols[0] + 1, bottom - top) if cols.size else (0, 0)
        if width < STACK_WIDTH * dpi or height < 1.8 * width:
            out.append((top, bottom))
            continue
        k = max(2, round(height / (1.1 * width)))
        profile = mine[top:bottom].sum(axis=1)
        cuts = [0]
        for j in range(1, k):
            expected, reach = round(j * height / k), max(1, round(0.3 * height / k))
            window = profile[expected - reach:expected + reach + 1]
            cuts.append(expected - reach + int(np.argmin(window)))
        cuts.append(height)
        out += [(top + a, top + b) for a, b in zip(cuts, cuts[1:]) if b > a]
    return out


def _enclosing(boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    """For each box, whether it encloses another box (not one the same as itself)."""
    b = np.array(boxes).reshape(-1, 4)
    outer, inner = b[:, None, :], b[None, :, :]
    around = (outer[..., :2] <= inner[..., :2]).all(axis=2) & (outer[..., 2:] >= inner[..., 2:]).all(axis=2)
    return (around & (outer != inner).any(axis=2)).any(axis=1)


STACKED = 0.5  # a "line" narrower than this share of its height is characters stacked one a line
BESIDE = 0.6  # how far beside a line (in line heights) left-out specks may be a glyph's broken strokes


def _beside(box: tuple[int, int, int, int], left_out: np.ndarray, cut: np.ndarray,
            dpi: int) -> tuple[int, int, int, int]:
    """`box` widened to the left-out ink at its ends, within BESIDE line heights, in the same
    rows and short of a cell edge (the remains of a ruling along an edge are no glyph's)."""
    x0, y0, x1, y1 = box
    reach, clear = int(BESIDE * (y1 - y0)), max(2, int(0.02 * dpi))
    rows = slice(y0, y1)
    left = slice(max(0, x0 - reach), x0)
    edges = np.flatnonzero(cut[rows, left].any(axis=0))
    start = left.start + (edges[-1] + 1 + clear if edges.size else 0)
    specks = np.flatnonzero(left_out[rows, start:x0].any(axis=0)) if start < x0 else []
    new_x0 = start + int(specks[0]) if len(specks) else x0
    right = slice(x1, min(cut.shape[1], x1 + reach))
    edges = np.flatnonzero(cut[rows, right].any(axis=0))
    stop = right.start + (int(edges[0]) - clear if edges.size else right.stop - right.start)
    specks = np.flatnonzero(left_out[rows, x1:stop].any(axis=0)) if stop > x1 else []
    new_x1 = x1 + int(specks[-1]) + 1 if len(specks) else x1
    return new_x0, y0, new_x1, y1


def row_crops(grey: np.ndarray, box: tuple[float, float, float, float],
              dpi: int) -> list[tuple[tuple[int, int, int, int], np.ndarray]]:
    """The text lines inside `box`, each the whole width of its ink (a title's or a paragraph's
    line, spaces and all): its ink box on the page and its crop (the ink box plus a small
    margin, as recognition wants it)."""
    inset = max(3, int(0.02 * dpi))
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 - x0 < 3 or y1 - y0 < 3:
        return []
    region = grey[y0:y1, x0:x1]
    ink = _despeckle(binarize(region), max(4, int((dpi / 100) ** 2 * 3)), edge=max(3, int(0.015 * dpi)))
    crops = []
    ranges = [part for top, bottom in split_lines(ink, max(2, int(0.012 * dpi)))
              for part in _split_touching(ink, top, bottom, int(0.06 * dpi))]
    for top, bottom in ranges:
        if bottom - top < max(4, int(0.03 * dpi)):
            continue  # a stray mark, not a line of text
        cols = np.flatnonzero(ink[top:bottom].max(axis=0) > 0)
        crops.append(((x0 + int(cols[0]), y0 + top, x0 + int(cols[-1]) + 1, y0 + bottom),
                      paper_crop(region, (cols[0], top, cols[-1] + 1, bottom), max(4, int(0.03 * dpi)))))
    return crops


def _split_touching(ink: np.ndarray, top: int, bottom: int, min_height: int) -> list[tuple[int, int]]:
    """Rows top..bottom of `ink` split where lines set close touch (single spacing, a slight
    skew): at runs of rows with hardly any ink (a few strokes meeting) between two parts at
    least `min_height` tall. A line of text has ink in nearly every row, so it stays whole."""
    counts = np.count_nonzero(ink[top:bottom], axis=1)
    faint = counts <= 0.15 * np.median(counts)
    parts, start, y, n = [], 0, 0, len(counts)
    while y < n:
        if not faint[y]:
            y += 1
            continue
        end = y
        while end < n and faint[end]:
            end += 1
        if y - start >= min_height and n - end >= min_height:
            parts.append((top + start, top + y))
            start = end
        y = end
    return parts + [(top + start, bottom)]


def text_layer_lines(words: list[Word], zone: BBox, cuts: np.ndarray) -> list[TextLine]:
    """The text layer's characters inside `zone` joined into lines: a character joins the line
    on its left when it sits at the same height, close, and no cell edge in `cuts` lies
    between them. Exact: every character has probability 1."""
    inside = sorted((w for w in words if _inside(w, zone)), key=lambda w: (w.bbox[0], w.bbox[1]))
    lines: list[list[Word]] = []
    extents: list[list[float]] = []  # each line's top and bottom so far
    for word in inside:
        x0, y0, x1, y1 = word.bbox
        cy = (y0 + y1) / 2
        for members, extent in zip(lines, extents):
            last = members[-1].bbox
            height = max(1.0, y1 - y0, extent[1] - extent[0])  # a '.' is as tall as its digits
            if extent[0] <= cy <= extent[1] and -0.5 * height <= x0 - last[2] <= 0.8 * height \
                    and not _cut_between(cuts, last[2], x0, cy):
                members.append(word)
                extent[0], extent[1] = min(extent[0], y0), max(extent[1], y1)
                break
        else:
            lines.append([word])
            extents.append([y0, y1])
    out = []
    for members in lines:
        text = "".join(w.text for w in members)
        box = union_bbox([w.bbox for w in members])
        out.append(TextLine(bbox=box, text=text, char_probs=[1.0] * len(text), numeric_text=text,
                            numeric_probs=[1.0] * len(text), numeric_options=[[(ch, 1.0)] for ch in text]))
    out.sort(key=lambda line: (line.bbox[1], line.bbox[0]))
    return out


def _cut_between(cuts: np.ndarray, xa: float, xb: float, y: float) -> bool:
    a, b = sorted((int(xa), int(np.ceil(xb))))
    row = cuts[min(max(0, int(y)), cuts.shape[0] - 1), max(0, a):b + 1]
    return bool(row.any())


def word_lines(words: list[Word]) -> list[list[Word]]:
    """Words in reading order, as lines: a word joins a line when its centre lies within the
    line's vertical extent (so a small '.' stays in the line of its digits)."""
    lines: list[tuple[float, float, list[Word]]] = []
    for w in sorted(words, key=lambda w: (w.bbox[3] - w.bbox[1]), reverse=True):
        cy = (w.bbox[1] + w.bbox[3]) / 2
        for i, (top, bottom, members) in enumerate(lines):
            if top <= cy <= bottom:
                members.append(w)
                break
        else:
            lines.append((w.bbox[1], w.bbox[3], [w]))
    lines.sort(key=lambda line: line[0])
    return [sorted(members, key=lambda w: w.bbox[0]) for _, _, members in lines]


def text_lines(words: list[Word]) -> list[str]:
    return ["".join(w.text for w in line) for line in word_lines(words)]


def prose_lines(words: list[Word], page: int) -> list[ProseLine]:
    """The text layer's lines of running text (`words`: those outside the tables), exact."""
    out = []
    for line in word_lines(words):
        text = "".join(w.text for w in line)
        out.append(ProseLine(text=text, char_probs=[1.0] * len(text), page=page,
                             bbox=union_bbox([w.bbox for w in line])))
    return out


def free_bands(zones: list[BBox], width: int, height: int, dpi: int) -> list[BBox]:
    """The page's horizontal bands clear of every table zone, inside a scanner's dark edges:
    where a scanned page's running text is."""
    margin_x, margin_y = int(0.05 * width), int(0.02 * height)
    spans = sorted((z[1], z[3]) for z in zones)
    bands, top = [], margin_y
    for z0, z1 in spans + [(height - margin_y, height)]:
        if z0 - top > 0.1 * dpi:
            bands.append((margin_x, top, width - margin_x, z0))
        top = max(top, z1)
    return bands


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """Lines top to bottom, and those side by side (a label broken at a space) left to right."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda line: line.centre[1]):
        if rows and abs(line.centre[1] - rows[-1][0].centre[1]) < 0.5 * (rows[-1][0].bbox[3] - rows[-1][0].bbox[1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda line: line.bbox[0])]


def _inside(word: Word, box) -> bool:
    cx, cy = (word.bbox[0] + word.bbox[2]) / 2, (word.bbox[1] + word.bbox[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def mark_unread_ink(layout: PageLayout, dropped: np.ndarray, dpi: int):
    """Each lattice cell's ink that no line was cut from (Cell.unread_ink), inside its edges: a
    faint digit broken into specks on a light scan leaves a cell read as blank, over ink."""
    inset = max(2, int(0.02 * dpi))
    for table in layout.lattices:
        for cell in table.cells:
            x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
            inside = dropped[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
            cell.unread_ink = float(np.count_nonzero(inside)) * (100 / dpi) ** 2 if inside.size else 0.0


def doubt_inner_specks(lines: list[TextLine], dropped: np.ndarray, dpi: int):
    """On a 1-bit page, a line with ink left out as specks inside its box, or just before or
    after it (within half its height), may have lost part of a glyph: the bar of a 4 that a light
    threshold broke into a dot leaves a stroke read as a sure 1 ("9187" for 9487, "1" for 4).
    Such a reading is in doubt, as where the specks beside it read otherwise."""
    for line in lines:
        x0, y0, x1, y1 = (int(round(v)) for v in line.bbox)
        reach = (y1 - y0) // 2
        if np.count_nonzero(dropped[y0:y1, max(0, x0 - reach):x1 + reach]) * (100 / dpi) ** 2 >= INNER_SPECKS:
            line.beside_doubt = max(line.beside_doubt, BESIDE_DOUBT)


@dataclass
class LineJob:
    """One text line of page `page` to recognise: its crop, and the line its reading goes to (a
    table's line, a line of running text, or None: a top line of the page, where a title is)."""
    image: np.ndarray
    line: TextLine | ProseLine | None
    page: int
    # the crop widened over ink left out beside the line (specks of a glyph whose strokes a
    # light threshold broke: the 4 of "40" whose bar fell apart leaves "10"): read too, and
    # where it reads otherwise the line's reading is in doubt
    widened: np.ndarray | None = None
    band: str = "scan"  # the kind of image it was cut from (Page.band)

    @property
    def shareable(self) -> bool:
        """Whether it may take the reading of a crop the same before it on its page
        (read/repeats.py): a table's line with no second look, not enlarged from a
        low-resolution picture (where a pixel is a stroke)."""
        return isinstance(self.line, TextLine) and self.widened is None and self.band != "lowres"

    @property
    def small_settles(self) -> frozenset[str]:
        """What a reading of its crop at SMALL_HEIGHT may settle (PPOCRRecognizer.recognize): a
        title's words; a table line's number read surely; on a grey scan a table line's words
        and any text read surely too (small, a 1-bit page's thin strokes lose more: label scores
        of 行政强制 fell below the review threshold; a 96-dpi picture's faint 0 is read as a
        sure letter). Not a line with a second look, nor the running text."""
        if self.line is None:
            return frozenset({WORDS})
        if not isinstance(self.line, TextLine) or self.widened is not None:
            return frozenset()
        return frozenset({WORDS, NUMBER, TEXT}) if self.shareable and self.band == "scan" else frozenset({NUMBER})


def _thickening(dpi: int) -> np.ndarray:
    """The square a 1-bit page's strokes are thickened by (BILEVEL_THICKENING)."""
    size = max(2, int(round(BILEVEL_THICKENING * dpi)))
    return np.ones((size, size), np.uint8)


def thickened(crop: np.ndarray, dpi: int) -> np.ndarray:
    """A 1-bit page's image (or crop) with its strokes a little thicker: a light threshold breaks thin
    strokes (the arcs of a 0 left as "()", the bar of a 4 as a speck), which the recogniser,
    trained on grey antialiased type, reads as other glyphs; joined again they read as
    printed. A dark threshold's strokes, already bled, take the pixel without harm (measured on
    the 1-bit families of the generator: 1-bit 200-400 dpi and light thresholds, cells right
    2934 -> 3042 of 3184; 300 dpi 3167 -> 3177)."""
    return cv2.erode(crop, _thickening(dpi))


SLASH_LEAN = 12.0  # degrees from upright past which a lone straight stroke read as "1" is a "/"
STRAIGHT = 0.04  # at most this ratio of a stroke's ink spread across its axis to along it


def lone_stroke_lean(crop: np.ndarray) -> tuple[float, float]:
    """The lean of a crop's ink from upright (degrees) and how thin it is about its axis
    (the ratio of the spreads across and along it: a "1" with its flag and foot is fuller)."""
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(ink)
    if xs.size < 5:
        return 0.0, 1.0
    spreads, axes = np.linalg.eigh(np.cov(np.vstack([xs, ys]).astype(float)))
    along_x, along_y = axes[:, 1]
    return float(np.degrees(np.arctan2(abs(along_x), abs(along_y)))), float(spreads[0] / max(spreads[1], 1e-9))


def slash_not_one(reading: Recognition, crop: np.ndarray):
    """A cell printed blank with "/" is read as a sure "1" by the recogniser; a lone straight
    stroke leaning past SLASH_LEAN is the slash (the blank mark), at the recogniser's own
    probability for the glyph. A printed 1 stands upright (its flag leans it 5-7°)."""
    if reading.numeric_text != "1":
        return
    lean, thinness = lone_stroke_lean(crop)
    if lean >= SLASH_LEAN and thinness <= STRAIGHT:
        reading.text, reading.numeric_text = "/", "?"


def weigh_second_look(reading: Recognition, widened: Recognition):
    """A line's reading in doubt where its crop widened over the specks beside it (LineJob.widened)
    reads another number."""
    if widened.numeric_text != reading.numeric_text:
        reading.beside_doubt = BESIDE_DOUBT


def likeliest_number(reading: Reading) -> tuple[str, list[float]] | None:
    """The number the recogniser thought likeliest next where it took glyphs for no digit
    ("?"): each such glyph as its likeliest digit (or sign, or point) among its options, with
    that one's probability. A faint 0 of a few pixels that it read as "a" at 0.9 had "0" next:
    the cell gets its likely value, and a confidence that still sends it to review. None where
    a glyph has no such alternative (or the reading has no options: a document's own text)."""
    if not len(reading.numeric_text) == len(reading.numeric_probs) == len(reading.numeric_options):
        return None
    text, probs = [], []
    for character, p, options in zip(reading.numeric_text, reading.numeric_probs, reading.numeric_options):
        if character != "?":
            text.append(character)
            probs.append(p)
            continue
        alternative = next(((c, q) for c, q in options if c and c != "?"), None)
        if alternative is None:
            return None
        text.append(alternative[0])
        probs.append(alternative[1])
    return "".join(text), probs


def add_reading(target: Reading, rec: Recognition | Reading):
    """A reading appended to a cell's or line's text and probabilities: a cell's lines are
    read one by one and joined."""
    if not target.numeric_text:  # a sign leads a number's first line
        target.sign_doubt = rec.sign_doubt
    target.beside_doubt = max(target.beside_doubt, rec.beside_doubt)
    target.text += rec.text
    target.char_probs += rec.char_probs
    target.numeric_text += rec.numeric_text
    target.numeric_probs += rec.numeric_probs
    target.numeric_options += rec.numeric_options


class LineReader:
    """The text lines of a page's table zones: exact from a text layer, or cut from the image
    as crops to recognise (image work, kept apart from the model so that recognition can batch
    the lines of many pages and documents). On every page also its top lines above any table:
    the title, on a report's first page (a volume binds several reports)."""

    def __init__(self, title_lines: int = 4):
        self.title_lines = title_lines

    def read_text_layer(self, page: Page, layout: PageLayout, cuts: np.ndarray):
        seen: set[int] = set()
        for zone in layout.zones:
            for line in text_layer_lines([w for w in page.words or [] if id(w) not in seen], zone, cuts):
                layout.lines.append(line)
            seen.update(id(w) for w in page.words or [] if _inside(w, zone))
        page.prose = prose_lines([w for w in page.words or [] if id(w) not in seen], page.number)
        top = self._top(layout, page.image.shape[0])
        page.title_lines = text_lines([w for w in page.words or [] if w.bbox[3] <= top])[:self.title_lines]

    def line_jobs(self, page: Page, layout: PageLayout, clean: np.ndarray, cuts: np.ndarray,
                  prose: bool = False, titles: bool = True) -> list[LineJob]:
        """`clean`: the page with its ruling lines erased. `prose`: the running text outside the
        tables too (into page.prose, read with the rest; its first lines are the title); else
        `titles`: the top lines only (where a report's title is)."""
        jobs = []
        dropped = np.zeros_like(clean)
        for zone in layout.zones:
            for line, crop, widened in ink_lines(clean, zone, cuts, page.dpi, page.seal, dropped, page.bilevel):
                layout.lines.append(line)
                jobs.append(LineJob(crop, line, page.number, widened, page.band))
        in_tables = len(jobs)
        mark_unread_ink(layout, dropped, page.dpi)
        if page.bilevel:
            doubt_inner_specks(layout.lines, dropped, page.dpi)
        if prose:
            height, width = page.image.shape
            for band in free_bands(layout.zones, width, height, page.dpi):
                for box, crop in row_crops(page.image, band, page.dpi):
                    line = ProseLine(page=page.number, bbox=map_bbox(layout.to_source, box))
                    page.prose.append(line)
                    jobs.append(LineJob(crop, line, page.number, band=page.band))
        elif titles:
            # from the page itself: the line eraser takes a large title's long vertical strokes
            jobs += [LineJob(crop, None, page.number, band=page.band) for crop in self._title_crops(page, layout)]
        if page.bilevel:  # a table's lines are cut thickened (ink_lines); the title's and the text's too
            jobs[in_tables:] = [replace(job, image=thickened(job.image, page.dpi)) for job in jobs[in_tables:]]
        return jobs

    @staticmethod
    def _top(layout: PageLayout, height: int) -> int:
        first_table = min((zone[1] for zone in layout.zones), default=height)
        return int(min(first_table, 0.45 * height))

    def _title_crops(self, page: Page, layout: PageLayout) -> list[np.ndarray]:
        """The first text lines above the first table, found by their ink rows (a title is
        plain lines of text on white paper; a detection model costs a second a page here)."""
        image = page.image
        # inside the page's margins, clear of a scanner's dark edges
        margin = int(0.05 * image.shape[1])
        box = (margin, int(0.02 * image.shape[0]), image.shape[1] - margin, self._top(layout, image.shape[0]))
        # a line of a few characters is at least 3x as wide as high; a scanner's edge mark is not
        lines = [c for _, c in row_crops(image, box, page.dpi) if c.shape[1] >= 3 * c.shape[0]][:self.title_lines]
        # The title is set larger than the text under it: reading only its lines saves a
        # third of a report's recognition work on page 1. Equal sizes keep every line.
        tallest = max((c.shape[0] for c in lines), default=0)
        return [c for c in lines if c.shape[0] >= 0.9 * tallest]
