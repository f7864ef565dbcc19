"""A receipt's ledger proof as standard files: one ``c2sp.org/tlog-proof@v1`` per statement.

Made from the proof bundle (``AnchoringService.proof_bundle``), so the JSON the web pages read
and the files in the PDF and behind ``…/proof.tlog-proof`` say the same thing. For statement
``n`` (in leaf order; ``0`` is the issue statement) there are:

- ``ledger-<n>-<event>.json``: the statement, the exact bytes of the log entry (its leaf);
- ``ledger-<n>-<event>.tlog-proof``: its index, inclusion proof and the (cosigned) checkpoint,
  with the statement's 16-byte commitment salt as ``extra`` where the bundle shows the salt;

and, beside them, ``receipt-document.json``: the canonical document the statements commit to
(``"sha256:" + hex(SHA-256(salt ‖ document))``), in the form the bundle carries (a public
bundle's has the personal fields as commitments only). A bundle that withholds its document
(a first-form receipt's public bundle) gives no document and no salts.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backend.anchoring.errors import NoSuchStatement
from chain.tlogproof import EXTENSION, MEDIA_TYPE, TlogProof

DOCUMENT_FILE = "receipt-document.json"
BUNDLE_FILE = "ledger-proof.json"
"""The JSON bundle's name where it travels beside the files (the PDF)."""
_NAME = re.compile(r"ledger-(0|[1-9][0-9]*)-([a-z_]+)\.json")


@dataclass(frozen=True, slots=True)
class StatementProof:
    """One statement of a receipt with its standard proof."""

    position: int
    event: str
    statement: bytes
    proof: TlogProof

    @property
    def stem(self) -> str:
        return f"ledger-{self.position}-{self.event}"


def statement_proofs(bundle: Mapping[str, Any]) -> list[StatementProof]:
    """The bundle's statements, in its order, each with its ``.tlog-proof``."""
    checkpoint = str(bundle["checkpoint"]).encode()
    proofs = []
    for n, entry in enumerate(bundle["entries"]):
        salt = entry.get("salt")
        proof = TlogProof(
            index=int(entry["leaf_index"]),
            hashes=tuple(base64.b64decode(h) for h in entry["inclusion_proof"]),
            checkpoint=checkpoint,
            extra=base64.b64decode(salt) if salt else None,
        )
        statement = str(entry["statement"]).encode()
        proofs.append(StatementProof(n, str(entry["event"]), statement, proof))
    return proofs


def proof_files(bundle: Mapping[str, Any]) -> dict[str, bytes]:
    """The standard files of ``bundle``, by file name (see the module docstring)."""
    files: dict[str, bytes] = {}
    if "document" in bundle:
        files[DOCUMENT_FILE] = str(bundle["document"]).encode()
    for proved in statement_proofs(bundle):
        files[f"{proved.stem}.json"] = proved.statement
        files[f"{proved.stem}{EXTENSION}"] = proved.proof.encode()
    return files


def tlog_proof_download(bundle: Mapping[str, Any], position: int) -> tuple[str, bytes]:
    """File name and bytes of the ``.tlog-proof`` of statement ``position`` (0: the issue
    statement); ``NoSuchStatement`` when the receipt has no statement there."""
    proofs = statement_proofs(bundle)
    if not 0 <= position < len(proofs):
        raise NoSuchStatement(
            f"the receipt has {len(proofs)} ledger statement(s): ask for entry 0 to "
            f"{len(proofs) - 1}"
        )
    proved = proofs[position]
    receipt = bundle["receipt"]
    return f"{receipt['code']}-{receipt['number']}-{proved.stem}{EXTENSION}", proved.proof.encode()


def file_statements(files: Mapping[str, bytes]) -> list[tuple[str, bytes, bytes]]:
    """``(stem, statement, tlog-proof bytes)`` of every statement file that has its proof beside
    it, in statement order; files of other names are ignored."""
    found = []
    for name, data in files.items():
        match = _NAME.fullmatch(name)
        proof = files.get(name[: -len(".json")] + EXTENSION)
        if match is not None and proof is not None:
            found.append((int(match.group(1)), name[: -len(".json")], data, proof))
    return [(stem, statement, proof) for _, stem, statement, proof in sorted(found)]


__all__ = [
    "BUNDLE_FILE",
    "DOCUMENT_FILE",
    "MEDIA_TYPE",
    "StatementProof",
    "file_statements",
    "proof_files",
    "statement_proofs",
    "tlog_proof_download",
]
