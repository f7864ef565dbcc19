"""Builders for the transit tests: an operator, trip rows, imports, invoice requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from backend.issuers.models import IssuerKind, StaffRole
from backend.receipts.schemas import CHINA_STANDARD_TIME
from tests.factories import Actor, issuer_with_staff, staff_of

TRIPS = "/api/v1/transit/trips"
INVOICES = "/api/v1/folder/transit-invoices"
MY_TRIPS = "/api/v1/folder/trips"
CARDS = "/api/v1/folder/cards"
# The tests' clock reads 2026-11-27 10:00 China time; trips are on the days before.
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=CHINA_STANDARD_TIME)


async def metro(app: Starlette) -> Actor:
    """A metro issuer with an operator key."""
    return await issuer_with_staff(
        app, StaffRole.OPERATOR, kind=IssuerKind.TRANSIT, name="广州测试地铁"
    )


async def metro_admin(app: Starlette, operator: Actor) -> Actor:
    return await staff_of(app, operator.issuer_id, StaffRole.ADMIN)


def trip_row(
    n: int,
    *,
    openid: str | None = None,
    card: str | None = None,
    days_ago: float = 1,
    fare: str = "3.00",
    prefix: str = "GZM",
) -> dict[str, Any]:
    exit_at = NOW - timedelta(days=days_ago) + timedelta(seconds=n)
    return {
        "ref": f"{prefix}-{n:08d}",
        "rider": {"openid": openid} if openid else {"card": card},
        "entry": {"station": "体育西路", "at": (exit_at - timedelta(minutes=8)).isoformat()},
        "exit": {"station": "珠江新城", "at": exit_at.isoformat()},
        "fare": fare,
        "channel": "qrcode",
    }


def proof_of(row: dict[str, Any]) -> dict[str, str]:
    """The proof a rider gives of the trip ``row``: its China day, entry station and fare."""
    entered = datetime.fromisoformat(row["entry"]["at"]).astimezone(CHINA_STANDARD_TIME)
    return {
        "date": entered.date().isoformat(),
        "entry_station": row["entry"]["station"],
        "fare": row["fare"],
    }


def bind_body(card: str, row: dict[str, Any]) -> dict[str, Any]:
    """A card binding request proven by the trip ``row``."""
    return {"card": card, "trip": proof_of(row)}


async def import_rows(
    client: httpx.AsyncClient, operator: Actor, rows: list[Any]
) -> dict[str, Any]:
    response = await client.post(TRIPS, json={"trips": rows}, headers=operator.headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def my_trip_ids(client: httpx.AsyncClient, rider: dict[str, str]) -> list[int]:
    """Every un-invoiced trip id of the rider, following the cursor."""
    ids: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        page = await client.get(MY_TRIPS, params=params, headers=rider)
        assert page.status_code == 200, page.text
        ids += [t["id"] for t in page.json()["trips"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return ids


def personal(name: str = "张三") -> dict[str, str]:
    return {"kind": "personal", "name": name}
