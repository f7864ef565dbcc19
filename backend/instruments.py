"""The process's own Prometheus instruments: what only the process that sees it can count.

Requests and their latency, witness failures and the render pool's jobs are counted where they
happen; with several workers (``PROMETHEUS_MULTIPROC_DIR``, set by ``piaojia serve``)
prometheus-client keeps each process's values in a file of that folder and ``/metrics`` adds
them up. What the database knows (the ledger, the outbox) is read at scrape time instead, by
``backend.watching.collector``.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "piaojia_http_requests",
    "HTTP requests answered, by method, route template (never the raw path) and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "piaojia_http_request_duration_seconds",
    "Seconds from a request's arrival to the end of its answer, by method and route template",
    ["method", "route"],
)
WITNESS_FAILURES = Counter(
    "piaojia_witness_failures",
    "Checkpoints a witness did not cosign: an error answer or a cosignature that does not verify",
    ["witness"],
)
# livesum: with several workers the jobs of the processes alive, added up.
RENDER_JOBS = Gauge(
    "piaojia_render_jobs",
    "PDF drawing and signing jobs in the render pool, waiting or running",
    multiprocess_mode="livesum",
)
