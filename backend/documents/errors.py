"""Errors of the PKI and of PDF signing.

Two kinds, on purpose:

* ``PkiError`` and ``SigningError`` are faults of the deployment (a damaged CA file, a key that
  does not match its certificate, a wrong sealing secret). A client cannot cause them, so they
  are *not* ``DomainError`` subclasses: they stop the start-up or end as a 500, and their
  one-line message names the file or the step that failed.
* ``NotAPdf`` and ``AttachmentNotFound`` are about bytes a client handed in (a PDF uploaded for
  verification, an attachment name asked for), so they are ``DomainError`` subclasses with
  stable codes.
"""

from __future__ import annotations

from backend.errors import InvalidInput, NotFound


class PkiError(Exception):
    """The deployment CA or an issuer credential cannot be created, read or used."""


class SigningError(Exception):
    """A PDF could not be signed (the input is not a PDF we can extend, or pyHanko refused)."""


class NotAPdf(InvalidInput):
    code = "not_a_pdf"


class AttachmentNotFound(NotFound):
    code = "attachment_not_found"


class OfdNotAvailable(NotFound):
    """An OFD copy of a receipt of a kind that has no OFD layout yet (transit invoices)."""

    code = "ofd_not_available"


def describe(exc: Exception) -> str:
    """One bounded line naming ``exc``, for messages about a PDF someone handed in.

    Bounded because the message may quote bytes of the damaged file.
    """
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
