"""A static mirror of a Piaojia ledger: every tile, bundle and the checkpoint as plain files.

``DIR/ledger/`` receives the C2SP tlog-tiles layout (``checkpoint``, ``tile/<L>/<N>``,
``tile/entries/<N>``) plus ``key``, so any web server serving ``DIR`` answers the same paths as
the service does, and ``piaojia ledger audit`` accepts it as the log.

Guarantees of :func:`mirror_log`: the mirror goes through the full audit
(:func:`backend.anchoring.audit.audit_log`), so every tile and bundle kept was checked against
the checkpoint's signed root; the checkpoint file is written last, atomically, and only once
that holds, and a new checkpoint must extend the one already mirrored. Files already present
are read, not fetched again (tile paths name their content), so an interrupted mirror resumes
where it stopped; a file the audit finds wrong is deleted, so the next run fetches it afresh.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from backend.anchoring.atomic_files import write_atomically
from backend.anchoring.audit import (
    FETCH_CONCURRENCY,
    TIMEOUT,
    AuditError,
    AuditReport,
    audit_log,
)
from chain.policy import Policy
from chain.tiles import TILE_WIDTH, tiles_for_size

Progress = Callable[[int, int], None]
"""Called with (files done, files in the tree) after each tile or bundle."""


@dataclass(frozen=True, slots=True)
class MirrorReport:
    """What a mirror run did: the audit it passed and how many files it had to download."""

    audit: AuditReport
    fetched: int
    reused: int


def _size_hint(note: bytes) -> int:
    """The tree size a checkpoint claims, for the progress total only (verified later)."""
    lines = note.split(b"\n")
    return int(lines[1]) if len(lines) > 2 and lines[1].isdigit() else 0


async def mirror_log(
    base_url: str,
    directory: Path,
    *,
    log_key: str,
    policy: Policy | None = None,
    progress: Progress | None = None,
    client: httpx.AsyncClient | None = None,
) -> MirrorReport:
    """Copy the ledger at ``base_url`` into ``directory`` (see the module docstring).

    Raises :class:`~backend.anchoring.audit.AuditError` naming the place on the first problem;
    the mirror's checkpoint then stays the last one that passed.
    """
    root = directory / "ledger"
    prefix = base_url.rstrip("/") + "/ledger/"
    owned = client is None
    http = httpx.AsyncClient(timeout=TIMEOUT) if client is None else client
    counts = {"fetched": 0, "reused": 0, "total": 0}
    gate = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def download(path: str) -> bytes:
        try:
            async with gate:
                response = await http.get(prefix + path)
        except httpx.HTTPError as exc:
            raise AuditError(path, f"cannot fetch {prefix + path}: {exc!r}") from exc
        if response.status_code != 200:
            raise AuditError(path, f"HTTP {response.status_code} from {prefix + path}")
        return response.content

    async def fetch(path: str) -> bytes:
        if path == "checkpoint":
            note = await download(path)
            size = _size_hint(note)
            counts["total"] = len(tiles_for_size(size)) + -(-size // TILE_WIDTH)
            return note
        local = root / path
        if local.is_file():
            data = await asyncio.to_thread(local.read_bytes)
            counts["reused"] += 1
        else:
            data = await download(path)
            await asyncio.to_thread(write_atomically, local, data)
            counts["fetched"] += 1
        if progress is not None:
            progress(counts["fetched"] + counts["reused"], counts["total"])
        return data

    try:
        report = await audit_log(
            base_url,
            log_key=log_key,
            state_file=root / "checkpoint",
            client=http,
            policy=policy,
            fetch=fetch,
        )
    except AuditError as exc:
        if exc.place.startswith("tile/"):
            (root / exc.place).unlink(missing_ok=True)
        raise
    finally:
        if owned:
            await http.aclose()
    write_atomically(root / "key", log_key.encode() + b"\n")
    return MirrorReport(report, counts["fetched"], counts["reused"])
