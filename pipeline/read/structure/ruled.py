"""The ruled reading: rows, columns and merged cells of a table from its ruling lines, and
each cell's text from the text lines inside it.

Grid lines are the clustered positions of ruling segments; two neighbouring lattice cells
belong to one merged cell when no ruling separates them: neither a stretch of found line nor,
on a scan, a worn and broken ruling (a straight, thin row of ink along the lattice line; a
character's stroke is joined to the rest of its character, a ruling to nothing).
"""
from __future__ import annotations

import cv2
import numpy as np

from ...types import BBox, Cell, PageLayout, Table, TextLine
from ..layout import PageLines, label_components
from . import StructureReading


def _line_positions(mask: np.ndarray, axis: int, tol: float, min_length: int) -> list[float]:
    """Centres of ruling lines across `axis` (0: horizontal lines → y positions). The mask
    holds only long runs already, so any position with `min_length` of ink is a line, however
    short beside the table's full-height rulings (a one-row fragment's verticals)."""
    profile = (mask > 0).sum(axis=1 - axis)
    rows = np.flatnonzero(profile >= min_length)
    if rows.size == 0:
        return []
    positions, group = [], [rows[0]]
    for r in rows[1:]:
        if r - group[-1] <= tol:
            group.append(r)
        else:
            positions.append(float(np.average(group, weights=profile[group])))
            group = [r]
    positions.append(float(np.average(group, weights=profile[group])))
    return positions


def _covered(strip: np.ndarray, axis: int) -> float:
    """Share of a ruling's length where ink is present (strip is a thin band around it)."""
    if strip.size == 0:
        return 0.0
    return float(np.count_nonzero(strip.max(axis=axis))) / strip.shape[1 - axis]


def _straight(strip: np.ndarray) -> float:
    """The largest share of one pixel row of a band (rows along the ruling) that is ink: a
    ruling broken into short dashes still fills most of its row, a line of text crossing the
    band fills much less of any one row."""
    if strip.size == 0:
        return 0.0
    return float((strip > 0).mean(axis=1).max())


def _thin(band: np.ndarray, x: int, width: int) -> bool:
    """Whether the ink at column `x` of a band (a row of the table, rows top to bottom) is
    a thin line on its own: every sizeable mark there is at most `width` wide. A character's
    stroke that fills a compact row's height is joined to the character's other strokes."""
    if band.size == 0:
        return False
    n, labels, stats, _ = label_components((band > 0).astype(np.uint8))
    touching = set(np.unique(labels[:, max(0, x - 1):x + 2])) - {0}
    sizeable = [k for k in touching if stats[k, cv2.CC_STAT_HEIGHT] >= 0.2 * band.shape[0]]
    return bool(sizeable) and all(stats[k, cv2.CC_STAT_WIDTH] <= width for k in sizeable)


def _joins_rulings(ink: np.ndarray, top: float, bottom: float, x: int) -> bool:
    """Ink at column `x` along the first and last fifth of a row's height (rulings at `top`
    and `bottom`), where a cell's text never is (its margin, the rulings' own width): a ruling
    meets the rulings above and below; a bracket or a stroke that fills a compact row stops
    short of them."""
    column = ink[int(top):int(bottom) + 1, max(0, x - 1):x + 2].max(axis=1) > 0
    end = max(2, int(0.2 * len(column)))
    return bool(column.size) and column[:end].mean() >= 0.8 and column[-end:].mean() >= 0.8


def _short_verticals(ink: np.ndarray, h_mask: np.ndarray, ys: list[float], xs: list[float], tol: float,
                     inset: int, apart: float, thin: int, min_fill: float) -> list[float]:
    """Vertical rulings too short or too worn for the line masks: in a short row (a one-row
    table's, or a worn one broken by a gap or two) a ruling leaves no run long enough to count
    as a line, yet it still fills the height of the row (`min_fill` of it, `inset` from the
    rulings), stands alone (a thin line, see _thin) and meets the rulings above and below it.
    Text stacked a character per line in a tall merged cell fills a column too, but no ruling
    crosses it where the rows meet. A line found within `apart` of a known one is that line
    (rulings lean a little on a flattened photo)."""
    found: list[float] = []
    reach = int(tol)

    def meets_ruling(y: float, x: int) -> bool:
        return bool(h_mask[max(0, int(y) - reach):int(y) + reach + 1, max(0, x - reach):x + reach + 1].any())

    for top, bottom in zip(ys, ys[1:]):
        band = ink[int(top) + inset:int(bottom) - inset]
        if band.shape[0] < 3:
            continue
        slanted = np.maximum(np.maximum(band[:, :-2], band[:, 1:-1]), band[:, 2:])  # a slant of a pixel
        for x in _line_positions(slanted.T, 0, tol, min_length=int(min_fill * band.shape[0])):
            x += 1  # the band lost a column on the left
            if all(abs(x - known) > apart for known in xs + found) and meets_ruling(top, int(x)) \
                    and meets_ruling(bottom, int(x)) and _joins_rulings(ink, top, bottom, int(round(x))) \
                    and _thin(band, int(round(x)), thin):
                found.append(x)
    return found


