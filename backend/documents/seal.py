"""The issuer's round red seal (财务专用章), drawn as an image with Pillow.

The seal is a red ring, a five-pointed star in the middle, the issuer's name along the upper
arc and the caption straight under the star, on a transparent background. Each character is
drawn in the first font of the ``FontSet`` that has it (a character none has is drawn as □, as
in the text). Images are cached per (seal, font set): an issuer's seal is drawn once per process.

It is a picture of a seal, for recognisability; the PDF's legal seal is its digital signature.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from backend.documents.fonts import SUBSTITUTE, FontSet
from backend.documents.model import Seal

SEAL_PIXELS = 300  # width and height of the PNG; drawn 27 mm wide that is about 280 dpi
SUPERSAMPLE = 2  # drawn this many times larger, then reduced, for smooth edges
RED = (214, 32, 38)
OPACITY = 225  # of 255: the seal lets the text under it show a little, like ink
RING_WIDTH = 0.055  # fractions of the radius from here on
# The ring is stroked inward from half its width inside the edge, so its inner edge lies here.
RING_INNER = 1.0 - 1.5 * RING_WIDTH
RING_GAP = 0.09  # clear space between the ring's inner edge and any character of the name
TEXT_RADIUS = 0.70  # where the middle of the name's characters runs (moved in if need be)
NAME_SIZE = 0.26
NAME_MAX_SPAN = 250.0  # degrees of arc the name may take, centred on the top
NAME_STEP = 27.0  # degrees between the characters of a short name
STAR_RADIUS = 0.22
STROKE = 0.02  # of a character's size: strokes are thickened, seals are cut in bold type
CAPTION_SIZE = 0.16
CAPTION_CENTRE = 0.50  # below the centre


@lru_cache(maxsize=64)
def _pil_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def _font_for(fonts: FontSet, char: str, size: int) -> tuple[str, ImageFont.FreeTypeFont]:
    name = fonts.font_for(char)
    if name is None:
        char, name = SUBSTITUTE, fonts.font_for(SUBSTITUTE) or fonts.primary
    spec = fonts.font_file(name)
    return char, _pil_font(str(spec.path), spec.subfont_index, size)


def _glyph(fonts: FontSet, char: str, size: int) -> Image.Image:
    """``char`` in red on transparent, centred in a square of side ``size * 1.4``."""
    char, font = _font_for(fonts, char, size)
    side = int(size * 1.4)
    tile = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text(
        (side / 2, side / 2),
        char,
        font=font,
        fill=RED,
        anchor="mm",
        stroke_width=max(1, round(size * STROKE)),
        stroke_fill=RED,
    )
    return tile


def _inked(tile: Image.Image) -> tuple[Image.Image, float, float]:
    """``tile`` re-centred on its ink, with the ink's half width and half height (pixels).

    The square keeps room for the ink turned any way, so rotating it about its centre turns
    the glyph about the middle of its strokes.
    """
    box = tile.getchannel("A").getbbox()
    if box is None:  # a blank glyph: nothing to place
        return tile, 0.0, 0.0
    left, top, right, bottom = box
    half_width, half_height = (right - left) / 2, (bottom - top) / 2
    cx, cy = (left + right) / 2, (top + bottom) / 2
    half = math.ceil(math.hypot(half_width, half_height)) + 2
    centred = tile.crop((round(cx) - half, round(cy) - half, round(cx) + half, round(cy) + half))
    return centred, half_width, half_height


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, radius: float) -> None:
    inner = radius * math.sin(math.radians(18)) / math.sin(math.radians(126))
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else inner
        angle = math.radians(-90 + 36 * index)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=RED)


def _draw(seal: Seal, fonts: FontSet) -> Image.Image:
    side = SEAL_PIXELS * SUPERSAMPLE
    radius = side / 2
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = radius * RING_WIDTH
    draw.ellipse(
        (ring / 2, ring / 2, side - ring / 2, side - ring / 2), outline=RED, width=int(ring)
    )
    _star(draw, radius, radius, radius * STAR_RADIUS)

    name = seal.issuer_name
    if name:
        step = min(NAME_STEP, NAME_MAX_SPAN / max(len(name) - 1, 1))
        arc_per_char = math.radians(step) * radius * TEXT_RADIUS
        size = int(min(radius * NAME_SIZE, arc_per_char * 0.92))
        start = -step * (len(name) - 1) / 2
        limit = radius * (RING_INNER - RING_GAP)  # no ink of the name beyond this radius
        for index, char in enumerate(name):
            angle = start + step * index  # degrees clockwise from the top
            glyph, half_width, half_height = _inked(_glyph(fonts, char, size))
            # The ink's outer corners are its farthest points from the centre: keep them
            # inside ``limit`` (a glyph's em box says little of where its strokes are).
            middle = min(radius * TEXT_RADIUS, math.sqrt(limit**2 - half_width**2) - half_height)
            glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
            cx = radius + middle * math.sin(math.radians(angle))
            cy = radius - middle * math.cos(math.radians(angle))
            image.alpha_composite(
                glyph, (round(cx - glyph.width / 2), round(cy - glyph.height / 2))
            )

    if seal.caption:
        caption_size = int(radius * CAPTION_SIZE)
        x = radius - caption_size * len(seal.caption) / 2
        for char in seal.caption:
            glyph = _glyph(fonts, char, caption_size)
            image.alpha_composite(
                glyph,
                (
                    int(x + caption_size / 2 - glyph.width / 2),
                    int(radius + radius * CAPTION_CENTRE - glyph.height / 2),
                ),
            )
            x += caption_size

    image = image.resize((SEAL_PIXELS, SEAL_PIXELS), Image.Resampling.LANCZOS)
    alpha = image.getchannel("A").point(lambda value: value * OPACITY // 255)
    image.putalpha(alpha)
    return image


@lru_cache(maxsize=256)
def seal_png(seal: Seal, fonts: FontSet) -> bytes:
    """The seal as an RGBA PNG of ``SEAL_PIXELS`` square; drawn once per seal and font set."""
    out = io.BytesIO()
    _draw(seal, fonts).save(out, format="PNG", optimize=False)
    return out.getvalue()
