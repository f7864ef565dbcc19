"""``piaojia receipts export``: an issuer's accounting data, streamed as XML or CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import httpx
from lxml import etree
from starlette.applications import Starlette

from backend.clock import utc_now
from backend.config import Settings
from backend.receipts.schemas import china_time
from tests.accounting.support import schema
from tests.commands import piaojia
from tests.factories import LOG_SIGNER, issuer_with_staff, receipt_request

URL = "/api/v1/hospital/receipts"
NAMES = ("王小明", "欧阳小明", "𠮷䶮堃")


def run_export(settings: Settings, *args: str) -> tuple[int, str]:
    env = {
        "PIAOJIA_LEDGER_KEY": LOG_SIGNER.key_string(),
        "PIAOJIA_CA_DIR": settings.ca_dir,
        "PIAOJIA_PUBLIC_BASE_URL": settings.public_base_url,
        "PIAOJIA_RENDER_WORKERS": "1",
    }
    done = piaojia(settings.database_url, "receipts", "export", *args, env=env)
    return done.returncode, done.stderr


async def test_the_export_streams_each_issuers_copy(
    app: Starlette, client: httpx.AsyncClient, settings: Settings, tmp_path: Path
) -> None:
    cashier = await issuer_with_staff(app)
    issued = []
    for name in NAMES:
        body = receipt_request(payer={"name": name, "id_number": "440106199001011235"})
        response = await client.post(URL, json=body, headers=cashier.headers)
        assert response.status_code == 201, response.text
        issued.append(response.json())
    other = await issuer_with_staff(app)  # its receipts are not in the export
    await client.post(URL, json=receipt_request(), headers=other.headers)
    today = china_time(utc_now())[:10]
    span = ("--issuer", str(cashier.issuer_id), "--from", today, "--to", today)

    out = tmp_path / "export.xml"
    code, stderr = await asyncio.to_thread(run_export, settings, *span, "--output", str(out))
    assert code == 0, stderr
    assert "exported 3 receipt(s) as xml" in stderr and "100.0%" in stderr
    root = etree.parse(str(out)).getroot()
    vouchers = list(root)
    assert len(vouchers) == 3
    for voucher, receipt, name in zip(vouchers, issued, NAMES, strict=True):
        assert schema("efi.xsd").validate(etree.ElementTree(voucher)), schema("efi.xsd").error_log
        own = await client.get(f"{URL}/{receipt['id']}/receipt.xml", headers=cashier.headers)
        # Byte for byte the served issuer's copy, without its XML declaration.
        assert own.content.split(b"\n", 1)[1] in out.read_bytes()
        assert name in etree.tostring(voucher, encoding="unicode")

    table = tmp_path / "export.csv"
    code, stderr = await asyncio.to_thread(
        run_export, settings, *span, "--format", "csv", "--output", str(table), "--quiet"
    )
    assert code == 0, stderr
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["kind", "code", "number"] and len(rows) == 4
    assert [row[2] for row in rows[1:]] == [r["number"] for r in issued]
    assert [row[8] for row in rows[1:]] == list(NAMES)


async def test_the_export_refuses_what_it_cannot_do(settings: Settings, app: Starlette) -> None:
    unknown = ("--issuer", "00000000-0000-0000-0000-000000000000")
    code, stderr = await asyncio.to_thread(
        run_export, settings, *unknown, "--from", "2026-11-01", "--to", "2026-11-30"
    )
    assert code == 1 and "no issuer" in stderr
    code, stderr = await asyncio.to_thread(
        run_export, settings, *unknown, "--from", "2026-13-01", "--to", "2026-11-30"
    )
    assert code == 1 and "is not a day" in stderr
    code, stderr = await asyncio.to_thread(
        run_export, settings, *unknown, "--from", "2026-11-30", "--to", "2026-11-01"
    )
    assert code == 1 and "before" in stderr
