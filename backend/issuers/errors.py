"""Errors of issuers and staff keys."""

from __future__ import annotations

from backend.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated


class InvalidCreditCode(InvalidInput):
    code = "invalid_credit_code"


class InvalidRegion(InvalidInput):
    code = "invalid_region"


class DuplicateCreditCode(Conflict):
    code = "duplicate_credit_code"


class IssuerNotFound(NotFound):
    code = "issuer_not_found"


class MissingApiKey(Unauthenticated):
    code = "missing_api_key"


class InvalidApiKey(Unauthenticated):
    code = "invalid_api_key"


class RoleNotAllowed(Forbidden):
    code = "role_not_allowed"


class KindNotAllowed(Forbidden):
    """The key's issuer is of a kind the operation is not for (a metro's key on the hospital
    API, a hospital's key on reimbursement)."""

    code = "kind_not_allowed"
