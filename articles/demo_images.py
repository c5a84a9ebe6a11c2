"""Photographic-looking landscapes for the demo: sky and clouds, snowy ridges in haze, steppe.

The demo needs pictures that weigh and behave like a photographer's JPEGs (smooth gradients,
texture, grain), so page weight, renditions and Lighthouse are measured on something realistic;
flat drawings compress to a few KB and flatter every figure. Drawn with Pillow alone, the same
picture for the same seed, and no third-party image to license.
"""

import io
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

# (sky top, sky at the horizon, far ridge, steppe near, steppe far): one light per scene.
LIGHTS = [
    ((58, 108, 176), (196, 214, 228), (112, 128, 150), (86, 98, 52), (150, 150, 96)),  # noon
    ((44, 70, 130), (238, 196, 150), (120, 104, 120), (92, 80, 46), (170, 140, 90)),  # evening
    ((88, 130, 184), (222, 226, 226), (126, 140, 156), (104, 112, 62), (176, 168, 112)),  # haze
    ((36, 88, 160), (170, 200, 226), (96, 112, 138), (120, 104, 54), (188, 160, 96)),  # autumn
]


def landscape_jpeg(seed, size=(1200, 800), quality=82):
    """The JPEG bytes of one landscape, the same for the same ``seed``."""
    rng = random.Random(str(seed))
    width, height = size
    sky_top, horizon, far_ridge, steppe_near, steppe_far = rng.choice(LIGHTS)
    horizon_y = int(height * rng.uniform(0.52, 0.64))

    image = _gradient(size, sky_top, horizon, 0, horizon_y + height // 10)
    image = _clouds(image, rng, horizon_y)
    for depth in range(3):  # far to near: each nearer ridge darker, sharper, less blue
        image = _ridge(image, rng, depth, horizon_y, far_ridge, horizon)
    image = _steppe(image, rng, horizon_y, steppe_near, steppe_far)
    image = _finish(image, rng)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _mix(a, b, t):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(size, top, bottom, start, end):
    width, height = size
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = min(max((y - start) / max(end - start, 1), 0), 1)
        column.putpixel((0, y), _mix(top, bottom, t**0.8))
    return column.resize(size)


def _noise(rng, size, cell, stretch=1):
    """Smooth value noise: random grey levels on a coarse grid, scaled up bicubically."""
    width, height = size
    grid = (max(width // (cell * stretch), 2) + 2, max(height // cell, 2) + 2)
    coarse = Image.frombytes("L", grid, rng.randbytes(grid[0] * grid[1]))
    return coarse.resize(size, Image.Resampling.BICUBIC)


def _fractal(rng, size, cell, octaves=4, stretch=1):
    layer = _noise(rng, size, cell, stretch)
    for octave in range(1, octaves):
        finer = _noise(rng, size, max(cell >> octave, 1), stretch)
        layer = Image.blend(layer, finer, 1 / (octave + 1.5))
    return layer


def _clouds(image, rng, horizon_y):
    width, height = image.size
    density = rng.uniform(0.25, 0.6)
    field = _fractal(rng, (width, horizon_y), cell=max(width // 6, 8), octaves=5, stretch=2)
    # Grey levels above a threshold become cloud, soft-edged; thinner toward the horizon.
    threshold = int(150 - 60 * density)
    mask = field.point(lambda v: max(0, min(255, (v - threshold) * 3)))
    fade = _gradient((width, horizon_y), (255, 255, 255), (70, 70, 70), 0, horizon_y).convert("L")
    mask = ImageChops.multiply(mask, fade).filter(ImageFilter.GaussianBlur(3))
    shade = _fractal(rng, (width, horizon_y), cell=max(width // 12, 8), octaves=3)
    cloud = Image.merge("RGB", [shade.point(lambda v: 200 + v // 5)] * 3)
    sky = image.crop((0, 0, width, horizon_y))
    image.paste(Image.composite(cloud, sky, mask), (0, 0))
    return image


def _profile(rng, width, roughness):
    """A ridge line by midpoint displacement: heights in 0..1 for each x."""
    points = 2**10 + 1
    heights = [0.0] * points
    heights[0], heights[-1] = rng.random(), rng.random()
    step, spread = points - 1, 1.0
    while step > 1:
        half = step // 2
        for start in range(0, points - 1, step):
            middle = (heights[start] + heights[start + step]) / 2
            heights[start + half] = middle + rng.uniform(-spread, spread)
        step, spread = half, spread * roughness
    low, high = min(heights), max(heights)
    return [
        (heights[int(x * (points - 1) / max(width - 1, 1))] - low) / (high - low or 1)
        for x in range(width)
    ]


def _ridge(image, rng, depth, horizon_y, far_color, haze_color):
    width, height = image.size
    rise = height * (0.34 - 0.09 * depth) * rng.uniform(0.7, 1.1)
    base = horizon_y + depth * height * 0.03
    profile = _profile(rng, width, roughness=0.56 + 0.04 * depth)
    tops = [base - rise * h for h in profile]
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).polygon([(0, height), *enumerate(tops), (width, height)], fill=255)

    haze = (0.55, 0.3, 0.12)[depth]  # aerial perspective: far ridges take the sky's colour
    rock = _mix(_mix(far_color, (52, 58, 52), depth / 2.5), haze_color, haze)
    texture = _fractal(rng, image.size, cell=max(width // (20 + 30 * depth), 4), octaves=4)
    # Gullies run down the slopes: noise stretched upright, on the isotropic texture.
    gullies = _fractal(rng, image.size[::-1], cell=6, octaves=2, stretch=6).transpose(
        Image.Transpose.ROTATE_90
    )
    texture = Image.blend(texture, gullies, 0.18 if depth == 0 else 0.04)
    shaded = Image.merge(
        "RGB", [texture.point(lambda v, c=c: int(c * (0.7 + v / 430))) for c in rock]
    )
    # Sunlit and shaded faces: the slope of the ridge line lights each column.
    light = Image.new("L", (width, 1))
    for x in range(width):
        slope = (tops[max(x - 3, 0)] - tops[min(x + 3, width - 1)]) / 6
        light.putpixel((x, 0), int(max(150, min(245, 205 + slope * 30))))
    light = light.filter(ImageFilter.BoxBlur(4)).resize(image.size)
    shaded = ImageChops.multiply(shaded, Image.merge("RGB", [light] * 3))
    shaded = ImageChops.add(shaded, shaded, scale=1.65)
    if depth == 0:  # snow on the highest, farthest peaks
        snow_line = base - rise * rng.uniform(0.45, 0.65)
        snow = Image.new("L", image.size, 0)
        draw = ImageDraw.Draw(snow)
        for x, top in enumerate(tops):
            if top < snow_line:
                draw.line(
                    [(x, top), (x, top + (snow_line - top) * rng.uniform(0.6, 1.0))], fill=235
                )
        streaks = gullies.point(lambda v: max(0, min(255, (v - 90) * 3)))
        snow = ImageChops.multiply(snow.filter(ImageFilter.GaussianBlur(1)), streaks)
        snow = ImageChops.multiply(snow, light)
        white = Image.new("RGB", image.size, _mix((246, 248, 252), haze_color, 0.25))
        shaded = Image.composite(white, shaded, snow)
    blur = (1.6, 0.8, 0.3)[depth]
    layer = Image.composite(shaded, image, mask).filter(ImageFilter.GaussianBlur(blur))
    return Image.composite(layer, image, mask.filter(ImageFilter.GaussianBlur(blur)))


def _steppe(image, rng, horizon_y, near, far):
    width, height = image.size
    top = int(horizon_y + height * 0.07)
    band = (width, height - top)
    ground = _gradient(band, far, near, 0, band[1])
    # Grass: fine noise stretched sideways, coarse patches of drier and greener ground.
    grass = _fractal(rng, band, cell=6, octaves=3, stretch=5)
    patches = _fractal(rng, band, cell=max(width // 8, 8), octaves=3, stretch=3)
    light = ImageChops.add(grass, patches, scale=2.0).point(lambda v: int(150 + v * 0.8))
    ground = ImageChops.multiply(ground, Image.merge("RGB", [light] * 3))
    ground = ImageChops.add(ground, ground, scale=1.6)
    edge = Image.new("L", band, 255)
    edge_draw = ImageDraw.Draw(edge)
    swell = _profile(rng, width, roughness=0.5)
    for x, h in enumerate(swell):
        edge_draw.line([(x, 0), (x, int(h * height * 0.05))], fill=0)
    image.paste(ground, (0, top), edge.filter(ImageFilter.GaussianBlur(1)))
    return image


def _finish(image, rng):
    width, height = image.size
    # A lens's vignette, then a film's grain: what makes a flat render read as a photograph.
    vignette = Image.radial_gradient("L").resize(image.size).point(lambda v: 255 - v * 3 // 5)
    image = ImageChops.multiply(image, Image.merge("RGB", [vignette] * 3))
    image = ImageChops.add(image, image, scale=1.45)
    grain = Image.frombytes("L", image.size, rng.randbytes(width * height))
    grain = grain.filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: 118 + v // 16)
    image = ImageChops.overlay(image, Image.merge("RGB", [grain] * 3))
    return image.filter(ImageFilter.UnsharpMask(radius=1.2, percent=60, threshold=2))
