"""Tables pasted as pictures: web pages saved with their pictures' folder, as .mhtml, zipped,
and Word files give their pictures in their place among the tables; each picture becomes a page
at the resolution its print shows."""
import email.encoders
import email.mime.multipart
import email.mime.nonmultipart
import email.mime.text
import zipfile

import cv2
import numpy as np
import pytest

from pipeline.generate.pictures import generate_picture_report
from pipeline.read.documents import read_structured
from pipeline.read.documents.pictures import picture_page, source_pages
from pipeline.read.ingest import sniff
from pipeline.types import InputError, Picture


def _png(width: int = 300, height: int = 200, value: int = 0) -> bytes:
    image = np.full((height, width), 255, np.uint8)
    cv2.rectangle(image, (10, 10), (width - 10, height - 10), value, 2)
    return cv2.imencode(".png", image)[1].tobytes()


PAGE = """<html><head><title>2023年某县政府信息公开工作年度报告</title></head><body>
<p>一、总体情况</p><p><img src="{a}"></p>
<table><tr><td>信息内容</td><td>本年新制作数量</td></tr><tr><td>规章</td><td>1</td></tr></table>
<p><img src="{b}"></p></body></html>"""


def _saved_page(folder, a="page_files/t1.png", b="page_files/t%202.png"):
    (folder / "page_files").mkdir()
    (folder / "page_files" / "t1.png").write_bytes(_png(value=10))
    (folder / "page_files" / "t 2.png").write_bytes(_png(value=20))
    page = folder / "page.html"
    page.write_text(PAGE.format(a=a, b=b), encoding="utf-8")
    return page


def test_a_saved_page_gives_its_pictures_in_their_place_among_its_tables(tmp_path):
    document = read_structured(_saved_page(tmp_path), "html")
    assert [(p.name, p.tables_before) for p in document.pictures] == [("t1.png", 0), ("t 2.png", 1)]
    assert document.pictures[1].data == (tmp_path / "page_files" / "t 2.png").read_bytes()
    assert len(document.tables) == 1 and document.unreadable_pictures == []


def test_a_picture_missing_or_outside_the_page_folder_is_named_not_read(tmp_path):
    (tmp_path / "outside.png").write_bytes(_png())
    inner = tmp_path / "site"
    inner.mkdir()
    document = read_structured(_saved_page(inner, a="http://www.gov.cn/x/gone.png", b="../outside.png"), "html")
    assert document.pictures == []
    assert document.unreadable_pictures == ["gone.png: not saved with the page", "outside.png: not saved with the page"]


def test_a_picture_by_its_address_is_found_in_the_files_folder(tmp_path):
    """A page saved without its links rewritten: the picture's web address, its file by name."""
    document = read_structured(_saved_page(tmp_path, a="http://www.gov.cn/art/t1.png"), "html")
    assert [p.name for p in document.pictures] == ["t1.png", "t 2.png"]


def test_a_picture_inline_as_data_is_read(tmp_path):
    import base64

    page = tmp_path / "inline.html"
    page.write_text(f"<html><body><img src='data:image/png;base64,{base64.b64encode(_png()).decode()}'></body></html>")
    document = read_structured(page, "html")
    assert [p.name for p in document.pictures] == ["picture-1"] and document.pictures[0].data == _png()


def test_an_mhtml_archive_and_a_zipped_page_give_the_same_pictures(tmp_path):
    archive = email.mime.multipart.MIMEMultipart("related", type="text/html")
    html = email.mime.text.MIMEText(PAGE.format(a="t1.png", b="img/t2.png"), "html", "utf-8")
    html["Content-Location"] = "http://www.gov.cn/art/page.html"
    archive.attach(html)
    for location, value in (("http://www.gov.cn/art/t1.png", 10), ("http://www.gov.cn/art/img/t2.png", 20)):
        part = email.mime.nonmultipart.MIMENonMultipart("image", "png")
        part.set_payload(_png(value=value))
        email.encoders.encode_base64(part)
        part["Content-Location"] = location
        archive.attach(part)
    mhtml = tmp_path / "page.mhtml"
    mhtml.write_bytes(archive.as_bytes())
    zipped = tmp_path / "page.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("report/page.htm", PAGE.format(a="t1.png", b="img/t2.png"))
        z.writestr("report/t1.png", _png(value=10))
        z.writestr("report/img/t2.png", _png(value=20))
    assert sniff(mhtml) == "mhtml" and sniff(zipped) == "webzip"
    for path in (mhtml, zipped):
        document = read_structured(path, sniff(path))
        assert [(p.name, p.tables_before, p.data) for p in document.pictures] == \
            [("t1.png", 0, _png(value=10)), ("t2.png", 1, _png(value=20))], path.name
        assert document.title_lines[-1] == "2023年某县政府信息公开工作年度报告"


def test_a_zip_without_a_web_page_is_refused_with_its_reason(tmp_path):
    path = tmp_path / "pictures.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("t1.png", _png())
    with pytest.raises(InputError, match="nor a saved web page"):
        sniff(path)


def test_a_word_file_gives_its_pictures_in_their_place(tmp_path):
    import docx

    picture = tmp_path / "t.png"
    picture.write_bytes(_png())
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "信息内容"
    document.add_picture(str(picture))
    path = tmp_path / "report.docx"
    document.save(str(path))
    read = read_structured(path, "docx")
    assert [(p.name, p.tables_before, p.data) for p in read.pictures] == [("image1.png", 1, _png())]


def test_a_picture_too_small_for_a_table_is_no_page_and_a_broken_one_names_itself():
    assert picture_page(1, Picture("icon.png", _png(40, 40), 0)) is None
    assert picture_page(2, Picture("strip.png", _png(700, 30), 0)) is not None  # a table's last row
    with pytest.raises(InputError, match="picture chart.emf"):
        picture_page(3, Picture("chart.emf", b"\x01\x00\x00\x00 not a picture", 0))


@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    root = tmp_path_factory.mktemp("pictured")
    return [generate_picture_report(root / f"web{i}.html", ("2021", "2019")[i % 2], 6100 + i) for i in range(3)]


def test_the_resolution_of_a_table_picture_is_told_by_its_characters(pictured):
    """(a strip of a table's last row, with too few to tell, takes the picture's before it)"""
    for report in pictured:
        want = report.truth["picture_dpi"]
        pages = list(source_pages(report.pdf))
        assert pages and all(page.cropped for page in pages)
        tables = [page for page in pages if page.image.shape[1] > 400]  # not the seal, the QR code
        for page in tables:
            assert 0.75 * want <= page.dpi <= 1.3 * want, (report.pdf.name, page.number, want)


def test_a_transparent_picture_is_read_on_white_paper():
    rgba = np.zeros((200, 300, 4), np.uint8)  # transparent black, as editors save a table's background
    rgba[50:52, 20:280] = (0, 0, 0, 255)  # a ruling
    page = picture_page(1, Picture("table.png", cv2.imencode(".png", rgba)[1].tobytes(), 0))
    assert page.image[10, 10] == 255 and page.image[50, 100] == 0


def test_a_lazily_loaded_picture_is_its_real_one_and_a_repeated_one_is_read_once(tmp_path):
    import base64

    spacer = "data:image/png;base64," + base64.b64encode(_png(1, 1)).decode()
    page = _saved_page(tmp_path, a="page_files/t1.png", b=f"{spacer}\" data-src=\"page_files/t1.png")
    document = read_structured(page, "html")
    assert [(p.name, p.tables_before) for p in document.pictures] == [("t1.png", 0)]
