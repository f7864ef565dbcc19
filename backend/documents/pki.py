"""The deployment's own certificate authority and the issuers' PDF signing credentials.

Every deployment runs a tiny private CA: one self-signed ECDSA P-256 root (``CA:TRUE``,
``pathlen:0``, so it can certify end entities but no sub-CAs). Each issuer (hospital, metro
company) gets its own P-256 key and an end-entity certificate from that root; the issuer's
PDFs are signed with that key. Whoever trusts the root (an auditor, a finance bureau, the
``verify_pdf`` check) can then check every receipt PDF of the deployment.

Guarantees:

* ``DeploymentCA.load_or_create`` never overwrites an existing ``ca.key`` or ``ca.crt``. New
  files are written to a temporary file, fsynced, and *linked* into place (``os.link`` fails if
  the name exists), so a crash leaves either no file or a complete one, and two processes
  starting at once end up with the same CA.
* Every problem with the CA files is a ``PkiError`` with a one-line message naming the file.
* Issuer private keys leave this module as PKCS#8 PEM; ``seal_private_key`` encrypts them for
  storage (AES-256-GCM, key derived from the service secret with HKDF-SHA256).

Only ``cryptography`` is used here: no pyHanko, no ORM, no HTTP.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from backend.documents.errors import PkiError
from backend.issuers.credit_code import is_valid_credit_code

CA_KEY_FILE = "ca.key"
CA_CERT_FILE = "ca.crt"
CA_VALID_DAYS = 3650
# Certificates start a little in the past so that a verifier whose clock lags ours by a few
# minutes does not see a "not yet valid" certificate on a freshly signed PDF.
BACKDATE = dt.timedelta(minutes=10)

# id-kp-documentSigning (RFC 9336) says what the key is for. emailProtection is listed too
# because NSS (and so poppler's pdfsig, Firefox, Thunderbird) verifies PDF signers with the
# "email signer" usage and rejects a certificate whose EKU lacks it.
EKU_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
ISSUER_EKUS = (EKU_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION)

CaPrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


@dataclass(frozen=True, slots=True)
class IssuerCredentials:
    """A new issuer signing key and its certificate from the deployment CA.

    ``private_key_pem`` is an unencrypted PKCS#8 PEM: seal it (``seal_private_key``) before it
    is stored anywhere. ``certificate_pem`` is public.
    """

    private_key_pem: bytes
    certificate_pem: bytes

    def __repr__(self) -> str:
        # The private key must never reach a log line or a traceback through a repr.
        return "IssuerCredentials(private_key_pem=<hidden>, certificate_pem=...)"


class DeploymentCA:
    """The deployment's root: its private key and self-signed certificate, checked to match."""

    def __init__(self, key: CaPrivateKey, certificate: x509.Certificate) -> None:
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise PkiError("CA key must be an ECDSA or RSA key")
        if _spki(key.public_key()) != _spki(certificate.public_key()):
            raise PkiError("CA key does not match the CA certificate")
        try:
            constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        except x509.ExtensionNotFound:
            raise PkiError("CA certificate has no BasicConstraints extension") from None
        if not constraints.value.ca:
            raise PkiError("CA certificate is not a CA certificate (BasicConstraints CA:FALSE)")
        self._key = key
        self._certificate = certificate

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def from_pem(cls, key_pem: bytes, cert_pem: bytes) -> DeploymentCA:
        """A CA given in settings: an unencrypted PEM private key and its PEM certificate."""
        return cls(_load_key(key_pem, "CA key"), load_certificate(cert_pem, "CA certificate"))

    @classmethod
    def load_or_create(cls, directory: Path, *, name: str) -> DeploymentCA:
        """Load ``ca.key`` and ``ca.crt`` from ``directory``, creating them on first start.

        ``name`` becomes the subject CN of a *new* CA; an existing CA keeps its own name (the
        root that verifiers already trust must not change under them). If only ``ca.key``
        exists (a crash between the two writes on first start), the certificate is made again
        from that key. If only ``ca.crt`` exists, that is an error: the key is lost and a new
        one would silently split the deployment's trust.
        """
        key_path = directory / CA_KEY_FILE
        cert_path = directory / CA_CERT_FILE
        # Look at the certificate first: the key is always written before it, so a certificate
        # seen now means its key existed already, even while another process is creating both.
        cert_existed = cert_path.exists()
        if not key_path.exists():
            if cert_existed:
                raise PkiError(f"{cert_path} exists but {key_path} is missing; restore the key")
            _ensure_directory(directory)
            # If another process links its key first, this write does nothing and the key read
            # below is the winner's: both processes end up with the same CA.
            _write_new_file(key_path, _private_pem(ec.generate_private_key(ec.SECP256R1())), 0o600)
        key = _load_key(_read(key_path, "CA key"), str(key_path))
        if not cert_path.exists():
            _write_new_file(cert_path, _self_signed(key, name).public_bytes(_PEM), 0o644)
        certificate = load_certificate(_read(cert_path, "CA certificate"), str(cert_path))
        try:
            return cls(key, certificate)
        except PkiError as exc:
            raise PkiError(f"{directory}: {exc}") from None

    # -- the root ----------------------------------------------------------------------------

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    @property
    def certificate_pem(self) -> bytes:
        return self._certificate.public_bytes(_PEM)

    @property
    def certificate_der(self) -> bytes:
        return self._certificate.public_bytes(serialization.Encoding.DER)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the DER certificate, lowercase hex: what an operator compares by eye."""
        return self._certificate.fingerprint(hashes.SHA256()).hex()

    # -- issuing -----------------------------------------------------------------------------

    def certify_issuer(
        self, *, issuer_name: str, credit_code: str, valid_days: int = 825
    ) -> IssuerCredentials:
        """Make a new P-256 key for an issuer and certify it for signing PDFs.

        The subject is ``CN=issuer_name, serialNumber=credit_code, O=issuer_name, C=CN``: the
        统一社会信用代码 goes in the X.520 serialNumber attribute, the names are UTF8String, so
        Chinese names work. KeyUsage is digitalSignature + contentCommitment (pyHanko requires
        non-repudiation for PDF signers); ExtendedKeyUsage is documentSigning + emailProtection;
        the validity never outlasts the CA's own.
        """
        issuer_name = issuer_name.strip()
        if not issuer_name or len(issuer_name) > 64:
            # 64 is the X.520 upper bound for commonName and organizationName.
            raise PkiError("issuer name must have between 1 and 64 characters")
        if not is_valid_credit_code(credit_code):
            raise PkiError(f"not a valid 统一社会信用代码: {credit_code!r}")
        if not 1 <= valid_days <= CA_VALID_DAYS:
            raise PkiError(f"valid_days must be between 1 and {CA_VALID_DAYS}")
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        not_after = min(now + dt.timedelta(days=valid_days), self._certificate.not_valid_after_utc)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer_name),
                x509.NameAttribute(NameOID.SERIAL_NUMBER, credit_code),
                x509.NameAttribute(NameOID.COMMON_NAME, issuer_name),
            ]
        )
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self._certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, content_commitment=True), True)
            .add_extension(x509.ExtendedKeyUsage(list(ISSUER_EKUS)), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(self._authority_key_identifier(), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        return IssuerCredentials(
            private_key_pem=_private_pem(key), certificate_pem=certificate.public_bytes(_PEM)
        )

    def _authority_key_identifier(self) -> x509.AuthorityKeyIdentifier:
        try:
            ski = self._certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except x509.ExtensionNotFound:
            # A CA from settings may lack an SKI; derive the same value from its public key.
            return x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key())
        return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value)


# -- sealing issuer keys at rest ---------------------------------------------------------------

_SEAL_MAGIC = b"PJK1"  # format and version: magic || salt(16) || nonce(12) || AES-GCM ciphertext
_SEAL_INFO = b"piaojia/documents/issuer-key-seal/v1"
_SALT_BYTES = 16
_NONCE_BYTES = 12
MIN_SECRET_BYTES = 16


def seal_private_key(pem: bytes, secret: bytes) -> bytes:
    """Encrypt an issuer private key for storage.

    ``secret`` must be high-entropy (the service secret, at least 16 bytes): HKDF-SHA256 is a
    key *derivation* function, not a password hash, so a guessable secret gives no protection.
    A fresh random salt per blob gives a fresh AES-256 key per blob; the 12-byte nonce is random
    as well. The header is authenticated (AAD), so any change to the blob is detected by
    ``open_private_key``.
    """
    _check_secret(secret)
    salt = secrets.token_bytes(_SALT_BYTES)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    ciphertext = AESGCM(_seal_key(secret, salt)).encrypt(nonce, pem, _SEAL_MAGIC)
    return _SEAL_MAGIC + salt + nonce + ciphertext


def open_private_key(blob: bytes, secret: bytes) -> bytes:
    """Decrypt what ``seal_private_key`` made; ``PkiError`` for a wrong secret or damaged blob."""
    _check_secret(secret)
    header = len(_SEAL_MAGIC) + _SALT_BYTES + _NONCE_BYTES
    if len(blob) <= header or not blob.startswith(_SEAL_MAGIC):
        raise PkiError("sealed key is not in the PJK1 format")
    salt = blob[len(_SEAL_MAGIC) : len(_SEAL_MAGIC) + _SALT_BYTES]
    nonce = blob[len(_SEAL_MAGIC) + _SALT_BYTES : header]
    try:
        return AESGCM(_seal_key(secret, salt)).decrypt(nonce, blob[header:], _SEAL_MAGIC)
    except InvalidTag:
        raise PkiError("cannot open sealed key: wrong secret or damaged data") from None


def _seal_key(secret: bytes, salt: bytes) -> bytes:
    # The info string separates this use of the service secret from its other uses.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_SEAL_INFO).derive(secret)


def _check_secret(secret: bytes) -> None:
    if len(secret) < MIN_SECRET_BYTES:
        raise PkiError(f"sealing secret must have at least {MIN_SECRET_BYTES} bytes")


# -- helpers -----------------------------------------------------------------------------------

_PEM = serialization.Encoding.PEM


def _private_pem(key: CaPrivateKey) -> bytes:
    return key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _spki(public_key: CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _key_usage(
    *,
    digital_signature: bool = False,
    content_commitment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=content_commitment,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _self_signed(key: CaPrivateKey, name: str) -> x509.Certificate:
    name = name.strip()
    if not name or len(name) > 64:
        raise PkiError("CA name must have between 1 and 64 characters")
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=CA_VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), False)
        .sign(key, hashes.SHA256())
    )


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PkiError(f"cannot read {what} {path}: {exc.strerror or exc}") from None


def _load_key(pem: bytes, where: str) -> CaPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError:
        raise PkiError(f"{where} is encrypted; give it unencrypted") from None
    except (ValueError, UnsupportedAlgorithm):
        raise PkiError(f"{where} is not a readable PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise PkiError(f"{where} must be an ECDSA or RSA key")
    return key


def load_certificate(pem: bytes, where: str) -> x509.Certificate:
    """The certificate in ``pem``; ``PkiError`` naming ``where`` when it is not one."""
    try:
        return x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise PkiError(f"{where} is not a readable PEM certificate") from None


def _ensure_directory(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PkiError(f"cannot create {directory}: {exc.strerror or exc}") from None


def _write_new_file(path: Path, data: bytes, mode: int) -> bool:
    """Write ``data`` as a new file with ``mode`` at ``path`` atomically, never replacing one.

    Returns False (and writes nothing) if ``path`` already exists, e.g. because another process
    created it first. ``os.link`` is the step that can fail on an existing name; ``rename``
    would silently replace it.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        # The temporary file is 0600 whatever ``mode`` is, so a key is never readable by others,
        # not even for a moment; fchmod then sets the final mode (not subject to the umask).
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                os.fchmod(handle.fileno(), mode)
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temporary, path)
        except FileExistsError:
            return False
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        _fsync_directory(path.parent)
    except OSError as exc:
        raise PkiError(f"cannot write {path}: {exc.strerror or exc}") from None
    return True


def _fsync_directory(directory: Path) -> None:
    # The new directory entry is durable only once the directory itself is fsynced.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
