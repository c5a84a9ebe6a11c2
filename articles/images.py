"""Verification of uploaded images: checked before Pillow decodes any pixel."""

from pathlib import PurePath
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from PIL import Image

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def photo_upload_to(instance, filename):
    """A generated name: never trust the uploaded one (path tricks, control characters, length).

    The uploaded name is kept as data on the instance.
    """
    if hasattr(instance, "original_filename") and not instance.original_filename:
        instance.original_filename = PurePath(filename).name[:255]
    ext = PurePath(filename).suffix.lower().lstrip(".")
    ext = ext if ext in {"jpg", "jpeg", "png", "webp"} else "img"
    return f"photos/{timezone.now():%Y/%m}/{uuid4().hex}.{ext}"


def validate_image_file(file):
    """Refuse anything that is not a JPEG, PNG or WebP within the size and pixel limits."""
    if getattr(file, "_committed", False):
        return  # stored already, checked at upload: editing a caption must not reopen it
    max_bytes = settings.KAZCMS_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            "This file is %(size)s; the largest upload allowed is %(limit)s.",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:  # reads the header only
            fmt = image.format
            width, height = image.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG or WebP photo; this file is %(format)s.",
                    params={"format": fmt or "not an image"},
                    code="bad_format",
                )
            max_pixels = settings.KAZCMS_MAX_IMAGE_PIXELS
            if width * height > max_pixels:
                raise ValidationError(
                    "This photo is %(w)d×%(h)d pixels; the limit is %(limit)s megapixels.",
                    params={"w": width, "h": height, "limit": f"{max_pixels / 1e6:g}"},
                    code="too_many_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except Exception as exc:  # Pillow raises many types for broken files
        raise ValidationError(
            "This file is not a readable image (it may be damaged or truncated).",
            code="invalid_image",
        ) from exc
    finally:
        file.seek(position)
