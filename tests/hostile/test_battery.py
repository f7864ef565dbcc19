"""Hostile requests get a 4xx with the error shape and write nothing, on SQLite and PostgreSQL.

Each group below walks every endpoint and console page that takes that kind of input (found
from the routes): NUL and other control characters in every text field, days at the ends of the
calendar in every ``from``/``to``, list cursors of year 1 and 9999, malformed tile paths, and
numbers past int64, negative or not numbers at all.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.factories import receipt_request
from tests.hostile.support import World, row_counts

Case = tuple[str, str, str, dict[str, Any]]  # (caller, method, url, httpx keywords)

BAD_TEXT = ["a\x00b", "\x00", "a\x01b", "a\x1bb", "a\x7fb", "a\u202eb", "a\nb"]
HUGE = "99999999999999999999"
BAD_INTS = [HUGE, "-1", "NaN", "1e3", "9223372036854775808", ""]

DATED_API = [  # (caller, path) of every endpoint that takes from/to days
    ("cashier", "/api/v1/hospital/receipts"),
    ("cashier", "/api/v1/issuer/stats"),
    ("cashier", "/api/v1/issuer/receipts"),
    ("cashier", "/api/v1/issuer/receipts.csv"),
    ("operator", "/api/v1/transit/stats"),
    ("user", "/api/v1/folder/receipts"),
    ("user", "/api/v1/folder/totals"),
    ("user", "/api/v1/folder/trips"),
]
DATED_PAGES = ["/console/receipts", "/console/dashboard", "/console/dashboard/receipts.csv"]
EXTREME_DAYS = [
    {"from": "0001-01-01"},
    {"to": "9999-12-31"},
    {"from": "0001-01-01", "to": "9999-12-31"},
    {"from": "9999-12-31"},
    {"to": "0001-01-01"},
    {"from": "1899-12-31"},
]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursors(key: str) -> list[str]:
    times = [
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31T23:59:59.999999+00:00",
    ]
    return [_b64(f"{t}|{key}") for t in times] + [f"{t}|{key}".encode().hex() for t in times]


def dates(w: World) -> Iterator[Case]:
    for caller, path in DATED_API:
        for params in EXTREME_DAYS:
            yield caller, "GET", path, {"params": params}
    for path in DATED_PAGES:
        for params in EXTREME_DAYS:
            yield "console_admin", "GET", path, {"params": params}


def cursors(w: World) -> Iterator[Case]:
    receipt = w.receipt_id
    for caller, path, key in [
        ("cashier", "/api/v1/hospital/receipts", receipt),
        ("cashier", "/api/v1/issuer/receipts", receipt),
        ("user", "/api/v1/folder/receipts", receipt),
        ("user", "/api/v1/folder/trips", str(w.trip_id)),
        ("user", "/api/v1/folder/trips", HUGE),
        ("console_admin", "/console/receipts", receipt),
    ]:
        for cursor in _cursors(key):
            yield caller, "GET", path, {"params": {"cursor": cursor}}


def _paths(body: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(body, dict):
        for key, value in body.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from _paths(value, (*prefix, index))
    elif isinstance(body, str):
        yield prefix


def _with(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return changed


def _every_text(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``body`` with each of its strings in turn spoilt by each bad text."""
    for path in _paths(body):
        for bad in BAD_TEXT:
            yield _with(body, path, bad)


def json_bodies(w: World) -> Iterator[Case]:
    r = w.receipt_id
    ref = {"code": w.code, "number": w.number, "check": w.check}
    title = {"kind": "company", "name": "广州某某有限公司", "tax_id": "91440101MA5CXXXX1X"}
    proof = {"date": "2026-11-26", "entry_station": "体育西路", "fare": "3.00"}
    bodies: list[tuple[str, str, str, dict[str, Any]]] = [
        ("cashier", "POST", "/api/v1/hospital/receipts", receipt_request()),
        ("cashier", "POST", f"/api/v1/hospital/receipts/{r}/reversal", {"reason": "开错了"}),
        ("nobody", "POST", "/api/v1/wx/login", {"code": "demo-someone"}),
        ("user", "POST", "/api/v1/folder/receipts", {"scan_token": w.scan_token}),
        ("user", "POST", f"/api/v1/folder/receipts/{r}/email", {"to": "a@example.com"}),
        ("nobody", "POST", f"/s/{w.scan_token}/email", {"to": "a@example.com"}),
        ("reimburser", "POST", "/api/v1/reimbursements/lock", ref),
        ("reimburser", "POST", "/api/v1/reimbursements/unlock", ref),
        ("reimburser", "POST", "/api/v1/reimbursements/close", ref),
        ("user", "POST", "/api/v1/folder/cards", {"card": "31012345", "trip": proof}),
        ("user", "POST", "/api/v1/folder/transit-invoices", {"trips": [w.trip_id], "title": title}),
        ("operator", "POST", f"/api/v1/transit/invoices/{r}/reversal", {"reason": "开错了"}),
        ("operator", "PUT", "/api/v1/transit/settings", {"tax_rate": "0.09"}),
    ]
    trip = {
        "ref": "T-1",
        "rider": {"openid": "o6_bmjrPTlm6"},
        "entry": {"station": "体育西路", "at": "2026-11-26T08:01:00+08:00"},
        "exit": {"station": "珠江新城", "at": "2026-11-26T08:09:00+08:00"},
        "fare": "3.00",
        "channel": "qrcode",
    }
    for caller, method, path, body in bodies:
        for spoilt in _every_text(body):
            yield caller, method, path, {"json": spoilt}
    # A trip batch refuses bad rows one by one, in the answer; a NUL must not go in.
    for spoilt in _every_text(trip):
        yield "operator", "POST", "/api/v1/transit/trips", {"json": {"trips": [spoilt]}}
    for when in ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]:
        early = _with(_with(trip, ("entry", "at"), when), ("exit", "at"), when)
        yield "operator", "POST", "/api/v1/transit/trips", {"json": {"trips": [early]}}
    # A lone surrogate, escaped in the JSON text, cannot be stored as UTF-8.
    for escaped in ["\\ud800", "a\\udfffb", "\\u0000"]:
        for field in ("name", "unit"):
            item = {"category": "西药费", "name": "x", "quantity": "1", "unit": "盒"}
            item["amount"] = "1.00"
            cash = {"fund": "0.00", "other": "0.00", "account": "0.00", "cash": "1.00"}
            body = receipt_request(items=[item], payment=cash, total="1.00")
            raw = json.dumps(body, ensure_ascii=False)
            raw = raw.replace(f'"{field}": "{item[field]}"', f'"{field}": "{escaped}"')
            assert escaped in raw
            yield (
                "cashier",
                "POST",
                "/api/v1/hospital/receipts",
                {
                    "content": raw.encode(),
                    "headers": {"content-type": "application/json"},
                },
            )
    for day in ["0001-01-01", "9999-12-31"]:
        visit = {"type": "outpatient", "number": "MZ1", "department": "内科", "start_date": day}
        yield "cashier", "POST", "/api/v1/hospital/receipts", {"json": receipt_request(visit=visit)}
        yield "reimburser", "POST", "/api/v1/reimbursements/lock", {"json": {**ref, "date": day}}


def queries(w: World) -> Iterator[Case]:
    """Text in query strings and paths."""
    for bad in BAD_TEXT[:3]:
        yield "cashier", "GET", "/api/v1/hospital/receipts", {"params": {"payer": bad}}
        yield "cashier", "GET", "/api/v1/issuer/receipts", {"params": {"state": bad}}
        yield "console_admin", "GET", "/console/receipts", {"params": {"payer": bad}}
        yield "console_admin", "GET", "/console/receipts", {"params": {"status": bad}}
        yield "user", "GET", "/api/v1/folder/receipts", {"params": {"q": bad}}
        for field in ("code", "number", "check", "date", "amount"):
            ref = {"code": w.code, "number": w.number, "check": w.check, field: bad}
            yield "nobody", "GET", "/api/v1/verify", {"params": ref}
            yield "nobody", "GET", "/verify", {"params": ref}
        quoted = quote(bad, safe="")
        yield "nobody", "GET", f"/s/{quoted}", {}
        yield "nobody", "GET", f"/s/{quoted}/proof", {}
        yield "nobody", "GET", f"/s/{quoted}/receipt.pdf", {}
        yield "nobody", "POST", f"/s/{quoted}/email", {"json": {"to": "a@example.com"}}
        yield "cashier", "GET", f"/api/v1/hospital/receipts/{quoted}", {}
        yield "cashier", "GET", f"/api/v1/hospital/receipts/{quoted}/qr.png", {}
        yield "cashier", "GET", f"/api/v1/issuer/receipts/{quoted}/events", {}
        yield "user", "GET", f"/api/v1/folder/receipts/{quoted}", {}
        yield "user", "DELETE", f"/api/v1/folder/receipts/{quoted}", {}
        yield "user", "GET", f"/api/v1/folder/receipts/{quoted}/receipt.pdf", {}
        yield "console_admin", "GET", f"/console/receipts/{quoted}", {}


def forms(w: World) -> Iterator[Case]:
    """Console forms, with a valid CSRF token, with a bad character in each field."""
    staff = {"name": "王五", "role": "cashier", "login": "wangwu01", "password": "long enough pw"}
    for path, fields in [
        ("/console/staff", staff),
        ("/console/reminder", {"after_days": "7"}),
        (f"/console/receipts/{w.receipt_id}/reversal", {"reason": "开错了"}),
        ("/console/receipts", {"payer_name": "张三", "rows": "1"}),
    ]:
        for name in fields:
            for bad in BAD_TEXT[:4]:
                form = fields | {name: bad, "csrf_token": w.csrf}
                yield "console_admin", "POST", path, {"data": form}


def numbers(w: World) -> Iterator[Case]:
    r = w.receipt_id
    for bad in BAD_INTS:
        for caller, path in [
            ("cashier", "/api/v1/hospital/receipts"),
            ("cashier", "/api/v1/issuer/receipts"),
            ("user", "/api/v1/folder/receipts"),
            ("user", "/api/v1/folder/trips"),
        ]:
            yield caller, "GET", path, {"params": {"limit": bad}}
        yield "cashier", "GET", "/api/v1/issuer/stats", {"params": {"unopened_days": bad}}
        yield "nobody", "GET", "/ledger/proof/inclusion", {"params": {"index": bad}}
        yield "nobody", "GET", "/ledger/proof/inclusion", {"params": {"index": "0", "size": bad}}
        yield "nobody", "GET", "/ledger/proof/consistency", {"params": {"from": bad}}
        yield "nobody", "GET", "/ledger/proof/consistency", {"params": {"from": "0", "to": bad}}
        if bad:  # a blank field means the default
            yield "console_admin", "GET", "/console/dashboard", {"params": {"unopened_days": bad}}
        yield "console_admin", "GET", "/console/receipts/new", {"params": {"rows": bad}}
    title = {"kind": "personal", "name": "张三"}
    for raw in [HUGE, "-1", "0", "1e400", "NaN", "Infinity", "1.5", '"1"', "true"]:
        yield (
            "user",
            "POST",
            "/api/v1/folder/transit-invoices",
            {
                "content": f'{{"trips": [{raw}], "title": {{"kind": "personal", "name": "张三"}}}}',
                "headers": {"content-type": "application/json"},
            },
        )
        for field in ("max_trips", "window_days"):
            yield (
                "metro_admin",
                "PUT",
                "/api/v1/transit/settings",
                {
                    "content": f'{{"tax_rate": "0.09", "{field}": {raw}}}',
                    "headers": {"content-type": "application/json"},
                },
            )
        yield (
            "admin",
            "PUT",
            "/api/v1/issuer/reminder",
            {
                "content": f'{{"enabled": true, "after_days": {raw}}}',
                "headers": {"content-type": "application/json"},
            },
        )
        yield (
            "admin",
            "PUT",
            "/api/v1/verify/rule",
            {
                "content": f'{{"elements": {raw}}}',
                "headers": {"content-type": "application/json"},
            },
        )
    del title
    for amount in [HUGE + ".00", "-0.01", "1e3", "NaN", "0.001", "100000000.01"]:
        body = receipt_request(total=amount)
        yield "cashier", "POST", "/api/v1/hospital/receipts", {"json": body}
        yield (
            "nobody",
            "GET",
            "/api/v1/verify",
            {"params": {"code": w.code, "number": w.number, "check": w.check, "amount": amount}},
        )
    yield (
        "cashier",
        "POST",
        f"/api/v1/hospital/receipts/{uuid.uuid4()}/reversal",
        {"json": {"reason": "x" * 201}},
    )
    del r


