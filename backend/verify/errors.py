"""Errors of verification and reimbursement."""

from __future__ import annotations

from backend.errors import Conflict, Forbidden, NotFound, TooManyRequests, ValidationFailed


class NoMatchingReceipt(NotFound):
    """No receipt matches what was given. Deliberately one answer, word for word, for an unknown
    number, a wrong check code, date or amount: the answer cannot be used to enumerate."""

    code = "no_matching_receipt"


class MoreElementsNeeded(ValidationFailed):
    """Several receipts of different issuers share the 代码, 号码 and 校验码 given."""

    code = "more_elements_needed"


class DailyLimitReached(TooManyRequests):
    code = "daily_verification_limit"


class TooManyVerifications(TooManyRequests):
    code = "too_many_verifications"


class NotAReimbursingParty(Forbidden):
    code = "not_a_reimbursing_party"


class AlreadyClaimed(Conflict):
    """Locked or closed by another reimbursing party; says since when, never by whom."""

    code = "already_claimed"


class NotLocked(Conflict):
    code = "not_locked"


class AlreadyClosed(Conflict):
    code = "already_closed"


class ReceiptNotReimbursable(Conflict):
    """Reversed (冲红), or itself a red reversal receipt: nothing to reimburse."""

    code = "receipt_not_reimbursable"


class ReceiptTampered(Conflict):
    """The stored receipt does not match what the ledger committed to."""

    code = "receipt_tampered"


class ReceiptClaimedLocked(Conflict):
    """A reimbursing party holds the receipt: reversing it now would let it be paid twice."""

    code = "receipt_claimed_locked"


class ReceiptClaimedClosed(Conflict):
    """The receipt was reimbursed and booked: it can never be reversed."""

    code = "receipt_claimed_closed"
