import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.generate.render import FONT_FILES
from pipeline.read.ocr import (BESIDE_DOUBT, NUMBER, TEXT, WORDS, WORDS_SQUEEZE, LineJob, PPOCRRecognizer, Recognition,
                               _beside, doubt_inner_specks, ink_lines, narrowed, row_crops, scaled_width, seal_share, settles,
                               split_lines)
from pipeline.read.reconstruct import similarity
from pipeline.types import TextLine


def _text_image(text: str, size: int = 36, lines: int = 1) -> np.ndarray:
    font = ImageFont.truetype(FONT_FILES["wqy-zenhei"], size)
    img = Image.new("L", (40 + size * max(len(t) for t in text.split("\n")), 30 + int(size * 1.6) * lines), 235)
    ImageDraw.Draw(img).multiline_text((20, 15), text, fill=20, font=font, spacing=size // 2)
    return np.asarray(img)


@pytest.fixture(scope="module")
def recognizer():
    return PPOCRRecognizer()


def test_reads_labels_and_numbers(recognizer):
    texts = ["行政许可", "180.338174", "1583", "（三）不予公开"]
    results = recognizer.recognize([_text_image(t) for t in texts])
    assert [r.text.replace(" ", "") for r in results][:3] == texts[:3]
    assert results[3].text.replace(" ", "").replace("(", "（").replace(")", "）") == texts[3]
    for r in results:
        assert len(r.char_probs) == len(r.text) and all(0 < p <= 1 for p in r.char_probs)


def test_numeric_reading_pools_look_alikes(recognizer):
    (r,) = recognizer.recognize([_text_image("0")])
    assert r.numeric_text == "0"
    assert r.numeric_probs[0] >= max(r.char_probs[0], 0.9)
    (label,) = recognizer.recognize([_text_image("规章")])
    assert "?" in label.numeric_text


def _shapes_read(recognizer, monkeypatch) -> list[tuple[int, int]]:
    """The (height, width) of every batch the recogniser's model runs, from now on."""
    shapes = []
    run = recognizer.model.run
    monkeypatch.setattr(recognizer.model, "run", lambda batch: shapes.append(batch.shape[2:]) or run(batch))
    return shapes


def test_a_wide_label_is_read_small_and_a_wide_number_again_at_full_size(recognizer, monkeypatch):
    """A crop that may hold a label's words is read first 32 px high, where the model's own
    input is 48 (44% of the work), and narrowed (WORDS_SQUEEZE: a quarter less again); words
    stand, anything else is read again at full size."""
    crops = [_text_image("本年新制作数量"), _text_image("180338174")]
    shapes = _shapes_read(recognizer, monkeypatch)
    full = recognizer.recognize(crops)
    label, number = (recognizer._padded_width(crop) for crop in crops)
    assert sorted(shapes) == sorted([(48, label), (48, number)])
    shapes.clear()
    economical = recognizer.recognize(crops, small=[frozenset({WORDS})] * 2)
    assert full[0].text.replace(" ", "") == "本年新制作数量"
    # narrowed, a character may go (数星): a label is matched to the template's words loosely
    assert similarity(economical[0].text.replace(" ", ""), "本年新制作数量") >= 0.8
    assert economical[1].numeric_text == full[1].numeric_text == "180338174"
    assert economical[1].numeric_probs == full[1].numeric_probs  # the full-size reading
    small = [(32, recognizer._padded_width(narrowed(crop, WORDS_SQUEEZE), 32)) for crop in crops]
    assert sorted(shapes) == sorted(small + [(48, number)])  # both small, then the number again
    assert max(w for _, w in small) <= 0.6 * max(label, number)


def test_a_short_number_read_surely_small_stands_and_any_other_is_read_in_full(recognizer, monkeypatch):
    """A crop of a glyph or two is read small where a number may settle it: a sure reading
    stands (the same digits as in full); a doubtful one is read again at 48 px, and a long
    number is read in full only (32 px high, 180338174 lost a digit)."""
    crops = [_text_image(t) for t in ("5", "37", "180338174")]
    full = recognizer.recognize(crops)
    shapes = _shapes_read(recognizer, monkeypatch)
    small = recognizer.recognize(crops, small=[frozenset({NUMBER})] * 3)
    assert [r.numeric_text for r in small] == [r.numeric_text for r in full] == ["5", "37", "180338174"]
    assert small[2].numeric_probs == full[2].numeric_probs
    short = {(32, recognizer._padded_width(crop, 32)) for crop in crops[:2]}
    assert set(shapes) == short | {(48, recognizer._padded_width(crops[2]))}
    shapes.clear()
    monkeypatch.setattr("pipeline.read.ocr.SURE_SMALL", 1.01)  # no reading is that sure
    again = recognizer.recognize(crops, small=[frozenset({NUMBER})] * 3)
    assert [r.numeric_probs for r in again] == [r.numeric_probs for r in full]
    assert set(shapes) == short | {(48, recognizer._padded_width(crop)) for crop in crops}


def _tight(image: np.ndarray) -> np.ndarray:
    """A crop cut to its ink, a tenth of its height on each side, as the line cutter cuts."""
    rows, cols = np.flatnonzero((image < 128).any(axis=1)), np.flatnonzero((image < 128).any(axis=0))
    margin = max(2, (rows[-1] - rows[0]) // 10)
    return image[rows[0] - margin:rows[-1] + margin + 1, cols[0] - margin:cols[-1] + margin + 1]


def test_a_crop_between_short_and_label_width_settles_as_chinese_text_only(recognizer, monkeypatch):
    """A header's three-character piece (a narrow column's 社会公) is read small and stands when
    its Chinese characters are sure; a number as wide is never settled small (its digits may go),
    so it is read again in full."""
    crops = [_tight(_text_image("社会公")), _tight(_text_image("296"))]
    assert all(2.0 < scaled_width(crop, 48) / 48 < 3.0 for crop in crops)
    shapes = _shapes_read(recognizer, monkeypatch)
    header, number = recognizer.recognize(crops, small=[frozenset({WORDS, NUMBER, TEXT})] * 2)
    assert header.text == "社会公" and number.numeric_text == "296"
    assert sorted(shapes) == sorted([(32, recognizer._padded_width(c, 32)) for c in crops]
                                    + [(48, recognizer._padded_width(crops[1]))])


def test_a_small_reading_settles_only_what_it_surely_is():
    """Words stand as words; a number only with every digit and the absence of a sign sure;
    text only Chinese and sure (letters in a table's cell are a digit misread: a hard scan's 0
    read small as a sure "CS")."""
    def rec(text, probs, numeric, sign=0.0):
        return Recognition(text, probs, numeric, probs, [], sign)
    assert settles(rec("行政许可", [0.6] * 4, "????"), frozenset({WORDS}))
    assert not settles(rec("行政许可", [0.6] * 4, "????"), frozenset({NUMBER, TEXT}))
    assert settles(rec("37", [1.0, 0.995], "37"), frozenset({NUMBER}))
    assert not settles(rec("37", [1.0, 0.95], "37"), frozenset({NUMBER, TEXT}))
    assert not settles(rec("37", [1.0, 1.0], "37", sign=0.2), frozenset({NUMBER}))  # perhaps -37
    assert settles(rec("结", [1.0], "?"), frozenset({TEXT}))
    assert not settles(rec("CS", [1.0, 1.0], "??"), frozenset({NUMBER, TEXT}))


def test_what_a_small_reading_may_settle_follows_the_line_and_its_image():
    """A title's words; on a grey scan a table line's words, numbers and sure text; on a 1-bit
    page or a 96-dpi picture its sure numbers only; a line with a second look, nothing."""
    crop, line = np.zeros((30, 90), np.uint8), TextLine(text="", bbox=(0, 0, 90, 30))
    assert LineJob(crop, None, 1).small_settles == {WORDS}
    assert LineJob(crop, line, 1, band="scan").small_settles == {WORDS, NUMBER, TEXT}
    assert LineJob(crop, line, 1, band="bilevel").small_settles == {NUMBER}
    assert LineJob(crop, line, 1, band="lowres").small_settles == {NUMBER}
    assert LineJob(crop, line, 1, widened=crop, band="scan").small_settles == set()


def test_text_lines_split_wrapped_labels_and_stop_at_cell_edges():
    img = _text_image("1.申请人无正当理由\n逾期不补正", lines=2)
    everything = (0, 0, img.shape[1], img.shape[0])
    no_cuts = np.zeros(img.shape, np.uint8)
    lines = ink_lines(img, everything, no_cuts, dpi=200)
    assert len(lines) == 2 and lines[0][0].bbox[1] < lines[1][0].bbox[1]
    assert lines[0][0].bbox[2] - lines[0][0].bbox[0] > 1.5 * (lines[1][0].bbox[2] - lines[1][0].bbox[0])
    cut = no_cuts.copy()
    x, (_, top, _, bottom) = int(lines[1][0].centre[0]), [int(v) for v in lines[1][0].bbox]
    cut[top - 8:bottom + 8, x - 1:x + 2] = 255  # a cell edge through the second line
    assert len(ink_lines(img, everything, cut, dpi=200)) == 3
    blank = np.full((60, 200), 235, np.uint8)
    assert ink_lines(blank, (0, 0, 200, 60), np.zeros_like(blank), dpi=200) == []
    assert row_crops(blank, (0, 0, 200, 60), dpi=200) == []
    assert split_lines(np.zeros((10, 10), np.uint8), 2) == []


def test_lines_set_so_close_that_they_touch_are_cut_apart(recognizer):
    """Single-spaced prose on a scan: one line's lowest strokes meet the next one's highest, so
    no blank row lies between them; each line is still its own crop, read in order."""
    texts = ["一年来共收到政府信息公开申请26件", "全年主动公开政府信息1496条"]
    img = _text_image("\n".join(texts), lines=2).copy()
    rows = np.flatnonzero((img < 128).any(axis=1))
    gap = [r for r in range(rows[0], rows[-1]) if not (img[r] < 128).any()]
    img[gap, 60:64] = 20  # a stroke bridging the blank rows between the lines
    crops = row_crops(img, (0, 0, img.shape[1], img.shape[0]), dpi=200)
    assert len(crops) == 2 and crops[0][0][3] <= crops[1][0][1]
    assert [r.text.replace(" ", "") for r in recognizer.recognize([c for _, c in crops])] == texts


def test_a_title_line_is_read_whole_across_its_spaces():
    img = _text_image("彭阳县交岔乡人民政府  2021  年")
    assert len(row_crops(img, (0, 0, img.shape[1], img.shape[0]), dpi=200)) == 1


def test_specks_beside_a_line_widen_a_second_crop_short_of_cell_edges():
    """The 4 of "40" on a light 1-bit scan: its bar fell apart into specks that were left out
    of the line, and the line alone reads "10". The specks within reach at the line's ends
    widen a second crop (read too: where it reads otherwise, the reading is in doubt); specks
    beyond a cell edge, or far off, do not."""
    left_out = np.zeros((40, 200), bool)
    cut = np.zeros((40, 200), bool)
    box = (100, 10, 130, 30)  # a line 20 px high
    assert _beside(box, left_out, cut, dpi=200) == box
    left_out[18:20, 92:94] = True  # a speck 6 px left of the line
    assert _beside(box, left_out, cut, dpi=200) == (92, 10, 130, 30)
    cut[:, 96] = True  # a cell edge between them
    assert _beside(box, left_out, cut, dpi=200) == box
    cut[:] = False
    left_out[:] = False
    left_out[18:20, 60:62] = True  # two line heights away: another mark
    left_out[5:8, 134:136] = True  # above the line's rows
    assert _beside(box, left_out, cut, dpi=200) == box



def test_a_blank_mark_keeps_its_size_beside_the_digits_in_its_crop():
    """The "-" of a cell printed blank, cut and scaled alone to the recogniser's height, is a bar
    it reads as "0": its crop is as high as the zone's lines, the mark small in it."""
    img = np.full((80, 300), 235, np.uint8)
    img[20:52, 40:60] = 30  # a digit-high mark
    img[25:55, 70:88] = 30  # and another: the zone's lines are this high
    img[34:40, 200:214] = 30  # a dash beyond a cell edge
    cut = np.zeros(img.shape, np.uint8)
    cut[:, 150] = 255
    lines = ink_lines(img, (0, 0, 300, 80), cut, dpi=200)
    dash = next(crop for line, crop, _ in lines if line.bbox[0] >= 150)
    digits = next(line for line, _, _ in lines if line.bbox[0] < 150)
    assert dash.shape[0] >= 0.9 * (digits.bbox[3] - digits.bbox[1])
    ink_rows = np.flatnonzero((dash < 128).any(axis=1))
    assert ink_rows.size <= 0.3 * dash.shape[0]  # small in it, not scaled up into a bar


def test_the_remains_of_a_cells_rulings_around_its_value_are_no_line():
    """On an enlarged low-resolution picture a blurred ruling is wider than the band erased
    along it, and the four rulings of a cell leave a faint frame inside its edges. The frame is
    no line of text (it was read as a second "2", and the cell as 22): lines never nest."""
    import cv2

    img = np.full((90, 170), 235, np.uint8)
    cv2.rectangle(img, (8, 6), (161, 83), 120, 1)
    cv2.putText(img, "2", (76, 56), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 40, 2)
    cut = np.zeros(img.shape, np.uint8)
    cv2.rectangle(cut, (0, 0), (169, 89), 255, 3)  # the cell's edges
    (line, _, _), = ink_lines(img, (0, 0, 170, 90), cut, dpi=200)
    assert 70 <= line.bbox[0] and line.bbox[2] <= 95  # the digit alone


def test_a_ruling_ghost_a_pixel_thick_drifting_over_rows_is_no_line():
    """A ruling's ghost on an enlarged low-resolution picture: a line a pixel thick across the
    cell, drifting down a few rows over its length (its box as high as a third of a digit). It
    was read as a 1 beside the cell's 0 ("10"); as thin as that, it is a ruling's remains."""
    import cv2

    img = np.full((80, 110), 235, np.uint8)
    cv2.line(img, (6, 9), (103, 15), 150, 1)  # 98 px long, 7 rows high, one pixel thick
    cv2.putText(img, "0", (46, 56), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 40, 2)
    cut = np.zeros(img.shape, np.uint8)
    cv2.rectangle(cut, (0, 0), (109, 79), 255, 3)  # the cell's edges
    (line, _, _), = ink_lines(img, (0, 0, 110, 80), cut, dpi=200)
    assert 40 <= line.bbox[0] and line.bbox[1] >= 25  # the digit alone


def test_a_ruling_ghost_turning_a_corner_is_no_line():
    """The outline a thick ruling's blur leaves on an enlarged 96-dpi picture: a line a pixel
    thick down a cell's left side, turning along its foot (an L). Read beside the 0 it was "E0"
    (seen in one report's first value column, every row). Thin strokes only, and taller than
    the row's text: a ruling's remains."""
    import cv2

    img = np.full((48, 330), 235, np.uint8)
    cv2.line(img, (10, 8), (10, 38), 195, 1)
    cv2.line(img, (10, 38), (44, 38), 195, 1)
    cut = np.zeros(img.shape, np.uint8)
    for k in range(3):  # a row of three cells holding 0
        cv2.putText(img, "0", (60 + 110 * k, 32), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 60, 2)
        cv2.rectangle(cut, (110 * k, 0), (110 * k + 109, 47), 255, 3)
    lines = ink_lines(img, (0, 0, 330, 48), cut, dpi=200)
    assert [line.bbox[0] for line, _, _ in lines] == [61, 171, 281]  # the digits alone


def test_strokes_a_light_1_bit_threshold_broke_are_thickened_and_read(recognizer):
    """An archive scanner's 1-bit mode, thresholded light: the thin arcs of a 0 fall apart into
    '()' and the recogniser (trained on grey type) reads something else; a 1-bit page's crops
    are thickened by a pixel or two first, and read as printed."""
    import cv2

    from pipeline.read.ocr import thickened

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 29)  # 10.5 pt at 200 dpi
    texts = ["0", "40", "804", "4822.15", "1024", "48"]
    crops = []
    for text in texts:
        image = Image.new("L", (40 + 20 * len(text), 50), 255)
        ImageDraw.Draw(image).text((20, 5), text, fill=0, font=font)
        scanned = cv2.GaussianBlur(np.asarray(image), (0, 0), 0.8)
        crops.append(np.where(scanned < 100, 0, 255).astype(np.uint8))  # a light threshold
    assert [r.numeric_text for r in recognizer.recognize([thickened(c, 200) for c in crops])] == texts


def test_the_parts_of_a_glyph_a_light_threshold_broke_apart_are_one_line(recognizer):
    """A light 1-bit threshold took the diagonal of a 2 and the middle of a 3. The 2's hook and
    foot are marks apart, the foot too short to be a line of its own; read alone, the hook is
    another glyph (")" at 0.4). The 3's halves are two short lines. Each glyph's parts, in one
    cell and together no taller than a line, are one line. A mark beyond a cell edge, or under a
    label (words), stays out."""
    import cv2

    from pipeline.read.ocr import thickened

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 29)
    image = Image.new("L", (640, 60), 255)
    draw = ImageDraw.Draw(image)
    draw.text((70, 8), "2", fill=0, font=font)
    draw.text((230, 8), "40", fill=0, font=font)
    draw.text((330, 8), "行政许可", fill=0, font=ImageFont.truetype(FONT_FILES["wqy-zenhei"], 29))
    draw.text((550, 8), "3", fill=0, font=font)
    page = np.asarray(image).copy()
    rows = np.flatnonzero((page[:, :160] < 128).any(axis=1))
    page[rows[0] + 10:rows[-1] - 3, :160] = 255  # the 2's diagonal gone
    page[rows[-1] + 4:rows[-1] + 7, 340:380] = 0  # a stroke under the label
    page[rows[0] + 9:rows[0] + 13, 480:] = 255  # the 3's middle gone
    cut = np.zeros(page.shape, np.uint8)
    cv2.rectangle(cut, (0, 0), (639, 59), 255, 2)
    cut[:, 160] = cut[:, 320] = cut[:, 480] = 255
    found = sorted(ink_lines(page, (0, 0, 640, 60), cut, dpi=200), key=lambda item: item[0].bbox[0])
    (two, crop, _), _, (label, _, _), (three, _, _) = found
    assert two.bbox[1] == rows[0] and two.bbox[3] == rows[-1] + 1  # hook and foot
    assert recognizer.recognize([thickened(crop, 200)])[0].numeric_text == "2"
    assert label.bbox[3] < rows[-1] + 4
    assert three.bbox[1] <= rows[0] + 1 and three.bbox[3] >= rows[-1] - 1  # both halves
    cut[rows[-1] - 5, :160] = 255  # a cell edge between hook and foot
    two = next(line for line, _, _ in ink_lines(page, (0, 0, 640, 60), cut, dpi=200) if line.bbox[0] < 160)
    assert two.bbox[3] < rows[-1] - 5


