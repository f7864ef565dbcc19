"""Session tokens at rest: the one stored form of the bearer tokens users and staff log in with.

A session token (a mini-program login's or a console login's) is 256 random bits, shown to its
holder once. The database keeps only ``token_hash`` of it, so a copy of the database alone
cannot be used to act as anyone.
"""

from __future__ import annotations

import hashlib


def token_hash(token: str) -> str:
    """The stored form of a session token: SHA-256 of its UTF-8 bytes, 64 hex digits.

    A plain hash is enough (no key): the token has 256 random bits, so it cannot be guessed
    from its hash. Equal tokens always give equal hashes, which is how a session is found.
    """
    return hashlib.sha256(token.encode()).hexdigest()
