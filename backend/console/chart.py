"""The dashboard's chart, drawn server-side as SVG: receipts per day, stacked by state.

No scripts: each bar segment carries its numbers as ``data-`` attributes and a ``<title>`` for
the tooltip. All text goes through escaping, so nothing from the data can inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape, quoteattr

COLOURS = {
    "unopened": "#9ca3af",
    "opened": "#60a5fa",
    "claimed": "#2563eb",
    "verified": "#8b5cf6",
    "locked": "#f59e0b",
    "closed": "#0f7b3e",
    "reversed": "#c8161d",
    "red": "#f87171",
}

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 12, 28


def _nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``value`` (and at least 1)."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10


def per_day_svg(
    per_day: Sequence[tuple[date, dict[str, int]]],
    states: Sequence[str],
    labels: dict[str, str],
) -> str:
    """An SVG stacked bar chart of ``per_day`` (days in order, counts by state).

    Guarantees: one ``<g class="bar" data-day=… data-total=…>`` per day, one ``<rect
    data-state=… data-count=…>`` per non-zero state in it, heights proportional to the counts
    on a shared axis starting at zero, and a legend of ``states`` with their ``labels``."""
    peak = _nice_ceiling(max((sum(c.values()) for _, c in per_day), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(per_day), 1)
    bar_w = max(min(slot * 0.7, 40), 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 24}"'
        ' role="img" aria-label="每日开票数（按去向）" preserveAspectRatio="xMidYMid meet">',
        '<g class="axis" font-size="10" fill="#6b7280">',
    ]
    for tick in (0, peak // 2, peak) if peak > 1 else (0, peak):
        y = TOP + plot_h - plot_h * tick / peak
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{tick}</text>'
        )
    parts.append("</g>")
    label_every = max(1, round(len(per_day) / 10))
    for index, (day, counts) in enumerate(per_day):
        total = sum(counts.values())
        x = LEFT + slot * index + (slot - bar_w) / 2
        parts.append(
            f'<g class="bar" data-day="{day.isoformat()}" data-total="{total}">'
            f"<title>{day.isoformat()}：{total} 张</title>"
        )
        y = TOP + plot_h
        for state in states:
            count = counts.get(state, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            title = escape(f"{day.isoformat()} {labels.get(state, state)}：{count}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS.get(state, "#374151")}" data-state={quoteattr(state)} '
                f'data-count="{count}"><title>{title}</title></rect>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h + 14}" font-size="10" '
                f'text-anchor="middle" fill="#6b7280">{day:%m-%d}</text>'
            )
        parts.append("</g>")
    legend_x = LEFT
    for state in states:
        label = escape(labels.get(state, state))
        parts.append(
            f'<g class="legend"><rect x="{legend_x}" y="{HEIGHT + 8}" width="10" height="10" '
            f'fill="{COLOURS.get(state, "#374151")}"/><text x="{legend_x + 14}" y="{HEIGHT + 17}" '
            f'font-size="11" fill="#1f2328">{label}</text></g>'
        )
        legend_x += 14 + 12 * len(labels.get(state, state)) + 14
    parts.append("</svg>")
    return "".join(parts)
