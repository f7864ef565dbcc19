"""Idempotent writes: a retried request gets the first answer and never a second effect.

The answer to a request with an ``Idempotency-Key`` is stored in the same transaction as its
effect. A retry finds the stored answer and gets it back byte for byte. Two concurrent requests
with one key both run, but the database's unique index lets only one commit; the other rolls
back and answers with what the first stored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.idempotency.errors import IdempotencyKeyReused, InvalidIdempotencyKey
from backend.idempotency.models import IdempotencyRecord
from backend.issuers.models import Staff

_KEY = re.compile(r"[\x21-\x7e]{1,255}")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


Operation = Callable[[BaseDBAsyncClient], Awaitable[Answer]]


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path and the exact body."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyService:
    async def run(
        self, *, staff: Staff, key: str | None, fingerprint: str, operation: Operation
    ) -> Answer:
        """Run ``operation`` in a transaction, at most once per (staff, key).

        Without a key the operation simply runs in its own transaction. With a key, the first
        successful answer is stored with the effect and returned to every later request that
        carries the key and the same fingerprint; a different fingerprint raises
        ``IdempotencyKeyReused``. Failed operations (domain errors) store nothing, so a
        corrected retry with the same key may succeed.
        """
        if key is None:
            async with in_transaction() as conn:
                return await operation(conn)
        if not _KEY.fullmatch(key):
            raise InvalidIdempotencyKey(
                "Idempotency-Key must be 1 to 255 printable ASCII characters, e.g. a UUID"
            )
        stored = await self._stored(staff, key, fingerprint)
        if stored is not None:
            return stored
        try:
            async with in_transaction() as conn:
                answer = await operation(conn)
                await IdempotencyRecord.create(
                    staff=staff,
                    key=key,
                    request_hash=fingerprint,
                    status_code=answer.status,
                    response_body=answer.body.decode(),
                    using_db=conn,
                )
                return answer
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it did.
            stored = await self._stored(staff, key, fingerprint)
            if stored is None:
                raise
            return stored

    async def _stored(self, staff: Staff, key: str, fingerprint: str) -> Answer | None:
        record = await IdempotencyRecord.get_or_none(staff_id=staff.id, key=key)
        if record is None:
            return None
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused(
                "this Idempotency-Key was already used with a different request; "
                "use a new key for a new request"
            )
        return Answer(record.status_code, record.response_body.encode())
