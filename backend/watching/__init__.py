"""Watching the service run: ``/metrics`` for Prometheus, ``/healthz`` and ``/readyz`` for
load balancers and orchestrators, and one log line per request with its request id."""
