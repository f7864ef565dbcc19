"""Errors of the console: logins, sessions, forms."""

from __future__ import annotations

from backend.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    TooManyRequests,
    Unauthenticated,
)


class WrongPassword(Unauthenticated):
    code = "wrong_password"


class NotLoggedIn(Unauthenticated):
    code = "not_logged_in"


class LoginSlowed(TooManyRequests):
    code = "login_slowed"


class LoginLocked(TooManyRequests):
    code = "login_locked"


class CsrfFailed(Forbidden):
    code = "csrf_failed"


class ConsoleRoleNotAllowed(Forbidden):
    code = "role_not_allowed"


class ConsoleKindNotAllowed(Forbidden):
    code = "kind_not_allowed"


class WeakPassword(InvalidInput):
    code = "weak_password"


class InvalidLogin(InvalidInput):
    code = "invalid_login"


class LoginTaken(Conflict):
    code = "login_taken"


class StaffNotFound(NotFound):
    code = "staff_not_found"
