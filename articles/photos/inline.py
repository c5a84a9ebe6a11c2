"""Photos inside the text of a piece.

The editor inserts one with the rich-text editor's figure button; its "Browse…" opens the
photo picker (``PhotoPickerView``), which hands back the photo and where it stands. The body
stores a plain ``<figure><img data-file="12:right"><figcaption>…</figcaption></figure>``;
pages render each such figure through the one picture partial (renditions, width and height,
alt text, caption and credit). An image that names no photo of the library is refused on save
and never shown: readers' pages load no image from elsewhere.
"""

import html
import re

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

# Where a photo stands in the text, and the width it fills (the picture's ``sizes``).
PLACEMENTS = {
    "full": ("Full width", "(min-width: 46rem) 44rem, calc(100vw - 2rem)"),
    "right": ("Half width, right", "(min-width: 46rem) 21rem, calc(100vw - 2rem)"),
    "left": ("Half width, left", "(min-width: 46rem) 21rem, calc(100vw - 2rem)"),
}
# A figure as a whole, or an image standing alone (pasted, or from an older editor).
_FIGURE_OR_IMAGE = re.compile(r"<figure\b[^>]*>.*?</figure>|<img\b[^>]*>", re.S | re.I)
_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"', re.I)
_CAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.S | re.I)


def reference(photo_pk, placement="full"):
    """What ``data-file`` holds for a photo: its id and its placement, "12:right"."""
    return f"{photo_pk}:{placement}"


def parse_reference(value):
    """``(photo id, placement)`` from a ``data-file`` value, or None when it names no photo."""
    pk, _, placement = (value or "").partition(":")
    if not (pk.isascii() and pk.isdigit() and 0 < len(pk) < 12):
        return None
    return int(pk), placement if placement in PLACEMENTS else "full"


def _attributes(tag):
    return {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def _image_reference(fragment):
    image = _IMAGE.search(fragment)
    return parse_reference(_attributes(image.group(0)).get("data-file")) if image else None


def photo_ids(markup):
    """The ids of the library photos ``markup`` shows, in order of appearance, each once."""
    ids = []
    for match in _FIGURE_OR_IMAGE.finditer(markup or ""):
        ref = _image_reference(match.group(0))
        if ref and ref[0] not in ids:
            ids.append(ref[0])
    return ids


def unknown_images(markup, known_ids=None):
    """How many images of ``markup`` name no photo: none at all, or (given ``known_ids``, the
    library's) one that is not in the library."""
    count = 0
    for image in _IMAGE.finditer(markup or ""):
        ref = parse_reference(_attributes(image.group(0)).get("data-file"))
        if ref is None or (known_ids is not None and ref[0] not in known_ids):
            count += 1
    return count


def without_other_images(markup):
    """``markup`` without images that name no library photo (and without their figures): what
    the admin form refuses, a save from the shell or a command leaves out."""

    def keep(match):
        return match.group(0) if _image_reference(match.group(0)) else ""

    return _FIGURE_OR_IMAGE.sub(keep, markup or "")


def render(markup, photos, picture):
    """``markup`` with each figure of a library photo drawn by ``picture`` (the template tag)
    and every other image left out. ``photos``: {id: Photo} for ``photo_ids(markup)``."""

    def draw(match):
        fragment = match.group(0)
        ref = _image_reference(fragment)
        photo = photos.get(ref[0]) if ref else None
        if photo is None:
            return ""
        placement = ref[1]
        image = _attributes(_IMAGE.search(fragment).group(0))
        caption = _CAPTION.search(fragment)
        return picture(
            photo,
            sizes=PLACEMENTS[placement][1],
            alt=image.get("alt") or photo.alt_text,
            caption=html.unescape(strip_tags(caption.group(1))).strip() if caption else None,
            css_class=f"inline-photo inline-photo-{placement}",
        )

    return mark_safe(_FIGURE_OR_IMAGE.sub(draw, markup or ""))  # noqa: S308 (sanitized on save)