def _closed_by_rulings(h_mask: np.ndarray, ys: list[float], xs: list[float], tol: float, dpi: int) -> list[float]:
    """The vertical rulings `xs` and, where a table's outer column has none on its outer side
    (a border too light for a 1-bit threshold, or never printed), the line where its top and
    bottom rulings end together, over 0.1 inch past the outermost vertical one (as a table whose
    last row has no rule under it ends where its vertical rulings end)."""
    def ends(y: float) -> np.ndarray | None:
        cols = np.flatnonzero(h_mask[max(0, int(y - tol)):int(y + tol) + 1].any(axis=0))
        return cols[[0, -1]] if cols.size else None

    top, bottom = ends(ys[0]), ends(ys[-1])
    if not xs or top is None or bottom is None:
        return xs
    past = 0.1 * dpi
    if top[1] - xs[-1] > past and bottom[1] - xs[-1] > past and abs(float(top[1]) - float(bottom[1])) <= 2 * tol:
        xs = xs + [(float(top[1]) + float(bottom[1])) / 2]
    if xs[0] - top[0] > past and xs[0] - bottom[0] > past and abs(float(top[0]) - float(bottom[0])) <= 2 * tol:
        xs = [(float(top[0]) + float(bottom[0])) / 2] + xs
    return xs


def _inset(dpi: int) -> int:
    """How far inside its rulings a cell's own content is looked for."""
    return max(2, int(0.02 * dpi))


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int):
        self.parent[self.find(a)] = self.find(b)


