"""Whether this process should be sent requests: ``/readyz``'s checks.

Each check answers ``"ok"`` or a short reason; a reason names what failed and never the
database's address or an error's text (``/readyz`` is public): those go to the log.
"""

from __future__ import annotations

import logging

from backend.anchoring.services import Sequencer
from backend.db import connection, unapplied_migrations

log = logging.getLogger("piaojia.ready")
CHECKS = ("database", "migrations", "sequencer_leader")


async def readiness(sequencer: Sequencer) -> dict[str, str]:
    """Every check of ``CHECKS`` by name: the database answers a query, every migration this
    code ships is applied, and a sequencer leads the ledger (this process or another)."""
    checks: dict[str, str] = {}
    try:
        await connection().execute_query("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure to answer is "unreachable", reported, not raised
        log.warning("readiness: the database does not answer: %r", exc)
        checks["database"] = f"unreachable ({type(exc).__name__})"
    if checks["database"] != "ok":
        checks["migrations"] = "not checked: the database is unreachable"
    else:
        try:
            missing = await unapplied_migrations()
            checks["migrations"] = (
                "ok"
                if not missing
                else f"{len(missing)} not applied, from {missing[0]}: run piaojia migrate"
            )
        except Exception as exc:
            log.warning("readiness: the applied migrations cannot be read: %r", exc)
            checks["migrations"] = f"unreadable ({type(exc).__name__})"
    try:
        await sequencer.leader()
        checks["sequencer_leader"] = "ok"
    except Exception as exc:
        log.warning("readiness: the sequencer's leader lock cannot be asked: %r", exc)
        checks["sequencer_leader"] = f"unknown ({type(exc).__name__})"
    return checks
