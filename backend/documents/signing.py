"""PAdES signatures on receipt PDFs, with machine-readable attachments, and their verification.

``sign_pdf`` adds the attachments (e.g. the receipt's ``ledger-proof.json``) as embedded files
and signs the result, all in *one* incremental update: the signature's ByteRange covers the
whole output file, attachments included, so changing an attachment breaks the signature.
The signature is PAdES baseline B-B (``ETSI.CAdES.detached``, SHA-256, signing-certificate-v2
attribute, signing time in the signature dictionary), made with the issuer's key certified by
the deployment CA (``backend.documents.pki``).

Everything here is synchronous and CPU-bound, meant for a process pool (``sign_in_worker``).
pyHanko's API is async, and its sync wrappers call ``asyncio.run``, which fails inside a running
loop; so these functions run pyHanko's coroutines on a fresh private event loop and refuse, with
a clear error, to be called on a thread whose event loop is running (that would block it).
From a thread or a worker process, while a loop runs elsewhere, they work.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import mimetypes
import re
from collections import OrderedDict
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils import embed, generic, misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from backend.documents.associated import file_spec
from backend.documents.errors import AttachmentNotFound, NotAPdf, PkiError, SigningError

DEFAULT_REASON = "电子票据签章"
DEFAULT_LOCATION = "中国"
SIGNATURE_FIELD = "Signature1"
# Attachment names end up as file names wherever a reader saves them (pdfdetach -saveall,
# Acrobat's attachment pane): keep them to plain, non-hidden file names.
_ATTACHMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Bounds for reading attachments out of PDFs we did not necessarily make.
MAX_ATTACHMENTS = 64
_MAX_NAME_TREE_DEPTH = 8
# How many parsed keys a worker process keeps (one per issuer it has signed for lately).
WORKER_KEY_CACHE_SIZE = 128

T = TypeVar("T")


class PdfSigningKey:
    """An issuer's signing key, certificate and CA certificate, parsed and checked once.

    Construction verifies that the key matches the certificate, that the certificate was issued
    by the CA certificate, and that it carries the non-repudiation key usage pyHanko demands;
    problems are ``PkiError``. The pyHanko signer it holds signs with the already-parsed
    ``cryptography`` key: pyHanko's ``SimpleSigner`` would re-parse the DER key on every
    signature (twice per PDF, counting the size-estimating dry run).
    """

    def __init__(self, private_key_pem: bytes, certificate_pem: bytes, ca_certificate_pem: bytes):
        try:
            key = serialization.load_pem_private_key(private_key_pem, password=None)
        except (ValueError, TypeError):
            raise PkiError("issuer signing key is not an unencrypted PEM private key") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise PkiError("issuer signing key must be an ECDSA or RSA key")
        certificate = _load_certificate(certificate_pem, "issuer certificate")
        ca_certificate = _load_certificate(ca_certificate_pem, "CA certificate")
        if _spki(key.public_key()) != _spki(certificate.public_key()):
            raise PkiError("issuer signing key does not match its certificate")
        try:
            certificate.verify_directly_issued_by(ca_certificate)
        except (ValueError, TypeError, InvalidSignature):
            raise PkiError("issuer certificate was not issued by the CA certificate") from None
        try:
            usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            raise PkiError("issuer certificate has no KeyUsage extension") from None
        if not (usage.digital_signature and usage.content_commitment):
            raise PkiError("issuer certificate lacks digitalSignature + contentCommitment")

        self.certificate = certificate
        self.ca_certificate = ca_certificate
        self.ca_certificate_pem = ca_certificate.public_bytes(serialization.Encoding.PEM)
        self.common_name = _common_name(certificate.subject)
        self.fingerprint = key_fingerprint(private_key_pem, certificate_pem, ca_certificate_pem)
        cert_der = certificate.public_bytes(serialization.Encoding.DER)
        ca_der = ca_certificate.public_bytes(serialization.Encoding.DER)
        self.signer: signers.SimpleSigner = _CachedKeySigner(
            key,
            signing_cert=asn1_x509.Certificate.load(cert_der),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            # The CA certificate goes into the CMS too, so that a verifier that trusts the
            # root (pdfsig with an NSS database, Acrobat) can build the chain from the PDF.
            cert_registry=_certificate_store(asn1_x509.Certificate.load(ca_der)),
        )
        # Room for the CMS blob, so that pyHanko skips its dry-run signature (a second full
        # CMS build per PDF, about 7 ms). pyHanko counts hex digits here (two per DER byte, so
        # it must be even): the two certificates plus 1.5 KiB for the signature, the signed
        # attributes and the CMS framing, which take about 390 bytes with P-256 and about
        # 830 with RSA-4096.
        self.bytes_reserved = 2 * (len(cert_der) + len(ca_der) + 1536)

    def __repr__(self) -> str:
        return f"PdfSigningKey(common_name={self.common_name!r}, fingerprint={self.fingerprint})"


class _CachedKeySigner(signers.SimpleSigner):
    """A ``SimpleSigner`` that signs with a ``cryptography`` key parsed once, up front."""

    def __init__(
        self,
        private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism.signature_algo
        digest = _HASHES.get(digest_algorithm)
        key = self._private_key
        if (
            digest is not None
            and algorithm == "ecdsa"
            and isinstance(key, ec.EllipticCurvePrivateKey)
        ):
            return key.sign(data, ec.ECDSA(digest))
        if (
            digest is not None
            and algorithm == "rsassa_pkcs1v15"
            and isinstance(key, rsa.RSAPrivateKey)
        ):
            return key.sign(data, padding.PKCS1v15(), digest)
        # Anything else (PSS parameters, an unusual digest): pyHanko's own, slower path.
        result: bytes = super().sign_raw(data, digest_algorithm)
        return result


_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha384": hashes.SHA384(),
    "sha512": hashes.SHA512(),
}


# -- signing -----------------------------------------------------------------------------------


def sign_pdf(
    pdf: bytes,
    key: PdfSigningKey,
    *,
    attachments: Mapping[str, bytes] | None = None,
    reason: str = DEFAULT_REASON,
    location: str = DEFAULT_LOCATION,
) -> bytes:
    """Embed ``attachments`` into ``pdf`` and sign it; returns the signed PDF.

    Guarantees: the output is ``pdf`` plus one incremental update holding the embedded files
    and a PAdES B-B signature (SHA-256) whose ByteRange covers the entire output, so the
    attachments are part of what is signed; the original bytes are kept unchanged as the
    output's prefix. Attachments are added in name order (PDF name trees must be sorted), with
    a MIME type guessed from the name (``.json`` → ``application/json``).

    Synchronous; safe in a worker process or thread. ``SigningError`` when called on a thread
    whose event loop is running, for a bad attachment name, or when ``pdf`` cannot be extended;
    ``PkiError`` when the issuer certificate has expired (certify the issuer again).
    """
    expires = key.certificate.not_valid_after_utc
    if dt.datetime.now(dt.UTC) >= expires:
        # Signing anyway would make PDFs that every verifier reports as untrusted.
        raise PkiError(f"the certificate of {key.common_name} expired on {expires:%Y-%m-%d}")
    files = dict(attachments or {})
    for name in files:
        if not _ATTACHMENT_NAME.fullmatch(name):
            raise SigningError(f"attachment name {name!r} is not a plain file name")
    return _run(_sign(pdf, key, files, reason, location))


async def _sign(
    pdf: bytes, key: PdfSigningKey, files: dict[str, bytes], reason: str, location: str
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
    except (misc.PdfError, ValueError) as exc:
        raise SigningError(f"cannot read the PDF to sign: {exc}") from None
    now = dt.datetime.now(dt.UTC)
    for name in sorted(files):
        data = files[name]
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        stream = embed.EmbeddedFileObject.from_file_data(
            writer,
            data,
            mime_type=mime_type,
            params=embed.EmbeddedFileParams(creation_date=now, modification_date=now),
        )
        try:
            embed.embed_file(writer, file_spec(name, stream))
        except NotImplementedError:
            # pyHanko only extends flat name trees; our own renderings never have any tree.
            raise SigningError("the PDF already has a nested attachment tree") from None
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(metadata, signer=key.signer)
    try:
        output = await pdf_signer.async_sign_pdf(writer, bytes_reserved=key.bytes_reserved)
    except (PyHankoSigningError, misc.PdfError, ValueError) as exc:
        raise SigningError(f"pyHanko could not sign the PDF: {exc}") from None
    signed: bytes = output.getvalue()
    return signed


# -- process pool ------------------------------------------------------------------------------

_WORKER_KEYS: OrderedDict[str, PdfSigningKey] = OrderedDict()


def key_fingerprint(
    private_key_pem: bytes, certificate_pem: bytes, ca_certificate_pem: bytes
) -> str:
    """SHA-256 over the three PEMs (length-prefixed, so no two triples collide by shifting)."""
    digest = hashlib.sha256()
    for part in (private_key_pem, certificate_pem, ca_certificate_pem):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def signing_key_for(
    private_key_pem: bytes, certificate_pem: bytes, ca_certificate_pem: bytes
) -> PdfSigningKey:
    """The parsed key for these PEMs, from this process's cache (LRU, ``WORKER_KEY_CACHE_SIZE``)."""
    fingerprint = key_fingerprint(private_key_pem, certificate_pem, ca_certificate_pem)
    key = _WORKER_KEYS.get(fingerprint)
    if key is None:
        key = PdfSigningKey(private_key_pem, certificate_pem, ca_certificate_pem)
        _WORKER_KEYS[fingerprint] = key
        while len(_WORKER_KEYS) > WORKER_KEY_CACHE_SIZE:
            _WORKER_KEYS.popitem(last=False)
    else:
        _WORKER_KEYS.move_to_end(fingerprint)
    return key


