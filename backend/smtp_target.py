"""Where the SMTP server is and whom to trust there: ``PIAOJIA_SMTP_URL`` and
``PIAOJIA_SMTP_CA_FILE`` parsed, for the settings and the outbox."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from backend.secret import Secret


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """The SMTP server named by ``PIAOJIA_SMTP_URL``."""

    host: str
    port: int
    implicit_tls: bool  # smtps://: TLS from the first byte; smtp://: STARTTLS when offered
    username: str | None = None
    password: Secret | None = None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        """``smtp://[user:password@]host[:port]`` or ``smtps://…``; ``ValueError`` otherwise.

        User and password are percent-decoded, so a password may hold any character. The
        default port is 25 for smtp:// and 465 for smtps://.
        """
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"}:
            raise ValueError("expected smtp://user:password@host:port or smtps://…")
        if not parts.hostname:
            raise ValueError("the URL names no host")
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise ValueError("expected no path, query or fragment after host:port")
        try:
            port = parts.port
        except ValueError as exc:
            raise ValueError("the port must be a number between 1 and 65535") from exc
        implicit = parts.scheme == "smtps"
        username = unquote(parts.username) if parts.username else None
        password = Secret(unquote(parts.password)) if parts.password is not None else None
        if password is not None and username is None:
            raise ValueError("a password needs a user name")
        return cls(
            host=parts.hostname,
            port=port or (465 if implicit else 25),
            implicit_tls=implicit,
            username=username,
            password=password,
        )

    def __str__(self) -> str:
        user = f"{self.username}@" if self.username else ""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{user}{self.host}:{self.port}"


def parse_smtp_url(raw: str) -> Secret:
    """``PIAOJIA_SMTP_URL`` checked (``ValueError`` names what is wrong) and kept secret: it may
    hold a password."""
    SmtpTarget.parse(raw)
    return Secret(raw)


def trusted_context(ca_file: str | None) -> ssl.SSLContext:
    """A client TLS context that verifies the server: its chain up to a CA certificate of
    ``ca_file`` (PEM; instead of the system store) or of the system store when None, and its
    host name or IP address against the certificate. Raises ``OSError`` (``ssl.SSLError``
    included) for a file that cannot be read or holds no certificate."""
    return ssl.create_default_context(cafile=ca_file)


def parse_ca_file(raw: str) -> str:
    """``PIAOJIA_SMTP_CA_FILE``: the path, once it is known to load as CA certificates;
    otherwise ``ValueError`` with one line saying why (missing, unreadable, not PEM)."""
    if not raw.strip():
        raise ValueError("expected the path of a PEM file of CA certificates")
    try:
        trusted_context(raw)
    except ssl.SSLError:
        raise ValueError(
            "the file holds no PEM certificate (expected -----BEGIN CERTIFICATE----- blocks)"
        ) from None
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc.strerror or exc}") from None
    return raw
