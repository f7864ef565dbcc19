"""Signed receipt PDFs per second and milliseconds each, next to the raw limits of this machine.

    .venv/bin/python -m tests.bench.documents [--receipts 200]

In one run: a cold render+sign (new process: fonts loaded, key parsed), then warm ms per signed
medical receipt on one core, next to a bare reportlab page with one line of the same font and a
bare pyHanko signature of that page, and the receipt's accounting XML against its render; then
signed receipts per second on a process pool of one and of two workers (the app's own worker
functions), with the ratios. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from io import BytesIO
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from backend.accounting.voucher import FILE_NAME, medical_xml
from backend.documents import worker
from backend.documents.model import MedicalReceiptDocument
from backend.documents.pki import DeploymentCA
from backend.documents.sign import sign_in_worker
from tests.documents.support import medical
from tests.signing.helpers import LEDGER_PROOF, credit_code

WARM_RUNS = 60


def bare_page() -> bytes:
    """One line of the same CJK font on a page: the floor of any receipt layout."""
    fonts = worker.fonts()
    out = BytesIO()
    canvas = Canvas(out, invariant=1)
    fonts.draw(canvas, 72, 720, "广东省医疗门诊收费票据 0000000001 ¥85.60", 12)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def voucher(document: MedicalReceiptDocument) -> bytes:
    """The public copy of the receipt's accounting data, the XML the PDF embeds."""
    return medical_xml(document, status="valid", personal=None)


def median_ms(action: Callable[[], object], runs: int = WARM_RUNS) -> float:
    for _ in range(5):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def signed_receipt(number: int, key: tuple[bytes, bytes, bytes]) -> int:
    document = replace(medical(), number=f"{number:010d}")
    pdf = worker.render_signed(
        document,
        key_pem=key[0],
        certificate_pem=key[1],
        ca_pem=key[2],
        # As the app signs it: the proof and the accounting data (an associated file).
        attachments={"ledger-proof.json": LEDGER_PROOF, FILE_NAME: voucher(document)},
    )
    return len(pdf)


def cold(key: tuple[bytes, bytes, bytes]) -> float:
    """A fresh process's first signed receipt, fonts and key loading included."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pool.submit(os.getpid).result()  # the process exists; what follows is the first render
        started = time.perf_counter()
        pool.submit(signed_receipt, 1, key).result()
        return (time.perf_counter() - started) * 1000


def throughput(workers: int, receipts: int, key: tuple[bytes, bytes, bytes]) -> float:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for future in [pool.submit(worker.warm_up) for _ in range(workers)]:
            future.result()
        for future in [pool.submit(signed_receipt, n, key) for n in range(workers * 4)]:
            future.result()  # keys parsed, first renders done in every worker
        started = time.perf_counter()
        futures = [pool.submit(signed_receipt, n, key) for n in range(receipts)]
        for future in futures:
            future.result()
        return receipts / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--receipts", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ca = DeploymentCA.load_or_create(Path(folder), name="Bench CA")
        issued = ca.certify_issuer(issuer_name="广州市第一人民医院", credit_code=credit_code(1))
    key = (issued.private_key_pem, issued.certificate_pem, ca.certificate_pem)

    cold_ms = cold(key)
    worker.warm_up()
    document = medical()
    page = bare_page()
    render_ms = median_ms(lambda: worker.render(document))
    xml_ms = median_ms(lambda: voucher(document), runs=WARM_RUNS * 10)
    signed_ms = median_ms(lambda: signed_receipt(1, key))
    bare_render_ms = median_ms(bare_page)
    bare_sign_ms = median_ms(lambda: sign_in_worker(page, *key))
    one = throughput(1, args.receipts, key)
    two = throughput(2, args.receipts, key)

    print(
        f"\n{os.cpu_count()} cores; medical receipt, 5 items, seal, QR, ledger block, "
        f"ledger-proof.json and receipt.xml attached; P-256 PAdES signature\n"
    )
    print("| what | ms each (warm median) | raw limit, same run | ms | ratio |")
    print("|---|---|---|---|---|")
    print(
        f"| render the receipt | {render_ms:.1f} | bare reportlab page, one line of the font "
        f"| {bare_render_ms:.1f} | {render_ms / bare_render_ms:.1f} |"
    )
    print(
        f"| render + sign the receipt | {signed_ms:.1f} | bare page + bare pyHanko signature "
        f"| {bare_render_ms + bare_sign_ms:.1f} | "
        f"{signed_ms / (bare_render_ms + bare_sign_ms):.1f} |"
    )
    print(
        f"| its accounting XML (efi, public copy) | {xml_ms:.3f} | render the receipt "
        f"| {render_ms:.1f} | {xml_ms / render_ms:.3f} |"
    )
    print(f"| cold: first signed receipt of a new process | {cold_ms:.0f} | | | |")
    print(
        f"\nsigned receipts per second: {one:.1f} with one worker process, {two:.1f} with two "
        f"({two / one:.2f}× one); single-core bound from the warm figure: "
        f"{1000 / signed_ms:.1f}/s"
    )


if __name__ == "__main__":
    main()
