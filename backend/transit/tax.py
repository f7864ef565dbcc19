"""VAT on metro fares: fares are gross (价税合计); tax is taken out of them.

For a rate r = p/100: total tax = round(gross_total × r / (1 + r)) to the fen, rounding half up
(四舍五入); net = gross − tax. The total tax is then spread over the lines by the largest
remainder method, so that each line's tax is its exact share rounded down or up and the lines
add up to the invoice's tax, net and gross exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.transit.models import TaxRate

PERCENT = {TaxRate.NINE: 9, TaxRate.THREE: 3, TaxRate.EXEMPT: 0}


@dataclass(frozen=True, slots=True)
class LineTax:
    gross_fen: int
    net_fen: int
    tax_fen: int


@dataclass(frozen=True, slots=True)
class TaxSplit:
    lines: tuple[LineTax, ...]
    gross_fen: int
    net_fen: int
    tax_fen: int


def tax_of(gross_fen: int, rate: TaxRate) -> int:
    """round(gross × p / (100 + p)) in integers, half up; ``gross_fen`` must not be negative."""
    if gross_fen < 0:
        raise ValueError("tax is computed on a gross amount of zero or more")
    p = PERCENT[rate]
    # floor((2·G·p + (100+p)) / (2·(100+p))) is G·p/(100+p) rounded half up, without floats.
    return (2 * gross_fen * p + 100 + p) // (2 * (100 + p))


def split_tax(grosses: list[int], rate: TaxRate) -> TaxSplit:
    """The invoice's tax from the sum of ``grosses``, spread over the lines.

    Guarantees: the line taxes add up to ``tax_of(sum(grosses))``; each line's tax is its exact
    share (gross × p / (100 + p)) rounded down or up, so 0 ≤ tax ≤ gross on every line; ties in
    the remainders go to the earlier line, so the result is deterministic.
    """
    if any(g < 0 for g in grosses):
        raise ValueError("fares are not negative")
    p = PERCENT[rate]
    denominator = 100 + p
    total = sum(grosses)
    total_tax = tax_of(total, rate)
    floors = [g * p // denominator for g in grosses]
    remainders = [g * p % denominator for g in grosses]
    extra = total_tax - sum(floors)
    # The lines with the largest cut-off fractions get one fen more; stable sort keeps the order
    # among equal fractions.
    ranked = sorted(range(len(grosses)), key=lambda i: -remainders[i])
    taxes = list(floors)
    for index in ranked[:extra]:
        taxes[index] += 1
    lines = tuple(LineTax(g, g - t, t) for g, t in zip(grosses, taxes, strict=True))
    return TaxSplit(lines=lines, gross_fen=total, net_fen=total - total_tax, tax_fen=total_tax)
