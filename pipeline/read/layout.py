"""Layout: normalise a page image (upright, deskewed) and find the ruled tables on it.

Tables in these reports are always ruled, so ruling lines carry table finding: the bundled
layout model misses every table on hard scans (it labels them `figure`, see models/README.md),
while the lines survive blur, noise and skew.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..types import LOW_RESOLUTION_DPI, BBox, Page


@dataclass
class LayoutOptions:
    max_skew: float = 5.0  # degrees searched when deskewing
    line_length: float = 0.35  # inches: shorter horizontal strokes are text, not rulings
    # Vertical rulings can be as short as one row (the last row of a fragment, under a
    # full-width cell), so the bar is lower; a table's characters are shorter still.
    vertical_line_length: float = 0.2
    line_gap: float = 0.12  # inches: breaks in a worn ruling that are bridged
    min_table_width: float = 0.25  # share of the page width
    upside_down: float = 0.6  # mean 180° probability of a page's text lines that turns it
    # A page picture below min_dpi (a report downloaded as 72-110 dpi images) is resampled to
    # work_dpi, as a PDF's page is rendered: glyphs of a few pixels break apart in the ink masks
    min_dpi: int = LOW_RESOLUTION_DPI
    work_dpi: int = 200


@dataclass
class PageLines:
    """Binary masks of the ruling lines of a normalised page, and the ink they were found in."""
    horizontal: np.ndarray
    vertical: np.ndarray
    ink: np.ndarray | None = None
    dpi: int = 200


def binarize(grey: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive, so uneven lighting and grey paper do not matter."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def label_components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """cv2.connectedComponentsWithStats of a mask, 8-connected: the same count, labels, stats and
    centroids, the labels 16-bit where they fit (a page has some thousand marks). Its statistics
    pass over 32-bit labels took most of the time: 42 -> 16 ms a 200-dpi page, one thread. A mask
    of more than 65,535 pieces overflows the 16 bits, which OpenCV refuses: then 32."""
    try:
        return cv2.connectedComponentsWithStatsWithAlgorithm(mask, 8, cv2.CV_16U, cv2.CCL_SPAGHETTI)
    except cv2.error:
        return cv2.connectedComponentsWithStats(mask, connectivity=8)


def is_blank(ink: np.ndarray, most_ink: float = 0.002) -> bool:
    """Nothing printed on a binarised page: ink on under 0.2% of it (dust, a page number), where
    a page of text has a few percent. A volume's separator pages start no report."""
    return float(np.mean(ink > 0)) < most_ink


def estimate_skew(ink: np.ndarray, max_angle: float, strips: int = 128) -> float:
    """The rotation (degrees) that makes text lines and rulings horizontal: the angle whose
    horizontal projection profile is sharpest, searched coarse to fine. The page is cut into
    narrow vertical strips whose row profiles are taken once; a small rotation then only
    shifts each strip's profile up or down, so trying an angle costs a sum, not a warp."""
    h, w = ink.shape
    edges = np.linspace(0, w, strips + 1).astype(int)
    # rows × strips: counts of ink pixels, summed as integers (exact, and a float copy of the page spared)
    profiles = np.add.reduceat((ink > 0).view(np.uint8), edges[:-1], axis=1, dtype=np.int32)
    rows, strip = np.nonzero(profiles)  # a page is mostly paper: only the inked rows of a strip count
    weights = profiles[rows, strip]
    centres = (edges[:-1] + edges[1:]) / 2 - w / 2
    pad = int(np.ceil(w / 2 * np.tan(np.radians(max_angle + 0.5)))) + 1

    def sharpness(angle: float, step: int) -> float:
        # cv2's rotation by `angle` moves a point at x (from the centre) up by x·tan(angle)
        shift = np.round(-centres * np.tan(np.radians(angle))).astype(int) + pad
        index = (rows + shift[strip]) // step
        profile = np.bincount(index, weights=weights, minlength=(h + 2 * pad) // step + 1)
        return float(np.sum(np.diff(profile) ** 2))

    def search(angles, step: int) -> float:
        return float(max(angles, key=lambda a: sharpness(a, step)))

    best = search(np.arange(-max_angle, max_angle + 1e-9, 0.5), 4)
    best = search(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), 2)
    return search(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), 1)


