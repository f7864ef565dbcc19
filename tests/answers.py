"""Reading the service's answers in tests."""

from __future__ import annotations

import httpx


def error_code(response: httpx.Response) -> str:
    """The stable code of a JSON error answer, failing if the answer is not JSON."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    code: str = response.json()["error"]["code"]
    return code
