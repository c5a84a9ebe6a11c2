"""Renditions: the named sizes every photo is served in, built by a worker after the save.

Sizes are defined once here. ``refresh()`` writes the files through the photo's storage (local
disk or S3 alike) and records their names and dimensions in ``Photo.renditions``, which is read
with the photo row: rendering a page never touches the storage nor runs a query per photo.
``picture()`` and ``social_image()`` read that record; ``manage.py rebuild_renditions`` rebuilds it.
"""

import contextlib
import hashlib
import io
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

# Bump when sizes or encoding change: every photo's renditions then count as stale.
VERSION = 1


@dataclass(frozen=True)
class Size:
    group: str  # what a template asks for: full, card, thumb, social
    width: int
    ratio: tuple[int, int] | None = None  # a crop around the focal point; None keeps the shape
    formats: tuple[str, ...] = ("WEBP", "JPEG")
    height: int | None = None  # fixed height (social); otherwise from the ratio or the photo

    @property
    def name(self):
        return f"{self.group}-{self.width}"


SIZES = [
    *(Size("full", width) for width in (400, 800, 1200, 1600)),
    *(Size("card", width, ratio=(16, 9)) for width in (400, 800)),
    *(Size("thumb", width, ratio=(1, 1)) for width in (160, 320)),
    # For og:image and other previews: the 1.91:1 size social networks ask for, JPEG only.
    Size("social", 1200, ratio=(1200, 630), formats=("JPEG",), height=630),
]
LARGEST_WIDTH = max(size.width for size in SIZES)
MIME_TYPES = {"WEBP": "image/webp", "JPEG": "image/jpeg"}
EXTENSIONS = {"WEBP": "webp", "JPEG": "jpg"}
ENCODING = {
    "WEBP": {"quality": 76, "method": 4},
    "JPEG": {"quality": 80, "optimize": True, "progressive": True},
}


@dataclass(frozen=True)
class Rendition:
    """One built file, as templates and other modules use it."""

    url: str
    width: int
    height: int
    format: str

    @property
    def mime_type(self):
        return MIME_TYPES[self.format]


def key(photo):
    """What the renditions depend on; a change (new file, focal point, sizes) makes them stale."""
    text = f"{VERSION}:{photo.image.name}:{photo.focal_x}:{photo.focal_y}"
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def is_current(photo):
    return bool(photo.image) and (photo.renditions or {}).get("key") == key(photo)


def file_names(photo):
    return [item["name"] for item in (photo.renditions or {}).get("files", [])]


def crop_box(size, ratio, focal):
    """The largest ``ratio`` box inside ``size`` centred as near the focal point as fits."""
    width, height = size
    rw, rh = ratio
    if width * rh > height * rw:
        crop_w, crop_h = max(round(height * rw / rh), 1), height
    else:
        crop_w, crop_h = width, max(round(width * rh / rw), 1)
    fx, fy = focal[0] / 100 * width, focal[1] / 100 * height
    left = min(max(round(fx - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy - crop_h / 2), 0), height - crop_h)
    return (left, top, left + crop_w, top + crop_h)


def _plan(photo, image_size):
    """(Size, box in image_size coordinates, output size) for each rendition worth making."""
    width, height = image_size
    # Photo dimensions are the truth; the decoded image may be a reduced copy.
    scale = width / (photo.width or width)
    plans, widest = [], {}
    for size in SIZES:
        if size.ratio:
            box = crop_box(image_size, size.ratio, (photo.focal_x, photo.focal_y))
        else:
            box = (0, 0, width, height)
        box_w = (box[2] - box[0]) / scale
        box_h = (box[3] - box[1]) / scale
        out_w = min(size.width, round(box_w))  # never enlarge
        if out_w <= widest.get(size.group, 0):
            continue  # a small photo: the narrower one of this group is already full size
        out_h = size.height if size.height and out_w == size.width else None
        out_h = out_h or max(round(out_w * box_h / box_w), 1)
        widest[size.group] = out_w
        plans.append((size, box, (out_w, out_h)))
    return plans


def _open_original(photo):
    """The stored original, decoded no larger than the biggest rendition needs."""
    with photo.image.open("rb") as file, Image.open(file, formats=["JPEG", "PNG", "WEBP"]) as image:
        if image.format == "JPEG":  # DCT scaling: decode big JPEGs at 1/2, 1/4 or 1/8
            image.draft("RGB", (LARGEST_WIDTH, round(LARGEST_WIDTH * image.height / image.width)))
        image.load()
        return ImageOps.exif_transpose(image)


def _for_format(image, fmt):
    if fmt == "JPEG" and image.mode != "RGB":
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return image.convert("RGB")
    if fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        return image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
    return image