def test_a_1_bit_pages_strokes_are_thickened_before_its_lines_are_found_and_dust_stays_dust():
    """On a 1-bit page a light threshold breaks a bar into pieces each as small as a speck: found
    on the page as it is, they are dropped and the glyph loses its bar. Thickened first, they are
    strokes again, and its line takes them. A dot of dust, thickened, is still shorter than a
    line of text in its own ink: no line."""
    import cv2

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 40)
    image = Image.new("L", (300, 90), 255)
    ImageDraw.Draw(image).text((60, 20), "3", fill=0, font=font)
    page = np.where(np.asarray(image) < 128, 0, 255).astype(np.uint8)
    rows, cols = np.flatnonzero((page < 128).any(axis=1)), np.flatnonzero((page < 128).any(axis=0))
    for x in (cols[0], cols[0] + 7, cols[0] + 14):
        page[rows[0] - 5:rows[0] - 2, x:x + 6] = 0  # a bar broken into pieces of 18 px
    page[40:47, 220:227] = 0  # dust: 7 px across, short of a line's least height at 300 dpi (9)
    cut = np.zeros(page.shape, np.uint8)
    cv2.rectangle(cut, (0, 0), (299, 89), 255, 2)
    (line, _, _), = ink_lines(page, (0, 0, 300, 90), cut, dpi=300)
    assert line.bbox[1] == rows[0]  # the bar's pieces dropped as specks
    (line, _, _), = ink_lines(page, (0, 0, 300, 90), cut, dpi=300, bilevel=True)
    assert line.bbox[1] <= rows[0] - 5


