"""A rider's address given with an invoice request: the PDF is queued in the outbox in the
invoice's own transaction, so a bad address or a spent daily limit leaves nothing at all."""

from __future__ import annotations

import dataclasses
import uuid

import httpx
from starlette.applications import Starlette

from backend.auth.standin import demo_openid
from backend.events import EventType
from backend.folder.models import FolderEntry
from backend.outbox.models import MailQuota, MessageKind, OutboxMessage
from backend.outbox.services import MailLimits, OutboxService
from backend.receipts.models import Receipt, ReceiptEvent, ReceiptStatus
from backend.transit.models import InvoicedTrip, TransitInvoice
from backend.transit.services import TransitService
from tests.answers import error_code
from tests.clock import FakeClock
from tests.transit.support import (
    INVOICES,
    import_rows,
    metro,
    my_trip_ids,
    personal,
    trip_row,
)
from tests.wechat import login

RIDER_EMAIL = "Alice.Wang@Example.COM"


async def rider_with_trips(
    app: Starlette, client: httpx.AsyncClient, count: int
) -> tuple[dict[str, str], list[int]]:
    operator = await metro(app)
    alice = await login(client, "demo-alice")
    rows = [trip_row(n, openid=demo_openid("alice")) for n in range(count)]
    assert (await import_rows(client, operator, rows))["new"] == count
    return alice, await my_trip_ids(client, alice)


async def queued_for(receipt_id: str) -> list[OutboxMessage]:
    return list(await OutboxMessage.filter(receipt_id=uuid.UUID(receipt_id)))


