"""Errors of the receipt core."""

from __future__ import annotations

from backend.errors import Conflict, InvalidInput, NotFound, ValidationFailed


class ReceiptNotFound(NotFound):
    code = "receipt_not_found"


class AmountsDoNotAddUp(ValidationFailed):
    code = "amounts_do_not_add_up"


class AlreadyReversed(Conflict):
    code = "already_reversed"


class WrongReceiptKind(Conflict):
    """A receipt reversed through the path of another kind (a transit invoice through the
    hospital API would leave its trips on a reversed invoice for good)."""

    code = "wrong_receipt_kind"


class ReversalNotReversible(Conflict):
    code = "reversal_not_reversible"


class InvalidCursor(InvalidInput):
    code = "invalid_cursor"


class NumbersExhausted(Conflict):
    code = "numbers_exhausted"
