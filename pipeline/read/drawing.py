"""Rulings from a born-digital PDF page's own drawing, in place of the image's.

A page with a text layer draws its tables' rulings as path objects: stroked lines (Word),
stroked cell boxes (report generators), thin filled rectangles (browsers' prints). Read from
the drawing they are exact and cost a few milliseconds, where finding them in the rendered
image (layout.ruling_lines: openings over the whole page) took 36-46 ms, a quarter of such a
page's time.

The masks made here are what layout.ruling_lines would find in the image: marks as long as a
ruling (LayoutOptions' lengths), vertical ones where they meet a horizontal one, dashed
horizontal ones whole. A page whose drawing may not be what is seen is left to the image:
pictures over much of it (a scan under a text layer), a form (a nested drawing), a shading, a
turned page, a large dark fill (a banner, text set white on it).
"""
from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from ..types import Mark
from .layout import LayoutOptions, PageLines, binarize

INK = 240  # luminance: a hairline this light or lighter is paper to binarisation (15 under its surround): no ruling
DARK = 128  # a large fill darker than this is ink the image would show as a block
THIN = 0.04  # inches: a filled rectangle this thin or thinner is a ruling (Word's thickest, 2.25 pt: 0.031)
PICTURES = 0.25  # share of the page: pictures this large (in all: a scan may be stored in strips) may hold rulings


def page_marks(page: pdfium.PdfPage, scale: float, height_px: int) -> list[Mark] | None:
    """The page's straight marks in drawing order, or None where the image must be read: see the
    module's docstring, and any page whose drawing cannot be walked (the image is read then, as
    before there was this shortcut). `scale`: pixels a point; `height_px`: the rendered page's height."""
    try:
        return _marks(page, scale, height_px)
    except Exception:
        return None


def _marks(page: pdfium.PdfPage, scale: float, height_px: int) -> list[Mark] | None:
    width, height = page.get_size()
    if page.get_rotation() or tuple(page.get_cropbox())[:2] != (0, 0):
        return None
    marks: list[Mark] = []
    pictures = 0.0
    for obj in page.get_objects(max_depth=1):
        if obj.type in (pdfium_raw.FPDF_PAGEOBJ_FORM, pdfium_raw.FPDF_PAGEOBJ_SHADING):
            return None
        if obj.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE:
            x0, y0, x1, y1 = obj.get_bounds()
            pictures += (x1 - x0) * (y1 - y0)
            if pictures > PICTURES * width * height:
                return None
        elif obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH:
            found = _path_marks(obj.raw, scale, height_px)
            if found is None:
                return None
            marks += found
    return marks


