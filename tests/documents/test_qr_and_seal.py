"""QR images decode back to their text; the seal is a red, round, cached picture."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from PIL import Image

from backend.documents.fonts import FontSet
from backend.documents.model import Seal
from backend.documents.qr import qr_matrix, qr_png, qr_svg
from backend.documents.seal import RING_GAP, RING_INNER, SEAL_PIXELS, seal_png
from tests.documents.support import decode_qr

URL = "https://piaojia.example.cn/s/Xk3LqP9aB2mZr7TvWc4YhN8eJd6Fs1Gu"


def test_png_decodes_to_the_text(tmp_path: Path) -> None:
    path = tmp_path / "qr.png"
    path.write_bytes(qr_png(URL, box=4))
    assert decode_qr(path) == [URL]


def test_svg_is_an_svg_of_the_same_code() -> None:
    svg = qr_svg(URL)
    assert svg.startswith(b"<?xml") or b"<svg" in svg[:200]
    assert b"<path" in svg


def test_matrix_has_a_quiet_zone_and_ecc_m_capacity() -> None:
    matrix = qr_matrix(URL)
    assert len(matrix) == len(matrix[0])
    assert not any(matrix[0]) and not any(row[0] for row in matrix)
    assert len(matrix) == 33 + 8  # version 4 at level M holds this 62-byte URL


def test_seal_is_a_round_red_transparent_image_drawn_once(fonts: FontSet) -> None:
    seal = Seal("广州市第一人民医院")
    png = seal_png(seal, fonts)
    assert seal_png(Seal("广州市第一人民医院"), fonts) is png
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (SEAL_PIXELS, SEAL_PIXELS)
        assert image.mode == "RGBA"
        corner = image.getpixel((2, 2))
        assert isinstance(corner, tuple) and corner[3] == 0  # transparent outside the ring
        red = image.getpixel((SEAL_PIXELS // 2, SEAL_PIXELS // 2))  # the star's centre
        assert isinstance(red, tuple) and red[0] > 180 and red[1] < 80 and red[3] > 180


def _inked_radii(png: bytes) -> list[float]:
    """The distance from the centre, in radii, of every clearly inked pixel of a seal."""
    with Image.open(io.BytesIO(png)) as image:
        alpha = image.getchannel("A")
        centre = image.width / 2
        return [
            math.hypot(x + 0.5 - centre, y + 0.5 - centre) / centre
            for y in range(image.height)
            for x in range(image.width)
            if alpha.getpixel((x, y)) > 64  # type: ignore[operator]
        ]


@pytest.mark.parametrize(
    "name",
    [
        "广州市第一人民医院",
        "广州地铁集团有限公司",
        "广州医院",
        "广州市番禺区中医院附属第二门诊部有限公司",
    ],
)
def test_the_name_keeps_clear_of_the_ring(fonts: FontSet, name: str) -> None:
    """No ink between the name's characters (the first and last included) and the ring: the
    band just inside the ring's inner edge is empty all the way round."""
    radii = _inked_radii(seal_png(Seal(name), fonts))
    pixel = 1 / (SEAL_PIXELS / 2)
    band = (RING_INNER - RING_GAP + 2 * pixel, RING_INNER - 2 * pixel)  # minus smoothing
    assert band[1] - band[0] > 0.05  # a gap of about 1 mm on the 27 mm seal
    assert not [r for r in radii if band[0] < r < band[1]]
    assert any(r > RING_INNER for r in radii)  # the ring itself is there
    assert any(RING_INNER - RING_GAP - 0.1 < r <= band[0] for r in radii)  # and the name near it
