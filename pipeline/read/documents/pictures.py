"""A Word file's or web page's pictures as pages: a table pasted as an image is read through the
scan path like a page of its own, numbered in document order (the review finds it again by that
number, through `source_pages`)."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Iterator

from PIL import Image

from ...types import InputError, Page, Picture
from ..ingest import DOCUMENT_KINDS, MAX_IMAGE_PIXELS, is_bilevel, iter_pages, sniff, to_grey
from ..layout import picture_dpi
from . import read_structured

# pixels: a smaller picture (an icon, a bullet, a spacer) holds no table; a table's last row
# alone on its page's picture is a strip a few dozen pixels high
MIN_PICTURE_AREA, MIN_PICTURE_SIDE = 100 * 100, 12


def picture_page(number: int, picture: Picture, previous_dpi: float | None = None) -> Page | None:
    """A document's picture as a page (its first frame), at the resolution its print shows
    (layout.picture_dpi: a picture's own dpi, where it has one, is a screen's or an editor's
    guess); with too few characters to tell, the picture's before it (the rest of its table),
    else a page's usual 200. None for a picture too small to hold a table; InputError when it
    cannot be decoded."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(picture.data)) as img:
            if img.size[0] * img.size[1] < MIN_PICTURE_AREA or min(img.size) < MIN_PICTURE_SIDE:
                return None
            img.seek(0)
            image, seal = to_grey(img)
    except Image.DecompressionBombError as e:
        raise InputError(f"picture {picture.name}: too large ({e})") from e
    except (OSError, SyntaxError, ValueError) as e:
        raise InputError(f"picture {picture.name}: not an image this reader decodes ({e})") from e
    dpi = picture_dpi(image) or previous_dpi or 200.0
    return Page(number=number, image=image, dpi=int(round(dpi)), seal=seal, source_dpi=dpi,
                bilevel=is_bilevel(image), cropped=True)


def picture_pages(pictures: list[Picture]) -> Iterator[tuple[Picture, Page | InputError]]:
    """Each picture that can hold a table, as a page or the reason it cannot be decoded."""
    dpi = None
    for number, picture in enumerate(pictures, 1):
        try:
            page = picture_page(number, picture, dpi)
        except InputError as e:
            yield picture, e
            continue
        if page is not None:
            dpi = page.dpi
            yield picture, page


def source_pages(path: Path, dpi: float = 200, only: set[int] | None = None) -> Iterator[Page]:
    """The pages of any report file, numbered as its cells' `page`: a PDF's, an image's or a
    folder's (ingest.iter_pages), or a Word file's or web page's pictures."""
    kind = sniff(path)
    if kind not in DOCUMENT_KINDS:
        yield from iter_pages(path, dpi, only)
        return
    for _, page in picture_pages(read_structured(path, kind).pictures):
        if isinstance(page, Page) and (only is None or page.number in only):
            yield page