def refresh(photo, image=None):
    """Build every rendition of ``photo`` and record them; returns the names now stale.

    ``image`` is the upright original if the caller has it decoded already (on upload).
    The photo row is not saved here: ``Photo.save()`` does it.
    """
    stale = file_names(photo)
    if not photo.image:
        photo.renditions = {}
        return stale
    if image is None:
        image = _open_original(photo)
    factor = max(1, min(image.width // LARGEST_WIDTH, image.height // LARGEST_WIDTH))
    if factor > 1:  # a cheap box reduction first; the resize below does the fine work
        image = image.reduce(factor)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    icc = image.info.get("icc_profile")
    storage = photo.image.storage
    stem = PurePosixPath(photo.image.name)
    folder = stem.parent / "renditions"
    current = key(photo)
    files = []
    for size, box, out in _plan(photo, image.size):
        resized = image.resize(out, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
        for fmt in size.formats:
            buffer = io.BytesIO()
            params = dict(ENCODING[fmt])
            if icc:
                params["icc_profile"] = icc
            _for_format(resized, fmt).save(buffer, fmt, **params)
            name = storage.save(
                str(folder / f"{stem.stem}-{current}-{size.name}.{EXTENSIONS[fmt]}"),
                ContentFile(buffer.getvalue()),
            )
            files.append(
                {
                    "group": size.group,
                    "size": size.width,
                    "format": fmt,
                    "name": name,
                    "width": out[0],
                    "height": out[1],
                    "bytes": buffer.tell(),
                }
            )
    photo.renditions = {"key": current, "files": files}
    return [name for name in stale if name not in {f["name"] for f in files}]


def delete_files(storage, names):
    """Remove files quietly: a missing one is already gone."""
    for name in names:
        if name:
            with contextlib.suppress(FileNotFoundError, OSError):
                storage.delete(name)


def renditions_of(photo, group, fmt=None):
    """The recorded renditions of one group, narrowest first (no storage access)."""
    items = [
        item
        for item in (photo.renditions or {}).get("files", [])
        if item["group"] == group and (fmt is None or item["format"] == fmt)
    ]
    storage = photo.image.storage
    return [
        Rendition(storage.url(item["name"]), item["width"], item["height"], item["format"])
        for item in sorted(items, key=lambda item: item["width"])
    ]


def url_of(photo, group, width):
    """The narrowest JPEG of ``group`` at least ``width`` wide (else the widest), or ""."""
    items = renditions_of(photo, group, "JPEG")
    for item in items:
        if item.width >= width:
            return item.url
    return items[-1].url if items else ""


def _srcset(items):
    return ", ".join(f"{item.url} {item.width}w" for item in items)


def picture(photo, group):
    """What a ``<picture>`` needs: WebP sources, a JPEG ``<img>`` with srcset and dimensions.

    None while the photo has no renditions (templates then draw ``placeholder()``).
    """
    jpegs = renditions_of(photo, group, "JPEG")
    if not jpegs:
        return None
    webps = renditions_of(photo, group, "WEBP")
    fallback = jpegs[min(1, len(jpegs) - 1)]  # 800 wide: sharp enough for browsers without srcset
    return {
        "sources": [{"type": "image/webp", "srcset": _srcset(webps)}] if webps else [],
        "src": fallback.url,
        "srcset": _srcset(jpegs),
        "width": fallback.width,
        "height": fallback.height,
    }


def social_image(photo):
    """The 1200×630 (or smaller, never enlarged) JPEG for og:image, or None."""
    if photo is None:
        return None
    items = renditions_of(photo, "social", "JPEG")
    return items[-1] if items else None


def published_image(photo):
    """The file a photo leaves the site as (feeds, JSON-LD): the widest full-frame JPEG
    (1600 wide at most), or None while it has no renditions. Never the original upload,
    which can be 25 MB and still carries whatever the camera wrote into it."""
    items = renditions_of(photo, "full", "JPEG")
    return items[-1] if items else None


def rebuild(photo):
    """Rebuild and record the renditions of a saved photo, then remove the replaced files.

    The record is written only if the photo still has the file and focal point they were
    built from (an editor may have changed them meanwhile); otherwise the new files go.
    """
    stale = refresh(photo)
    try:
        updated = (
            type(photo)
            ._base_manager.filter(
                pk=photo.pk,
                image=photo.image.name,
                focal_x=photo.focal_x,
                focal_y=photo.focal_y,
            )
            .update(renditions=photo.renditions, rendition_error="")
        )
    except BaseException:
        delete_files(photo.image.storage, file_names(photo))
        raise
    if not updated:
        delete_files(photo.image.storage, file_names(photo))
        return False
    photo.rendition_error = ""
    delete_files(photo.image.storage, stale)
    photo.renditions_recorded()
    return True


def placeholder(photo, group):
    """Width and height of the box a rendition of ``group`` will fill, from the stored
    dimensions alone: what pages draw while the renditions are being built."""
    sizes = sorted((size for size in SIZES if size.group == group), key=lambda size: size.width)
    size = sizes[min(1, len(sizes) - 1)]  # as wide as picture()'s fallback <img>
    shape_w, shape_h = size.ratio or (photo.width or 4, photo.height or 3)
    width = min(size.width, photo.width or size.width)  # renditions never enlarge
    return width, max(round(width * shape_h / shape_w), 1)
