"""Signing in a real process pool: PEM bytes go in, signed PDFs come out, keys parsed once."""

from __future__ import annotations

import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import pytest

from backend.documents import sign
from backend.documents.pki import DeploymentCA, IssuerCredentials
from backend.documents.sign import sign_in_worker, signing_key_for
from backend.documents.verify import verify_pdf
from tests.signing.helpers import LEDGER_PROOF, credit_code, make_pdf


def _sign_and_report(
    pdf: bytes, key_pem: bytes, cert_pem: bytes, ca_pem: bytes, attachments: Mapping[str, bytes]
) -> tuple[int, int, bytes]:
    """Runs in the worker: sign, then say which process did it and how many keys it holds."""
    signed = sign_in_worker(pdf, key_pem, cert_pem, ca_pem, attachments)
    return os.getpid(), len(sign._WORKER_KEYS), signed


def test_a_process_pool_signs_ten_pdfs(ca: DeploymentCA, credentials: IssuerCredentials) -> None:
    # "spawn": workers start empty, so nothing parsed in this process can leak into them, and
    # everything handed over must really pickle.
    context = multiprocessing.get_context("spawn")
    pdfs = [make_pdf(f"Receipt {n:010d} total 85.60") for n in range(10)]
    proof = {"ledger-proof.json": LEDGER_PROOF}
    pems = (credentials.private_key_pem, credentials.certificate_pem, ca.certificate_pem)

    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = [pool.submit(_sign_and_report, pdf, *pems, proof) for pdf in pdfs]
        results = [future.result(timeout=120) for future in futures]

    assert os.getpid() not in {pid for pid, _, _ in results}
    # One issuer, so every worker holds exactly one parsed key however many PDFs it signed.
    assert {cached for _, cached, _ in results} == {1}
    for pdf, (_, _, signed) in zip(pdfs, results, strict=True):
        assert signed.startswith(pdf)
        result = verify_pdf(signed, ca.certificate_pem)
        assert result.valid
        assert result.attachments == proof


def test_the_worker_cache_reuses_keys_and_stays_bounded(
    ca: DeploymentCA, credentials: IssuerCredentials, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sign, "_WORKER_KEYS", OrderedDict())
    monkeypatch.setattr(sign, "WORKER_KEY_CACHE_SIZE", 2)
    pems = (credentials.private_key_pem, credentials.certificate_pem, ca.certificate_pem)
    first = signing_key_for(*pems)
    assert signing_key_for(*pems) is first

    others = [
        ca.certify_issuer(issuer_name=f"医院{n}", credit_code=credit_code(100 + n))
        for n in range(2)
    ]
    keys = [
        signing_key_for(o.private_key_pem, o.certificate_pem, ca.certificate_pem) for o in others
    ]

    assert list(sign._WORKER_KEYS) == [key.fingerprint for key in keys]  # the oldest went
    assert signing_key_for(*pems) is not first  # so it is parsed again when it comes back