def sign_in_worker(
    pdf: bytes,
    key_pem: bytes,
    cert_pem: bytes,
    ca_pem: bytes,
    attachments: Mapping[str, bytes] | None = None,
    reason: str = DEFAULT_REASON,
    location: str = DEFAULT_LOCATION,
) -> bytes:
    """``sign_pdf`` for ``executor.submit``: every argument pickles, and the key is parsed only
    the first time a worker process sees it (then cached per process by fingerprint)."""
    key = signing_key_for(key_pem, cert_pem, ca_pem)
    return sign_pdf(pdf, key, attachments=attachments, reason=reason, location=location)


# -- verification ------------------------------------------------------------------------------


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
    ca = _load_certificate(ca_cert_pem, "CA certificate")
    if pdf.lstrip()[:5] != b"%PDF-":
        raise NotAPdf("the file is not a PDF")
    return _run(_verify(pdf, ca))


async def _verify(pdf: bytes, ca: x509.Certificate) -> PdfVerification:
    # The PDF may come from anyone. pyHanko's parser and validator raise many kinds of
    # exceptions on damaged input (zlib.error, AttributeError, AssertionError,
    # decimal.InvalidOperation, ... as a byte-flipping run showed), so every step that reads
    # the file catches Exception: a damaged file is an answer (valid=False), never a crash.
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        return _failed(f"the PDF cannot be read: {_describe(exc)}")
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
        return _failed(f"the signature cannot be checked: {_describe(exc)}")
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
        attachments = _read_attachments(signed_revision)
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


