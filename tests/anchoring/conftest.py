"""The scene every bundle test verifies: one ledger, two receipts, two witnesses."""

from __future__ import annotations

import pytest

from tests.anchoring.support import BundleLedger, Scene


@pytest.fixture
async def scene() -> Scene:
    ledger = BundleLedger.create(witnesses=2)
    await ledger.filler(300)
    first = await ledger.issue()
    await ledger.checkpoint()  # a batch boundary inside the receipt's history
    await ledger.filler(40)
    second = await ledger.issue()
    await ledger.anchor(first, "reversed")
    await ledger.filler(7)
    note = await ledger.checkpoint()
    return Scene(ledger, await ledger.bundle(first, note), await ledger.bundle(second, note))
