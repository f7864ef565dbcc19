"""Builders of proof bundles over an in-memory log, shaped like the service's endpoint output."""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.cosignature import CosignatureSigner
from chain.log import Log
from chain.note import NoteSigner, sign_note, split_note
from chain.receipt.bundle import BUNDLE_FORMAT, verify_bundle
from chain.receipt.canonical import canonical_json, commitment
from chain.receipt.statement import statement
from chain.storage.memory import MemoryStorage

ORIGIN = "bundles.test/ledger"
CREDIT_CODE = "12440100MB0000001X"
T0 = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def receipt_document(number: str) -> dict[str, Any]:
    """A medical receipt's canonical document, with the personal data a real one carries."""
    return {
        "id": str(uuid.uuid4()),
        "kind": "medical",
        "issuer": {"credit_code": CREDIT_CODE, "name": "广州测试医院"},
        "code": "44060126",
        "number": number,
        "check_code": "a1b2c3",
        "issued_at": "2026-11-27T10:00:00+08:00",
        "payer": {"name": "张三", "id_number": "440106199001011235", "email": None},
        "items": [{"category": "西药费", "name": "阿莫西林胶囊", "amount_fen": 2560}],
        "payment_fen": {"fund": 0, "other": 0, "account": 0, "cash": 2560},
        "total_fen": 2560,
    }


@dataclass
class AnchoredReceipt:
    document: dict[str, Any]
    entries: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    """(event, statement, salt) in append order."""


@dataclass
class BundleLedger:
    """A log with witnesses, filler entries around the receipts, and bundle output."""

    log: Log
    signer: NoteSigner
    witnesses: list[CosignatureSigner]
    receipts: list[AnchoredReceipt] = field(default_factory=list)
    leaves: list[bytes] = field(default_factory=list)

    @classmethod
    def create(cls, witnesses: int = 2) -> BundleLedger:
        signer = NoteSigner.generate(ORIGIN)
        cosigners = [
            CosignatureSigner(f"witness-{n}.test", Ed25519PrivateKey.generate(), clock=lambda: 1)
            for n in range(witnesses)
        ]
        return cls(Log(MemoryStorage(), signer), signer, cosigners)

    @property
    def log_key(self) -> str:
        return self.signer.verifier().key_string()

    @property
    def witness_keys(self) -> list[str]:
        return [w.verifier().key_string() for w in self.witnesses]

    async def filler(self, count: int) -> None:
        for _ in range(count):
            entry = canonical_json({"filler": secrets.token_hex(8)})
            await self.log.append(entry)
            self.leaves.append(entry)

    async def issue(self) -> AnchoredReceipt:
        receipt = AnchoredReceipt(receipt_document(f"{len(self.receipts) + 1:010d}"))
        self.receipts.append(receipt)
        await self.anchor(receipt, "issued")
        return receipt

    async def anchor(self, receipt: AnchoredReceipt, event: str) -> None:
        salt = secrets.token_bytes(16)
        document = canonical_json(receipt.document)
        entry = statement(
            event=event,
            credit_code=CREDIT_CODE,
            code=receipt.document["code"],
            number=receipt.document["number"],
            at=T0 + timedelta(minutes=len(self.leaves)),
            commitment=commitment(salt, document),
        )
        await self.log.append(entry)
        self.leaves.append(entry)
        receipt.entries.append((event, entry, salt))

    async def checkpoint(self, cosigners: list[CosignatureSigner] | None = None) -> bytes:
        """Integrate what is pending and return the checkpoint cosigned by ``cosigners``."""
        signed = await self.log.integrate()
        text, signatures = split_note(signed.note)
        chosen = self.witnesses if cosigners is None else cosigners
        return sign_note(text, chosen, existing=signatures)

    async def bundle(self, receipt: AnchoredReceipt, note: bytes) -> dict[str, Any]:
        """The bundle the service's endpoint would produce for ``receipt`` at ``note``."""
        latest = await self.log.latest_checkpoint()
        assert latest is not None
        entries = []
        for event, entry, salt in receipt.entries:
            index = self.leaves.index(entry)
            proof = await self.log.inclusion_proof(index, latest.checkpoint.size)
            entries.append(
                {
                    "event": event,
                    "statement": entry.decode(),
                    "salt": base64.b64encode(salt).decode(),
                    "leaf_index": index,
                    "inclusion_proof": [base64.b64encode(h).decode() for h in proof.hashes],
                }
            )
        document = receipt.document
        return {
            "format": BUNDLE_FORMAT,
            "log_origin": self.log.origin,
            "receipt": {
                "id": document["id"],
                "code": document["code"],
                "number": document["number"],
            },
            "document": canonical_json(document).decode(),
            "entries": entries,
            "checkpoint": note.decode(),
        }


Bundle = dict[str, Any]


@dataclass
class Scene:
    ledger: BundleLedger
    bundle: Bundle
    """Receipt A: issued, then reversed; 300 filler leaves before it so proofs cross tiles."""
    other: Bundle
    """Receipt B, issued between A's two events, in the same tree."""


def verify(scene: Scene, bundle: Bundle | bytes | None = None, **options: Any) -> Any:
    """``verify_bundle`` of the scene's first bundle (or ``bundle``) under its ledger's keys
    and a quorum of both witnesses, unless ``options`` say otherwise."""
    options.setdefault("log_key", scene.ledger.log_key)
    options.setdefault("witness_keys", scene.ledger.witness_keys)
    options.setdefault("quorum", 2)
    return verify_bundle(scene.bundle if bundle is None else bundle, **options)
