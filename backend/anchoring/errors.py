"""Errors of the public ledger endpoints."""

from __future__ import annotations

from backend.errors import Conflict, NotFound


class TileNotFound(NotFound):
    code = "tile_not_found"


class NoCheckpointYet(NotFound):
    code = "no_checkpoint_yet"


class NotYetAnchored(Conflict):
    code = "not_yet_anchored"


class ProofUnavailable(NotFound):
    code = "proof_unavailable"


class NoSuchStatement(NotFound):
    code = "no_such_statement"