def _describe(exc: Exception) -> str:
    # One line, bounded: the message may quote bytes of the damaged file.
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


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


def extract_attachment(pdf: bytes, name: str) -> bytes:
    """The embedded file ``name`` as the PDF shows it now (what ``pdfdetach`` would save).

    This does not check the signature: use ``verify_pdf(...).attachments`` for bytes you rely
    on. ``NotAPdf`` for unreadable input, ``AttachmentNotFound`` if there is no such file.
    """
    try:
        found = _read_attachments(PdfFileReader(BytesIO(pdf), strict=False))
    except Exception as exc:  # any parser failure on foreign input: see _verify
        raise NotAPdf(f"the PDF cannot be read: {_describe(exc)}") from None
    try:
        return found[name]
    except KeyError:
        raise AttachmentNotFound(f"the PDF has no attachment named {name!r}") from None


def _read_attachments(reader: PdfFileReader) -> dict[str, bytes]:
    """Walk the EmbeddedFiles name tree (flat or nested, bounded in depth and count)."""
    names = reader.root.get("/Names")
    if names is None:
        return {}
    tree = names.get_object().get("/EmbeddedFiles")
    if tree is None:
        return {}
    found: dict[str, bytes] = {}
    _walk_name_tree(tree.get_object(), found, depth=0)
    return found


def _walk_name_tree(node: generic.DictionaryObject, found: dict[str, bytes], depth: int) -> None:
    if depth > _MAX_NAME_TREE_DEPTH:
        raise ValueError("attachment name tree is too deep")
    entries = node.get("/Names")
    if entries is not None:
        entries = entries.get_object()
        for i in range(0, len(entries) - 1, 2):
            if len(found) >= MAX_ATTACHMENTS:
                raise ValueError("too many attachments")
            name = str(entries[i].get_object())
            spec = entries[i + 1].get_object()
            embedded = spec.get("/EF")
            if embedded is None:
                continue  # a reference to an external file: nothing embedded to return
            embedded = embedded.get_object()
            stream = embedded.get("/UF") or embedded.get("/F")
            if stream is not None:
                found[name] = stream.get_object().data
    for kid in node.get("/Kids", generic.ArrayObject()).get_object():
        _walk_name_tree(kid.get_object(), found, depth + 1)


# -- helpers -----------------------------------------------------------------------------------


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a pyHanko coroutine to completion on a fresh event loop owned by this call."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    if running:
        coroutine.close()  # never awaited: close it so Python does not warn about it
        raise SigningError(
            "PDF signing and verification are synchronous and CPU-bound; call them in an "
            "executor (loop.run_in_executor / asyncio.to_thread), not on the event loop's thread"
        )
    return asyncio.run(coroutine)


def _certificate_store(*certificates: asn1_x509.Certificate) -> SimpleCertificateStore:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    for certificate in certificates:
        store.register(certificate)
    return store


def _load_certificate(pem: bytes, what: str) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise PkiError(f"{what} is not a readable PEM certificate") from None


def _spki(public_key: Any) -> bytes:
    der: bytes = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""


def _asn1_common_name(certificate: asn1_x509.Certificate | None) -> str:
    if certificate is None:
        return ""
    value = certificate.subject.native.get("common_name", "")
    return str(value)
