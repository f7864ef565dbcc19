"""Errors of the public ledger endpoints."""

from __future__ import annotations

from backend.errors import NotFound


class TileNotFound(NotFound):
    code = "tile_not_found"


class NoCheckpointYet(NotFound):
    code = "no_checkpoint_yet"
