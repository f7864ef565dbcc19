"""What a receipt PDF says of the public ledger, in words an accountant reads.

The reader-facing line says in plain Chinese that the receipt is recorded in the public ledger
and how to check it (scan the QR code or open the verify page). The ledger's own coordinates
(origin, entry number, tree size, root hash) stay on the page in a smaller, secondary line for
whoever audits the log; the full proof is the PDF's embedded ``ledger-proof.json``.
"""

from __future__ import annotations

from backend.documents.model import LedgerBlock


def plain_line(ledger: LedgerBlock | None, verify_url: str) -> str:
    """The line everyone reads: recorded in the public ledger (once it is), and how to check.

    A receipt not yet integrated into the ledger says only how to check it, never that it is
    recorded.
    """
    how = f"可扫码或访问 {verify_url} 核验"
    if ledger is None:
        return f"{how}本票据真伪"
    return f"本票据已登记在公开账本，{how}"


def technical_line(ledger: LedgerBlock) -> str:
    """Where the receipt's statement sits in the log: origin, entry, tree size, root prefix.

    Entries are numbered from 0 as in the log itself (the leaf index), so the figure matches
    what ``piaojia ledger verify`` and the proof bundle print.
    """
    return (
        f"账本记录：{ledger.origin} 第 {ledger.leaf_index} 号 / 共 {ledger.tree_size} 条"
        f" · 根哈希 {ledger.root_hash.hex()[:12]}"
    )
