"""Status badges stay pills on narrow phones: on the scan page and in the folder's list, where a
long issuer name or a wrapped line makes the badge's row taller, the badge keeps one line's
height (wider than tall, its ends round) instead of stretching into an ellipse.

The pages are the real templates, served to Chromium through request interception (the
folder's API answers are canned), so no app server is needed.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, Route

from backend.anchoring.services import AnchorState, LedgerState
from backend.scan.records import ScanItem, ScanRecord
from backend.scan.schemas import scan_answer
from backend.templating import template_environment
from tests.e2e.support import shot

ORIGIN = "http://piaojia.test"
LONG_ISSUER = "广州市番禺区中医院附属第二门诊部有限公司医疗集团总院"
TOKEN = "Xk3LqP9aB2mZr7TvWc4YhN8eJd6Fs1Gu"


def _scan_page() -> str:
    record = ScanRecord(
        receipt_id=uuid.uuid4(),
        kind="medical",
        code="44010126",
        number="0000000001",
        issued_at=datetime(2026, 11, 27, 2, tzinfo=UTC),
        status="valid",
        payer_name="张小三",
        payer_id_number=None,
        visit_type="outpatient",
        department="内科",
        visit_start=None,
        total_fen=8560,
        fund_fen=0,
        other_fen=0,
        account_fen=0,
        cash_fen=8560,
        issuer_name=LONG_ISSUER,
        reverses=None,
        reversed=False,
        leaf_index=1,
        items=(ScanItem(1, "西药费", "阿莫西林胶囊", "2", "盒", 8560),),
    )
    view = scan_answer(record, LedgerState(AnchorState.WITNESSED, 1), token=TOKEN)
    return (
        template_environment()
        .get_template("scan/receipt.html")
        .render(view=view, token=TOKEN, emailed=None, email_error=None, email_value="")
    )


def _folder_receipt(index: int) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=index + 1)),
        "kind": "medical",
        "code": "44010126",
        "number": f"{index + 1:010d}",
        "issued_at": "2026-11-27T10:00:00+08:00",
        "status": "valid",
        "reverses": None,
        "issuer": {"name": LONG_ISSUER if index == 0 else "广州市第一人民医院"},
        "total": "85.60",
    }


async def _serve(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?")[0]
    if path == "/h5/folder":
        html = (
            template_environment()
            .get_template("folder/folder.html")
            .render(add="", add_malformed=False, demo=True, nonce="n")
        )
        await route.fulfill(body=html, content_type="text/html; charset=utf-8")
    elif path == "/s/" + TOKEN:
        await route.fulfill(body=_scan_page(), content_type="text/html; charset=utf-8")
    elif path == "/api/v1/folder/totals":
        body = {"count": 2, "total": "171.20", "by_month": []}
        await route.fulfill(body=json.dumps(body), content_type="application/json")
    elif path == "/api/v1/folder/receipts":
        body = {"receipts": [_folder_receipt(0), _folder_receipt(1)], "next_cursor": None}
        await route.fulfill(body=json.dumps(body), content_type="application/json")
    else:
        await route.fulfill(status=404, body="{}", content_type="application/json")


async def _box(page: Page, selector: str) -> dict[str, float]:
    box: dict[str, float] = await page.eval_on_selector(
        selector,
        "e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
        " return {width: r.width, height: r.height, line: parseFloat(s.lineHeight)"
        " + parseFloat(s.paddingTop) + parseFloat(s.paddingBottom)"
        " + parseFloat(s.borderTopWidth) + parseFloat(s.borderBottomWidth)}; }",
    )
    return box


def _is_a_pill(box: dict[str, float]) -> bool:
    """One line high (as its own style makes a line), and wider than tall."""
    return abs(box["height"] - box["line"]) <= 1 and box["width"] > box["height"]


async def _open(browser: Browser, width: int, path: str) -> Page:
    context = await browser.new_context(
        viewport={"width": width, "height": 740}, device_scale_factor=2, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    await context.add_init_script("localStorage.setItem('piaojia.session', 'canned');")
    await context.route(f"{ORIGIN}/**", _serve)
    page = await context.new_page()
    await page.goto(ORIGIN + path)
    return page


@pytest.mark.parametrize("width", [320, 360])
async def test_the_valid_badge_stays_a_pill_when_its_row_wraps(
    browser: Browser, width: int, tmp_path: Path
) -> None:
    page = await _open(browser, width, "/s/" + TOKEN)
    title = await _box(page, "h1")
    assert title["height"] > 1.5 * title["line"]  # the long name wraps
    status = await _box(page, "#status")
    assert await page.inner_text("#status") == "有效"
    assert _is_a_pill(status), status
    await shot(page, tmp_path, f"scan-{width}")

    page = await _open(browser, width, "/h5/folder")
    row = page.locator("#receipt-list .receipt").first
    await row.wait_for(state="visible")
    row_height = (await row.bounding_box() or {"height": 0})["height"]
    badge = await _box(page, "#receipt-list .receipt:first-child .badge")
    assert await row.locator(".badge").inner_text() == "有效"
    assert row_height > 3 * badge["line"]  # the row wrapped onto more lines
    assert _is_a_pill(badge), badge
    await shot(page, tmp_path, f"folder-{width}")
