"""Tax taken out of gross fares: the invoice's tax is round(gross × r / (1 + r)) and the lines,
split by largest remainder, add up to it exactly, on awkward amounts too."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from backend.transit.models import TaxRate
from backend.transit.tax import PERCENT, split_tax, tax_of

RATES = [TaxRate.NINE, TaxRate.THREE, TaxRate.EXEMPT]


def exact(gross: int, rate: TaxRate) -> Fraction:
    p = PERCENT[rate]
    return Fraction(gross * p, 100 + p)


def check(grosses: list[int], rate: TaxRate) -> None:
    split = split_tax(grosses, rate)
    total = sum(grosses)
    expected_tax = int(exact(total, rate) + Fraction(1, 2))  # half up, for amounts ≥ 0
    assert split.gross_fen == total
    assert split.tax_fen == expected_tax == tax_of(total, rate)
    assert split.net_fen == total - expected_tax
    assert sum(line.tax_fen for line in split.lines) == split.tax_fen
    assert sum(line.net_fen for line in split.lines) == split.net_fen
    assert sum(line.gross_fen for line in split.lines) == total
    for gross, line in zip(grosses, split.lines, strict=True):
        share = exact(gross, rate)
        assert line.net_fen + line.tax_fen == gross
        assert share - 1 < line.tax_fen < share + 1  # its exact share, rounded down or up
        assert 0 <= line.tax_fen <= gross


@pytest.mark.parametrize("rate", RATES)
def test_every_small_combination_adds_up(rate: TaxRate) -> None:
    awkward = [1, 2, 3, 7, 11, 12, 34, 99, 100, 101, 109, 103, 250, 333, 999]
    for length in (1, 2, 3):
        for grosses in itertools.product(awkward, repeat=length):
            check(list(grosses), rate)


@pytest.mark.parametrize("rate", RATES)
def test_random_invoices_add_up(rate: TaxRate) -> None:
    rng = random.Random(20261127)
    for _ in range(2000):
        grosses = [rng.choice([1, 2, rng.randint(1, 1200)]) for _ in range(rng.randint(1, 50))]
        check(grosses, rate)


def test_one_fen_trips() -> None:
    # Fifty 1-fen trips at 9%: 50 × 9 / 109 = 4.13 → 4 fen, on four of the lines.
    split = split_tax([1] * 50, TaxRate.NINE)
    assert (split.net_fen, split.tax_fen) == (46, 4)
    assert sorted(line.tax_fen for line in split.lines) == [0] * 46 + [1] * 4
    # At 3%: 50 × 3 / 103 = 1.46 → 1 fen; a single 1-fen trip carries no tax.
    assert split_tax([1] * 50, TaxRate.THREE).tax_fen == 1
    assert split_tax([1], TaxRate.THREE).tax_fen == 0
    assert split_tax([1], TaxRate.NINE).tax_fen == 0


def test_known_amounts() -> None:
    assert tax_of(300, TaxRate.NINE) == 25  # 24.77
    assert tax_of(300, TaxRate.THREE) == 9  # 8.74
    assert tax_of(1250, TaxRate.THREE) == 36  # 36.41: 12.50 → 0.36
    assert tax_of(10_000_000, TaxRate.EXEMPT) == 0
    assert tax_of(0, TaxRate.NINE) == 0
    # Ties in the remainders go to the earlier line.
    lines = split_tax([300, 300, 300], TaxRate.NINE).lines
    assert [line.tax_fen for line in lines] == [25, 25, 24]  # 74.31 → 74


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        split_tax([300, -1], TaxRate.NINE)
    with pytest.raises(ValueError):
        tax_of(-1, TaxRate.NINE)
