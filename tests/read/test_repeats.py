import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline import runner
from pipeline.generate.render import FONT_FILES
from pipeline.read.repeats import MIN_INK, first_alike


def _glyph(text: str, size: int = 30, left: int = 12, font: str = "wqy-zenhei") -> np.ndarray:
    """A cell's crop: `text` on paper, as the line cutter pads it."""
    face = ImageFont.truetype(FONT_FILES[font], size)
    img = Image.new("L", (2 * size + 2 * left, int(1.6 * size)), 235)
    ImageDraw.Draw(img).text((left, size // 4), text, fill=25, font=face)
    return np.asarray(img)


def _noisy(crop: np.ndarray, seed: int) -> np.ndarray:
    """The same print scanned again: grey noise, and a pixel's wobble along the strokes."""
    rng = np.random.default_rng(seed)
    out = crop.astype(int) + rng.normal(0, 8, crop.shape).astype(int)
    edge = (crop < 130) & (np.roll(crop, 1, axis=1) >= 130)
    out[edge & (rng.random(crop.shape) < 0.1)] = 235  # a stroke's edge pixel lost here and there
    return np.clip(out, 0, 255).astype(np.uint8)


def test_a_glyph_printed_again_takes_the_first_ones_reading():
    zero = _glyph("0")
    assert first_alike([zero, _noisy(_glyph("0", left=20), 1), _noisy(zero, 2)]) == [0, 0, 0]


def test_glyphs_that_differ_by_a_stroke_are_each_read():
    for a, b in [("0", "6"), ("0", "8"), ("1", "7"), ("3", "8"), ("5", "6"), ("7", "1"), ("结", "给")]:
        assert first_alike([_glyph(a), _glyph(b)]) == [0, 1], (a, b)


def test_small_glyphs_other_sizes_and_lines_kept_apart_are_read_on_their_own():
    small = _glyph("0", size=MIN_INK - 2)
    assert first_alike([small, small.copy()]) == [0, 1]  # a pixel is a stroke there
    assert first_alike([_glyph("0", size=30), _glyph("0", size=36)]) == [0, 1]
    zero = _glyph("0")
    assert first_alike([zero, None, zero.copy()]) == [0, 1, 0]


def test_a_scan_reads_the_same_with_repeats_taken_and_reads_fewer_crops(pipeline, generated, monkeypatch):
    scan = generated[("scan", "2021")].pdf
    read = []
    recognize = pipeline.recognizer.recognize

    def counting(crops, small=None):
        read.append(len(crops))
        return recognize(crops, small)

    monkeypatch.setattr(pipeline.recognizer, "recognize", counting)
    taken = pipeline.process(scan).report
    crops_taken = sum(read)
    read.clear()
    monkeypatch.setattr(runner, "first_alike", lambda crops: list(range(len(crops))))
    alone = pipeline.process(scan).report
    assert taken.template == alone.template
    assert {k: (c.value, c.needs_review) for k, c in taken.cells.items()} == \
        {k: (c.value, c.needs_review) for k, c in alone.cells.items()}
    assert crops_taken < 0.85 * sum(read)
