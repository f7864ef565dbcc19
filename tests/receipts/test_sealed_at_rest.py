"""Personal data at rest: sealed in the database, open to the service, found by keyed hash."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend import db, sealing
from backend.auth.models import User, UserSession
from backend.config import Settings
from backend.idempotency.models import IdempotencyRecord
from backend.keys.services import Resealer, keyring_for
from backend.outbox.models import OutboxMessage
from backend.receipts.models import Receipt
from backend.secret import Secret
from tests.factories import TEST_SECRET, issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"
# Recognisable in any encoding a leak could take: the ID number, the phone, the address, the name.
ID_NUMBER = "440106199001011235"
PHONE = "13912345678"
EMAIL = "wang.xiaoming.sealed@example.com"
NAME = "王小明"
PAYER = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "email": EMAIL}
CLEAR = (ID_NUMBER, PHONE, EMAIL, NAME)

SEALED_COLUMNS = {
    "receipt": ("payer_name", "payer_id_number", "payer_email", "payer_phone"),
    "outbox_message": ("recipient",),
    "idempotency_record": ("response_body",),
    "wx_session": ("session_key",),
}


async def _raw(table: str, columns: tuple[str, ...]) -> list[dict[str, object]]:
    names = ", ".join(f'"{c}"' for c in columns)
    return await db.connection().execute_query_dict(f'SELECT {names} FROM "{table}"')


def _leaks(value: object) -> list[str]:
    data = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
    return [c for c in CLEAR if c.encode() in data or c.encode("utf-16-le") in data]


async def _issue(app: Starlette, client: httpx.AsyncClient, key: str = "pay-1") -> httpx.Response:
    cashier = await issuer_with_staff(app)
    headers = cashier.headers | {"Idempotency-Key": key}
    response = await client.post(URL, json=receipt_request(payer=PAYER), headers=headers)
    assert response.status_code == 201, response.text
    response.headers["x-test-key"] = cashier.key
    return response


async def test_a_receipt_is_sealed_in_the_database_and_whole_through_the_service(
    app: Starlette, client: httpx.AsyncClient, settings: Settings
) -> None:
    first = await _issue(app, client)
    body = first.json()
    staff = {"Authorization": f"Bearer {first.headers['x-test-key']}"}

    # Raw rows hold seals, nothing in clear, under the ring's current key.
    current = sealing.ring().current.name
    for table, columns in SEALED_COLUMNS.items():
        for row in await _raw(table, columns):
            for column, value in row.items():
                if value is None:
                    continue
                assert isinstance(value, bytes | memoryview), (table, column)
                assert sealing.key_id_of(bytes(value)) == current, (table, column)
                assert _leaks(value) == [], (table, column)
    assert len(await _raw("outbox_message", ("recipient",))) == 1  # the copy to EMAIL, queued
    if settings.database_url.startswith("sqlite"):
        # The file and its journal (WAL) alike: no page of either holds a clear value.
        path = Path(settings.database_url.removeprefix("sqlite://").split("?")[0])
        files = list(path.parent.glob(path.name + "*"))
        assert path in files
        assert all(_leaks(p.read_bytes()) == [] for p in files)

    # The service reads them back whole where it should, masked where it should.
    got = (await client.get(f"{URL}/{body['id']}", headers=staff)).json()
    assert got["payer"] == PAYER
    scan_path = body["scan_url"].removeprefix("https://piaojia.test")
    page = await client.get(scan_path, headers={"Accept": "text/html"})
    assert page.status_code == 200 and "王*明" in page.text
    assert _leaks(page.text) == []
    pdf = await client.get(f"{URL}/{body['id']}/receipt.pdf", headers=staff)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    message = await OutboxMessage.get(receipt_id=body["id"])
    assert message.recipient == EMAIL  # what the relay sends to

    # Idempotent replay: the same bytes as the first answer, from the sealed record.
    again = await client.post(
        URL,
        json=receipt_request(payer=PAYER),
        headers=staff | {"Idempotency-Key": "pay-1"},
    )
    assert again.status_code == 201 and again.content == first.content
    record = await IdempotencyRecord.get(key="pay-1")
    assert record.response_body.encode() == first.content


async def test_search_finds_the_payer_by_keyed_hash(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    first = await _issue(app, client)
    staff = {"Authorization": f"Bearer {first.headers['x-test-key']}"}
    receipt_id = first.json()["id"]
    row = (
        await db.connection().execute_query_dict(
            db.dialect_sql(
                db.connection(),
                'SELECT "payer_id_number_hash" AS h FROM "receipt" WHERE "id" = $1',
            ),
            [receipt_id],
        )
    )[0]
    ring = sealing.ring()
    assert row["h"] == ring.hash(ID_NUMBER, "receipt.payer_id_number")
    assert row["h"] != ring.hash(ID_NUMBER, "receipt.payer_phone")  # purposes apart
    for text in (NAME, f" {NAME}\u3000", ID_NUMBER, PHONE, "139 1234 5678"):
        found = (await client.get(URL, params={"payer": text}, headers=staff)).json()
        assert [r["id"] for r in found["receipts"]] == [receipt_id], text
    assert (await client.get(URL, params={"payer": "王"}, headers=staff)).json()["receipts"] == []


async def test_rotation_reseals_every_row_and_everything_still_reads(
    app: Starlette, client: httpx.AsyncClient, settings: Settings
) -> None:
    first = await _issue(app, client)
    staff = {"Authorization": f"Bearer {first.headers['x-test-key']}"}
    receipt_id = first.json()["id"]
    user = await User.create(openid="o-rotation")
    await UserSession.create(
        user=user,
        token_hash="a" * 64,
        session_key="c2Vzc2lvbi1rZXktMTIzNA==",
        created_at=datetime.now(UTC),
        expires_at=datetime.now(UTC),
    )
    old = sealing.ring().current.name

    # A new data key first in the ring: new rows are sealed under it, old ones still open.
    rotated = keyring_for(Settings(secret_key=Secret(TEST_SECRET), data_keys=(Secret("n" * 40),)))
    assert rotated.current.name != old and len(rotated.keys) == 2
    sealing.install(rotated)
    before = (await client.get(URL, params={"payer": ID_NUMBER}, headers=staff)).json()
    assert [r["id"] for r in before["receipts"]] == [receipt_id]  # found under the old key

    seen: list[tuple[str, int, int]] = []
    done = await Resealer(rotated, batch=1).run(
        lambda p: seen.append((p.table, p.checked, p.resealed))
    )
    by_table = {p.table: p.resealed for p in done}
    assert by_table["receipt"] == 1 and by_table["wx_session"] == 1
    assert by_table["idempotency_record"] == 1 and by_table["outbox_message"] == 1
    assert ("receipt", 1, 1) in seen  # progress per batch
    for table, columns in SEALED_COLUMNS.items():
        for row in await _raw(table, columns):
            for value in row.values():
                assert value is None or (
                    isinstance(value, bytes | memoryview)
                    and sealing.key_id_of(bytes(value)) == rotated.current.name
                )

    # Everything reads under the new ring alone, and the hashes moved to the new key.
    only_new = sealing.Keyring(rotated.current)
    sealing.install(only_new)
    got = (await client.get(f"{URL}/{receipt_id}", headers=staff)).json()
    assert got["payer"] == PAYER
    after = (await client.get(URL, params={"payer": PHONE}, headers=staff)).json()
    assert [r["id"] for r in after["receipts"]] == [receipt_id]
    session = await UserSession.get(token_hash="a" * 64)
    assert session.session_key == "c2Vzc2lvbi1rZXktMTIzNA=="

    # A second run finds nothing left to do: the rotation is idempotent and resumable.
    assert all(p.resealed == 0 for p in await Resealer(only_new).run())
    census = await Resealer(only_new).census()
    assert census["receipt.payer_id_number"] == {rotated.current.name: 1}


async def test_a_tampered_seal_fails_loudly(app: Starlette, client: httpx.AsyncClient) -> None:
    first = await _issue(app, client)
    staff = {"Authorization": f"Bearer {first.headers['x-test-key']}"}
    receipt_id = first.json()["id"]
    conn = db.connection()
    select = 'SELECT "payer_id_number" AS v FROM "receipt" WHERE "id" = $1'
    sealed = bytes(
        (await conn.execute_query_dict(db.dialect_sql(conn, select), [receipt_id]))[0]["v"]
    )
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    update = 'UPDATE "receipt" SET "payer_id_number" = $1 WHERE "id" = $2'
    await conn.execute_query(db.dialect_sql(conn, update), [flipped, receipt_id])

    with pytest.raises(sealing.SealBroken, match=r"receipt\.payer_id_number"):
        await Receipt.get(id=receipt_id)
    # Over HTTP: a 500 (the error is logged with the column), never a wrong or empty ID number.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
        answer = await http.get(f"{URL}/{receipt_id}", headers=staff)
    assert answer.status_code == 500 and ID_NUMBER not in answer.text

    # A seal moved into another column, or under a key not in the ring, does not open either.
    with pytest.raises(sealing.SealBroken, match="moved"):
        sealing.ring().open(sealed, "receipt.payer_phone")
    stranger = sealing.Keyring(sealing.DataKey.from_material(b"s" * 32))
    with pytest.raises(sealing.SealBroken, match="not in the ring"):
        stranger.open(sealed, "receipt.payer_id_number")
    with pytest.raises(sealing.SealBroken):
        sealing.unseal(ID_NUMBER, "receipt.payer_id_number")  # clear text is not a seal


async def test_clear_text_written_behind_the_service_is_never_read_as_sealed(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    first = await _issue(app, client)
    receipt_id = first.json()["id"]
    conn = db.connection()
    update = 'UPDATE "receipt" SET "payer_name" = \'李四\' WHERE "id" = $1'
    if db.dialect() == "sqlite":  # the column refuses text (migration 12's CHECK)
        with pytest.raises(Exception, match="CHECK constraint failed"):
            await conn.execute_query(db.dialect_sql(conn, update), [receipt_id])
    else:  # BYTEA takes the text's bytes, which do not open
        await conn.execute_query(db.dialect_sql(conn, update), [receipt_id])
        with pytest.raises(sealing.SealBroken, match="not a sealed value"):
            await Receipt.get(id=receipt_id)


async def test_filtering_on_a_sealed_column_is_refused_not_silently_empty(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await _issue(app, client)
    with pytest.raises(sealing.SealedColumnFilter, match="keyed hash"):
        await Receipt.filter(payer_id_number=ID_NUMBER).count()
    assert await Receipt.filter(payer_email__isnull=False).count() == 1  # NULL tests still work


def test_seals_differ_each_time_and_open_to_the_value() -> None:
    ring = sealing.ring()
    one, two = ring.seal("王小明", "t.c"), ring.seal("王小明", "t.c")
    assert one != two and ring.open(one, "t.c") == ring.open(two, "t.c") == "王小明"
    assert ring.open(ring.seal("", "t.c"), "t.c") == ""
    assert ring.open(ring.seal("\u3000\x01" * 300, "t.c"), "t.c") == "\u3000\x01" * 300
    assert sealing.name_key(" 王\u3000小明 ") == "王 小明"
    assert sealing.phone_key("+86 139-1234-5678") == "8613912345678"