def _colour(raw, getter) -> tuple[float, int]:
    """A path's fill or stroke colour as (luminance, alpha)."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(raw, r, g, b, a):
        return 0.0, 255
    return 0.299 * r.value + 0.587 * g.value + 0.114 * b.value, a.value


def _subpaths(raw, matrix: pdfium_raw.FS_MATRIX, scale: float, height_px: int) -> list[tuple[list, bool]]:
    """The path's straight subpaths as (points in pixels, closed); a subpath with a curve is left
    out (a rounded corner, an icon: no ruling), unless the curve is a straight line drawn as one."""
    out, points, curved, closed = [], [], False, False
    x, y = ctypes.c_float(), ctypes.c_float()

    def flush():
        if len(points) >= 2 and curved:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(ys) - min(ys) < 0.5:
                out.append(([(min(xs), ys[0]), (max(xs), ys[0])], False))
            elif max(xs) - min(xs) < 0.5:
                out.append(([(xs[0], min(ys)), (xs[0], max(ys))], False))
        elif len(points) >= 2:
            out.append((points, closed))

    for k in range(pdfium_raw.FPDFPath_CountSegments(raw)):
        segment = pdfium_raw.FPDFPath_GetPathSegment(raw, k)
        kind = pdfium_raw.FPDFPathSegment_GetType(segment)
        pdfium_raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        px = (matrix.a * x.value + matrix.c * y.value + matrix.e) * scale
        py = height_px - (matrix.b * x.value + matrix.d * y.value + matrix.f) * scale
        if kind == pdfium_raw.FPDF_SEGMENT_MOVETO:
            flush()
            points, curved, closed = [], False, False
        elif kind == pdfium_raw.FPDF_SEGMENT_BEZIERTO:
            curved = True
        points.append((px, py))
        closed = closed or bool(pdfium_raw.FPDFPathSegment_GetClose(segment))
    flush()
    return out


def _path_marks(raw, scale: float, height_px: int) -> list[Mark] | None:
    """A path object's bars: its stroked straight segments, its thin filled shapes (rulings),
    and its wide filled rectangles (opaque ones paint over what is under them); None for a
    large dark rectangle."""
    matrix = pdfium_raw.FS_MATRIX()
    pdfium_raw.FPDFPageObj_GetMatrix(raw, matrix)
    fill_mode, stroked = ctypes.c_int(), ctypes.c_int()
    pdfium_raw.FPDFPath_GetDrawMode(raw, ctypes.byref(fill_mode), ctypes.byref(stroked))
    stroke_width = ctypes.c_float()
    pdfium_raw.FPDFPageObj_GetStrokeWidth(raw, ctypes.byref(stroke_width))
    zoom = scale * abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    half = max(1.0, stroke_width.value * zoom) / 2
    dashed = pdfium_raw.FPDFPageObj_GetDashCount(raw) > 0
    fill, fill_alpha = _colour(raw, pdfium_raw.FPDFPageObj_GetFillColor)
    stroke, stroke_alpha = _colour(raw, pdfium_raw.FPDFPageObj_GetStrokeColor)
    thin = THIN * 72 * scale
    marks = []
    for points, closed in _subpaths(raw, matrix, scale, height_px):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        box = (min(xs), min(ys), max(xs), max(ys))
        if fill_mode.value and fill_alpha and len(points) >= 3:
            if min(box[2] - box[0], box[3] - box[1]) <= thin:  # a bar (a browser's border: mitred ends)
                if fill < INK:
                    marks.append(Mark(*box))
            elif _is_rectangle(points):
                if fill < DARK:
                    return None
                if fill_alpha == 255:
                    marks.append(Mark(*box, ink=False))
        if stroked.value and stroke_alpha and stroke < INK:
            ends = points + [points[0]] if closed else points
            for (ax, ay), (bx, by) in zip(ends, ends[1:]):
                flat, upright = abs(ay - by) < 0.5, abs(ax - bx) < 0.5
                if (flat and not upright) or (upright and not flat and not dashed):
                    marks.append(Mark(min(ax, bx) - half, min(ay, by) - half, max(ax, bx) + half, max(ay, by) + half))
    return marks


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    """Whether a closed subpath's corners make an upright rectangle."""
    corners = points[:-1] if len(points) == 5 and np.allclose(points[0], points[-1], atol=0.5) else points
    if len(corners) != 4:
        return False
    return all(abs(a[0] - b[0]) < 0.5 or abs(a[1] - b[1]) < 0.5 for a, b in zip(corners, corners[1:] + corners[:1]))


def drawn_lines(marks: list[Mark], grey: np.ndarray, dpi: int, options: LayoutOptions) -> PageLines:
    """The ruling masks layout.ruling_lines would find in `grey` (the page as rendered), made
    from its drawing's marks as its openings and closing make them from the ink: pieces of a
    line shorter than a vertical ruling dropped, gaps up to `line_gap` bridged, horizontal runs
    kept as long as a ruling, vertical ones where they meet one of them."""
    kv = max(10, int(options.vertical_line_length * dpi))
    gap = max(3, int(options.line_gap * dpi))
    reach = max(3, int(0.03 * dpi))
    bars = _visible(marks)
    across = _runs([(b.x0, b.x1, b.y0, b.y1) for b in bars if b.x1 - b.x0 >= b.y1 - b.y0], kv, gap,
                   max(15, int(options.line_length * dpi)))
    down = _runs([(b.y0, b.y1, b.x0, b.x1) for b in bars if b.x1 - b.x0 < b.y1 - b.y0], kv, gap, kv)
    flat = [_extent(run) for run in across]
    down = [run for run in down if any(_meet(_extent(run), line, reach) for line in flat)]
    return PageLines(_painted(across, grey.shape, True), _painted(down, grey.shape, False), binarize(grey), dpi)


