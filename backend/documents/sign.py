"""PAdES signatures on receipt PDFs, with machine-readable attachments.

``sign_pdf`` adds the attachments (e.g. the receipt's ``ledger-proof.json``) as embedded files
and signs the result, all in *one* incremental update: the signature's ByteRange covers the
whole output file, attachments included, so changing an attachment breaks the signature.
The signature is PAdES baseline B-B (``ETSI.CAdES.detached``, SHA-256, signing-certificate-v2
attribute, signing time in the signature dictionary), made with the issuer's key certified by
the deployment CA (``backend.documents.pki``).

Everything here is synchronous and CPU-bound, meant for a process pool (``sign_in_worker``);
see ``backend.documents.synchronous`` for why it refuses to run on an event loop's thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from io import BytesIO
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from backend.documents.attachments import check_names, embed_attachments
from backend.documents.errors import PkiError, SigningError
from backend.documents.pki import load_certificate
from backend.documents.synchronous import run_synchronously

DEFAULT_REASON = "电子票据签章"
DEFAULT_LOCATION = "中国"
SIGNATURE_FIELD = "Signature1"
# How many parsed keys a worker process keeps (one per issuer it has signed for lately).
WORKER_KEY_CACHE_SIZE = 128


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
        certificate = load_certificate(certificate_pem, "issuer certificate")
        ca_certificate = load_certificate(ca_certificate_pem, "CA certificate")
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
    check_names(files)
    return run_synchronously(_sign(pdf, key, files, reason, location))


async def _sign(
    pdf: bytes, key: PdfSigningKey, files: dict[str, bytes], reason: str, location: str
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
    except (misc.PdfError, ValueError) as exc:
        raise SigningError(f"cannot read the PDF to sign: {exc}") from None
    embed_attachments(writer, files, dt.datetime.now(dt.UTC))
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


# -- helpers -----------------------------------------------------------------------------------


def _certificate_store(*certificates: asn1_x509.Certificate) -> SimpleCertificateStore:
    store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
    for certificate in certificates:
        store.register(certificate)
    return store


def _spki(public_key: Any) -> bytes:
    der: bytes = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return der


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(values[0].value) if values else ""
