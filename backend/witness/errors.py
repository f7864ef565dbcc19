"""Errors of the witness process. Each message is one line fit to show an operator as is.

::

    WitnessSetupError         the witness cannot start or its storage failed
    ├── WitnessNameError        the witness name is not a valid key name
    ├── KeyFileError            the key file cannot be read, created or trusted
    ├── LogKeyError             a trusted log verifier key string is malformed
    └── StateError              the SQLite state cannot be opened or used
    RequestTooLargeError      an add-checkpoint body exceeds the size limit (HTTP 413)

Refusals of the protocol itself are the :class:`chain.errors.WitnessError` family.
"""

from __future__ import annotations


class WitnessSetupError(Exception):
    """The witness cannot start, or its durable storage failed."""


class WitnessNameError(WitnessSetupError):
    """The witness name cannot be a note key name (empty, spaces or ``+``)."""


class KeyFileError(WitnessSetupError):
    """The witness key file cannot be read, created, parsed or trusted."""


class LogKeyError(WitnessSetupError):
    """A trusted log's verifier key string is malformed or repeated."""


class StateError(WitnessSetupError):
    """The witness state database cannot be opened, is not ours, or failed."""


class RequestTooLargeError(Exception):
    """An add-checkpoint request body is larger than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit
