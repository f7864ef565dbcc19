"""A metro rider's path in Chromium on a phone, against a real server in demo mode.

``piaojia demo`` seeds the demo metro and its operator key; the operator imports trips for a
demo rider over the API (the rider is the openid the demo code ``demo-lihua`` logs in as). The
rider logs in on the folder page, opens 乘车开票, picks three trips, enters a company title
(first with a wrong 统一社会信用代码, which the page explains, then the right one) and an email
address, and submits; the invoice shows up in the folder and its PDF arrives in the demo mail
sink. Binding a transit card on the page takes the date, entry station and fare of a trip on
it (a wrong fare is refused in Chinese); the right ones bring that card's trip in. Screenshots
of each step are kept under the test's tmp_path and in /tmp/piaojia-e2e/.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Page, expect

from backend.auth.standin import demo_openid
from backend.receipts.schemas import CHINA_STANDARD_TIME
from tests.documents.support import render_page, text_of, write
from tests.e2e.support import (
    Server,
    fits_the_screen,
    keep,
    phone,
    shot,
    wait_for_mail,
)
from tests.factories import credit_code

METRO = "广州示范地铁有限公司"  # seeded by `piaojia demo`
RIDER = "lihua"
COMPANY = "广州示范科技有限公司"
COMPANY_CODE = credit_code(4242)
RIDER_EMAIL = "finance@example.com"
# (entry, exit, fare): newest trip first, as the page lists them.
RIDES = [
    ("体育西路", "珠江新城", "3.00"),
    ("公园前", "广州南站", "7.00"),
    ("客村", "机场北（2号航站楼）", "8.00"),
    ("珠江新城", "体育西路", "3.00"),
    ("万胜围", "嘉禾望岗", "6.00"),
]
PICKED = (1, 2, 4)  # 7.00 + 8.00 + 6.00
CARD = "3101234567"  # a transit card the rider binds on the page
OLDER = 18  # older trips, so that the list needs 加载更多 (the page shows 20 at a time)
PER_PAGE = 20


def trips_of(openid: str, prefix: str) -> list[dict[str, Any]]:
    now = datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0)
    rows = []
    for n, (entry, exit_, fare) in enumerate(RIDES):
        exit_at = now - timedelta(days=n + 1, hours=2)
        rows.append(
            {
                "ref": f"{prefix}-{n:04d}",
                "rider": {"openid": openid},
                "entry": {"station": entry, "at": (exit_at - timedelta(minutes=25)).isoformat()},
                "exit": {"station": exit_, "at": exit_at.isoformat()},
                "fare": fare,
                "channel": "qrcode",
            }
        )
    return rows


def older_trips(openid: str) -> list[dict[str, Any]]:
    now = datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0)
    rows = []
    for n in range(OLDER):
        exit_at = now - timedelta(days=10 + n)
        rows.append(
            {
                "ref": f"GZM-OLD-{n:04d}",
                "rider": {"openid": openid},
                "entry": {
                    "station": "天河客运站",
                    "at": (exit_at - timedelta(minutes=6)).isoformat(),
                },
                "exit": {"station": "五山", "at": exit_at.isoformat()},
                "fare": "2.00",
                "channel": "qrcode",
            }
        )
    return rows


def card_trip() -> dict[str, Any]:
    exit_at = datetime.now(CHINA_STANDARD_TIME).replace(microsecond=0) - timedelta(hours=12)
    return {
        "ref": "GZM-CARD-0001",
        "rider": {"card": CARD},
        "entry": {"station": "西门口", "at": (exit_at - timedelta(minutes=10)).isoformat()},
        "exit": {"station": "农讲所", "at": exit_at.isoformat()},
        "fare": "2.00",
        "channel": "card",
    }


def operator_key(server: Server) -> str:
    """Seed the demo issuers as ``make run`` does; the metro operator's key from the key file."""
    server.piaojia("demo")
    keys = dict(
        line.split("=", 1)
        for line in (server.workdir / "var" / "demo-keys.env").read_text().splitlines()
    )
    return keys["PIAOJIA_DEMO_OPERATOR_KEY"]


async def trip_routes(page: Page) -> list[str]:
    return [t.strip() for t in await page.locator("#trip-list .trip .route").all_inner_texts()]