def _visible(marks: list[Mark]) -> list[Mark]:
    """The ink marks, each cut where a later opaque fill covers it across its whole width."""
    bars: list[Mark] = []
    for mark in marks:
        if mark.ink:
            bars.append(mark)
            continue
        kept = []
        for b in bars:
            covers = b.x0 < mark.x1 and mark.x0 < b.x1 and b.y0 < mark.y1 and mark.y0 < b.y1
            if covers and b.x1 - b.x0 >= b.y1 - b.y0 and mark.y0 <= b.y0 and b.y1 <= mark.y1:
                kept += [Mark(b.x0, b.y0, mark.x0, b.y1), Mark(mark.x1, b.y0, b.x1, b.y1)]
            elif covers and b.x1 - b.x0 < b.y1 - b.y0 and mark.x0 <= b.x0 and b.x1 <= mark.x1:
                kept += [Mark(b.x0, b.y0, b.x1, mark.y0), Mark(b.x0, mark.y1, b.x1, b.y1)]
            else:
                kept.append(b)
        bars = [b for b in kept if b.x1 > b.x0 and b.y1 > b.y0]
    return bars


Bar = tuple[float, float, float, float]  # along its line: from, to; across it: from, to


def _runs(bars: list[Bar], piece: int, gap: int, length: int) -> list[list[Bar]]:
    """The lines `bars` make, each a run of the bars in it and of the gaps bridged between its
    pieces (a piece: bars that touch on one line). Pieces shorter than `piece` are dropped, as
    the first opening drops type's strokes; those left are joined across gaps up to `gap`, as the
    closing joins them; a run is kept where it is `length` long, as the second opening keeps it."""
    pieces = [[bars[i] for i in group] for group in _groups(bars, 1.0)]
    pieces = [p for p in pieces if _extent(p)[1] - _extent(p)[0] >= piece]
    runs = []
    for group in _groups([_extent(p) for p in pieces], gap):
        chain = sorted((pieces[i] for i in group), key=lambda p: _extent(p)[0])
        run = [bar for p in chain for bar in p]
        for a, b in zip(chain, chain[1:]):  # the gap's rows on both sides: what a closing fills
            (_, a1, a2, a3), (b0, _, b2, b3) = _extent(a), _extent(b)
            if a1 < b0 and max(a2, b2) < min(a3, b3):
                run.append((a1, b0, max(a2, b2), min(a3, b3)))
        if _extent(run)[1] - _extent(run)[0] >= length:
            runs.append(run)
    return runs


def _groups(bars: list[Bar], gap: float) -> list[list[int]]:
    """Indices of `bars` grouped along their lines: a bar joins a group it overlaps across the
    line and comes within `gap` of along it (taken left to right, so a line's bars join in turn)."""
    groups: list[tuple[list[int], list[float]]] = []  # members, extent
    for i in sorted(range(len(bars)), key=lambda i: bars[i][0]):
        a0, a1, c0, c1 = bars[i]
        for members, box in groups:
            if a0 <= box[1] + gap and c0 < box[3] and box[2] < c1:
                members.append(i)
                box[1], box[2], box[3] = max(box[1], a1), min(box[2], c0), max(box[3], c1)
                break
        else:
            groups.append(([i], [a0, a1, c0, c1]))
    return [members for members, _ in groups]


def _extent(bars: list[Bar]) -> Bar:
    return min(b[0] for b in bars), max(b[1] for b in bars), min(b[2] for b in bars), max(b[3] for b in bars)


def _meet(upright: Bar, flat: Bar, reach: int) -> bool:
    """Whether a vertical run comes within `reach` of a horizontal one."""
    y0, y1, x0, x1 = upright
    a0, a1, c0, c1 = flat
    return a0 - reach <= x1 and x0 <= a1 + reach and y0 - reach <= c1 and c0 <= y1 + reach


def _painted(runs: list[list[Bar]], shape: tuple[int, int], along_x: bool) -> np.ndarray:
    """A mask of the runs' bars, each to the pixels it touches."""
    mask = np.zeros(shape, np.uint8)
    for a0, a1, c0, c1 in (bar for run in runs for bar in run):
        a, c = slice(max(0, int(a0)), int(np.ceil(a1))), slice(max(0, int(c0)), int(np.ceil(c1)))
        mask[(c, a) if along_x else (a, c)] = 255
    return mask