def tiles(w: World) -> Iterator[Case]:
    deep = "/".join(["x001"] * 10)
    for path in [
        f"0/{deep}/999",
        "0/x001/x010/999",
        "0/" + "9" * 30,
        "64/000",
        "-1/000",
        "0/000.p/0",
        "0/000.p/256",
        "0/000.p/" + HUGE,
        "entries/" + deep + "/999",
        "0/0000",
        "0/x1000/000",
        "0/%00",
        "0/000/extra/",
        "",
        "/",
        "0/x000/000",
    ]:
        yield "nobody", "GET", f"/ledger/tile/{path}", {}


GROUPS: dict[str, Callable[[World], Iterator[Case]]] = {
    "dates": dates,
    "cursors": cursors,
    "json_bodies": json_bodies,
    "queries": queries,
    "forms": forms,
    "numbers": numbers,
    "tiles": tiles,
}


async def _send(w: World, case: Case) -> httpx.Response:
    caller, method, url, keywords = case
    if caller == "console_admin":
        return await w.console_admin.request(method, url, **keywords)
    headers = {} if caller == "nobody" else dict(getattr(w, caller))
    headers.update(keywords.pop("headers", {}))
    return await w.client.request(method, url, headers=headers, **keywords)


def _refused_properly(case: Case, response: httpx.Response) -> str | None:
    if case[2] == "/api/v1/transit/trips" and response.status_code == 200:
        # A batch refuses its bad rows one by one, in the answer.
        answer = response.json()
        return None if answer["new"] == 0 and answer["rejected"] else f"taken: {answer}"
    if not 400 <= response.status_code < 500:
        return f"{response.status_code}: {response.text[:200]}"
    if case[0] == "console_admin" or case[2].startswith("/verify"):
        return None  # a page for people: an HTML error page (its own tests check the text)
    if case[2].startswith("/s/") and "text/html" in response.headers.get("content-type", ""):
        return None
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} without the error shape: {response.text[:200]}"
    if not (isinstance(error.get("code"), str) and error.get("message")):
        return f"error without code and message: {error}"
    return None


@pytest.mark.parametrize("group", sorted(GROUPS))
async def test_hostile_requests_are_refused_and_write_nothing(world: World, group: str) -> None:
    problems: list[str] = []
    cases = list(GROUPS[group](world))
    assert len(cases) > 10
    for case in cases:
        before = await row_counts()
        response = await _send(world, copy.deepcopy(case))
        after = await row_counts()
        problem = _refused_properly(case, response)
        written = {t: after[t] - before[t] for t in after if after[t] != before.get(t)}
        if written:
            problem = f"{problem or response.status_code}; wrote {written}"
        if problem:
            problems.append(f"{case[1]} {case[2]} {case[3]!r:.300}: {problem}")
    assert not problems, f"{len(problems)} of {len(cases)}:\n" + "\n".join(problems)
