"""Real TLS mail servers for the tests: a private CA and server certificates made here with
``cryptography``, and aiosmtpd speaking STARTTLS or TLS from the first byte, with AUTH."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
import weakref
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

USER, PASSWORD = "piaojia", "p@ss w0rd:秘密"


class TestCA:
    """A private CA whose certificate is written to ``ca_file`` (PEM), issuing server
    certificates for the names a test asks for."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Piaojia Test Mail CA")])
        self.certificate = (
            _builder(name, name, self._key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_usage(ca=True), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        self.ca_file = directory / "smtp-ca.pem"
        self.ca_file.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))

    def server_context(self, *names: str) -> ssl.SSLContext:
        """A server TLS context with a certificate this CA issued for ``names`` (host names or
        IP addresses)."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*self.server_files(*names))
        return context

    def server_files(self, *names: str) -> tuple[Path, Path]:
        """A certificate this CA issued for ``names`` (host names or IP addresses) and its key,
        written as PEM files: (certificate file, key file)."""
        key = ec.generate_private_key(ec.SECP256R1())
        alternatives: list[x509.GeneralName] = []
        for name in names:
            try:
                alternatives.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                alternatives.append(x509.DNSName(name))
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
        certificate = (
            _builder(subject, self.certificate.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), False
            )
            .sign(self._key, hashes.SHA256())
        )
        stem = self.directory / f"server-{len(list(self.directory.glob('server-*.pem')))}"
        cert_file, key_file = stem.with_suffix(".pem"), stem.with_suffix(".key")
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_file, key_file


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Delivered:
    recipients: list[str]
    raw: bytes
    over_tls: bool
    user: str | None


@dataclass
class TlsHandler:
    """aiosmtpd handler and authenticator: keeps each message with whether it came over TLS
    and who logged in, and every login tried (there should be none over a plain session)."""

    received: list[Delivered] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (user, over TLS)

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        user = data.login.decode()
        self.logins.append((user, _over_tls(server)))
        good = (user, data.password.decode()) == (USER, PASSWORD)
        return AuthResult(success=good, auth_data=user if good else None)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(
            Delivered(
                recipients=list(envelope.rcpt_tos),
                raw=envelope.original_content or b"",
                over_tls=_over_tls(server),
                user=session.auth_data if session.authenticated else None,
            )
        )
        return f"250 2.0.0 Ok: queued as TLS{len(self.received)}"


def _over_tls(server: SMTP) -> bool:
    transport = server.transport
    return transport is not None and transport.get_extra_info("sslcontext") is not None


class TlsSmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port, on the running loop: ``mode`` "starttls" (TLS
    required before anything else, AUTH required), "smtps" (TLS from the first byte, AUTH
    offered) or "plain" (no TLS at all, AUTH offered in clear, as a careless server might)."""

    def __init__(
        self, handler: TlsHandler, *, mode: str, context: ssl.SSLContext | None = None
    ) -> None:
        self._handler = handler
        self._mode = mode
        self._context = context
        self._server: asyncio.Server | None = None
        self._sessions: weakref.WeakSet[SMTP] = weakref.WeakSet()

    @property
    def port(self) -> int:
        assert self._server is not None
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    def _session(self) -> SMTP:
        options: dict[str, Any] = {"authenticator": self._handler}
        if self._mode == "starttls":
            options |= {"tls_context": self._context, "require_starttls": True}
            options |= {"auth_required": True}
        else:
            # smtps: aiosmtpd cannot see the TLS underneath it, so it is told not to ask for it.
            options["auth_require_tls"] = False
        loop = asyncio.get_running_loop()
        protocol = SMTP(self._handler, hostname="mx.piaojia.test", loop=loop, **options)
        self._sessions.add(protocol)
        return protocol

    async def __aenter__(self) -> TlsSmtpServer:
        ssl_context = self._context if self._mode == "smtps" else None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._session, "127.0.0.1", 0, ssl=ssl_context)
        return self

    async def __aexit__(self, *exc: object) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for protocol in list(self._sessions):
            if protocol.transport is not None:
                protocol.transport.close()
        await server.wait_closed()
