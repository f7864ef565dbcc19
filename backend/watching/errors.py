"""What the watching endpoints refuse."""

from __future__ import annotations

from backend.errors import ServiceUnavailable, Unauthenticated


class MetricsTokenRequired(Unauthenticated):
    code = "metrics_token_required"


class NotReady(ServiceUnavailable):
    """A readiness check failed; ``retry_after`` is the wait the answer's header says."""

    code = "not_ready"

    def __init__(self, message: str, *, retry_after: int, checks: dict[str, str]) -> None:
        failed = [name for name, said in checks.items() if said != "ok"]
        super().__init__(message, checks=checks, failed=failed)
        self.retry_after = retry_after
