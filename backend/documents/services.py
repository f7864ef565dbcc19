"""Receipt PDFs, fee slips and QR images, rendered off the event loop and kept once made.

Drawing and signing are CPU work (about 20 ms a receipt): they run in a process pool so the
event loop keeps answering. A rendered PDF is stored with the receipt's state (status, reversal,
ledger state) as its version and served again until that state moves on.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from typing import Any

from tortoise.exceptions import IntegrityError

from backend import links
from backend.anchoring.proof_files import BUNDLE_FILE, proof_files
from backend.anchoring.services import AnchorState
from backend.documents import worker
from backend.documents.credentials import CredentialService, SigningMaterial
from backend.documents.errors import OfdNotAvailable
from backend.documents.model import FeeSlipDocument, LedgerBlock, MedicalReceiptDocument
from backend.documents.models import RenderedDocument
from backend.documents.qr import qr_png, qr_svg
from backend.documents.sources import MEDICAL, DataFile, DocumentSource, Drawing, ReceiptDocument
from backend.instruments import RENDER_JOBS
from backend.issuers.models import Issuer
from backend.masking import mask_name
from backend.receipts.errors import ReceiptNotFound
from backend.receipts.models import ReceiptKind
from backend.receipts.services import LoadedReceipt, ReceiptService

PROOF_ATTACHMENT = BUNDLE_FILE
# Part of a stored receipt PDF's version: PDFs stored before the ID number was masked and the
# embedded proof made public, or before the .tlog-proof files or the accounting data, are
# rendered again.
RECEIPT_LAYOUT = "public-4"
OFD_LAYOUT = "ofd-1"  # part of a stored OFD copy's version, beside the PDF's


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    filename: str
    pdf: bytes
    etag: str


@dataclass(frozen=True, slots=True)
class RenderedOfd:
    filename: str
    ofd: bytes
    etag: str


@dataclass(frozen=True, slots=True)
class RenderedXml:
    filename: str
    xml: bytes
    etag: str


class DocumentService:
    def __init__(
        self,
        *,
        receipts: ReceiptService,
        credentials: CredentialService,
        pool: Executor,
        public_base_url: str,
        data_file: DataFile,
        sources: Mapping[str, DocumentSource],
    ) -> None:
        """``data_file`` is the accounting data every receipt PDF carries; ``sources`` draw
        the receipts of each kind but medical (built in), keyed by ``ReceiptKind``."""
        self._receipts = receipts
        self._credentials = credentials
        self._pool = pool
        self._base = public_base_url
        self._data = data_file
        self._sources: dict[str, DocumentSource] = {ReceiptKind.MEDICAL: MEDICAL, **sources}

    def close(self) -> None:
        """Stop the rendering processes (waiting for renders in progress)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    async def warm_up(self, workers: int) -> None:
        """Load the fonts in every rendering process before the first receipt needs them."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(self._pool, worker.warm_up) for _ in range(workers))
        )

    def verify_url(self, loaded: LoadedReceipt) -> str:
        """The public 查验 page of a receipt, as printed in its QR code."""
        receipt = loaded.receipt
        return links.verify_url(
            self._base, code=receipt.code, number=receipt.number, check=receipt.check_code
        )

    def scan_url(self, token: str) -> str:
        """The scan page of ``token``, as printed in the QR code of a receipt that has one."""
        return links.scan_url(self._base, token)

    async def receipt_pdf(self, issuer: Issuer, receipt_id: uuid.UUID) -> RenderedPdf:
        """The signed PDF of one of ``issuer``'s receipts, with its ledger proof embedded once
        the receipt is in the ledger."""
        return await self._receipt_pdf(await self._receipts.get(issuer, receipt_id))

    async def receipt_files(
        self, issuer: Issuer, receipt_id: uuid.UUID
    ) -> tuple[RenderedPdf, RenderedXml]:
        """The signed PDF and the public copy of the accounting data, both of one reading of the
        receipt, so the XML is the one the PDF embeds (the pair a mailed copy carries)."""
        loaded = await self._receipts.get(issuer, receipt_id)
        return await self._receipt_pdf(loaded), await self.accounting_copy(loaded, public=True)

    async def receipt_pdf_by_token(self, token: str) -> RenderedPdf:
        loaded = await self._receipts.by_scan_token(token)
        if loaded is None:
            raise ReceiptNotFound("no receipt opens with this code")
        return await self._receipt_pdf(loaded)

    async def receipt_ofd(self, issuer: Issuer, receipt_id: uuid.UUID) -> RenderedOfd:
        """The OFD copy of one of ``issuer``'s medical receipts (or reversals): the PDF's
        layout and content, unsigned. ``OfdNotAvailable`` for other kinds."""
        return await self._receipt_ofd(await self._receipts.get(issuer, receipt_id), public=False)

    async def receipt_ofd_by_token(self, token: str) -> RenderedOfd:
        """The OFD copy for whoever holds the QR code: as the staff copy, but the payer's name
        masked as the scan page masks it (the ID number is masked on every copy)."""
        loaded = await self._receipts.by_scan_token(token)
        if loaded is None:
            raise ReceiptNotFound("no receipt opens with this code")
        return await self._receipt_ofd(loaded, public=True)

    async def _receipt_ofd(self, loaded: LoadedReceipt, *, public: bool) -> RenderedOfd:
        receipt = loaded.receipt
        if receipt.kind != ReceiptKind.MEDICAL:
            raise OfdNotAvailable("OFD copies are made of medical receipts only, so far")
        document, filename, _ = await self._draw(loaded, await self._public_bundle(loaded))
        assert isinstance(document, MedicalReceiptDocument)  # the medical source's
        if public:
            document = replace(document, payer_name=mask_name(document.payer_name))
        version = "|".join([OFD_LAYOUT, self._version(loaded, ""), str(public)])
        kind = "ofd-public" if public else "ofd"

        async def render() -> bytes:
            loop = asyncio.get_running_loop()
            with RENDER_JOBS.track_inprogress():
                return await loop.run_in_executor(self._pool, worker.render_ofd, document)

        ofd, etag = await self._stored(receipt.id, kind, version, render)
        return RenderedOfd(filename.removesuffix(".pdf") + ".ofd", ofd, etag)

    async def slip_pdf(self, issuer: Issuer, receipt_id: uuid.UUID) -> RenderedPdf:
        """The 80 mm fee slip (收费告知单) with the QR code that opens the receipt."""
        loaded = await self._receipts.get(issuer, receipt_id)
        receipt = loaded.receipt
        if loaded.scan_token is None:
            raise ReceiptNotFound("this receipt has no active scan code")
        document = FeeSlipDocument(
            hospital_name=receipt.issuer.name,
            patient_masked=mask_name(receipt.payer_name),
            amount_fen=receipt.total_fen,
            issued_at=receipt.issued_at,
            code=receipt.code,
            number=receipt.number,
            scan_url=self.scan_url(loaded.scan_token),
        )
        version = f"slip|{loaded.scan_token}"
        filename = f"收费告知单-{receipt.code}-{receipt.number}.pdf"
        return await self._cached(receipt.id, "slip", version, filename, document)

    async def qr_image(self, issuer: Issuer, receipt_id: uuid.UUID, *, svg: bool) -> bytes:
        loaded = await self._receipts.get(issuer, receipt_id)
        if loaded.scan_token is None:
            raise ReceiptNotFound("this receipt has no active scan code")
        url = self.scan_url(loaded.scan_token)
        return qr_svg(url) if svg else qr_png(url)

    async def receipt_xml(self, issuer: Issuer, receipt_id: uuid.UUID) -> RenderedXml:
        """The issuer's copy of the receipt's accounting data (XML, the payer's data whole)."""
        loaded = await self._receipts.get(issuer, receipt_id)
        return await self.accounting_copy(loaded, public=False)

    async def receipt_xml_by_token(self, token: str) -> RenderedXml:
        """The public copy of the accounting data, the very bytes the receipt's PDF embeds."""
        loaded = await self._receipts.by_scan_token(token)
        if loaded is None:
            raise ReceiptNotFound("no receipt opens with this code")
        return await self.accounting_copy(loaded, public=True)

    async def accounting_copy(self, loaded: LoadedReceipt, *, public: bool) -> RenderedXml:
        """The accounting data of ``loaded``: its public copy or the issuer's (the caller has
        checked that the asker may have it)."""
        document, filename, _ = await self._draw(loaded, None)
        xml = self._data.content(document, loaded.receipt, public=public)
        name = filename.removesuffix(".pdf") + ".xml"
        return RenderedXml(name, xml, hashlib.sha256(xml).hexdigest()[:32])

    async def _draw(
        self, loaded: LoadedReceipt, bundle: dict[str, Any] | None
    ) -> tuple[ReceiptDocument, str, str]:
        """The document a receipt's PDF is drawn from, the PDF's file name, and the layout of
        the receipt's kind."""
        receipt = loaded.receipt
        # Every kind has a source once the app is put together (backend.services).
        source = self._sources[receipt.kind]
        drawing = Drawing(
            verify_url=self.verify_url(loaded),
            ledger=_ledger_block(bundle, loaded.ledger.leaf_index),
            reverses=(loaded.reverses.code, loaded.reverses.number) if loaded.reverses else None,
        )
        return await source.document(loaded, drawing), source.filename(receipt), source.layout

    async def _public_bundle(self, loaded: LoadedReceipt) -> dict[str, Any] | None:
        """The public proof bundle once the receipt is in the ledger: whoever a copy is passed
        on to learns no personal data from it."""
        if loaded.ledger.state == AnchorState.PENDING:
            return None
        receipt = loaded.receipt
        return await self._receipts.proof_bundle(receipt.issuer, receipt.id, disclose=False)

    @staticmethod
    def _version(loaded: LoadedReceipt, layout: str) -> str:
        """What a stored copy of the receipt is rendered from: moves with its state."""
        return "|".join(
            [
                RECEIPT_LAYOUT,
                layout,
                str(loaded.receipt.status),
                str(loaded.reversed_by.id if loaded.reversed_by else ""),
                loaded.ledger.state,
            ]
        )

    async def _receipt_pdf(self, loaded: LoadedReceipt) -> RenderedPdf:
        receipt = loaded.receipt
        bundle = await self._public_bundle(loaded)
        document, filename, layout = await self._draw(loaded, bundle)
        version = self._version(loaded, layout)
        signing = await self._credentials.ensure(receipt.issuer)
        # The public copy of the accounting data, an associated file (/AF, /Data) of the PDF.
        attachments = {self._data.name: self._data.content(document, receipt, public=True)}
        if bundle is not None:
            proof = json.dumps(bundle, ensure_ascii=False, indent=1).encode()
            attachments[PROOF_ATTACHMENT] = proof
            # The same proof as standard files: a .tlog-proof beside each statement, and the
            # document they commit to.
            attachments.update(proof_files(bundle))
        return await self._cached(
            receipt.id, "receipt", version, filename, document, (signing, attachments)
        )

    async def _cached(
        self,
        receipt_id: uuid.UUID,
        kind: str,
        version: str,
        filename: str,
        document: worker.Document,
        signing: tuple[SigningMaterial, dict[str, bytes]] | None = None,
    ) -> RenderedPdf:
        pdf, etag = await self._stored(
            receipt_id, kind, version, lambda: self._render(document, signing)
        )
        return RenderedPdf(filename, pdf, etag)

    async def _stored(
        self,
        receipt_id: uuid.UUID,
        kind: str,
        version: str,
        render: Callable[[], Awaitable[bytes]],
    ) -> tuple[bytes, str]:
        """The stored file of ``kind`` and its ETag if it is of ``version``, else ``render()``
        stored under that version."""
        stored = await RenderedDocument.get_or_none(receipt_id=receipt_id, kind=kind)
        if stored is not None and stored.version == version:
            return bytes(stored.pdf), stored.etag
        pdf = await render()
        etag = hashlib.sha256(pdf).hexdigest()[:32]
        if stored is None:
            # Rendered at the same time by another request: theirs is as good as ours.
            with contextlib.suppress(IntegrityError):
                await RenderedDocument.create(
                    receipt_id=receipt_id, kind=kind, version=version, etag=etag, pdf=pdf
                )
        else:
            await RenderedDocument.filter(id=stored.id).update(version=version, etag=etag, pdf=pdf)
        return pdf, etag

    async def _render(
        self,
        document: worker.Document,
        signing: tuple[SigningMaterial, dict[str, bytes]] | None,
    ) -> bytes:
        loop = asyncio.get_running_loop()
        with RENDER_JOBS.track_inprogress():  # the pool's queue, as /metrics shows it
            if signing is None:
                return await loop.run_in_executor(self._pool, worker.render, document)
            material, attachments = signing
            return await loop.run_in_executor(
                self._pool,
                _sign_job,
                document,
                material.key_pem,
                material.certificate_pem,
                material.ca_pem,
                attachments,
            )


def _sign_job(
    document: worker.Document,
    key_pem: bytes,
    certificate_pem: bytes,
    ca_pem: bytes,
    attachments: dict[str, bytes],
) -> bytes:
    return worker.render_signed(
        document,
        key_pem=key_pem,
        certificate_pem=certificate_pem,
        ca_pem=ca_pem,
        attachments=attachments,
    )


def _ledger_block(bundle: dict[str, Any] | None, leaf_index: int | None) -> LedgerBlock | None:
    if bundle is None or leaf_index is None:
        return None
    lines = bundle["checkpoint"].splitlines()
    return LedgerBlock(
        origin=lines[0],
        leaf_index=leaf_index,
        tree_size=int(lines[1]),
        root_hash=base64.b64decode(lines[2]),
    )