def test_glyphs_read_as_no_digit_have_the_recognisers_likeliest_number():
    """A faint 0 of a few pixels read as "a": the recogniser's next guess was 0, and that is
    the cell's likely value (at that guess's own low probability); a glyph with no numeric
    guess at all leaves no number."""
    from pipeline.read.ocr import likeliest_number
    from pipeline.types import Reading

    faint = Reading(text="1a", numeric_text="1?", numeric_probs=[0.99, 0.91],
                    numeric_options=[[("1", 0.99)], [("?", 0.91), ("0", 0.08), ("9", 0.01)]])
    assert likeliest_number(faint) == ("10", [0.99, 0.08])
    label = Reading(text="规", numeric_text="?", numeric_probs=[1.0], numeric_options=[[("?", 1.0), ("", 0.0)]])
    assert likeliest_number(label) is None
    assert likeliest_number(Reading(text="规", numeric_text="?", numeric_probs=[1.0])) is None  # no options


def test_a_slash_printed_for_a_blank_is_no_one():
    """"/" in a cell printed blank is read as a sure "1": a lone straight stroke leaning like
    a slash is the blank mark; the 1 of every font the generator sets stays a 1."""
    import os

    from pipeline.read.ocr import Recognition, slash_not_one

    fonts = [path for path in FONT_FILES.values() if os.path.exists(path)]
    fonts += [f"/usr/share/fonts/opentype/noto/Noto{kind}CJK-Regular.ttc" for kind in ("Sans", "Serif")]
    for path in fonts:
        font = ImageFont.truetype(path, 29)
        for glyph, read in (("/", "/"), ("1", "1")):
            image = Image.new("L", (60, 46), 235)
            ImageDraw.Draw(image).text((20, 4), glyph, fill=20, font=font)
            reading = Recognition("1", [0.99], "1", [0.99])
            slash_not_one(reading, np.asarray(image))
            assert reading.text == read, (path, glyph)


