"""Shared fixtures of the signing tests: one deployment CA, an issuer key, a signed PDF."""

from __future__ import annotations

import pytest

from backend.documents.pki import DeploymentCA, IssuerCredentials
from backend.documents.sign import PdfSigningKey, sign_pdf
from tests.signing.helpers import ISSUER_NAME, LEDGER_PROOF, credit_code, make_pdf, nss_trusting


@pytest.fixture(scope="session")
def ca(tmp_path_factory: pytest.TempPathFactory) -> DeploymentCA:
    return DeploymentCA.load_or_create(tmp_path_factory.mktemp("ca"), name="票夹测试根证书")


@pytest.fixture(scope="session")
def credentials(ca: DeploymentCA) -> IssuerCredentials:
    return ca.certify_issuer(issuer_name=ISSUER_NAME, credit_code=credit_code(1))


@pytest.fixture(scope="session")
def signing_key(ca: DeploymentCA, credentials: IssuerCredentials) -> PdfSigningKey:
    return PdfSigningKey(
        credentials.private_key_pem, credentials.certificate_pem, ca.certificate_pem
    )


@pytest.fixture(scope="session")
def unsigned_pdf() -> bytes:
    return make_pdf()


@pytest.fixture(scope="session")
def signed_pdf(unsigned_pdf: bytes, signing_key: PdfSigningKey) -> bytes:
    return sign_pdf(unsigned_pdf, signing_key, attachments={"ledger-proof.json": LEDGER_PROOF})


@pytest.fixture(scope="session")
def nssdir(tmp_path_factory: pytest.TempPathFactory, ca: DeploymentCA) -> str:
    return nss_trusting(tmp_path_factory.mktemp("nss"), ca)