async def test_rider_picks_trips_and_gets_a_company_invoice_by_email(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    shot_dir = tmp_path / server.env["PIAOJIA_DATABASE_URL"].split(":")[0]
    shot_dir.mkdir()
    operator = {"Authorization": f"Bearer {operator_key(server)}"}

    # The fare system's trips: five by the rider's ride QR code, one of someone else's, and one
    # on a transit card nobody has bound yet.
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
        rows = trips_of(demo_openid(RIDER), "GZM-E2E") + trips_of(demo_openid("other"), "GZM-X")[:1]
        rows += [*older_trips(demo_openid(RIDER)), card_trip()]
        imported = await http.post("/api/v1/transit/trips", json={"trips": rows}, headers=operator)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"new": 7 + OLDER, "duplicates": 0, "rejected": []}

    context = await phone(browser)
    page = await context.new_page()

    # A demo login on the folder page: an empty folder, and the 乘车开票 tab.
    opened = await page.goto(f"{server.url}/h5/folder")
    assert opened is not None and opened.status == 200
    await page.fill("#login-name", RIDER)
    await page.tap("#login-submit")
    await page.locator("#empty").wait_for(state="visible")
    assert await page.locator("#tabs").is_visible()
    await shot(page, shot_dir, "rider-01-folder")

    await page.tap("#tab-trips")
    rows_shown = page.locator("#trip-list .trip")
    await rows_shown.first.wait_for()
    # A page of 20, then 加载更多 for the rest; neither the other rider's trip nor the
    # unbound card's is among them.
    assert await rows_shown.count() == PER_PAGE
    more = page.locator("#trips-more")
    assert await more.is_visible()
    await more.tap()
    await rows_shown.nth(len(RIDES) + OLDER - 1).wait_for()
    assert await rows_shown.count() == len(RIDES) + OLDER
    assert await more.is_hidden()
    routes = await trip_routes(page)
    assert routes == [f"{a} → {b}" for a, b, _ in RIDES] + ["天河客运站 → 五山"] * OLDER
    fares = await page.locator("#trip-list .trip .fare").all_inner_texts()
    assert fares[: len(RIDES)] == [f"¥{fare}" for _, _, fare in RIDES]
    assert "乘车码" in await rows_shown.first.locator(".when").inner_text()
    assert page.url.endswith("/h5/folder#trips")
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "rider-02-trips")

    # Three trips picked: the bar sums them, the button says what it will do.
    for index in PICKED:
        await rows_shown.nth(index).locator("input[type=checkbox]").check()
    assert (await page.inner_text("#picked-count")) == "3"
    assert (await page.inner_text("#picked-total")) == "¥21.00"
    assert "3 笔" in await page.inner_text("#invoice-submit")
    # What the phone shows: the bar stays at the bottom of the screen over the list.
    bar = await page.locator("#picked-bar").bounding_box()
    assert bar is not None and bar["y"] + bar["height"] <= 844 + 1
    await shot(page, shot_dir, "rider-03-picked", full_page=False)
    await page.tap("#to-invoice")
    await expect(page.locator("#title-name")).to_be_in_viewport()

    # 单位: a name and a credit code whose check character is wrong.
    await page.locator("#kind-company-label").tap()
    await page.locator("#title-tax-id").wait_for(state="visible")
    assert (await page.inner_text("#title-name-label")) == "单位名称"
    await page.fill("#title-name", COMPANY)
    wrong = COMPANY_CODE[:17] + ("0" if COMPANY_CODE[17] != "0" else "1")
    await page.fill("#title-tax-id", wrong.lower())
    await page.fill("#invoice-email", RIDER_EMAIL)
    async with page.expect_response("**/api/v1/folder/transit-invoices") as answering:
        await page.tap("#invoice-submit")
    refused = await answering.value
    assert refused.status == 422
    problem = page.locator("#invoice-error")
    await problem.wait_for(state="visible")
    assert "统一社会信用代码不正确" in await problem.inner_text()
    assert await page.get_attribute("#title-tax-id", "aria-invalid") == "true"
    assert await page.input_value("#title-tax-id") == wrong  # upper-cased for the rider
    assert (await page.inner_text("#picked-count")) == "3"  # the choice is kept
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "rider-04-wrong-code")

    # The right code: the invoice is issued and the folder shows it.
    await page.fill("#title-tax-id", COMPANY_CODE)
    assert await page.get_attribute("#title-tax-id", "aria-invalid") is None
    async with page.expect_response("**/api/v1/folder/transit-invoices") as answering:
        await page.tap("#invoice-submit")
    issued = await answering.value
    assert issued.status == 201
    invoice = await issued.json()
    notice = page.locator("#invoiced")
    await notice.wait_for(state="visible")
    said = await notice.inner_text()
    assert "发票已开具" in said and "¥21.00" in said and COMPANY in said
    assert "f***@example.com" in said and RIDER_EMAIL not in said
    row = page.locator(f"#receipt-list .receipt[data-id='{invoice['receipt']['id']}']")
    await row.wait_for()
    assert await page.locator("#receipt-list .receipt").count() == 1
    assert (await row.get_attribute("data-kind")) == "transit"
    assert "added" in (await row.get_attribute("class") or "")
    assert (await row.locator(".issuer").inner_text()) == METRO
    assert (await row.locator(".total").inner_text()) == "¥21.00"
    assert "交通发票" in await row.locator(".sub").inner_text()
    assert (await row.locator(".badge").inner_text()) == "有效"
    await page.locator("#summary").wait_for(state="visible")
    assert (await page.inner_text("#total-count")) == "1"
    assert (await page.inner_text("#total-amount")) == "¥21.00"
    assert await page.locator("#pane-trips").is_hidden()
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "rider-05-invoiced")

    # The invoiced trips have left the list; on a 360 px phone it still fits.
    await page.set_viewport_size({"width": 360, "height": 740})
    await page.tap("#tab-trips")
    await page.locator("#trips-loading").wait_for(state="hidden")
    assert (await trip_routes(page))[:2] == [
        f"{a} → {b}" for i, (a, b, _) in enumerate(RIDES) if i not in PICKED
    ]
    assert await rows_shown.count() == PER_PAGE  # exactly the 20 left: no more to load
    assert await more.is_hidden()
    assert (await page.inner_text("#picked-count")) == "0"
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "rider-06-trips-left")

    # Binding the card takes a trip on it as proof: a wrong fare is refused in Chinese
    # that names no field, the right one binds and brings its trip in, newest first.
    proof = card_trip()
    entered = datetime.fromisoformat(proof["entry"]["at"])
    await page.locator("#cards-box summary").tap()
    await page.fill("#card-number", "31 0123 4567")
    await page.tap("#card-submit")
    card_error = page.locator("#card-error")
    await card_error.wait_for(state="visible")
    assert "日期" in await card_error.inner_text()  # the page asks for the trip first
    await page.fill("#card-trip-date", entered.date().isoformat())
    await page.fill("#card-trip-station", proof["entry"]["station"])
    await page.fill("#card-trip-fare", "3.00")
    async with page.expect_response("**/api/v1/folder/cards") as answering:
        await page.tap("#card-submit")
    assert (await answering.value).status == 403
    await expect(card_error).to_contain_text("行程信息不符")
    assert await page.locator("#card-list div").count() == 0
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "rider-07-card-proof-wrong")
    await page.fill("#card-trip-fare", proof["fare"])
    async with page.expect_response("**/api/v1/folder/cards") as answering:
        await page.tap("#card-submit")
    assert (await answering.value).status == 201
    await page.locator("#card-list div").first.wait_for()
    assert await card_error.is_hidden()
    assert CARD in await page.inner_text("#card-list")
    await page.locator("#trips-loading").wait_for(state="hidden")
    assert (await trip_routes(page))[0] == "西门口 → 农讲所"
    assert await more.is_visible()  # 21 now
    assert "交通卡" in await page.locator("#trip-list .trip .when").first.inner_text()
    assert await fits_the_screen(page)
    await shot(page, shot_dir, "rider-08-card-bound")

    # The mail sink got the invoice PDF, made out to the company, with the trips in detail.
    mail = wait_for_mail(server.mail_dir, to=RIDER_EMAIL)
    assert mail["To"] is not None and RIDER_EMAIL in str(mail["To"])
    pdfs = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1
    content = pdfs[0].get_content()
    assert isinstance(content, bytes) and content.startswith(b"%PDF-")
    pdf = write(tmp_path, "invoice", content)
    text = text_of(pdf)
    # 21.00 at 9%; 单价 19.27 ÷ 3 without tax.
    assert "*运输服务*客运服务费 次 3 6.42333333 19.27 9% 1.73" in text, text
    for shown in (COMPANY, COMPANY_CODE, METRO, invoice["receipt"]["number"], "¥21.00"):
        assert shown in text, shown
    for index in PICKED:
        entry, exit_, fare = RIDES[index]
        assert f"{entry} {exit_} {fare}" in text, (entry, exit_)
    for index in set(range(len(RIDES))) - set(PICKED):
        assert RIDES[index][0] + " " + RIDES[index][1] not in text
    keep(render_page(pdf, dpi=100), shot_dir, "rider-09-invoice-pdf")

    # What the page showed is what the API holds for the rider.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        login = await http.post("/api/v1/wx/login", json={"code": f"demo-{RIDER}.check"})
        rider = {"Authorization": f"Bearer {login.json()['token']}"}
        folder = await http.get("/api/v1/folder/receipts", headers=rider)
        left = await http.get("/api/v1/folder/trips", headers=rider)
    assert [item["id"] for item in folder.json()["receipts"]] == [invoice["receipt"]["id"]]
    assert len(left.json()["trips"]) == len(RIDES) - len(PICKED) + OLDER + 1  # and the card's
    assert invoice["buyer"] == {"kind": "company", "name": COMPANY, "tax_id": COMPANY_CODE}
    assert invoice["email"]["to"] == "f***@example.com"
