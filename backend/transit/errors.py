"""Errors of the transit domain: trips, cards and invoices."""

from __future__ import annotations

from backend.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    ValidationFailed,
)


class TooManyTripsInBatch(ValidationFailed):
    code = "too_many_trips"


class InvalidTitle(ValidationFailed):
    """The buyer title (抬头) is incomplete or its 统一社会信用代码 is wrong."""

    code = "invalid_title"


class TripCountOutOfRange(ValidationFailed):
    code = "trip_count_out_of_range"


class TripsNotFound(NotFound):
    """Trips that do not exist or are not this rider's: the two are never told apart."""

    code = "trips_not_found"


class TripsOutsideWindow(ValidationFailed):
    code = "trips_outside_window"


class TripsOfSeveralIssuers(ValidationFailed):
    code = "trips_of_several_issuers"


class TripsAlreadyInvoiced(Conflict):
    code = "trips_already_invoiced"


class CardBoundElsewhere(Conflict):
    """Said only after a right proof: a wrong one never learns whether the card is bound."""

    code = "card_bound_elsewhere"


class CardProofMismatch(Forbidden):
    """No trip on the card matches the proof. One answer whatever was wrong (the date, the
    station, the fare, or a card with no trips at all): the refusal is no oracle."""

    code = "card_proof_mismatch"


class ProofDateOutOfRange(ValidationFailed):
    """The proof names a day outside the recent window; said before anything is looked up."""

    code = "proof_date_out_of_range"


class CardProofLimitReached(TooManyRequests):
    code = "card_proof_limit"


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"


class InvoiceNotValid(Conflict):
    """The invoice was reversed already, or is itself a red reversal."""

    code = "invoice_not_valid"


class InvalidTripCursor(InvalidInput):
    code = "invalid_cursor"


class NotATransitIssuer(InvalidInput):
    code = "not_a_transit_issuer"
