"""What the ledger proof downloads read of their query."""

from __future__ import annotations

from pydantic import Field

from backend.schema import Model


class TlogProofQuery(Model):
    """Which statement's ``.tlog-proof`` to serve."""

    entry: int = Field(
        0,
        ge=0,
        le=1000,
        description="the statement's position among the receipt's statements, in leaf order "
        "(0: the issue statement; the proof bundle lists them all)",
    )
