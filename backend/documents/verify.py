"""Checking the PAdES signature of a receipt PDF against the deployment CA.

Synchronous and CPU-bound, like signing (``backend.documents.synchronous``): call it from an
executor, never on the event loop's thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from backend.documents.attachments import read_attachments
from backend.documents.errors import NotAPdf, describe
from backend.documents.pki import load_certificate
from backend.documents.synchronous import run_synchronously


@dataclass(frozen=True, slots=True)
class PdfVerification:
    """What ``verify_pdf`` found.

    ``valid`` is the one answer to act on: the signature is cryptographically intact, its
    signer chains to the trusted CA, and it covers the whole file (nothing appended later).
    ``attachments`` are read from the revision the signature covers, never from a later
    update; they are only trustworthy when ``valid`` is True. ``problem`` says, for people,
    why ``valid`` is False.
    """

    valid: bool
    intact: bool
    trusted: bool
    covers_whole_file: bool
    signer_common_name: str
    signed_at: dt.datetime | None
    attachments: dict[str, bytes] = field(default_factory=dict)
    problem: str | None = None


def verify_pdf(pdf: bytes, ca_cert_pem: bytes) -> PdfVerification:
    """Check the (last) signature of ``pdf`` against the deployment CA ``ca_cert_pem``.

    Never raises for a damaged or tampered PDF: that is a result with ``valid=False``. Raises
    ``NotAPdf`` only when the bytes do not even start like a PDF, and ``PkiError`` when
    ``ca_cert_pem`` is not a certificate. Synchronous, like ``sign_pdf``.
    """
    ca = load_certificate(ca_cert_pem, "CA certificate")
    if pdf.lstrip()[:5] != b"%PDF-":
        raise NotAPdf("the file is not a PDF")
    return run_synchronously(_verify(pdf, ca))


async def _verify(pdf: bytes, ca: x509.Certificate) -> PdfVerification:
    # The PDF may come from anyone. pyHanko's parser and validator raise many kinds of
    # exceptions on damaged input (zlib.error, AttributeError, AssertionError,
    # decimal.InvalidOperation, ... as a byte-flipping run showed), so every step that reads
    # the file catches Exception: a damaged file is an answer (valid=False), never a crash.
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        return _failed(f"the PDF cannot be read: {describe(exc)}")
    if not signatures:
        return _failed("the PDF has no signature")
    signature = signatures[-1]
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))],
        allow_fetching=False,
    )
    try:
        status = await async_validate_pdf_signature(signature, signer_validation_context=context)
        signer_common_name = _asn1_common_name(status.signing_cert)
    except Exception as exc:
        return _failed(f"the signature cannot be checked: {describe(exc)}")
    finally:
        # No fetching is allowed, so there is nothing to release today; closing keeps that
        # true if a later pyHanko provisions resources for the context on its own.
        await context.aclose()  # type: ignore[no-untyped-call]
    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    intact = bool(status.intact and status.valid)
    trusted = bool(status.trusted)
    valid = intact and trusted and covers_whole_file
    problem = None
    if not intact:
        problem = "the signed bytes were changed after signing"
    elif not trusted:
        problem = "the signer's certificate does not chain to the deployment CA"
    elif not covers_whole_file:
        problem = "the file was changed after signing (bytes appended outside the signature)"
    try:
        # The signed revision is the prefix the ByteRange ends at: attachments come from there.
        _, _, start, length = (int(x) for x in signature.byte_range)
        signed_revision = PdfFileReader(BytesIO(pdf[: start + length]), strict=False)
        attachments = read_attachments(signed_revision)
    except Exception:
        attachments = {}
    return PdfVerification(
        valid=valid,
        intact=intact,
        trusted=trusted,
        covers_whole_file=covers_whole_file,
        signer_common_name=signer_common_name,
        signed_at=status.signer_reported_dt,
        attachments=attachments,
        problem=problem,
    )


def _failed(problem: str) -> PdfVerification:
    return PdfVerification(
        valid=False,
        intact=False,
        trusted=False,
        covers_whole_file=False,
        signer_common_name="",
        signed_at=None,
        problem=problem,
    )


def _asn1_common_name(certificate: asn1_x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    value = certificate.subject.native.get("common_name", "")
    return str(value)
