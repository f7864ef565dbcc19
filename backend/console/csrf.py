"""CSRF tokens for console forms: an HMAC of what the form is bound to under the secret key.

A logged-in form is bound to the session cookie; the login form, before any session exists, to
a random pre-login cookie. A page on another site can neither read those cookies nor compute
the token, so it cannot forge a form post that passes ``check``.
"""

from __future__ import annotations

import hashlib
import hmac


def token_for(secret: bytes, purpose: str, binding: str) -> str:
    """The CSRF token of forms for ``purpose`` (``session`` or ``login``) bound to ``binding``."""
    message = f"piaojia-console-csrf|{purpose}|{binding}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def is_valid(secret: bytes, purpose: str, binding: str | None, submitted: str | None) -> bool:
    """Whether ``submitted`` is the token for ``binding``; false when either is missing.

    Compared in constant time."""
    if not binding or not submitted:
        return False
    return hmac.compare_digest(token_for(secret, purpose, binding), submitted)