def _text_lines(ink: np.ndarray, dpi: int, min_aspect: float, vertical: bool = False,
                scale: float = 0.5) -> list[tuple]:
    """Boxes (x, y, w, h) of what looks like a line of text: characters smeared together along
    the line, as tall as a character, many times longer than tall (rulings are too thin).
    Found on the page reduced by `scale` (a line's shape survives it; the work is a quarter)."""
    small = (cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) > 0) if scale != 1 else ink > 0
    dpi = dpi * scale
    k = max(3, int(0.05 * dpi))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, k) if vertical else (k, 1))
    smear = cv2.dilate(small.astype(np.uint8), kernel)
    _, _, stats, _ = label_components(smear)
    boxes = stats[1:, :4]
    length, height = (boxes[:, 3], boxes[:, 2]) if vertical else (boxes[:, 2], boxes[:, 3])
    line = (0.05 * dpi <= height) & (height <= 0.35 * dpi) & (length >= min_aspect * height)
    return [tuple(int(round(v / scale)) for v in box) for box in boxes[line].tolist()]


def _rect(size: tuple[int, int]) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, size)


def straight_runs(ink: np.ndarray, shape_open: tuple[int, int], shape_close: tuple[int, int],
                  shape_keep: tuple[int, int]) -> np.ndarray:
    """Long straight runs of ink: an opening keeps runs longer than any stroke of a character
    (adjacent characters never touch); a closing along the line then bridges the gaps of a worn
    or faintly printed ruling, and a second, longer opening keeps what is a line as a whole.
    The shapes lie along one axis, so each row (or column) is worked alone, and after the first
    opening only those left with ink are worked again (the same result: 18 -> 10 ms a 200-dpi
    page for both directions)."""
    along_rows = shape_open[1] == 1
    mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, _rect(shape_open))
    lines = np.flatnonzero(mask.any(axis=1 if along_rows else 0))
    out = np.zeros_like(mask)
    if lines.size:
        part = mask[lines] if along_rows else mask[:, lines]
        part = cv2.morphologyEx(cv2.morphologyEx(part, cv2.MORPH_CLOSE, _rect(shape_close)), cv2.MORPH_OPEN, _rect(shape_keep))
        if along_rows:
            out[lines] = part
        else:
            out[:, lines] = part
    return out


def _without_rulings(ink: np.ndarray, dpi: int) -> np.ndarray:
    """The ink less its long straight runs: a ruling blurred on an enlarged low-resolution
    picture is as wide as small type, and would stand for a line of text."""
    stroke, gap, length = int(0.15 * dpi), max(3, int(0.05 * dpi)), int(0.3 * dpi)
    rulings = cv2.bitwise_or(straight_runs(ink, (1, stroke), (1, gap), (1, length)),
                             straight_runs(ink, (stroke, 1), (gap, 1), (length, 1)))
    return cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rulings, _rect((3, 3)))))


SPECK_AREA = 2  # px of the half-size page: a scan's speck (a few pixels at 200 dpi), never a stroke