def test_characters_stacked_one_a_line_and_touching_are_cut_apart_and_a_one_is_not(recognizer):
    """A label in a narrow column of table 四 (结果维持, a character a line), bold on a
    low-resolution picture so the characters touch: one character a crop, each read; beside
    it, a "1" as tall as the stack is one line."""
    glyphs = []
    for ch in "结果维持":
        glyph = _text_image(ch, size=36)
        rows = np.flatnonzero((glyph < 128).any(axis=1))
        glyphs.append(glyph[rows[0]:rows[-1] + 2, :76])
    stack = np.pad(np.vstack(glyphs), ((20, 20), (0, 0)), constant_values=255)  # touching, or 1 px apart
    rows = np.flatnonzero((stack < 128).any(axis=1))
    one = np.full((stack.shape[0], 40), 255, np.uint8)
    one[rows[0]:rows[-1], 18:24] = 0
    img = np.hstack([stack, np.full((stack.shape[0], 60), 255, np.uint8), one])
    lines = ink_lines(img, (0, 0, img.shape[1], img.shape[0]), np.zeros(img.shape, np.uint8), dpi=200)
    widths = [line.bbox[2] - line.bbox[0] for line, _, _ in lines]
    assert len(lines) == 5 and max(widths) < 60
    stacked = sorted((line for line, _, _ in lines if line.bbox[0] < stack.shape[1]), key=lambda line: line.bbox[1])
    crops = {id(line): crop for line, crop, _ in lines}
    assert "".join(r.text for r in recognizer.recognize([crops[id(line)] for line in stacked])) == "结果维持"


