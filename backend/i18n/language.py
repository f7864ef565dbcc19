"""Which of our two languages a client prefers, from its ``Accept-Language`` (RFC 9110 12.5.4).

Only two answers exist: ``zh`` for any Chinese tag (``zh``, ``zh-CN``, ``zh-Hans``, ``zh-TW``,
…) and ``en`` for everything else. The written Chinese is Simplified; a reader of Traditional
Chinese still reads it better than English.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "zh"]
DEFAULT: Language = "en"


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0  # a malformed weight: the range is not acceptable rather than best
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def negotiate(header: str | None) -> Language:
    """``zh`` when the highest-weighted acceptable range of ``header`` is Chinese, else ``en``.

    Ties go to the range listed first; ``*`` counts as English (our default); ``q=0`` means
    "not acceptable", so ``zh;q=0`` is never chosen. An absent or empty header is ``en``.
    """
    best: tuple[float, Language] | None = None
    for part in (header or "").split(",")[:32]:  # a bounded amount of work on any header
        tag, *parameters = part.split(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = _quality(parameters)
        if q <= 0.0:
            continue
        language: Language = "zh" if tag == "zh" or tag.startswith("zh-") else "en"
        if best is None or q > best[0]:
            best = (q, language)
    return best[1] if best is not None else DEFAULT
