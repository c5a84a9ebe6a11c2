"""The demo's photographs behave like a photographer's JPEGs, so page weight and renditions are
measured on realistic pictures (a flat drawing compresses to a few KB and flatters every figure)."""

import io

from PIL import Image

from articles.demo_images import landscape_jpeg


def test_a_demo_photo_is_a_detailed_jpeg_the_same_for_the_same_seed():
    data = landscape_jpeg("lead")
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (1200, 800))
    # Texture and grain in every part: a photograph's entropy, not a few flat fills.
    for box in [(0, 0, 600, 300), (600, 300, 1200, 500), (0, 600, 1200, 800)]:
        assert image.crop(box).convert("L").entropy() > 5.5, box
    assert len(data) > 60_000  # about what a 1200 px news photo weighs at this quality
    assert landscape_jpeg("lead") == data
    assert landscape_jpeg("market") != data
