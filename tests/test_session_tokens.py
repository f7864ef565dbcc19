"""``backend.session_tokens``: the one stored form of user and staff session tokens."""

from __future__ import annotations

import secrets

from backend.session_tokens import token_hash


def test_a_session_token_is_stored_as_its_sha256() -> None:
    # The value of a known vector: a change would lock every user and staff member out.
    assert token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert len(token_hash(secrets.token_urlsafe(32))) == 64
