"""What ``GET /metrics`` answers: the process instruments (``backend.instruments``), added up
over the workers in multi-process mode, and gauges read from the database at scrape time.

The database gauges come from two queries, whatever the size of the tables: one of scalar
subqueries on indexed columns (ledger and outbox), one of the witnesses' rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from backend.db import connection

_UNFINISHED = "('queued', 'sending')"
_SCALARS = f"""
SELECT
 (SELECT COUNT(*) FROM ledger_entry WHERE leaf_index IS NULL) AS pending,
 (SELECT size FROM ledger_checkpoint ORDER BY size DESC LIMIT 1) AS size,
 (SELECT created_at FROM ledger_checkpoint ORDER BY size DESC LIMIT 1) AS integrated_at,
 (SELECT COUNT(*) FROM outbox_message WHERE state = 'queued' AND attempts = 0) AS queued,
 (SELECT COUNT(*) FROM outbox_message WHERE state = 'queued' AND attempts > 0) AS retrying,
 (SELECT COUNT(*) FROM outbox_message WHERE state = 'sending') AS sending,
 (SELECT COUNT(*) FROM outbox_message WHERE state = 'dead') AS dead,
 (SELECT MIN(created_at) FROM outbox_message WHERE state IN {_UNFINISHED}) AS oldest
"""
_WITNESSES = "SELECT name, size FROM ledger_witness ORDER BY name"


def is_multiprocess() -> bool:
    """Whether prometheus-client keeps values in files shared by the workers; it decides once,
    at import, by ``PROMETHEUS_MULTIPROC_DIR``."""
    return values.ValueClass is not values.MutexValue


def forget_this_process() -> None:
    """At a worker's exit: its live gauges (the render jobs) stop counting in the sum."""
    if is_multiprocess():
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The database gauges at one scrape."""

    pending: int
    checkpoint_size: int | None
    integrated_at: datetime | None
    outbox: dict[str, int]
    oldest: datetime | None
    witnesses: list[tuple[str, int]]
    now: datetime

    def families(self) -> Iterator[Metric]:
        yield _gauge(
            "piaojia_ledger_pending_statements", "Statements not yet in the log", self.pending
        )
        if self.checkpoint_size is not None:
            yield _gauge(
                "piaojia_ledger_checkpoint_size",
                "Size of the latest checkpoint",
                self.checkpoint_size,
            )
        if self.integrated_at is not None:
            since = (self.now - self.integrated_at).total_seconds()
            yield _gauge(
                "piaojia_ledger_seconds_since_integration",
                "Seconds since the latest checkpoint was signed",
                max(0.0, since),
            )
        cosigned = GaugeMetricFamily(
            "piaojia_witness_cosigned_size",
            "Size of the latest checkpoint each witness cosigned",
            labels=["witness"],
        )
        for name, size in self.witnesses:
            cosigned.add_metric([name], size)
        yield cosigned
        messages = GaugeMetricFamily(
            "piaojia_outbox_messages",
            "Mail not yet sent (queued: first try; retrying: tried, waiting; sending) and dead",
            labels=["state"],
        )
        for state, count in self.outbox.items():
            messages.add_metric([state], count)
        yield messages
        age = 0.0 if self.oldest is None else (self.now - self.oldest).total_seconds()
        yield _gauge(
            "piaojia_outbox_oldest_age_seconds",
            "Age of the oldest message neither sent nor dead (0 when there is none)",
            max(0.0, age),
        )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _moment(raw: object) -> datetime | None:
    # PostgreSQL gives datetimes; SQLite the ISO text Tortoise stored.
    if raw is None or isinstance(raw, datetime):
        return raw
    return datetime.fromisoformat(str(raw))


async def snapshot(now: datetime) -> Snapshot:
    """The database gauges as of ``now``: two queries."""
    conn = connection()
    _, rows = await conn.execute_query(_SCALARS)
    row = rows[0]
    _, witnesses = await conn.execute_query(_WITNESSES)
    size = row["size"]
    return Snapshot(
        pending=int(row["pending"]),
        checkpoint_size=None if size is None else int(size),
        integrated_at=_moment(row["integrated_at"]),
        outbox={s: int(row[s]) for s in ("queued", "retrying", "sending", "dead")},
        oldest=_moment(row["oldest"]),
        witnesses=[(str(w["name"]), int(w["size"])) for w in witnesses],
        now=now,
    )


class _Fixed(Collector):
    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self._families


def exposition(database: Snapshot) -> bytes:
    """The text exposition: the instruments (every worker's, in multi-process mode) and
    ``database``'s gauges."""
    registry = CollectorRegistry(auto_describe=False)
    if is_multiprocess():
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        instruments: list[Metric] = []
    else:
        instruments = list(REGISTRY.collect())
    registry.register(_Fixed([*instruments, *database.families()]))
    return generate_latest(registry)
