"""Idempotent writes: a retried request gets the first answer and never a second effect.

A request with an ``Idempotency-Key`` first claims the key: it inserts the key's record in its
own statement, marked in progress (``status_code`` 0, which no HTTP answer has), before it
runs. The unique index on (staff, key) lets exactly one request claim it. The claimant runs the
operation and, in the operation's own transaction, turns the record into the answer (status and
body), so the answer is stored exactly when the effect commits. Every other request with the
key waits for that answer, polling with a bounded backoff, and gets it back byte for byte: also
the retries that arrive while the first is still running.

When the operation fails (a domain error, or anything else) the claim is released: the record
is deleted, nothing is stored, and the next request with the key runs afresh, so a corrected
retry may succeed, and requests that were waiting run in turn (each with its own answer). A
claim whose request died without releasing it (a killed process) is taken over once it is
older than the lease; the request that held it then fails to store its answer, rolls back and
has no effect.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.idempotency.errors import (
    IdempotencyKeyInProgress,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
)
from backend.idempotency.models import IdempotencyRecord
from backend.issuers.models import Staff

_KEY = re.compile(r"[\x21-\x7e]{1,255}")
IN_PROGRESS = 0  # the status_code of a claimed key whose answer is not there yet
_FIRST_POLL = 0.005
_LONGEST_POLL = 0.2


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
    def __init__(self, *, wait_seconds: float = 30.0, lease_seconds: float = 60.0) -> None:
        self._wait_seconds = wait_seconds
        self._lease = timedelta(seconds=lease_seconds)

    async def run(
        self, *, staff: Staff, key: str | None, fingerprint: str, operation: Operation
    ) -> Answer:
        """Run ``operation`` in a transaction, at most once per (staff, key).

        Without a key the operation simply runs in its own transaction. With a key, the first
        successful answer is stored with the effect and returned to every request that carries
        the key and the same fingerprint, including those that arrive while the first one is
        still running (they wait for it, up to ``wait_seconds``, then get
        ``IdempotencyKeyInProgress``). A different fingerprint raises ``IdempotencyKeyReused``.
        A failed operation stores nothing and releases the key (see the module's docstring).
        """
        if key is None:
            async with in_transaction() as conn:
                return await operation(conn)
        if not _KEY.fullmatch(key):
            raise InvalidIdempotencyKey(
                "Idempotency-Key must be 1 to 255 printable ASCII characters, e.g. a UUID"
            )
        claim = await self._claim_or_answer(staff, key, fingerprint)
        if isinstance(claim, Answer):
            return claim
        try:
            async with in_transaction() as conn:
                answer = await operation(conn)
                stored = (
                    await IdempotencyRecord.filter(id=claim.id, status_code=IN_PROGRESS)
                    .using_db(conn)
                    .update(status_code=answer.status, response_body=answer.body.decode())
                )
                if not stored:  # the claim outlived its lease and was taken over: no effect
                    raise IdempotencyKeyInProgress(
                        "this request took too long and another one with its key took over; "
                        "retry with the same key to get that one's answer"
                    )
            return answer
        except BaseException:
            # Release the key; should even that fail, the lease frees it later.
            with contextlib.suppress(Exception):
                await IdempotencyRecord.filter(id=claim.id, status_code=IN_PROGRESS).delete()
            raise

    async def _claim_or_answer(
        self, staff: Staff, key: str, fingerprint: str
    ) -> IdempotencyRecord | Answer:
        """Claim the key (the new in-progress record) or wait for the answer of whoever has."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._wait_seconds
        pause = _FIRST_POLL
        while True:
            try:
                return await IdempotencyRecord.create(
                    staff=staff,
                    key=key,
                    request_hash=fingerprint,
                    status_code=IN_PROGRESS,
                    response_body="",
                )
            except IntegrityError:
                pass  # claimed before us: wait for its answer below
            record = await IdempotencyRecord.get_or_none(staff_id=staff.id, key=key)
            if record is not None:
                if record.request_hash != fingerprint:
                    raise IdempotencyKeyReused(
                        "this Idempotency-Key was already used with a different request; "
                        "use a new key for a new request"
                    )
                if record.status_code != IN_PROGRESS:
                    return Answer(record.status_code, record.response_body.encode())
                if record.created_at < datetime.now(UTC) - self._lease:
                    await IdempotencyRecord.filter(id=record.id, status_code=IN_PROGRESS).delete()
                    continue  # its request died holding it: claim it afresh
            if record is None:
                continue  # released by a failed first request: try to claim it ourselves
            if loop.time() >= deadline:
                raise IdempotencyKeyInProgress(
                    "the first request with this Idempotency-Key is still running; "
                    "retry with the same key shortly to get its answer"
                )
            await asyncio.sleep(pause)
            pause = min(pause * 2, _LONGEST_POLL)
