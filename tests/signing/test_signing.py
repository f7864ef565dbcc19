"""Signed receipt PDFs, checked with poppler's tools (NSS trusting our CA) and with verify_pdf."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import embed
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from backend.documents.attachments import extract_attachment
from backend.documents.errors import AttachmentNotFound, NotAPdf, PkiError, SigningError
from backend.documents.pki import DeploymentCA, IssuerCredentials
from backend.documents.sign import PdfSigningKey, sign_pdf
from backend.documents.verify import verify_pdf
from tests.signing.helpers import (
    ISSUER_NAME,
    LEDGER_PROOF,
    credit_code,
    hand_made_issuer,
    make_pdf,
    pdfsig,
    rsa_issuer,
)


def _flip_one_byte(pdf: bytes, inside: bytes) -> bytes:
    """Change one byte of ``pdf`` inside the first occurrence of ``inside`` (last digit + 1)."""
    start = pdf.index(inside)
    position = start + len(inside) - 1
    changed = bytearray(pdf)
    changed[position] = ord("1") if changed[position] != ord("1") else ord("2")
    return bytes(changed)


# -- the signed file, as other tools see it ----------------------------------------------------


def test_pdfsig_finds_a_valid_trusted_signature_over_the_whole_file(
    signed_pdf: bytes, nssdir: str, tmp_path: Path
) -> None:
    report = pdfsig(signed_pdf, nssdir, tmp_path)

    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Total document signed" in report
    assert f"Signer Certificate Common Name: {ISSUER_NAME}" in report
    assert "Signing Hash Algorithm: SHA-256" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert report.count("Signature #") == 1


def test_pdfdetach_lists_and_saves_the_exact_attachment(signed_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)

    listing = subprocess.run(
        ["pdfdetach", "-list", path], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(
        ["pdfdetach", "-savefile", "ledger-proof.json", "-o", tmp_path / "out.json", path],
        check=True,
    )

    assert listing.splitlines() == ["1 embedded files", "1: ledger-proof.json"]
    assert (tmp_path / "out.json").read_bytes() == LEDGER_PROOF
    # The attachment is typed, so a reader knows what it is.
    assert b"/Subtype /application#2Fjson" in signed_pdf


def test_text_extraction_still_works_on_the_signed_file(signed_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_pdf)

    text = subprocess.run(
        ["pdftotext", path, "-"], capture_output=True, text=True, check=True
    ).stdout

    assert "Receipt 0000000001 total 85.60" in text


def test_signing_appends_to_the_original_bytes(unsigned_pdf: bytes, signed_pdf: bytes) -> None:
    # An incremental update: the rendered PDF is untouched, the signature revision follows it.
    assert signed_pdf.startswith(unsigned_pdf)
    assert len(signed_pdf) > len(unsigned_pdf)


# -- verify_pdf --------------------------------------------------------------------------------


def test_verify_pdf_accepts_the_signed_file_and_returns_the_attachment(
    signed_pdf: bytes, ca: DeploymentCA
) -> None:
    result = verify_pdf(signed_pdf, ca.certificate_pem)

    assert result.valid and result.intact and result.trusted and result.covers_whole_file
    assert result.problem is None
    assert result.signer_common_name == ISSUER_NAME
    assert result.signed_at is not None
    assert abs(dt.datetime.now(dt.UTC) - result.signed_at) < dt.timedelta(minutes=5)
    assert result.attachments == {"ledger-proof.json": LEDGER_PROOF}
    assert extract_attachment(signed_pdf, "ledger-proof.json") == LEDGER_PROOF


def test_several_attachments_are_all_embedded_and_signed(
    signing_key: PdfSigningKey, ca: DeploymentCA, tmp_path: Path
) -> None:
    files = {
        "receipt.json": b'{"total": "85.60"}',
        "ledger-proof.json": LEDGER_PROOF,
        "raw.bin": bytes(range(256)),
    }

    signed = sign_pdf(make_pdf(), signing_key, attachments=files)

    result = verify_pdf(signed, ca.certificate_pem)
    assert result.valid
    assert result.attachments == files
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    listing = subprocess.run(["pdfdetach", "-list", path], capture_output=True, text=True).stdout
    assert "3 embedded files" in listing


def test_a_pdf_without_attachments_is_signed_too(
    signing_key: PdfSigningKey, ca: DeploymentCA
) -> None:
    result = verify_pdf(sign_pdf(make_pdf(), signing_key), ca.certificate_pem)

    assert result.valid
    assert result.attachments == {}


def test_one_changed_byte_in_the_signed_range_breaks_the_signature(
    signed_pdf: bytes, ca: DeploymentCA, nssdir: str, tmp_path: Path
) -> None:
    # The receipt's amount on the page: 85.60 becomes 85.61, one byte, same length.
    tampered = _flip_one_byte(signed_pdf, b"total 85.60")
    assert len(tampered) == len(signed_pdf)

    report = pdfsig(tampered, nssdir, tmp_path)
    result = verify_pdf(tampered, ca.certificate_pem)

    assert "Signature Validation: Digest Mismatch." in report
    assert not result.valid and not result.intact
    assert result.problem == "the signed bytes were changed after signing"


def test_a_changed_byte_in_the_signature_revision_breaks_it_too(
    signed_pdf: bytes, ca: DeploymentCA, nssdir: str, tmp_path: Path
) -> None:
    # The signing time (/M) in the signature dictionary is covered as well.
    marker = rb"/M (D\072"  # pyHanko writes the colon of "D:" as an octal escape
    start = signed_pdf.index(marker) + len(marker)
    tampered = bytearray(signed_pdf)
    tampered[start + 3] = ord("0") if tampered[start + 3] != ord("0") else ord("1")  # the year

    report = pdfsig(bytes(tampered), nssdir, tmp_path)
    result = verify_pdf(bytes(tampered), ca.certificate_pem)

    assert "Signature is Valid." not in report
    assert not result.valid and not result.intact


def test_a_later_update_swapping_the_attachment_is_detected(
    signed_pdf: bytes, ca: DeploymentCA
) -> None:
    # Someone appends an incremental update with a forged ledger proof under the same name.
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    forged = embed.EmbeddedFileObject.from_file_data(writer, b'{"forged": true}')
    embed.embed_file(
        writer,
        embed.FileSpec("ledger-proof.json", file_name="ledger-proof.json", embedded_data=forged),
    )
    out = io.BytesIO()
    writer.write(out)  # type: ignore[no-untyped-call]

    result = verify_pdf(out.getvalue(), ca.certificate_pem)

    assert result.intact and result.trusted
    assert not result.covers_whole_file and not result.valid
    # What verify_pdf returns comes from the signed revision, never from the later update.
    assert result.attachments == {"ledger-proof.json": LEDGER_PROOF}


def test_a_signer_certified_by_another_ca_is_untrusted(
    tmp_path: Path, ca: DeploymentCA, nssdir: str
) -> None:
    other_ca = DeploymentCA.load_or_create(tmp_path / "other", name="别人的根证书")
    other = other_ca.certify_issuer(issuer_name=ISSUER_NAME, credit_code=credit_code(1))
    key = PdfSigningKey(other.private_key_pem, other.certificate_pem, other_ca.certificate_pem)
    signed = sign_pdf(make_pdf(), key, attachments={"ledger-proof.json": LEDGER_PROOF})

    result = verify_pdf(signed, ca.certificate_pem)
    report = pdfsig(signed, nssdir, tmp_path)

    assert result.intact and not result.trusted and not result.valid
    assert result.problem == "the signer's certificate does not chain to the deployment CA"
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate is Trusted." not in report
    # With the other CA as the root, the same file is fine: trust is the only difference.
    assert verify_pdf(signed, other_ca.certificate_pem).valid


def test_an_unsigned_pdf_is_reported_not_valid(ca: DeploymentCA, unsigned_pdf: bytes) -> None:
    result = verify_pdf(unsigned_pdf, ca.certificate_pem)

    assert not result.valid and not result.intact and not result.trusted
    assert result.problem == "the PDF has no signature"
    assert result.signer_common_name == "" and result.signed_at is None


def test_a_truncated_pdf_is_reported_not_valid(signed_pdf: bytes, ca: DeploymentCA) -> None:
    result = verify_pdf(signed_pdf[: len(signed_pdf) // 2], ca.certificate_pem)

    assert not result.valid
    assert result.problem is not None


def test_bytes_that_are_no_pdf_are_refused(ca: DeploymentCA) -> None:
    with pytest.raises(NotAPdf):
        verify_pdf(b"<html>not a pdf</html>", ca.certificate_pem)
    with pytest.raises(NotAPdf):
        extract_attachment(b"%PDF-1.4 and then nothing", "ledger-proof.json")


def test_asking_for_a_missing_attachment_is_attachment_not_found(signed_pdf: bytes) -> None:
    with pytest.raises(AttachmentNotFound, match=r"invoice\.xml"):
        extract_attachment(signed_pdf, "invoice.xml")


@pytest.mark.parametrize("name", ["../etc/passwd", ".hidden", "", "a/b.json", "报销.json"])
def test_attachment_names_must_be_plain_file_names(
    signing_key: PdfSigningKey, unsigned_pdf: bytes, name: str
) -> None:
    with pytest.raises(SigningError, match="not a plain file name"):
        sign_pdf(unsigned_pdf, signing_key, attachments={name: b"{}"})


def test_signing_something_that_is_no_pdf_is_a_signing_error(signing_key: PdfSigningKey) -> None:
    with pytest.raises(SigningError, match="cannot read the PDF"):
        sign_pdf(b"%PDF-1.7\nnot really", signing_key)


# -- the signing key ---------------------------------------------------------------------------


def test_the_signing_key_is_parsed_once_not_per_signature(
    signing_key: PdfSigningKey, ca: DeploymentCA, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyHanko's SimpleSigner parses the DER key inside sign_raw; ours must never get there.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the private key was parsed again while signing")

    # pyHanko calls serialization.load_der_private_key through the module, so patching the
    # module catches any parse of a private key during signing.
    monkeypatch.setattr(serialization, "load_der_private_key", refuse)

    signed = sign_pdf(make_pdf(), signing_key)

    assert verify_pdf(signed, ca.certificate_pem).valid


def test_a_signing_key_checks_its_parts(
    ca: DeploymentCA, credentials: IssuerCredentials, tmp_path: Path
) -> None:
    other = ca.certify_issuer(issuer_name="另一家医院", credit_code=credit_code(8))
    other_ca = DeploymentCA.load_or_create(tmp_path, name="other")

    with pytest.raises(PkiError, match="does not match its certificate"):
        PdfSigningKey(other.private_key_pem, credentials.certificate_pem, ca.certificate_pem)
    with pytest.raises(PkiError, match="not issued by the CA"):
        PdfSigningKey(
            credentials.private_key_pem, credentials.certificate_pem, other_ca.certificate_pem
        )
    with pytest.raises(PkiError, match="not an unencrypted PEM private key"):
        PdfSigningKey(b"garbage", credentials.certificate_pem, ca.certificate_pem)
    with pytest.raises(PkiError, match="issuer certificate is not a readable PEM"):
        PdfSigningKey(credentials.private_key_pem, b"garbage", ca.certificate_pem)
    assert "PRIVATE" not in repr(
        PdfSigningKey(credentials.private_key_pem, credentials.certificate_pem, ca.certificate_pem)
    )


# -- event loops -------------------------------------------------------------------------------


async def test_on_the_event_loop_thread_signing_refuses_clearly(
    signing_key: PdfSigningKey, unsigned_pdf: bytes
) -> None:
    with pytest.raises(SigningError, match="in an executor"):
        sign_pdf(unsigned_pdf, signing_key)


async def test_from_a_thread_while_a_loop_runs_signing_works(
    signing_key: PdfSigningKey, unsigned_pdf: bytes, ca: DeploymentCA
) -> None:
    signed = await asyncio.to_thread(
        sign_pdf, unsigned_pdf, signing_key, attachments={"ledger-proof.json": LEDGER_PROOF}
    )
    result = await asyncio.to_thread(verify_pdf, signed, ca.certificate_pem)

    assert result.valid
    assert result.attachments == {"ledger-proof.json": LEDGER_PROOF}


def test_an_rsa_4096_issuer_key_fits_the_reserved_room(tmp_path: Path) -> None:
    # Issuer keys we make are P-256; an RSA key (the largest signature we would accept) must
    # still fit in the space reserved for the CMS blob, and sign through the cached-key path.
    ca = DeploymentCA.load_or_create(tmp_path, name="RSA test")
    key_pem, cert_pem = rsa_issuer(tmp_path, ca, key_size=4096)
    signing_key = PdfSigningKey(key_pem, cert_pem, ca.certificate_pem)

    signed = sign_pdf(make_pdf(), signing_key, attachments={"ledger-proof.json": LEDGER_PROOF})

    result = verify_pdf(signed, ca.certificate_pem)
    assert result.valid and result.attachments == {"ledger-proof.json": LEDGER_PROOF}


def test_an_expired_issuer_certificate_is_refused_before_signing(tmp_path: Path) -> None:
    ca = DeploymentCA.load_or_create(tmp_path, name="expiry test")
    key_pem, cert_pem = hand_made_issuer(
        tmp_path,
        ca,
        ec.generate_private_key(ec.SECP256R1()),
        valid=(dt.timedelta(days=-30), dt.timedelta(seconds=-1)),
    )
    key = PdfSigningKey(key_pem, cert_pem, ca.certificate_pem)

    with pytest.raises(PkiError, match=f"certificate of {ISSUER_NAME} expired"):
        sign_pdf(make_pdf(), key)


def test_no_single_changed_byte_of_the_signed_range_passes_or_crashes(
    signed_pdf: bytes, ca: DeploymentCA
) -> None:
    # Every 23rd byte of the two signed ranges (not the /Contents hole, which a signature never
    # covers). A damaged file must come back as valid=False, whatever pyHanko's parser raises.
    match = re.search(rb"/ByteRange \[0 (\d+) (\d+) (\d+)\]", signed_pdf)
    assert match is not None
    hole_start, hole_end = int(match[1]), int(match[2])
    positions = [p for p in range(0, len(signed_pdf), 23) if not hole_start <= p < hole_end]
    assert len(positions) > 100

    verdicts = []
    for position in positions:
        damaged = bytearray(signed_pdf)
        damaged[position] ^= 0x01
        try:
            verdicts.append(verify_pdf(bytes(damaged), ca.certificate_pem).valid)
        except NotAPdf:
            assert position < 5  # only when the "%PDF-" header itself is broken
    assert not any(verdicts)
