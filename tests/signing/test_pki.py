"""The deployment CA on disk, issuer certificates, and sealing issuer keys at rest."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.documents import pki
from backend.documents.errors import PkiError
from backend.documents.pki import DeploymentCA, open_private_key, seal_private_key
from tests.signing.helpers import ISSUER_NAME, credit_code

SECRET = b"test-secret-key-0123456789abcdef0123"


# -- the CA on disk ----------------------------------------------------------------------------


def test_first_start_creates_a_private_key_and_a_ca_certificate(tmp_path: Path) -> None:
    directory = tmp_path / "pki"
    ca = DeploymentCA.load_or_create(directory, name="票夹测试根证书")

    assert stat.S_IMODE((directory / "ca.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((directory / "ca.crt").stat().st_mode) == 0o644
    assert (directory / "ca.crt").read_bytes() == ca.certificate_pem
    assert not [p.name for p in directory.iterdir() if p.name.endswith(".tmp")]
    certificate = ca.certificate
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "票夹测试根证书"
    )
    assert certificate.subject == certificate.issuer
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign and not usage.digital_signature
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert dt.timedelta(days=3650) <= lifetime <= dt.timedelta(days=3651)
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)


def test_later_starts_load_the_same_ca_and_keep_the_files(tmp_path: Path) -> None:
    first = DeploymentCA.load_or_create(tmp_path, name="first name")
    key_bytes = (tmp_path / "ca.key").read_bytes()

    again = DeploymentCA.load_or_create(tmp_path, name="a different name")

    assert again.certificate_der == first.certificate_der
    assert again.fingerprint == first.fingerprint
    assert (tmp_path / "ca.key").read_bytes() == key_bytes


def test_processes_starting_at_once_end_up_with_one_ca(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        cas = list(pool.map(lambda _: DeploymentCA.load_or_create(tmp_path, name="ca"), range(8)))

    assert len({ca.certificate_der for ca in cas}) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ca.crt", "ca.key"]


def test_a_new_file_never_replaces_an_existing_one(tmp_path: Path) -> None:
    target = tmp_path / "ca.key"
    target.write_bytes(b"precious")

    assert pki._write_new_file(target, b"replacement", 0o600) is False

    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["ca.key"]


def test_a_key_without_its_certificate_gets_the_certificate_again(tmp_path: Path) -> None:
    # A crash between the two writes of the first start leaves only the key.
    DeploymentCA.load_or_create(tmp_path, name="ca")
    key_bytes = (tmp_path / "ca.key").read_bytes()
    (tmp_path / "ca.crt").unlink()

    ca = DeploymentCA.load_or_create(tmp_path, name="ca")

    assert (tmp_path / "ca.key").read_bytes() == key_bytes
    key = serialization.load_pem_private_key(key_bytes, password=None)
    assert ca.certificate.public_key() == key.public_key()


def test_a_certificate_without_its_key_is_refused_and_left_alone(tmp_path: Path) -> None:
    DeploymentCA.load_or_create(tmp_path, name="ca")
    certificate = (tmp_path / "ca.crt").read_bytes()
    (tmp_path / "ca.key").unlink()

    with pytest.raises(PkiError, match=r"ca\.key is missing"):
        DeploymentCA.load_or_create(tmp_path, name="ca")

    assert (tmp_path / "ca.crt").read_bytes() == certificate
    assert not (tmp_path / "ca.key").exists()


def test_a_corrupt_key_file_is_a_pki_error_naming_the_file(tmp_path: Path) -> None:
    DeploymentCA.load_or_create(tmp_path, name="ca")
    key_path = tmp_path / "ca.key"
    key_path.write_bytes(key_path.read_bytes()[:60] + b"garbage\n-----END PRIVATE KEY-----\n")

    with pytest.raises(PkiError, match=r"ca\.key is not a readable PEM private key") as caught:
        DeploymentCA.load_or_create(tmp_path, name="ca")
    assert "\n" not in str(caught.value)


def test_a_corrupt_certificate_file_is_a_pki_error(tmp_path: Path) -> None:
    DeploymentCA.load_or_create(tmp_path, name="ca")
    (tmp_path / "ca.crt").write_bytes(
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    )

    with pytest.raises(PkiError, match=r"ca\.crt is not a readable PEM certificate"):
        DeploymentCA.load_or_create(tmp_path, name="ca")


def test_an_unreadable_key_file_is_a_pki_error(tmp_path: Path) -> None:
    # A directory where the key should be: unreadable even for root, unlike chmod 000.
    (tmp_path / "ca.key").mkdir()

    with pytest.raises(PkiError, match=r"cannot read CA key .*ca\.key"):
        DeploymentCA.load_or_create(tmp_path, name="ca")


def test_a_key_and_certificate_of_different_cas_are_refused(tmp_path: Path) -> None:
    DeploymentCA.load_or_create(tmp_path / "a", name="a")
    DeploymentCA.load_or_create(tmp_path / "b", name="b")
    (tmp_path / "a" / "ca.crt").write_bytes((tmp_path / "b" / "ca.crt").read_bytes())

    with pytest.raises(PkiError, match="does not match"):
        DeploymentCA.load_or_create(tmp_path / "a", name="a")


def test_a_ca_from_settings_is_read_from_pem(tmp_path: Path) -> None:
    made = DeploymentCA.load_or_create(tmp_path, name="ca")
    key_pem = (tmp_path / "ca.key").read_bytes()

    loaded = DeploymentCA.from_pem(key_pem, made.certificate_pem)

    assert loaded.certificate_der == made.certificate_der
    with pytest.raises(PkiError, match="not a readable PEM private key"):
        DeploymentCA.from_pem(b"not a key", made.certificate_pem)
    encrypted = serialization.load_pem_private_key(key_pem, password=None).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase"),
    )
    with pytest.raises(PkiError, match="encrypted"):
        DeploymentCA.from_pem(encrypted, made.certificate_pem)


def test_an_end_entity_certificate_is_not_accepted_as_the_ca(ca: DeploymentCA) -> None:
    issuer = ca.certify_issuer(issuer_name="某医院", credit_code=credit_code(7))

    with pytest.raises(PkiError, match="not a CA certificate"):
        DeploymentCA.from_pem(issuer.private_key_pem, issuer.certificate_pem)


# -- issuer certificates -----------------------------------------------------------------------


def test_an_issuer_certificate_chains_to_the_ca_with_signing_usages(
    ca: DeploymentCA, tmp_path: Path
) -> None:
    code = credit_code(2)
    credentials = ca.certify_issuer(issuer_name=ISSUER_NAME, credit_code=code)
    certificate = x509.load_pem_x509_certificate(credentials.certificate_pem)

    certificate.verify_directly_issued_by(ca.certificate)
    subject = certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == ISSUER_NAME
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == ISSUER_NAME
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == code
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "CN"
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not (usage.value.key_cert_sign or usage.value.key_encipherment)
    ekus = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(ekus) == {pki.EKU_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION}
    constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is False
    aki = certificate.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski.digest == x509.SubjectKeyIdentifier.from_public_key(certificate.public_key()).digest
    lifetime = certificate.not_valid_after_utc - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=824) < lifetime <= dt.timedelta(days=825)

    assert credentials.private_key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    key = serialization.load_pem_private_key(credentials.private_key_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert key.public_key() == certificate.public_key()
    assert "PRIVATE" not in repr(credentials)

    # An independent implementation agrees that the chain holds (OpenSSL, purpose any).
    (tmp_path / "ca.pem").write_bytes(ca.certificate_pem)
    (tmp_path / "issuer.pem").write_bytes(credentials.certificate_pem)
    result = subprocess.run(
        ["openssl", "verify", "-CAfile", tmp_path / "ca.pem", tmp_path / "issuer.pem"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(": OK")


def test_an_issuer_certificate_never_outlives_the_ca(ca: DeploymentCA) -> None:
    credentials = ca.certify_issuer(
        issuer_name="长寿医院", credit_code=credit_code(3), valid_days=3650
    )
    certificate = x509.load_pem_x509_certificate(credentials.certificate_pem)

    assert certificate.not_valid_after_utc <= ca.certificate.not_valid_after_utc


@pytest.mark.parametrize(
    ("name", "code", "days", "message"),
    [
        ("某医院", "91350100M000100Y44", 825, "not a valid 统一社会信用代码"),
        ("某医院", "not-a-code", 825, "not a valid 统一社会信用代码"),
        ("   ", credit_code(4), 825, "issuer name"),
        ("医" * 65, credit_code(4), 825, "issuer name"),
        ("某医院", credit_code(4), 0, "valid_days"),
    ],
)
def test_bad_issuer_details_are_refused(
    ca: DeploymentCA, name: str, code: str, days: int, message: str
) -> None:
    with pytest.raises(PkiError, match=message):
        ca.certify_issuer(issuer_name=name, credit_code=code, valid_days=days)


# -- sealing -----------------------------------------------------------------------------------


def test_a_sealed_key_opens_with_the_same_secret_only(ca: DeploymentCA) -> None:
    pem = ca.certify_issuer(issuer_name="某医院", credit_code=credit_code(5)).private_key_pem

    blob = seal_private_key(pem, SECRET)

    assert pem not in blob and b"PRIVATE" not in blob
    assert open_private_key(blob, SECRET) == pem
    # A fresh salt and nonce per seal: sealing twice never gives the same blob.
    assert seal_private_key(pem, SECRET) != blob
    with pytest.raises(PkiError, match="wrong secret or damaged data"):
        open_private_key(blob, b"another-secret-0123456789abcdef")


def test_a_damaged_sealed_key_is_refused(ca: DeploymentCA) -> None:
    pem = ca.certify_issuer(issuer_name="某医院", credit_code=credit_code(6)).private_key_pem
    blob = bytearray(seal_private_key(pem, SECRET))

    for position in (4, 20, 40, len(blob) - 1):  # salt, nonce, ciphertext, tag
        damaged = bytearray(blob)
        damaged[position] ^= 0x01
        with pytest.raises(PkiError, match="wrong secret or damaged data"):
            open_private_key(bytes(damaged), SECRET)
    with pytest.raises(PkiError, match="PJK1"):
        open_private_key(b"PJK0" + bytes(blob[4:]), SECRET)
    with pytest.raises(PkiError, match="PJK1"):
        open_private_key(bytes(blob[:20]), SECRET)


def test_a_short_sealing_secret_is_refused() -> None:
    with pytest.raises(PkiError, match="at least 16 bytes"):
        seal_private_key(b"-----BEGIN PRIVATE KEY-----", b"short")