def test_specks_left_out_in_or_just_beside_a_line_put_its_reading_in_doubt():
    """On a 1-bit page at 300 dpi, lines 30 px high: a dot of 3x3 px left out inside a number's
    box, or one of 5 px a little before it (what was left of a 4's bar beside its stroke, read as
    a sure 1, on a generated light scan), doubts its reading; a dot 20 px after the box (beyond
    half the line's height), or a single pixel of dust inside it, does not."""
    dropped = np.zeros((100, 500), np.uint8)
    inside, before, far, dusty = (TextLine(bbox=(x, 10.0, x + 70.0, 40.0)) for x in (10.0, 110.0, 210.0, 360.0))
    dropped[20:23, 40:43] = 255  # inside the first line
    dropped[20:22, 102:104] = 255  # 5 px, 6 px left of the second
    dropped[22, 103] = 255
    dropped[20:23, 300:303] = 255  # 20 px right of the third
    dropped[25, 400] = 255  # a pixel inside the fourth
    doubt_inner_specks([inside, before, far, dusty], dropped, 300)
    assert [line.beside_doubt for line in (inside, before, far, dusty)] == [BESIDE_DOUBT, BESIDE_DOUBT, 0.0, 0.0]


def test_a_seal_beside_the_text_read_counts_up_to_the_cell_edges():
    """The ring of a seal through the 1 of 51 took the 1 with its red ink: the 5 alone is under
    no seal, the 5 and a digit's width beside it are; red ink past the cell's edge is another
    cell's."""
    seal = np.zeros((40, 200), bool)
    seal[:, 62:65] = True  # a ring's stroke 2 px right of the text
    box = (40, 10, 60, 30)  # the 5: 20 px high, 20 wide
    assert seal[10:30, 40:60].sum() == 0
    assert seal_share(seal, box, 0, 200) > 0.05
    assert seal_share(seal, box, 0, 61) == 0.0  # the cell ends before the stroke


