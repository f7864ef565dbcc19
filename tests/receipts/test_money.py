from __future__ import annotations

import pytest

from backend.receipts.money import AmountError, format_fen, parse_fen, to_capitals


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("0.00", 0),
        ("85.6", 8560),
        ("85.60", 8560),
        ("123.45", 12345),
        ("-0.05", -5),
        ("99999999999999.99", 9_999_999_999_999_999),
    ],
)
def test_parse_fen(text: str, fen: int) -> None:
    assert parse_fen(text) == fen


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1.234",
        "01",
        "1e3",
        "1,000.00",
        " 1",
        "1 ",
        "+1",
        "NaN",
        ".5",
        "5.",
        "１２",
        "--1",
        "100000000000000",
    ],
)
def test_parse_fen_rejects(text: str) -> None:
    with pytest.raises(AmountError):
        parse_fen(text)


@pytest.mark.parametrize(
    ("fen", "text"),
    [(0, "0.00"), (5, "0.05"), (8560, "85.60"), (-8560, "-85.60"), (-5, "-0.05"), (100, "1.00")],
)
def test_format_fen(fen: int, text: str) -> None:
    assert format_fen(fen) == text
    assert parse_fen(text) == fen


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (0, "零元整"),
        (12345, "壹佰贰拾叁元肆角伍分"),
        (71900, "柒佰壹拾玖元整"),  # exact yuan
        (100, "壹元整"),
        (150, "壹元伍角整"),  # 角 without 分
        (5, "伍分"),  # below one yuan
        (55, "伍角伍分"),
        (105, "壹元零伍分"),  # zero 角 between yuan and 分
        (100001, "壹仟元零壹分"),
        (1010101, "壹万零壹佰零壹元零壹分"),  # zeros in the middle, each run read once
        (100010000, "壹佰万零壹佰元整"),  # zeros across the 万 boundary
        (10000100, "壹拾万零壹元整"),
        (1000000100, "壹仟万零壹元整"),
        (1000000, "壹万元整"),
        (10000000000, "壹亿元整"),  # above 亿
        (10100000000, "壹亿零壹佰万元整"),
        (10000000100, "壹亿零壹元整"),  # an empty 万 group in between
        (11000000000, "壹亿壹仟万元整"),
        (123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元壹角贰分"),
        (-8560, "负捌拾伍元陆角整"),
    ],
)
def test_capitals(fen: int, capitals: str) -> None:
    assert to_capitals(fen) == capitals


def test_capitals_refuses_amounts_beyond_wan_yi() -> None:
    assert to_capitals(10**18 - 1).startswith("玖仟玖佰玖拾玖万亿")
    with pytest.raises(ValueError):
        to_capitals(10**18)
