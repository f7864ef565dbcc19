"""An issuer's accounting data for a span of days, streamed as XML or CSV.

Receipts are read in pages, oldest first (keyset on issued_at, id), and written as they come:
memory stays flat whatever the span. Each is the issuer's copy (``receipt.xml`` of the
hospital API), so the export carries the payer's data whole: it is the issuer's own books.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import BinaryIO, Literal

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.chinatime import day_end, day_start
from backend.documents.services import DocumentService
from backend.issuers.models import Issuer
from backend.receipts.models import Receipt
from backend.receipts.money import format_fen
from backend.receipts.schemas import china_time
from backend.receipts.services import LoadedReceipt, ReceiptService
from backend.spreadsheet import text_cell as spreadsheet_text

Format = Literal["xml", "csv"]
EXPORT_NS = "urn:piaojia:evoucher:export:1"
PAGE = 200
CSV_COLUMNS = (
    "kind", "code", "number", "check_code", "issued_at", "status", "red", "reverses",
    "payer_name", "total", "fund", "other", "account", "cash",
)  # fmt: skip


class Exporter:
    """Writes ``issuer``'s receipts issued from ``first`` to ``last`` (China days, inclusive)."""

    def __init__(self, *, receipts: ReceiptService, documents: DocumentService) -> None:
        self._receipts = receipts
        self._documents = documents

    async def count(self, issuer: Issuer, first: date, last: date) -> int:
        return await _in_span(issuer, first, last).count()

    async def write(
        self,
        issuer: Issuer,
        first: date,
        last: date,
        fmt: Format,
        out: BinaryIO,
        on_progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the export to ``out``; returns how many receipts it holds. ``on_progress`` is
        called with the running count after each page. XML: one ``AccountingExport`` element
        holding each receipt's ``FiscalEReceipt`` or ``EInvoice`` (each valid against its
        schema); CSV: UTF-8 with a BOM, one row a receipt."""
        done = 0
        if fmt == "xml":
            out.write(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<AccountingExport xmlns="{EXPORT_NS}" '
                f'issuer="{issuer.credit_code}" from="{first}" to="{last}">\n'.encode()
            )
        else:
            out.write(_csv_row(CSV_COLUMNS, bom=True))
        async for loaded in self._loaded(issuer, first, last):
            if fmt == "xml":
                xml = (await self._documents.accounting_copy(loaded, public=False)).xml
                out.write(xml.split(b"\n", 1)[1])  # without its own XML declaration
            else:
                out.write(_csv_row(_csv_cells(loaded)))
            done += 1
            if on_progress is not None and done % PAGE == 0:
                on_progress(done)
        if fmt == "xml":
            out.write(b"</AccountingExport>\n")
        if on_progress is not None:
            on_progress(done)
        return done

    async def _loaded(
        self, issuer: Issuer, first: date, last: date
    ) -> AsyncIterator[LoadedReceipt]:
        after: Receipt | None = None
        while True:
            query = _in_span(issuer, first, last)
            if after is not None:
                query = query.filter(
                    Q(issued_at__gt=after.issued_at) | Q(issued_at=after.issued_at, id__gt=after.id)
                )
            page = (
                await query.order_by("issued_at", "id")
                .limit(PAGE)
                .select_related("issuer", "staff")
            )
            for receipt in page:
                yield await self._receipts.load(receipt)
            if len(page) < PAGE:
                return
            after = page[-1]


def _in_span(issuer: Issuer, first: date, last: date) -> QuerySet[Receipt]:
    return Receipt.filter(
        issuer_id=issuer.id, issued_at__gte=day_start(first), issued_at__lt=day_end(last)
    )


def _csv_cells(loaded: LoadedReceipt) -> list[str]:
    r = loaded.receipt
    original = f"{loaded.reverses.code}-{loaded.reverses.number}" if loaded.reverses else ""
    return [
        str(r.kind), r.code, r.number, r.check_code, china_time(r.issued_at), str(r.status),
        "Y" if loaded.reverses else "N", original, spreadsheet_text(r.payer_name),
        format_fen(r.total_fen), format_fen(r.fund_fen), format_fen(r.other_fen),
        format_fen(r.account_fen), format_fen(r.cash_fen),
    ]  # fmt: skip


def _csv_row(cells: tuple[str, ...] | list[str], *, bom: bool = False) -> bytes:
    text = io.StringIO()
    if bom:
        text.write("\ufeff")
    csv.writer(text, lineterminator="\r\n").writerow(cells)
    return text.getvalue().encode()