def is_sideways(ink: np.ndarray, dpi: int) -> bool:
    """Whether the text runs top to bottom (a page turned by 90° or 270°): long lines of text
    (six characters or more) then stand upright. Upright report pages measured at most 3% of
    such lines' length upright against 97% lying. A page all table with short labels gives
    little of either (a double ruling or a column of stacked characters makes one standing
    line), and a turned table 四 some of both; where neither way has three lines and twice the
    other's length, the page's shape decides: the reports are printed portrait, so a landscape
    page was turned (a landscape page printed so has its text lying, and is not turned).
    Looked for on the page at half size (any ink in each 2 x 2 pixels): the lines' shapes
    survive it and the work is a quarter. Specks are left out: smeared upright, the speckle of a
    noisy scan's paper (70,000 specks on one office scan's page) stood as 65 'lines of text'."""
    halved = (cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) > 0).astype(np.uint8) * 255
    _, labels, stats, _ = label_components(halved)
    marks = (stats[:, cv2.CC_STAT_AREA] > SPECK_AREA).astype(np.uint8) * 255
    marks[0] = 0
    ink, dpi = _without_rulings(marks[labels], dpi / 2), dpi / 2
    lying = _text_lines(ink, dpi, 6, scale=1)
    standing = _text_lines(ink, dpi, 6, vertical=True, scale=1)
    along, across = sum(w for _, _, w, _ in lying), sum(h for _, _, _, h in standing)
    if len(standing) >= 3 and across > 2 * along:
        return True
    if len(lying) >= 3 and along > 2 * across:
        return False
    return ink.shape[1] > ink.shape[0]


def text_line_crops(grey: np.ndarray, ink: np.ndarray, dpi: int, limit: int = 12) -> list[np.ndarray]:
    """The longest text lines of a page, for telling which way up the page is."""
    lines = sorted(_text_lines(ink, dpi, 3), key=lambda b: -b[2])
    return [grey[y:y + h, x:x + w] for x, y, w, h in lines[:limit]]


GLYPH_HEIGHT = 0.125  # inches: a table's Chinese characters in 9-12 point type are about this tall


