"""Money as integer fen (分): parsing, formatting, and Chinese capital numerals (大写).

Amounts never pass through float. On the wire an amount is a string with at most two decimals
("123.45"); in storage and arithmetic it is an int of fen.
"""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"(-?)(0|[1-9][0-9]{0,13})(?:\.([0-9]{1,2}))?")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
# Units inside one four-digit group, from the group's lowest digit up.
_GROUP_UNITS = ("", "拾", "佰", "仟")
# Names of the groups, lowest first: 元 units, 万, 亿, 万亿.
_GROUP_NAMES = ("", "万", "亿", "万亿")

MAX_CAPITAL_FEN = 10**18 - 1  # 9999999999999999.99 元: four groups of four digits


class AmountError(ValueError):
    """The text is not an amount of money with at most two decimals."""


def parse_fen(text: str) -> int:
    """Parse ``"123.45"`` into ``12345``.

    Accepts an optional leading minus, no exponent, no thousands separators, at most two
    decimals and at most fourteen integer digits; anything else raises ``AmountError``.
    """
    match = _AMOUNT.fullmatch(text)
    if match is None:
        raise AmountError(f"{text!r} is not an amount such as 123.45")
    sign, yuan, decimals = match.groups()
    fen = int(yuan) * 100 + int((decimals or "").ljust(2, "0"))
    return -fen if sign else fen


def format_fen(fen: int) -> str:
    """Format ``12345`` as ``"123.45"`` and ``-5`` as ``"-0.05"``: always two decimals."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"


def _group_in_capitals(group: int) -> str:
    """Four digits (1..9999) in capitals, with 零 standing for each run of inner zeros."""
    text = ""
    pending_zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            pending_zero = bool(text)
            continue
        if pending_zero:
            text += "零"
            pending_zero = False
        text += _DIGITS[digit] + _GROUP_UNITS[position]
    return text


def _yuan_in_capitals(yuan: int) -> str:
    groups = []  # four-digit groups, lowest first
    while yuan:
        yuan, group = divmod(yuan, 10_000)
        groups.append(group)
    parts: list[str] = []
    zero_pending = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_pending = bool(parts)
            continue
        # A skipped group, or a group with a leading zero under a higher one, reads as one 零.
        if parts and (zero_pending or group < 1000):
            parts.append("零")
        parts.append(_group_in_capitals(group) + _GROUP_NAMES[index])
        zero_pending = False
    return "".join(parts)


def to_capitals(fen: int) -> str:
    """Write an amount in Chinese capital numerals, as on receipts and cheques.

    ``12345`` → 壹佰贰拾叁元肆角伍分; ``100000`` → 壹仟元整; ``1000050`` → 壹万元伍角整;
    ``0`` → 零元整; a negative amount is prefixed with 负. Follows the rules of the People's
    Bank of China for written amounts: 零 stands once for any run of zeros between nonzero
    digits, 整 ends an amount without 分, and an amount below one yuan starts with its 角 or 分.
    Raises ``ValueError`` above 9999999999999999.99 元.
    """
    if abs(fen) > MAX_CAPITAL_FEN:
        raise ValueError("amount too large to write in capitals")
    prefix = "负" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    jiao, fen_digit = divmod(cents, 10)

    yuan_text = _yuan_in_capitals(yuan)
    if not yuan_text and not cents:
        return prefix + "零元整"
    text = yuan_text + "元" if yuan_text else ""
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan_text and fen_digit:
        text += "零"
    if fen_digit:
        text += _DIGITS[fen_digit] + "分"
    else:
        text += "整"
    return prefix + text
