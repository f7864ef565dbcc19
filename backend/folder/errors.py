"""Errors of the receipt folder."""

from __future__ import annotations

from backend.errors import Conflict, InvalidInput, NotFound


class ScanTokenNotFound(NotFound):
    """No active scan token of that value: never issued, mistyped, or revoked by a reprint."""

    code = "scan_token_not_found"


class InAnotherFolder(Conflict):
    """The receipt is already kept by another user; who it is is never said."""

    code = "in_another_folder"


class NotInFolder(NotFound):
    """The receipt is not in this user's folder (it may not exist, or be someone else's)."""

    code = "not_in_folder"


class InvalidFolderCursor(InvalidInput):
    code = "invalid_cursor"