def picture_dpi(grey: np.ndarray) -> float | None:
    """The resolution a picture of a printed table shows it at, from its characters' height (a
    picture's own dpi, where it has one, is a screen's or an editor's, not the print's): the
    ink less its rulings, in pieces as wide as they are tall or nearly (a character, a digit;
    a "1" or a ruling's stub is not), whose taller ones are whole characters. None where there
    are too few characters to tell (a table's last row alone)."""
    ink = binarize(grey)
    h, w = ink.shape
    rulings = cv2.bitwise_or(cv2.morphologyEx(ink, cv2.MORPH_OPEN, _rect((max(15, w // 25), 1))),
                             cv2.morphologyEx(ink, cv2.MORPH_OPEN, _rect((1, max(15, h // 25)))))
    glyphs = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(rulings, _rect((3, 3)))))
    n, _, stats, _ = label_components(glyphs)
    widths, heights = stats[1:n, 2], stats[1:n, 3]
    blocky = heights[(heights >= 5) & (widths >= 0.45 * heights) & (widths <= 2.5 * heights)
                     & (heights < 0.2 * min(h, w))]
    if len(blocky) < 8:
        return None
    return float(np.clip(np.percentile(blocky, 80) / GLYPH_HEIGHT, 50, 600))


MIN_DESK_CONTRAST = 40  # grey levels between a photo's sheet and what it lies on (a scan's shading: ~10)


def page_quadrilateral(grey: np.ndarray, size: int = 600) -> np.ndarray | None:
    """The corners of the sheet in a photo of it (paper brighter than what it lies on), or
    None for a scan, where the sheet fills the image. Clockwise from top left, in pixels:
    found on a reduced image, then each side fitted as a line through the full-resolution
    outline (corners to a pixel: a few pixels off bend every ruling of the flattened page)."""
    def sheet_outline(image: np.ndarray) -> np.ndarray | None:
        blurred = cv2.GaussianBlur(image, (5, 5), 0)
        _, paper = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if not paper.any() or paper.all() or \
                float(blurred[paper > 0].mean()) - float(blurred[paper == 0].mean()) < MIN_DESK_CONTRAST:
            return None  # no desk: a nearly empty scanned page whose lighting Otsu split in two
        k = max(3, int(0.025 * max(image.shape)))
        paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))  # text holes
        contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        sheet = max(contours, key=cv2.contourArea) if contours else None
        if sheet is None or cv2.contourArea(sheet) < 0.4 * image.shape[0] * image.shape[1]:
            return None
        return sheet.reshape(-1, 2).astype(np.float64)

    scale = min(1.0, size / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    outline = sheet_outline(small)
    if outline is None:
        return None
    hull = cv2.convexHull(outline.astype(np.float32))
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float64)
    if len(quad) != 4:
        return None
    s, d = quad.sum(axis=1), quad[:, 0] - quad[:, 1]
    quad = np.array([quad[s.argmin()], quad[d.argmax()], quad[s.argmax()], quad[d.argmin()]])
    h, w = small.shape
    if np.abs(quad - np.array([[0, 0], [w, 0], [w, h], [0, h]])).max() < 0.02 * max(h, w):
        return None  # the sheet is the whole image: a scan
    quad /= scale
    full = sheet_outline(grey)
    return quad if full is None else _fit_sides(full, quad)


def _fit_sides(outline: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Corners where lines fitted to the outline points along each side of `quad` meet."""
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        direction = (b - a) / np.linalg.norm(b - a)
        rel = outline - a
        along = rel @ direction / np.linalg.norm(b - a)
        off = np.abs(rel @ np.array([-direction[1], direction[0]]))
        points = outline[(along > 0.1) & (along < 0.9) & (off < 0.01 * np.linalg.norm(b - a) + 3)]
        if len(points) < 10:
            return quad
        vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0], np.float64), np.array([vx, vy], np.float64)))
    corners = []
    for i in range(4):  # corner i is where side i-1 meets side i
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        t = np.linalg.solve(np.column_stack([d1, -d2]), p2 - p1)
        corners.append(p1 + t[0] * d1)
    return np.array(corners)


def flatten(grey: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sheet inside `quad` warped to a rectangle of its own size; and the 3x3 map to it."""
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    w, h = int(round(max(top, bottom))), int(round(max(left, right)))
    target = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    m = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    sheet = cv2.warpPerspective(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    # a corner a pixel or two off leaves a sliver of the desk along an edge, which reads as a
    # ruling; no report prints within 1.5% of the sheet's edge
    edge = max(2, int(0.015 * max(w, h)))
    paper = int(np.median(sheet))
    sheet[:edge], sheet[-edge:], sheet[:, :edge], sheet[:, -edge:] = paper, paper, paper, paper
    return sheet, m


def _affine3(m: np.ndarray) -> np.ndarray:
    return np.vstack([m, [0.0, 0.0, 1.0]])


class PageNormaliser:
    """Resamples low-resolution page pictures, turns scanned pages upright (by quarter turns,
    then 180° when the orientation classifier finds the lines upside down) and deskews them;
    born-digital pages (with a text layer) are left as they are. The page keeps the homography
    back to the rasterised page (the image's own pixels), for bboxes."""

    def __init__(self, options: LayoutOptions | None = None, orientation=None):
        self.options = options or LayoutOptions()
        self.orientation = orientation  # an ocr.OrientationClassifier, or None: no 180° check

    def __call__(self, page: Page) -> Page:
        if page.words is not None:
            return page
        forward = np.eye(3)  # rasterised page → normalised image
        if page.dpi < self.options.min_dpi:
            scale = self.options.work_dpi / page.dpi
            page.image = cv2.resize(page.image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            page.dpi = self.options.work_dpi
            forward = np.diag([scale, scale, 1.0])
        # a photo of the page: flatten it (not a picture cut from a page, where a shaded header
        # row against the white below would pass for a desk)
        quad = None if page.cropped else page_quadrilateral(page.image)
        if quad is not None:
            page.image, m = flatten(page.image, quad)
            forward = m @ forward
        ink = binarize(page.image)
        # a picture cut from a page is taken as upright: its shape says nothing, and a table 四
        # alone, its labels stacked a character a line in narrow columns, would pass for turned
        if not page.cropped and is_sideways(ink, page.dpi):
            h = page.image.shape[0]
            page.image = cv2.rotate(page.image, cv2.ROTATE_90_CLOCKWISE)
            forward = _affine3(np.array([[0.0, -1.0, h - 1.0], [1.0, 0.0, 0.0]])) @ forward
            ink = binarize(page.image)
        angle = estimate_skew(ink, self.options.max_skew)
        if abs(angle) >= 0.05:
            h, w = page.image.shape
            m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
            # the corners turned in take the paper's edge: white ones would read as rulings
            page.image = cv2.warpAffine(page.image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            forward = _affine3(m) @ forward
            ink = None
        if self.orientation is not None:
            ink = binarize(page.image) if ink is None else ink
            if self.orientation.upside_down(text_line_crops(page.image, ink, page.dpi), self.options.upside_down):
                h, w = page.image.shape
                page.image = cv2.rotate(page.image, cv2.ROTATE_180)
                forward = _affine3(np.array([[-1.0, 0.0, w - 1.0], [0.0, -1.0, h - 1.0]])) @ forward
                ink = None
        page.ink = ink  # of the image as it now is, where made: the rulings are found on it
        page.to_source = np.linalg.inv(forward)
        if page.seal is not None:
            h, w = page.image.shape
            page.seal = cv2.warpPerspective(page.seal, forward, (w, h), flags=cv2.INTER_NEAREST)
        return page


def ruling_lines(grey: np.ndarray, dpi: int, options: LayoutOptions, ink: np.ndarray | None = None,
                 bilevel: bool = False) -> PageLines:
    """The page's ruling lines: its long straight runs of ink (straight_runs), horizontal ones
    printed dashed too, and vertical ones that meet a horizontal ruling (on a `bilevel` page,
    those broken into dots too: dotted_verticals). `ink`: the page binarised, where it already
    is (Page.ink)."""
    ink = binarize(grey) if ink is None else ink
    k = max(15, int(options.line_length * dpi))
    kv = max(10, int(options.vertical_line_length * dpi))
    gap = max(3, int(options.line_gap * dpi))
    horizontal = cv2.bitwise_or(straight_runs(ink, (kv, 1), (gap, 1), (k, 1)), dashed_rules(ink, dpi, options))
    vertical = straight_runs(ink, (1, kv), (1, gap), (1, kv))
    if bilevel:
        vertical = cv2.bitwise_or(vertical, dotted_verticals(ink, horizontal, dpi, options))
    vertical = anchored_verticals(vertical, horizontal, ink, max(3, int(0.03 * dpi)), dpi)
    return PageLines(horizontal, vertical, ink, dpi)


LONG_RULING = 0.75  # inches: longer than two rows' characters' strokes joined across a ruling
TALLEST_STROKE = 0.35  # inches: no character's stroke in a table is this long (16-px web type: 0.22)


def anchored_verticals(vertical: np.ndarray, horizontal: np.ndarray, ink: np.ndarray, reach: int,
                       dpi: int) -> np.ndarray:
    """The vertical runs that are rulings. A ruling meets the rulings of its rows (within
    `reach`), and: it runs from one to another; or it is long (a page break cut its table's top
    off, a worn header lost its ruling); or, within one row, it is longer than type's strokes;
    or it is a line on its own, or in line with a ruling (pieces of a worn ruling).

    The long stroke of a large character (a browser's print of a web page sets its tables in
    16-pixel type) stands inside its cell; taken for a ruling it would cut its row into false
    columns and be erased from the character before it is read. Where a tight row's text sits
    on its ruling, such a stroke meets that ruling at one end; it is short even where the
    strokes of like labels in two rows one above the other (申 of 网上申请数, 信函申请数) join
    across the ruling between them; and the rest of its character is joined to it."""
    n, labels, stats, _ = label_components(vertical)
    if n <= 1:
        return vertical
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    height, width = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    bottom = top + height - 1
    # the runs' pixels, taken once (they are a small share of the page)
    xs, ys = cv2.findNonZero(vertical).reshape(-1, 2).T
    run_of = labels[ys, xs]

    def per_run(run: np.ndarray, where: np.ndarray) -> np.ndarray:  # any pixel of each run
        return np.bincount(run, weights=where, minlength=n) > 0

    near = cv2.dilate(horizontal, _rect((2 * reach + 1, 2 * reach + 1))) > 0
    at_ruling = near[ys, xs]
    y, run = ys[at_ruling], run_of[at_ruling]
    meets = per_run(run, np.ones_like(y))
    at_top, at_bottom = per_run(run, y <= top[run] + reach), per_run(run, y >= bottom[run] - reach)
    crosses = per_run(run, (y > top[run] + 3 * reach) & (y < bottom[run] - 3 * reach))
    ruling = meets & ((at_top & at_bottom) | (height >= LONG_RULING * dpi) | (~crosses & (height >= TALLEST_STROKE * dpi)))
    ruling[0] = False
    undecided = np.flatnonzero(meets & ~ruling)
    # the rest: by the widest ink each is part of, the rulings across it aside (a stroke's
    # character), looked for around each run alone (a page-wide labelling took most of the time)
    apart = ~at_ruling
    for k in undecided:
        mine = apart & (run_of == k)
        if not mine.any() or _joined_width(ink, near, xs[mine], ys[mine], (left[k], top[k], width[k], height[k]),
                                           width[k] + reach) <= width[k] + reach:
            ruling[k] = True
    if ruling.any():
        # in line with where a ruling ends (a ruling on a page left a little skewed drifts)
        at_end = [ys <= top[run_of] + reach, ys >= bottom[run_of] - reach]
        ends = np.stack([np.bincount(run_of, weights=xs * e, minlength=n) / np.maximum(1, np.bincount(run_of, e, minlength=n))
                         for e in at_end], axis=1)
        ruling_ends = ends[ruling].ravel()
        ruling |= meets & (np.abs(ends[:, :, None] - ruling_ends[None, None, :]).min(axis=(1, 2)) <= reach)
        ruling[0] = False
    out = vertical.copy()
    dropped = ~ruling[run_of]
    out[ys[dropped], xs[dropped]] = 0
    return out


def _joined_width(ink: np.ndarray, near: np.ndarray, xs: np.ndarray, ys: np.ndarray, box: tuple, enough: int) -> int:
    """The width of the widest connected ink off the rulings (`near`) that the pixels (xs, ys)
    of a run (in `box`) are part of: labelled in a window around the run, grown until the
    pieces met lie inside it (then they are whole), or until one is wider than `enough`."""
    x, y, w, h = box
    H, W = ink.shape
    margin_x, margin_y = w + enough + 2, max(8, h // 2)
    while True:
        x0, x1 = max(0, x - margin_x), min(W, x + w + margin_x)
        y0, y1 = max(0, y - margin_y), min(H, y + h + margin_y)
        window = ((ink[y0:y1, x0:x1] > 0) & ~near[y0:y1, x0:x1]).astype(np.uint8)
        _, parts, stats, _ = label_components(window)
        hit = np.unique(parts[ys - y0, xs - x0])
        hit = hit[hit > 0]
        if hit.size == 0:
            return 0
        widest = int(stats[hit, cv2.CC_STAT_WIDTH].max())
        if widest > enough:
            return widest
        s = stats[hit]
        whole = (x0 == 0 or (s[:, 0] > 0).all()) and (x1 == W or (s[:, 0] + s[:, 2] < x1 - x0).all()) and \
                (y0 == 0 or (s[:, 1] > 0).all()) and (y1 == H or (s[:, 1] + s[:, 3] < y1 - y0).all())
        if whole:
            return widest
        margin_x, margin_y = 2 * margin_x, 2 * margin_y


def dashed_rules(ink: np.ndarray, dpi: int, options: LayoutOptions) -> np.ndarray:
    """Horizontal rulings printed dashed, or broken into dashes (a hairline on a light 1-bit
    scan), which the openings of ruling_lines take for strokes of text: thin flat marks on one
    row, each within a ruling's gap of the next, together as long as a ruling and at least two
    fifths ink along it. (Vertical ones printed dashed are left to the text reading: a column of
    1s is thin tall marks in a row too; see dotted_verticals for a 1-bit page's.)"""
    out = np.zeros_like(ink)
    _, _, stats, _ = label_components(ink)
    x, y, w, h = (stats[1:, i] for i in range(4))
    thin = _hairline(dpi)
    dashes = np.flatnonzero((h <= thin) & (w >= 2 * h) & (w >= 3))
    _mark_chains(out, dashes, x, y, w, h, options.line_gap * dpi, options.line_length * dpi)
    return out


DOTTED_GAP = 0.02  # inches: the widest break in a vertical hairline a light 1-bit threshold broke into dots


def _hairline(dpi: int) -> int:
    """The most pixels across a piece of a ruling broken into dashes or dots."""
    return max(3, int(0.015 * dpi))


def dotted_verticals(ink: np.ndarray, horizontal: np.ndarray, dpi: int, options: LayoutOptions) -> np.ndarray:
    """A 1-bit page's vertical hairlines that a light threshold broke into dots and dashes
    (2-4 px wide at 300 dpi, 1-5 px apart, most of them a few px long): thin marks of any
    length in one column, each at most DOTTED_GAP below the last, together as long as a row and
    at least two fifths ink. Looked for in the ink off the horizontal rulings, so that each
    row's stretch reaches the rulings it runs between (anchored_verticals keeps only such). A
    column of 1s, one a row, is a row's padding apart, far more than the gap; a dashed line
    printed so (gaps of a point or more) is left to the text reading, as on any page."""
    out = np.zeros_like(ink)
    apart = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(horizontal, _rect((3, 3)))))
    _, _, stats, _ = label_components(apart)
    x, y, w, h = (stats[1:, i] for i in range(4))
    dots = np.flatnonzero(w <= _hairline(dpi))
    _mark_chains(out.T, dots, y, x, h, w, DOTTED_GAP * dpi, options.vertical_line_length * dpi)  # columns as rows
    return out


def _mark_chains(out: np.ndarray, dashes: np.ndarray, x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray,
                 gap: float, length: float):
    """Fills in `out` (a mask) each chain of the marks `dashes` (of the boxes x, y, w, h) on one
    row: centres within 2 px of height, each within `gap` of the next along the row, three or
    more, together `length` long or more and at least two fifths ink along it."""
    if dashes.size == 0:
        return
    centre = y[dashes] + h[dashes] / 2
    order = dashes[np.argsort(centre)]
    rows, row = [], [order[0]]
    for k in order[1:]:  # dashes whose centres lie within 2 px are on one line
        if y[k] + h[k] / 2 - (y[row[-1]] + h[row[-1]] / 2) <= 2:
            row.append(k)
        else:
            rows.append(row)
            row = [k]
    rows.append(row)
    for row in rows:
        row.sort(key=lambda k: x[k])
        chain = [row[0]]
        for k in row[1:] + [None]:
            if k is not None and x[k] - (x[chain[-1]] + w[chain[-1]]) <= gap:
                chain.append(k)
                continue
            x0, x1 = x[chain[0]], max(x[c] + w[c] for c in chain)
            if len(chain) >= 3 and x1 - x0 >= length and sum(w[c] for c in chain) >= 0.4 * (x1 - x0):
                top, bottom = min(y[c] for c in chain), max(y[c] + h[c] for c in chain)
                out[top:bottom, x0:x1] = 255
            chain = [k] if k is not None else []


def _components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """connectedComponentsWithStats (count, stats, centroids; the first the background's) of a
    mask, labelled over the box its ink takes only (a page's rulings leave its margins empty)."""
    x, y, w, h = cv2.boundingRect(mask)
    if w == 0:
        return 1, np.zeros((1, 5), np.int32), np.zeros((1, 2))
    n, _, stats, centroids = label_components(mask[y:y + h, x:x + w])
    stats[:, 0] += x
    stats[:, 1] += y
    return n, stats, centroids + (x, y)


def find_tables(lines: PageLines, options: LayoutOptions) -> list[BBox]:
    """Regions where horizontal and vertical rulings meet in a grid, top to bottom."""
    both = cv2.bitwise_or(lines.horizontal, lines.vertical)
    both = cv2.dilate(both, np.ones((5, 5), np.uint8))
    n, stats, _ = _components(both)
    page_w = both.shape[1]
    boxes = []
    merged = _pair_single_rules(_merge_overlapping([tuple(s[:4]) for s in stats[1:n]]), lines.dpi)
    for x, y, w, h in merged:
        if w < options.min_table_width * page_w or h < 20:
            continue
        region_h = lines.horizontal[y:y + h, x:x + w]
        region_v = lines.vertical[y:y + h, x:x + w]
        rows = np.count_nonzero(region_h.max(axis=1)) > 0
        cols = np.count_nonzero(region_v.max(axis=0)) > 0 or h > 0.06 * lines.dpi  # or two paired rules
        if rows and cols:
            boxes.append((float(x), float(y), float(x + w), float(y + h)))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def horizontal_rules(lines: PageLines) -> list[tuple[float, float, float]]:
    """Each stretch of horizontal ruling on the page as (y, x0, x1)."""
    n, stats, centroids = _components(lines.horizontal)
    return [(float(centroids[i][1]), float(stats[i][0]), float(stats[i][0] + stats[i][2])) for i in range(1, n)]


def table_zones(regions: list[BBox], shape: tuple[int, int], dpi: int, margin: float = 0.05) -> list[BBox]:
    """Where the text of each table lies: its region and a margin (text inside a worn outer
    ruling, a last row whose rule under it is missing)."""
    pad = margin * dpi
    h, w = shape
    return [(max(0.0, x0 - pad), max(0.0, y0 - pad), min(float(w), x1 + pad), min(float(h), y1 + pad))
            for x0, y0, x1, y1 in regions]


def _pair_single_rules(boxes: list[tuple[int, int, int, int]], dpi: int) -> list[tuple[int, int, int, int]]:
    """A one-row table (table 四's value row after a page break) has verticals shorter than any
    ruling the masks keep: it shows as two lone rules of one width, a row apart. Each such pair
    becomes one box."""
    flat = 0.06 * dpi
    lone = sorted((b for b in boxes if b[3] < flat), key=lambda b: b[1])
    out = [b for b in boxes if b[3] >= flat]
    used: set[int] = set()
    for i, a in enumerate(lone):
        if i in used:
            continue
        partner = next((j for j in range(i + 1, len(lone)) if j not in used and 0 < lone[j][1] - a[1] < 0.6 * dpi
                        and abs(a[0] - lone[j][0]) < 0.1 * dpi
                        and abs(a[0] + a[2] - lone[j][0] - lone[j][2]) < 0.1 * dpi), None)
        if partner is None:
            out.append(a)
            continue
        b = lone[partner]
        used |= {i, partner}
        out.append((min(a[0], b[0]), a[1], max(a[0] + a[2], b[0] + b[2]) - min(a[0], b[0]), b[1] + b[3] - a[1]))
    return out


def _merge_overlapping(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) boxes, those that overlap joined: a table whose worn rulings broke apart
    leaves interleaved pieces (a top line here, the left border and a bottom stub there)."""
    merged = [list(b) for b in boxes]
    joined = True
    while joined:
        joined = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                (ax, ay, aw, ah), (bx, by, bw, bh) = merged[i], merged[j]
                if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                    x0, y0 = min(ax, bx), min(ay, by)
                    merged[i] = [x0, y0, max(ax + aw, bx + bw) - x0, max(ay + ah, by + bh) - y0]
                    del merged[j]
                    joined = True
                    break
            if joined:
                break
    return [tuple(b) for b in merged]


def erase_lines(grey: np.ndarray, lines: PageLines) -> np.ndarray:
    """The page with its rulings painted over in the paper's own tone, so cell crops hold only
    text (pure white would leave an edge that binarisation reads as ink)."""
    mask = cv2.dilate(cv2.bitwise_or(lines.horizontal, lines.vertical), np.ones((3, 3), np.uint8))
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    clean = grey.copy()
    clean[mask > 0] = paper[mask > 0]
    return clean
