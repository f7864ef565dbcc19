"""Helpers of the signing tests: test PDFs, credit codes, an NSS database, pdfsig."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from reportlab.pdfgen import canvas

from backend.documents import pki
from backend.documents.pki import DeploymentCA
from backend.issuers.credit_code import check_character

ISSUER_NAME = "上海市第一人民医院"
LEDGER_PROOF = json.dumps(
    {
        "statement": {"type": "issued", "code": "44060126", "number": "0000000001"},
        "leaf_index": 41,
        "inclusion_proof": ["3q2+7w==", "AAECAw=="],
        "checkpoint": "piaojia.test/ledger\n42\nq83vEjRWeJA=\n\n— piaojia.test/ledger …\n",
    },
    ensure_ascii=False,
).encode()


def credit_code(serial: int) -> str:
    first17 = f"12310000MB{serial:07d}"
    return first17 + check_character(first17)


def make_pdf(text: str = "Receipt 0000000001 total 85.60") -> bytes:
    """A one-page PDF; page content uncompressed so a test can find and change its text."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)
    page.setTitle("test receipt")
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def nss_trusting(directory: Path, ca: DeploymentCA) -> str:
    """An NSS database in ``directory`` that trusts ``ca``; returns the ``-nssdir`` value."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ca.der").write_bytes(ca.certificate_der)
    database = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", database, "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", database, "-n", "ca", "-t", "CT,C,C", "-i", directory / "ca.der"],
        check=True,
    )
    return database


def pdfsig(pdf: bytes, nssdir: str, tmp: Path) -> str:
    path = tmp / "checked.pdf"
    path.write_bytes(pdf)
    # pdfsig exits non-zero for invalid signatures; the printed report is what we check.
    result = subprocess.run(
        ["pdfsig", "-nssdir", nssdir, str(path)], capture_output=True, text=True, check=False
    )
    return result.stdout


def rsa_issuer(ca_directory: Path, ca: DeploymentCA, *, key_size: int) -> tuple[bytes, bytes]:
    """An RSA issuer key and certificate from the CA in ``ca_directory`` (``certify_issuer``
    makes P-256 only); same subject and extensions apart from the key. Returns PEMs."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    return hand_made_issuer(ca_directory, ca, key)


def hand_made_issuer(
    ca_directory: Path,
    ca: DeploymentCA,
    key: pki.CaPrivateKey,
    *,
    valid: tuple[dt.timedelta, dt.timedelta] = (dt.timedelta(minutes=-5), dt.timedelta(days=30)),
) -> tuple[bytes, bytes]:
    """An issuer certificate for ``key`` like ``certify_issuer``'s, valid from now + valid[0]
    to now + valid[1], signed with the CA key read from ``ca_directory``. Returns PEMs."""
    ca_key = serialization.load_pem_private_key((ca_directory / "ca.key").read_bytes(), None)
    assert isinstance(ca_key, pki.CaPrivateKey)
    template = x509.load_pem_x509_certificate(
        ca.certify_issuer(issuer_name=ISSUER_NAME, credit_code=credit_code(90)).certificate_pem
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(template.subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + valid[0])
        .not_valid_after(now + valid[1])
    )
    for extension in template.extensions:
        if not isinstance(extension.value, x509.SubjectKeyIdentifier):
            builder = builder.add_extension(extension.value, extension.critical)
    certificate = builder.sign(ca_key, hashes.SHA256())
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, certificate.public_bytes(serialization.Encoding.PEM)
