"""Reading stored rows in tests."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet


async def column(query: QuerySet[Any], field: str) -> list[Any]:
    """The ``field`` of each row ``query`` finds, in the query's order.

    What ``values_list(field, flat=True)`` returns; Tortoise's annotations call it a list of
    tuples, which it is only without ``flat``."""
    values: list[Any] = await query.values_list(field, flat=True)
    return values
