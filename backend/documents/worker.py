"""What runs in the rendering processes: draw a document, sign it, hand back the bytes.

Each worker loads the fonts once (about 300 ms) and keeps parsed signing keys (see
``sign.signing_key_for``); the app warms every worker at start so the first receipt does
not pay for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from backend.documents.fonts import FontSet
from backend.documents.medical import render_medical
from backend.documents.model import (
    FeeSlipDocument,
    MedicalReceiptDocument,
    TransitInvoiceDocument,
)
from backend.documents.ofd import render_ofd as _render_ofd
from backend.documents.sign import sign_in_worker
from backend.documents.slip import render_slip
from backend.documents.transit import render_transit

Document = MedicalReceiptDocument | TransitInvoiceDocument | FeeSlipDocument

_fonts: FontSet | None = None


def fonts() -> FontSet:
    global _fonts
    if _fonts is None:
        _fonts = FontSet.load()
    return _fonts


def warm_up() -> int:
    """Load the fonts; returns a number so the caller can wait on it."""
    return len(fonts().runs("票夹"))


def render(document: Document) -> bytes:
    """The unsigned PDF of ``document``."""
    if isinstance(document, MedicalReceiptDocument):
        return render_medical(document, fonts())
    if isinstance(document, TransitInvoiceDocument):
        return render_transit(document, fonts())
    return render_slip(document, fonts())


def render_ofd(document: MedicalReceiptDocument) -> bytes:
    """The OFD copy of ``document`` (see ``backend.documents.ofd``)."""
    return _render_ofd(document, fonts())


def render_signed(
    document: Document,
    *,
    key_pem: bytes,
    certificate_pem: bytes,
    ca_pem: bytes,
    attachments: Mapping[str, bytes],
) -> bytes:
    """The PDF of ``document`` signed (PAdES) by the issuer's key, with ``attachments``
    embedded inside the signed revision."""
    return sign_in_worker(render(document), key_pem, certificate_pem, ca_pem, dict(attachments))
