"""pyHanko's coroutines, run to completion from synchronous, CPU-bound code.

pyHanko's API is async, and its sync wrappers call ``asyncio.run``, which fails inside a running
loop; so signing and verification run pyHanko's coroutines on a fresh private event loop and
refuse, with a clear error, to be called on a thread whose event loop is running (that would
block it). From a thread or a worker process, while a loop runs elsewhere, they work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from backend.documents.errors import SigningError

T = TypeVar("T")


def run_synchronously(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a pyHanko coroutine to completion on a fresh event loop owned by this call.

    ``SigningError`` (and ``coroutine`` closed, never awaited) when this thread's event loop is
    running: the work is CPU-bound and would block that loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    if running:
        coroutine.close()  # never awaited: close it so Python does not warn about it
        raise SigningError(
            "PDF signing and verification are synchronous and CPU-bound; call them in an "
            "executor (loop.run_in_executor / asyncio.to_thread), not on the event loop's thread"
        )
    return asyncio.run(coroutine)