async def test_the_invoice_pdf_is_queued_with_the_invoice(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    alice, ids = await rider_with_trips(wx_app, wx_client, 3)

    issued = await wx_client.post(
        INVOICES,
        json={"trips": ids, "title": personal(), "email": f"  {RIDER_EMAIL} "},
        headers=alice,
    )

    assert issued.status_code == 201, issued.text
    invoice = issued.json()
    receipt_id = invoice["receipt"]["id"]
    (message,) = await queued_for(receipt_id)
    assert invoice["email"] == {"id": str(message.id), "to": "A***@example.com", "state": "queued"}
    assert message.kind == MessageKind.RECEIPT
    assert message.recipient == "Alice.Wang@example.com"  # the domain lower-cased, the rest kept
    assert await OutboxMessage.all().count() == 1
    (event,) = await ReceiptEvent.filter(
        receipt_id=uuid.UUID(receipt_id), type=EventType.EMAIL_QUEUED
    )
    assert event.detail == {
        "to": "A***@example.com",
        "message": str(message.id),
        "kind": "receipt",
        "requested_by": "rider",
    }
    # The address itself never reaches the invoice or its trail.
    receipt = await Receipt.get(id=uuid.UUID(receipt_id))
    assert receipt.payer_email is None
    assert "Alice.Wang" not in str(
        await ReceiptEvent.filter(receipt_id=receipt.id).values_list("detail", flat=True)
    )


async def test_without_an_address_nothing_is_queued(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    alice, ids = await rider_with_trips(wx_app, wx_client, 2)

    issued = await wx_client.post(INVOICES, json={"trips": ids, "title": personal()}, headers=alice)

    assert issued.status_code == 201, issued.text
    assert issued.json()["email"] is None
    assert await OutboxMessage.all().count() == 0
    assert await ReceiptEvent.filter(type=EventType.EMAIL_QUEUED).count() == 0


async def test_a_bad_address_writes_nothing(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    alice, ids = await rider_with_trips(wx_app, wx_client, 2)

    for address in (
        "",
        "alice",
        "alice@localhost",
        "alice wang@example.com",
        "alice@example.com\r\nBcc: mallory@example.com",
        "alice@example.com, mallory@example.com",
        "<alice@example.com>",
    ):
        refused = await wx_client.post(
            INVOICES, json={"trips": ids, "title": personal(), "email": address}, headers=alice
        )
        assert refused.status_code == 400, (address, refused.text)
        error = refused.json()["error"]
        assert (error["code"], error["field"]) == ("invalid_email", "email"), address
        assert error["message"]
    too_long = await wx_client.post(
        INVOICES,
        json={"trips": ids, "title": personal(), "email": "a" * 1001 + "@example.com"},
        headers=alice,
    )
    assert (too_long.status_code, error_code(too_long)) == (422, "validation_failed")

    assert await Receipt.all().count() == 0
    assert await TransitInvoice.all().count() == 0
    assert await InvoicedTrip.all().count() == 0
    assert await FolderEntry.all().count() == 0
    assert await OutboxMessage.all().count() == 0
    assert await ReceiptEvent.all().count() == 0
    assert await MailQuota.all().count() == 0
    assert sorted(await my_trip_ids(wx_client, alice)) == sorted(ids)


async def test_a_spent_daily_limit_refuses_the_invoice_too(
    wx_app: Starlette, wx_client: httpx.AsyncClient, clock: FakeClock
) -> None:
    wired = wx_app.state.services
    one_a_day = OutboxService(
        clock=clock,
        limits=MailLimits(per_receipt_per_day=5, per_address_per_day=1),
        message_id_domain="piaojia.test",
    )
    transit = TransitService(
        receipts=wired.receipts, outbox=one_a_day, folder=wired.folder, clock=clock
    )
    wx_app.state.services = dataclasses.replace(wired, transit=transit)
    alice, ids = await rider_with_trips(wx_app, wx_client, 3)

    first = await wx_client.post(
        INVOICES, json={"trips": ids[:1], "title": personal(), "email": RIDER_EMAIL}, headers=alice
    )
    assert first.status_code == 201, first.text
    refused = await wx_client.post(
        INVOICES, json={"trips": ids[1:2], "title": personal(), "email": RIDER_EMAIL}, headers=alice
    )

    assert (refused.status_code, error_code(refused)) == (429, "email_limit_reached")
    assert int(refused.headers["Retry-After"]) > 0
    assert await Receipt.all().count() == 1
    assert await OutboxMessage.all().count() == 1
    assert ids[1] in await my_trip_ids(wx_client, alice)
    # The refused invoice gave its number back: the next one follows the first without a gap.
    without = await wx_client.post(
        INVOICES, json={"trips": ids[1:2], "title": personal()}, headers=alice
    )
    assert without.status_code == 201, without.text
    numbers = [first.json()["receipt"]["number"], without.json()["receipt"]["number"]]
    assert numbers == ["26442000000000000001", "26442000000000000002"]


async def test_a_reissue_can_email_the_corrected_invoice(
    wx_app: Starlette, wx_client: httpx.AsyncClient
) -> None:
    alice, ids = await rider_with_trips(wx_app, wx_client, 2)
    first = await wx_client.post(
        INVOICES, json={"trips": ids, "title": personal("张3")}, headers=alice
    )
    first_id = first.json()["receipt"]["id"]
    reissue = f"{INVOICES}/{first_id}/reissue"

    bad = await wx_client.post(
        reissue, json={"title": personal(), "email": "not an address"}, headers=alice
    )
    assert (bad.status_code, error_code(bad)) == (400, "invalid_email")
    original = await Receipt.get(id=uuid.UUID(first_id))
    assert original.status == ReceiptStatus.VALID
    assert await Receipt.all().count() == 1
    assert await OutboxMessage.all().count() == 0

    reissued = await wx_client.post(
        reissue, json={"title": personal(), "email": RIDER_EMAIL}, headers=alice
    )

    assert reissued.status_code == 201, reissued.text
    second = reissued.json()
    (message,) = await OutboxMessage.all()
    assert str(message.receipt_id) == second["receipt"]["id"]  # type: ignore[attr-defined]
    assert second["email"]["id"] == str(message.id)
    assert second["buyer"]["name"] == "张三"
