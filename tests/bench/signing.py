"""Warm milliseconds per PDF signature: our cached-key signer against pyHanko's SimpleSigner.

Not collected by pytest; run ``.venv/bin/python -m tests.bench.signing``.
Each variant signs the same one-page PDF with one ``ledger-proof.json`` attachment, after a
warm-up, and prints the median and the 10th/90th percentiles, for a P-256 issuer key (what
``certify_issuer`` makes) and an RSA-2048 one (where re-parsing the key is expensive).
"""

from __future__ import annotations

import copy
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pyhanko.sign import signers

from backend.documents.pki import DeploymentCA
from backend.documents.sign import PdfSigningKey, sign_pdf
from backend.documents.verify import verify_pdf
from tests.signing.helpers import LEDGER_PROOF, credit_code, make_pdf, rsa_issuer

WARM_UP = 5
RUNS = 60


def measure(label: str, action: Callable[[], object]) -> float:
    for _ in range(WARM_UP):
        action()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    deciles = statistics.quantiles(times, n=10)
    median = statistics.median(times)
    print(f"   {label:<72} {median:6.1f} ms  (p10 {deciles[0]:5.1f}, p90 {deciles[-1]:5.1f})")
    return median


def variants(cached: PdfSigningKey) -> dict[str, PdfSigningKey]:
    """The shipped key, and the same key material with pyHanko's stock behaviours put back."""
    plain = copy.copy(cached)
    # pyHanko's SimpleSigner re-parses the DER private key inside every sign_raw call.
    plain.signer = signers.SimpleSigner(
        signing_cert=cached.signer.signing_cert,
        signing_key=cached.signer.signing_key,
        cert_registry=cached.signer.cert_registry,
    )
    cached_dry_run = copy.copy(cached)
    cached_dry_run.bytes_reserved = None  # type: ignore[assignment]
    plain_dry_run = copy.copy(plain)
    plain_dry_run.bytes_reserved = None  # type: ignore[assignment]
    return {
        "cached key + bytes_reserved (as shipped)": cached,
        "cached key, dry-run size estimate": cached_dry_run,
        "plain SimpleSigner + bytes_reserved": plain,
        "plain SimpleSigner, dry-run estimate (pyHanko default)": plain_dry_run,
    }


def main() -> None:
    pdf = make_pdf()
    files = {"ledger-proof.json": LEDGER_PROOF}
    print(f"Python {sys.version.split()[0]}, median of {RUNS} runs after {WARM_UP} warm-up")
    with tempfile.TemporaryDirectory() as directory:
        ca = DeploymentCA.load_or_create(Path(directory), name="票夹基准根证书")
        issuer = ca.certify_issuer(issuer_name="上海市第一人民医院", credit_code=credit_code(1))
        keys = {
            "P-256": (issuer.private_key_pem, issuer.certificate_pem),
            "RSA-2048": rsa_issuer(Path(directory), ca, key_size=2048),
        }
    for key_type, (key_pem, cert_pem) in keys.items():
        print(f"-- {key_type} issuer key")
        cached = PdfSigningKey(key_pem, cert_pem, ca.certificate_pem)
        for label, key in variants(cached).items():
            measure(f"sign_pdf, {label}", partial(sign_pdf, pdf, key, attachments=files))
        signed = sign_pdf(pdf, cached, attachments=files)
        measure("verify_pdf", partial(verify_pdf, signed, ca.certificate_pem))
        measure(
            "PdfSigningKey(...) (once per worker and issuer)",
            partial(PdfSigningKey, key_pem, cert_pem, ca.certificate_pem),
        )
        print(f"   unsigned {len(pdf)} B, signed {len(signed)} B (+{len(signed) - len(pdf)} B)")


if __name__ == "__main__":
    main()
