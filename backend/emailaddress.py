"""Email addresses as Piaojia accepts them, and text made safe for a mail header.

An accepted address is a bare ``local@domain`` (no display name, no comments, no quoting) in
ASCII, with an internationalised domain turned into its ``xn--`` form. That is narrower than
RFC 5322 allows on purpose: nothing that reaches an SMTP envelope or a header can carry a line
break, a second address or a header of its own.
"""

from __future__ import annotations

import re
import unicodedata

from backend.errors import InvalidInput

# RFC 5322 dot-atom text for the local part: letters, digits and these symbols, dots between.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


class InvalidEmailAddress(InvalidInput):
    code = "invalid_email"


def normalise_address(raw: object) -> str:
    """``raw`` as an accepted address (domain lower-cased), or ``InvalidEmailAddress``.

    Guarantees: the result matches ``local@domain`` with a dot-atom local part of at most 64
    characters and a domain of at least two LDH labels, 254 characters at most in all, and holds
    no whitespace, control character, quote, angle bracket, comma or semicolon.
    """
    if not isinstance(raw, str):
        raise InvalidEmailAddress("the email address must be a string", field="to")
    text = raw.strip()
    if not text:
        raise InvalidEmailAddress("give an email address such as name@example.com", field="to")
    if any(unicodedata.category(ch).startswith(("C", "Z")) for ch in text):
        raise InvalidEmailAddress(
            "an email address cannot hold spaces, line breaks or control characters", field="to"
        )
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise InvalidEmailAddress("not an email address such as name@example.com", field="to")
    if len(local) > 64 or not _LOCAL.fullmatch(local):
        raise InvalidEmailAddress(
            "the part before @ may hold letters, digits, dots and !#$%&'*+/=?^_`{|}~- only",
            field="to",
        )
    try:
        ascii_domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise InvalidEmailAddress(f"{domain!r} is not a valid domain name", field="to") from exc
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidEmailAddress("the domain must be a name such as example.com", field="to")
    address = f"{local}@{ascii_domain}"
    if len(address) > 254:
        raise InvalidEmailAddress("an email address has at most 254 characters", field="to")
    return address


def parse_mail_from(raw: str) -> str:
    """``PIAOJIA_MAIL_FROM`` normalised, or ``ValueError`` saying what is wrong with it."""
    try:
        return normalise_address(raw)
    except InvalidEmailAddress as exc:
        raise ValueError(exc.message) from exc


def header_text(text: str, *, limit: int = 200) -> str:
    """``text`` on one line: control characters and line breaks become spaces, runs of space
    fold to one, and at most ``limit`` characters remain. Safe for any header value."""
    cleaned = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    return " ".join(cleaned.split())[:limit]


def safe_file_name(name: str, *, default: str = "receipt.pdf", suffix: str = ".pdf") -> str:
    """A file name for an attachment: no path, no control or quoting characters, ends with
    ``suffix`` (``default`` when nothing of ``name`` is left)."""
    base = header_text(name, limit=100).replace("/", "_").replace("\\", "_")
    base = re.sub(r"[\"<>:|?*;]", "_", base).strip(" .")
    if not base:
        return default
    return base if base.lower().endswith(suffix) else base + suffix
