"""The check of a stored receipt against the ledger, behind both verification and claims.

The commitment in every ledger statement about the receipt is recomputed from the stored row,
its items and its issuer, each statement is compared with the receipt by
``chain.receipt.statement.check_statement`` (the check an offline verifier runs on a proof
bundle), and every integrated statement is proven to be in the signed tree. A receipt whose row
was changed behind the system's back does not pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backend.anchoring.commitments import ReceiptForm, expected_commitment, form_of
from backend.anchoring.models import LedgerEntry
from backend.anchoring.services import AnchoringService, AnchorState
from backend.anchoring.witnessing import Witnessing
from backend.events import EventType
from backend.receipts.canonical import ReceiptDocument
from backend.receipts.models import LineItem, Receipt
from chain.errors import ChainError
from chain.hashing import leaf_hash
from chain.receipt.statement import check_statement, loose_fields
from chain.verify import verify_inclusion


@dataclass(frozen=True, slots=True)
class ProvenEntry:
    """One ledger statement about the receipt; integrated ones with their inclusion proof."""

    event: str
    at: str
    statement: str
    leaf_index: int | None
    inclusion_proof: tuple[bytes, ...]


@dataclass(frozen=True, slots=True)
class LedgerProof:
    """The receipt's statements, proven against the checkpoint ``note`` of ``tree_size``: the
    latest one cosigned by the witness quorum when it covers them all, else the latest one."""

    state: AnchorState
    tree_size: int | None
    checkpoint: str | None
    entries: tuple[ProvenEntry, ...]


class LedgerCheck:
    """Checks stored receipts against the ledger the server keeps."""

    def __init__(self, *, anchoring: AnchoringService, witnessing: Witnessing) -> None:
        self._anchoring = anchoring
        self._witnessing = witnessing

    async def check(self, receipt: Receipt, items: list[LineItem]) -> tuple[list[str], LedgerProof]:
        """What does not match between the stored receipt and the ledger, and the proofs.

        ``receipt.issuer`` must be loaded. No problem listed means every statement about the
        receipt names it and commits to its stored document, and every integrated one is
        proven to be in the tree.
        """
        problems: list[str] = []
        entries = list(await LedgerEntry.filter(receipt_id=receipt.id).order_by("id"))
        form = form_of(entries)
        if form is None:
            problems.append("the ledger has no issue statement for this receipt")
        document = ReceiptDocument(receipt, receipt.issuer, items)
        for entry in entries:
            problems.extend(_statement_problems(entry, document, form))
        size, note = await self._proof_size(entries)
        proven = []
        for entry in entries:
            statement = bytes(entry.statement)
            proof: tuple[bytes, ...] = ()
            index = None if entry.leaf_index is None else int(entry.leaf_index)
            if index is not None and size is not None:
                try:
                    found = await self._anchoring.ledger.inclusion_proof(index, size)
                    verify_inclusion(
                        index, size, leaf_hash(statement), found.hashes, found.root_hash
                    )
                    proof = tuple(found.hashes)
                except ChainError as exc:
                    problems.append(f"{entry.event} statement is not proven by the tree: {exc}")
            proven.append(
                ProvenEntry(
                    event=entry.event,
                    at=str(loose_fields(statement).get("at", "")),
                    statement=statement.decode("utf-8", "replace"),
                    leaf_index=index,
                    inclusion_proof=proof,
                )
            )
        issued = next((entry for entry in entries if entry.event == EventType.ISSUED), None)
        state = (await self._anchoring.state_at(issued.leaf_index if issued else None)).state
        return problems, LedgerProof(state, size, note, tuple(proven))

    async def _proof_size(self, entries: Sequence[LedgerEntry]) -> tuple[int | None, str | None]:
        integrated = [int(e.leaf_index) for e in entries if e.leaf_index is not None]
        if not integrated:
            return None, None
        size = await self._witnessing.latest_witnessed_size()
        if size is None or size <= max(integrated):
            latest = await self._anchoring.ledger.latest_checkpoint()
            if latest is None:
                return None, None
            size = latest.checkpoint.size
        cosigned = await self._witnessing.cosigned_note(size)
        return size, (cosigned[0].decode() if cosigned else None)


def _statement_problems(
    entry: LedgerEntry, document: ReceiptDocument, form: ReceiptForm | None
) -> list[str]:
    mismatches = check_statement(
        loose_fields(bytes(entry.statement)),
        event=entry.event,
        issuer=document.credit_code,
        code=document.code,
        number=document.number,
        commitment=expected_commitment(entry, form, document),
    )
    return [
        f"the stored receipt is not the one the {entry.event} statement commits to"
        if mismatch.field == "commitment"
        else f"{entry.event} statement names {mismatch.field} {mismatch.stated!r}, "
        f"not {mismatch.expected!r}"
        for mismatch in mismatches
    ]