def build_grid(lines: PageLines, region: BBox, page: int, dpi: int, worn: bool = True, min_cover: float = 0.2,
               min_straight: float = 0.6) -> Table | None:
    """The table inside `region`, or None when it has no lattice (fewer than 2×2 lines).
    `worn`: look for worn and broken rulings too (a scan; a PDF's own rulings never wear). A
    table whose last row has no rule under it (a page break cut it off) ends where its
    vertical rulings end; one whose first row has none above it, where they begin."""
    x0, y0, x1, y1 = (int(round(v)) for v in region)
    h_mask = lines.horizontal[y0:y1, x0:x1]
    v_mask = lines.vertical[y0:y1, x0:x1]
    tol = max(3.0, 0.02 * dpi)
    ys = _line_positions(h_mask, 0, tol, min_length=int(0.15 * dpi))
    xs = _line_positions(v_mask, 1, tol, min_length=int(0.1 * dpi))
    if not ys:
        return None
    v_rows = np.flatnonzero(v_mask.any(axis=1))
    if v_rows.size and v_rows[-1] - ys[-1] > 0.1 * dpi:
        ys.append(float(v_rows[-1]))
    if v_rows.size and ys[0] - v_rows[0] > 0.1 * dpi:
        ys.insert(0, float(v_rows[0]))
    if len(ys) < 2:
        return None
    ink = lines.ink[y0:y1, x0:x1] if lines.ink is not None else np.zeros_like(h_mask)
    inset = _inset(dpi)
    thin = max(4, int(0.035 * dpi))  # a ruling's width, blurred and binarised
    # on a scan, worn rulings too; a PDF's rulings are whole, and only a glyph touching both
    # rulings could fill a row's height (from just clear of the rulings) as they do
    fill, band_inset = (0.8, inset) if worn else (0.97, max(2, int(0.01 * dpi)))
    xs = _closed_by_rulings(h_mask, ys, sorted(xs + _short_verticals(ink, h_mask, ys, xs, tol, band_inset, 0.08 * dpi,
                                                                       thin, fill)), tol, dpi)
    if len(xs) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1

    # A found ruling is looked for in a wider band than ink: rulings lean a little on a photo
    # that was flattened, and the ruling masks hold nothing but long straight runs anyway.
    ruling_band, ink_band = max(2, int(0.04 * dpi)), max(2, int(0.015 * dpi))

    def separated(mask: np.ndarray, at: int, span: slice, axis: int) -> bool:
        """Whether a ruling runs at `at` (across `axis`) along `span`: a stretch of found line,
        or one too short or worn for the masks: a straight row of ink (whole on a PDF), and (a
        vertical one) thin."""
        def band(image: np.ndarray, width: int) -> np.ndarray:
            near = slice(max(0, at - width), at + width + 1)
            return image[near, span] if axis == 0 else image[span, near].T

        if _covered(band(mask, ruling_band), 0) >= min_cover:
            return True
        if _straight(band(ink, ink_band)) < (min_straight if worn else fill):
            return False
        if axis == 0:
            return True
        reach = 2 * ruling_band  # wide enough to hold a character's other strokes
        return _thin(ink[span, max(0, at - reach):at + reach + 1], min(at, reach), thin) and \
            _joins_rulings(ink, span.start - inset, span.stop + inset, at)

    # ruled[r][c]: a ruling on the left of lattice cell (r, c) (c = n_cols: the table's right
    # edge); across[r][c]: one above it (r = n_rows: the bottom edge)
    ruled = [[c in (0, n_cols) or separated(v_mask, int(xs[c]), slice(int(ys[r]) + inset, int(ys[r + 1]) - inset), 1)
              for c in range(n_cols + 1)] for r in range(n_rows)]
    across = [[r in (0, n_rows) or separated(h_mask, int(ys[r]), slice(int(xs[c]) + inset, int(xs[c + 1]) - inset), 0)
               for c in range(n_cols)] for r in range(n_rows + 1)]
    # Two lattice cells with no ruling between them are one merged cell, when they are alike
    # on their other sides too: a header cell over a body row whose rule under the header went
    # missing (a row broken by a page break) is not merged with the body's labels, which stand
    # between rulings of their own.
    uf = _UnionFind(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not ruled[r][c + 1] and across[r][c] == across[r][c + 1] \
                    and across[r + 1][c] == across[r + 1][c + 1]:
                uf.union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not across[r + 1][c] and ruled[r][c] == ruled[r + 1][c] \
                    and ruled[r][c + 1] == ruled[r + 1][c + 1]:
                uf.union(r * n_cols + c, (r + 1) * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(uf.find(r * n_cols + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(m[0] for m in members)
        r1 = max(m[0] for m in members) + 1
        c0 = min(m[1] for m in members)
        c1 = max(m[1] for m in members) + 1
        cells.append(Cell(row=r0, col=c0, row_span=r1 - r0, col_span=c1 - c0,
                          bbox=(x0 + xs[c0], y0 + ys[r0], x0 + xs[c1], y0 + ys[r1])))
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(page=page, bbox=(x0 + xs[0], y0 + ys[0], x0 + xs[-1], y0 + ys[-1]),
                 n_rows=n_rows, n_cols=n_cols, cells=cells)


def cell_edges(tables: list[Table], shape: tuple[int, int], dpi: int) -> np.ndarray:
    """A mask of the page (uint8) along every cell's edges, a ruling's width wide: where a line
    of text must not run on (into the next cell). A value set right against a ruling keeps its
    strokes: the remains of a ruling the masks missed are dropped beside it (ocr.ink_lines)."""
    mask = np.zeros(shape, np.uint8)
    width = max(1, int(0.006 * dpi))
    for cell in (cell for table in tables for cell in table.cells):
        x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
        cv2.rectangle(mask, (x0, y0), (x1, y1), 255, 2 * width + 1)
    return mask


def fill_cells(table: Table, lines: list[TextLine]):
    """Each cell's text: the text lines whose centre lies inside it, top to bottom (a line's
    reading is appended to the cell's)."""
    from ..ocr import add_reading, reading_order

    for line in reading_order(lines):
        cx, cy = line.centre
        for cell in table.cells:
            x0, y0, x1, y1 = cell.bbox
            if x0 <= cx < x1 and y0 <= cy < y1:
                add_reading(cell, line)
                if line.under_seal > cell.under_seal:
                    cell.under_seal = line.under_seal
                break


def mark_sealed(table: Table, seal: np.ndarray, lines: PageLines, dpi: int):
    """Each cell's share that red ink (a seal) covered, over its text (the ink inside it, not
    the rulings, and a digit's width beside it: see ocr.seal_share) or over the whole cell when
    it holds none: a digit a seal's stroke crossed may have lost that stroke with the red ink,
    and a cell that looks blank may have lost it all."""
    from ..ocr import seal_share

    inset = _inset(dpi)
    for cell in table.cells:
        x0, y0, x1, y1 = (int(round(v)) for v in cell.bbox)
        x0, y0, x1, y1 = max(0, x0 + inset), max(0, y0 + inset), x1 - inset, y1 - inset
        if x1 <= x0 or y1 <= y0:
            continue
        inside = np.s_[y0:y1, x0:x1]
        text = lines.ink[inside] & ~(lines.horizontal[inside] | lines.vertical[inside])
        ys, xs = np.nonzero(text)
        box = (x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1) if ys.size else (x0, y0, x1, y1)
        cell.under_seal = seal_share(seal, box, x0, x1)


class RuledReading(StructureReading):
    """The page's lattices (found in its rulings when the page was prepared), filled."""

    name = "ruled"

    def read(self, layout: PageLayout) -> list[Table]:
        for table in layout.lattices:
            x0, y0, x1, y1 = table.bbox
            fill_cells(table, [line for line in layout.lines
                               if x0 <= line.centre[0] <= x1 and y0 <= line.centre[1] <= y1])
            table.to_source, table.from_text_layer = layout.to_source, layout.exact
        return layout.lattices
