
import numpy as np
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from pipeline.read.ingest import iter_pages, page_count, pdf_views
from pipeline.types import InputError


def _pdf(path, pages=2, encrypt=None):
    c = canvas.Canvas(str(path), encrypt=encrypt)
    for i in range(pages):
        c.drawString(100, 700, f"page {i}")
        c.rect(80, 500, 300, 100)
        c.showPage()
    c.save()
    return path


def test_pdf_pages_are_rasterised_at_the_asked_dpi(tmp_path):
    pages = list(iter_pages(_pdf(tmp_path / "a.pdf"), dpi=100))
    assert [p.number for p in pages] == [1, 2]
    h, w = pages[0].image.shape
    assert abs(h - 842 * 100 / 72) <= 1 and abs(w - 595 * 100 / 72) <= 1
    assert pages[0].image.dtype == np.uint8
    assert pages[0].words is None  # no CJK text layer: treated as a scan


def test_pdf_views_are_the_asked_pages_as_printed_in_colour(tmp_path):
    """For the review's overlays: a red stamp stays red (the reading washes it out), pages as sized by iter_pages."""
    path = tmp_path / "stamped.pdf"
    c = canvas.Canvas(str(path))
    for _ in range(3):
        c.setFillColorRGB(0.9, 0.1, 0.1)
        c.circle(200, 600, 60, fill=1)
        c.showPage()
    c.save()
    views = list(pdf_views(path, 100, {3, 1, 7}))
    assert [n for n, _ in views] == [1, 3]
    image = views[0][1]
    assert image.shape[:2] == next(iter_pages(path, 100)).image.shape and image.shape[2] == 3
    b, g, r = (int(v) for v in image[round((842 - 600) * 100 / 72), round(200 * 100 / 72)])
    assert r > 200 and g < 80 and b < 80  # BGR, as OpenCV draws and writes it


def test_text_layer_is_read_from_a_born_digital_report(generated):
    report = generated[("digital", "2021")]
    page = next(iter_pages(report.pdf))
    text = "".join(w.text for w in page.words)
    assert report.truth["report"]["agency"] in text
    x0, y0, x1, y1 = page.words[0].bbox
    assert 0 <= x0 < x1 <= page.image.shape[1] and 0 <= y0 < y1 <= page.image.shape[0]


@pytest.mark.parametrize("mode", ["L", "RGB", "CMYK", "I;16"])
def test_images_of_any_mode_become_grey_pages(tmp_path, mode):
    arr = np.full((300, 200), 200, np.uint8)
    arr[100:110, 20:180] = 0
    img = Image.fromarray(arr).convert(mode) if mode != "I;16" else Image.fromarray(arr.astype(np.uint16) * 256)
    path = tmp_path / "page.tif"
    img.save(path)
    (page,) = iter_pages(path)
    assert page.image.shape == (300, 200) and page.image.dtype == np.uint8
    assert page.image[105, 100] < 60 < page.image[50, 100]


def test_multi_page_tiff(tmp_path):
    frames = [Image.new("L", (100, 140), 255 - 40 * i) for i in range(3)]
    frames[0].save(tmp_path / "m.tiff", save_all=True, append_images=frames[1:])
    assert page_count(tmp_path / "m.tiff") == 3
    assert len(list(iter_pages(tmp_path / "m.tiff"))) == 3


@pytest.mark.parametrize("name,content,reason", [
    ("empty.pdf", b"", "empty file"),
    ("notes.pdf", "这不是PDF文件\n".encode(), "not a PDF or image"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj<<>>\ntrailer<<>>\n%%EOF", "corrupt or unreadable PDF"),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "corrupt or unreadable image"),
])
def test_bad_files_raise_an_input_error_naming_the_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=reason):
        list(iter_pages(path))


def test_truncated_pdf(tmp_path, generated):
    data = generated[("digital", "2019")].pdf.read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputError, match="corrupt or unreadable PDF"):
        list(iter_pages(path))


def test_password_protected_pdf(tmp_path):
    path = _pdf(tmp_path / "locked.pdf", encrypt="secret")
    with pytest.raises(InputError, match="password-protected"):
        list(iter_pages(path))


def test_a_red_seal_is_washed_out_and_the_digits_under_it_stay():
    import random

    import cv2

    from pipeline.generate.scan import stamp_seal
    from pipeline.read.ingest import drop_red

    grey = np.full((700, 900), 228, np.uint8)
    for y in range(120, 650, 70):
        for x in range(60, 860, 130):
            cv2.putText(grey, "80", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 35, 2)
    digits = grey < 128
    sealed = stamp_seal(grey, random.Random(4), 200)  # BGR, over the middle right
    _, jpeg = cv2.imencode(".jpg", sealed, [cv2.IMWRITE_JPEG_QUALITY, 60])
    rgb = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    seal_ink = (sealed[..., 1].astype(int) < grey.astype(int) - 40) & ~digits

    out, where = drop_red(rgb)
    dark = out < 140
    assert dark[digits].mean() > 0.9  # black digits stay, those under the seal too
    near_digits = cv2.dilate(digits.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert dark[seal_ink & ~near_digits].mean() < 0.02  # the seal's strokes are gone
    assert (where[seal_ink] > 0).mean() > 0.9  # and the page says where it was
    plain, none = drop_red(cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB))
    assert none is None and np.array_equal(plain, grey)


def test_text_in_cells_shaded_light_red_or_peach_is_no_seal():
    """Word's accent tints (FBE4D5 peach, F2DCDB pink) shade header cells a little redder than
    paper; the grey text in them had been washed out as if under a seal (table 四's headers lost
    on a 96-dpi page picture)."""
    import cv2

    from pipeline.read.ingest import drop_red

    rgb = np.full((300, 600, 3), 240, np.uint8)
    for x0, fill in ((20, (251, 228, 213)), (320, (242, 220, 219))):
        rgb[40:260, x0:x0 + 260] = fill
        cv2.putText(rgb, "88", (x0 + 40, 190), cv2.FONT_HERSHEY_SIMPLEX, 3, (90, 90, 90), 3)
    _, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 35])
    page = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    text = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) < 128
    out, where = drop_red(page)
    assert where is None and (out[text] < 140).mean() > 0.9


def test_a_folder_of_page_images_is_one_document_in_natural_name_order(tmp_path):
    folder = tmp_path / "scanned report"
    folder.mkdir()
    for name, tone in [("page10.png", 30), ("page2.png", 20), ("page1.png", 10), ("notes.txt", None)]:
        if tone is None:
            (folder / name).write_text("not a page")
        else:
            Image.new("L", (60, 80), tone).save(folder / name)
    pages = list(iter_pages(folder))
    assert [(p.number, int(p.image[0, 0])) for p in pages] == [(1, 10), (2, 20), (3, 30)]
    assert page_count(folder) == 3
    (only,) = iter_pages(folder, only={3})
    assert only.number == 3 and only.image[0, 0] == 30


def test_a_folder_without_page_images_or_with_a_broken_one_is_an_input_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no page images"):
        list(iter_pages(tmp_path / "empty"))
    broken = tmp_path / "broken"
    broken.mkdir()
    Image.new("L", (60, 80), 255).save(broken / "p1.png")
    (broken / "p2.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(InputError, match="p2.png: corrupt or unreadable image"):
        list(iter_pages(broken))
