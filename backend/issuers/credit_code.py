"""统一社会信用代码 (unified social credit code), GB 32100-2015.

Eighteen characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V):
registration authority, organisation kind, six-digit region, nine-character organisation code,
and a check character computed modulo 31 over the first seventeen.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SHAPE = re.compile(f"[{ALPHABET}]{{18}}")


def check_character(first17: str) -> str:
    """The check character for the first seventeen characters of a code."""
    if len(first17) != 17 or any(c not in ALPHABET for c in first17):
        raise ValueError("expected 17 characters of the GB 32100 alphabet")
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True when ``code`` is 18 characters of the GB 32100 alphabet with a correct check."""
    return bool(_SHAPE.fullmatch(code)) and check_character(code[:17]) == code[17]
