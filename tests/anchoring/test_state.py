"""A receipt's ledger state: pending, anchored, witnessed; witnessed sizes are remembered."""

from __future__ import annotations

from typing import Any, cast

from backend.anchoring.services import AnchoringService, AnchorState, LedgerState
from backend.anchoring.storage import SqlStorage
from backend.anchoring.witnessing import Witnessing
from chain.log import Log


class CountingWitnessing:
    """Stands in for Witnessing: a quorum-witnessed size that the test moves on."""

    witnesses: tuple[str, ...] = ("witness-a.test",)

    def __init__(self) -> None:
        self.size: int | None = None
        self.asked = 0

    async def latest_witnessed_size(self) -> int | None:
        self.asked += 1
        return self.size


def anchoring(witnessing: Any) -> AnchoringService:
    # state_at reads neither the log nor its storage.
    return AnchoringService(
        ledger=cast(Log, None), storage=cast(SqlStorage, None), witnessing=witnessing
    )


async def test_states_and_the_witnessed_size_remembered() -> None:
    witnessing = CountingWitnessing()
    service = anchoring(witnessing)
    assert await service.state_at(None) == LedgerState(AnchorState.PENDING)
    assert witnessing.asked == 0

    # Nothing witnessed yet.
    assert await service.state_at(3) == LedgerState(AnchorState.ANCHORED, 3)
    witnessing.size = 10
    assert await service.state_at(3) == LedgerState(AnchorState.WITNESSED, 3)
    assert witnessing.asked == 2

    for index in (0, 5, 9):  # below a size once witnessed: no need to ask again
        assert await service.state_at(index) == LedgerState(AnchorState.WITNESSED, index)
    assert witnessing.asked == 2

    assert await service.state_at(10) == LedgerState(AnchorState.ANCHORED, 10)  # beyond it: asked
    witnessing.size = 11
    assert await service.state_at(10) == LedgerState(AnchorState.WITNESSED, 10)
    assert witnessing.asked == 4


async def test_without_witnesses_integrated_means_anchored() -> None:
    witnessing = CountingWitnessing()
    witnessing.witnesses = ()
    service = anchoring(cast(Witnessing, witnessing))
    assert await service.state_at(0) == LedgerState(AnchorState.ANCHORED, 0)
    assert witnessing.asked == 0