def test_a_digit_a_seal_took_beside_a_sure_one_is_flagged(pipeline, tmp_path):
    """A generated hard scan (seed 1030303, Word route) where a seal's ring crossed the 1 of 51
    in table 二 (5 read sure) and two 0s of one column of table 三 (read as sure blanks)."""
    from pipeline.evaluate import Score
    from pipeline.generate import generate_batch
    from pipeline.generate.scan import ScanOptions

    report = generate_batch(tmp_path, 2, 1030303, kind="scan", route="word", scan_options=ScanOptions.hard())[1]
    score = Score()
    score.add(pipeline.process(report.pdf).report.to_json(), report.truth)
    assert score.flag_recall == 1.0, [e for e in score.errors if "UNFLAGGED" in e]


def test_a_label_wrapped_at_single_spacing_is_two_lines_where_they_touch():
    """A long label wrapped in its cell with no blank row between its lines (a Word document's
    compact rows): one run of ink twice a line's height had been read as one garbled line."""
    font = ImageFont.truetype(FONT_FILES["wqy-zenhei"], 26)
    img = Image.new("L", (700, 260), 235)
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), "3.其他", fill=20, font=font)
    draw.text((20, 80), "1.申请人无正当理由逾期不补正、行", fill=20, font=font)
    draw.text((20, 106), "政机关不再处理其政府信息公开申请", fill=20, font=font)  # touching the line above
    draw.text((20, 180), "（七）总计", fill=20, font=font)
    page = np.asarray(img)
    ink = page < 128
    assert ink[84:136].any(axis=1).all()  # no blank row between the two lines
    lines = [line for line, _, _ in ink_lines(page, (0, 0, 700, 260), np.zeros_like(page), dpi=200)]
    label = [line for line in lines if 70 < line.centre[1] < 150]
    assert len(label) == 2 and all(line.bbox[3] - line.bbox[1] < 40 for line in lines)


def test_the_orientation_check_decides_as_the_mean_of_all_its_lines_does():
    """It reads half the lines first and stops where the rest cannot change the verdict: that
    verdict must be the one the mean over every line gives, for any share of lines turned."""
    from pipeline.read.ocr import OrientationClassifier, model_input

    classifier = OrientationClassifier(threads=1)
    lines = [_text_image(text) for text in ("本年新收政府信息公开申请数量", "其中：网上申请数 1,204", "（二）部分公开",
                                            "行政复议 维持 纠正", "法人或其他组织 商业企业", "三、收到和处理政府信息公开申请情况")]
    for turned in range(len(lines) + 1):
        crops = [np.ascontiguousarray(np.rot90(c, 2)) if k < turned else c for k, c in enumerate(lines)]
        mean = float(classifier.model.run(np.stack([model_input(c, *classifier.shape) for c in crops]))[:, 1].mean())
        for threshold in (0.2, 0.6, 0.9):
            assert classifier.upside_down(crops, threshold) == (mean > threshold), (turned, threshold, mean)
    assert not classifier.upside_down([], 0.6)
