"""Settings: the one place that reads the environment.

Every setting comes from a ``PIAOJIA_``-prefixed environment variable. ``load_settings`` either
returns a complete, frozen ``Settings`` or raises ``SettingsError`` whose message is one line
naming the variable at fault, so a misconfigured process stops before it serves anything.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias, TypeVar, get_args, get_type_hints
from urllib.parse import urlsplit

from backend.emailaddress import parse_mail_from
from backend.secret import Secret
from backend.smtp_target import parse_ca_file, parse_smtp_url
from backend.watch_settings import parse_log_format, parse_log_level, parse_metrics_token
from backend.witness_settings import (
    PolicySetupError,
    parse_policy_file,
    parse_quorum,
    parse_witnesses,
    shorthand_policy,
)
from chain.policy import Policy

PREFIX = "PIAOJIA_"
DEFAULT_DATABASE_URL = "sqlite://var/piaojia.db?synchronous=NORMAL&busy_timeout=5000"
# What demo mode calls its own jscode2session stand-in with; the stand-in checks neither.
DEMO_WECHAT_APPID = "wx0000000000000000"
DEMO_WECHAT_SECRET = "demo0000000000000000000000000000"

T = TypeVar("T")
Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service needs to start; built once, never changed."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    # Keyed hashing of staff API keys: a copy of the database alone cannot confirm a guessed key.
    secret_key: Secret = field(default_factory=lambda: Secret("insecure-development-key-0000000"))
    demo: bool = False
    # The log's Ed25519 signer key (C2SP note format); if unset, read from ledger_key_file.
    ledger_key: Secret | None = None
    ledger_key_file: str = "var/ledger.key"
    ledger_interval: float = 0.5
    ledger_batch: int = 4096
    # Who must cosign for "witnessed": a tlog-policy file, or else (URL, verifier key) pairs and
    # how many of them must cosign (the shorthand; default all).
    witnesses: tuple[tuple[str, str], ...] = ()
    witness_quorum: int | None = None
    witness_policy: Policy | None = None
    # The deployment CA that certifies each issuer's PDF signing key: made here on first start.
    ca_dir: str = "var/ca"
    # Rendering processes: one core is left to the event loop and the database.
    render_workers: int = field(default_factory=lambda: max(1, (os.cpu_count() or 2) - 1))
    render_warm_up: bool = True  # load fonts in every render process at start
    # Unknown scan tokens per client address and minute before answers slow down, then stop.
    scan_slow_after: int = 10
    scan_refuse_after: int = 30
    # The window the scan and verification limits count in, in seconds ("a minute" above).
    limit_window: int = 60
    # Mini-program login: WeChat's jscode2session under wechat_base_url. In demo mode the base
    # URL defaults to the app's own stand-in (/demo/wx) and appid and secret to placeholders.
    wechat_base_url: str = "https://api.weixin.qq.com"
    wechat_appid: str = ""
    wechat_secret: Secret | None = None
    wechat_timeout: float = 5.0
    session_days: int = 30
    # Verification (查验): per receipt per China day; per address per minute.
    verify_daily_limit: int = 5
    verify_slow_after: int = 10
    verify_refuse_after: int = 30
    max_body_bytes: int = 1_048_576
    max_line_items: int = 500
    log_level: str = "info"
    log_format: str = "text"  # or json: one JSON object a line
    metrics_token: Secret | None = None  # GET /metrics answers only to it (404 when unset)
    # Mail. The SMTP server: smtp://user:password@host:port (STARTTLS when the server offers it)
    # or smtps://… (TLS from the start). The default is the demo mail sink on this machine.
    smtp_url: Secret = field(default_factory=lambda: Secret("smtp://127.0.0.1:8025"))
    # The server's certificate is verified, chain and name, against the CA certificates of this
    # PEM file, or the system's when unset; a password is sent only over TLS.
    smtp_ca_file: str | None = None
    mail_from: str = "noreply@piaojia.local"
    mail_from_name: str = "票夹"
    # Seconds for connecting and for each SMTP command; a whole send gets four times that.
    smtp_timeout: float = 30.0
    mail_concurrency: int = 4  # messages sent at once per relay, each on a reused connection
    mail_max_attempts: int = 8
    mail_retry_base: float = 60.0  # seconds before the second attempt, doubling (≤ 6 h)
    mail_proof_wait: float = 120.0  # seconds a copy waits for its receipt's ledger proof
    mail_poll_interval: float = 1.0  # the relay's rest when idle; a waiting copy's recheck
    mail_per_receipt_per_day: int = 5
    mail_per_address_per_day: int = 20
    mail_dir: str = "var/mail"  # where the demo mail sink writes .eml files
    # Peers whose X-Forwarded-For is believed (reverse proxies); by default nobody's.
    trusted_proxies: tuple[Network, ...] = ()
    # Where the rate limits are counted when several processes must share them (redis://…);
    # without it PostgreSQL deployments count in the database, SQLite ones in memory.
    redis_url: Secret | None = None
    redis_prefix: str = "piaojia"
    # Keys that seal personal data at rest, newest first; the key derived from secret_key is
    # always in the ring too (backend.sealing, `piaojia keys rotate`).
    data_keys: tuple[Secret, ...] = ()


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected 1/0, true/false, yes/no or on/off")


def _parse_port(raw: str) -> int:
    port = int(raw)
    if not 0 < port < 65536:
        raise ValueError("expected a TCP port between 1 and 65535")
    return port


def _parse_positive(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("expected a positive whole number")
    return value


def _parse_database_url(raw: str) -> str:
    scheme = urlsplit(raw).scheme
    if scheme not in {"sqlite", "postgres", "asyncpg"}:
        raise ValueError("expected sqlite://PATH or postgres://USER@HOST:PORT/DB")
    return raw


def _parse_base_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("expected an absolute http:// or https:// URL")
    return raw.rstrip("/")


def _parse_secret(raw: str) -> Secret:
    if len(raw) < 32:
        raise ValueError("expected at least 32 characters (try: openssl rand -hex 32)")
    return Secret(raw)


def _parse_data_keys(raw: str) -> tuple[Secret, ...]:
    keys = tuple(Secret(part.strip()) for part in raw.split(",") if part.strip())
    if not keys or any(len(key.reveal()) < 32 for key in keys):
        raise ValueError(
            "expected keys of at least 32 characters separated by ',', newest first "
            "(try: piaojia keys new)"
        )
    return keys


def _is_secret(parse: Callable[[str], object]) -> bool:
    """Whether ``parse`` makes a Secret (or a tuple of them): its input is then never shown."""
    try:
        made = get_type_hints(parse).get("return")
    except (NameError, TypeError):
        return False
    return made is Secret or Secret in get_args(made)


def _parse_interval(raw: str) -> float:
    value = float(raw)
    if not 0.01 <= value <= 3600:
        raise ValueError("expected seconds between 0.01 and 3600")
    return value


def _parse_signer_key(raw: str) -> Secret:
    if not raw.startswith("PRIVATE+KEY+"):
        raise ValueError("expected a note signer key, PRIVATE+KEY+<origin>+<id>+<key>")
    return Secret(raw)


def _parse_appid(raw: str) -> str:
    if not re.fullmatch(r"wx[0-9a-f]{16}", raw):
        raise ValueError("expected a mini-program AppID: wx and 16 hexadecimal digits")
    return raw


def _parse_wechat_secret(raw: str) -> Secret:
    if not re.fullmatch(r"[0-9A-Za-z]{16,64}", raw):
        raise ValueError("expected the mini-program AppSecret (letters and digits)")
    return Secret(raw)


def _parse_timeout(raw: str) -> float:
    value = float(raw)
    if not 0.1 <= value <= 60:
        raise ValueError("expected seconds between 0.1 and 60")
    return value


def _parse_session_days(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 365:
        raise ValueError("expected a number of days between 1 and 365")
    return value


def _parse_host(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.:\-\[\]]+", raw):
        raise ValueError("expected a host name or IP address")
    return raw


def _parse_display_name(raw: str) -> str:
    if not raw.strip() or any(ch in raw for ch in "\r\n") or len(raw) > 60:
        raise ValueError("expected a name on one line, at most 60 characters")
    return raw.strip()


def _parse_seconds(raw: str) -> float:
    value = float(raw)
    if not 0.1 <= value <= 600:
        raise ValueError("expected seconds between 0.1 and 600")
    return value


def _parse_trusted_proxies(raw: str) -> tuple[Network, ...]:
    networks = []
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        try:
            network = ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise ValueError(
                f"{part[:60]!r} is not an IP address or network; expected a comma list such "
                "as 10.0.0.5, 192.168.0.0/24, fd00::/8"
            ) from None
        if network.prefixlen == 0:
            raise ValueError(f"{part!r} would trust every address; name the proxies")
        networks.append(network)
    return tuple(networks)


def _parse_redis_url(raw: str) -> Secret:
    # The value may hold a password: no message here repeats it.
    if re.search(r"[\x00-\x20\x7f]", raw.strip()):
        raise ValueError("the URL has spaces or control characters")
    parts = urlsplit(raw.strip())
    if parts.scheme == "unix":
        if not parts.path:
            raise ValueError("expected unix:///path/to/redis.sock")
        return Secret(raw.strip())
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ValueError("expected redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://… or unix://…")
    try:
        port = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError("the port is not a number between 1 and 65535")
    if parts.path not in {"", "/"} and not re.fullmatch(r"/[0-9]{1,2}", parts.path):
        raise ValueError("the database after the host is a number, as in redis://HOST:6379/0")
    return Secret(raw.strip())


def _parse_key_prefix(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,40}", raw):
        raise ValueError("expected 1 to 40 letters, digits or _ . : -")
    return raw


def share_with_workers(name: str, value: str) -> None:
    """Set ``name`` in this process's environment for the processes it starts to inherit."""
    os.environ[name] = value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from ``environ`` (default: the process environment).

    Guarantees: the result is complete and valid, or ``SettingsError`` is raised naming the
    first variable that is malformed, or missing where it has no default. Outside demo mode
    ``PIAOJIA_SECRET_KEY`` is required: a production process must never run on the
    development key.
    """
    env = os.environ if environ is None else environ
    defaults = Settings()

    def read(name: str, parse: Callable[[str], T], default: T, *, secret: bool = False) -> T:
        raw = env.get(PREFIX + name)
        if raw is None:
            return default
        # Secrecy follows the type: a setting parsed into a Secret never shows its value, nor
        # the parser's own error (which could quote it) as the cause in a traceback.
        hidden = secret or _is_secret(parse)
        try:
            return parse(raw)
        except ValueError as exc:
            if not hidden:
                raise SettingsError(f"{PREFIX}{name}={raw!r} is not valid: {exc}") from exc
            reason = str(exc) if raw not in str(exc) else "the value is malformed"
            raise SettingsError(f"{PREFIX}{name}=(hidden) is not valid: {reason}") from None

    demo = read("DEMO", _parse_bool, defaults.demo)
    if not demo and PREFIX + "SECRET_KEY" not in env:
        raise SettingsError(
            f"{PREFIX}SECRET_KEY is not set: give it at least 32 random characters "
            "(or set PIAOJIA_DEMO=1 for a local demo)"
        )
    witnesses = read("WITNESSES", parse_witnesses, defaults.witnesses)
    quorum = read("WITNESS_QUORUM", parse_quorum, defaults.witness_quorum)
    if PREFIX + "WITNESS_POLICY" in env and (witnesses or quorum is not None):
        raise SettingsError(
            f"{PREFIX}WITNESS_POLICY is set: leave {PREFIX}WITNESSES and {PREFIX}WITNESS_QUORUM "
            "unset (the policy file names the witnesses and the quorum)"
        )
    try:
        shorthand_policy(witnesses, quorum)
    except PolicySetupError as exc:
        raise SettingsError(f"{PREFIX}WITNESS_QUORUM={quorum} is not valid: {exc}") from exc
    policy = read("WITNESS_POLICY", parse_policy_file, defaults.witness_policy)
    public_base_url = read("PUBLIC_BASE_URL", _parse_base_url, defaults.public_base_url)
    # Demo mode logs in against the stand-in the app serves itself, so it needs no WeChat.
    wechat_base_url = f"{public_base_url}/demo/wx" if demo else defaults.wechat_base_url
    wechat_appid = DEMO_WECHAT_APPID if demo else defaults.wechat_appid
    wechat_secret = Secret(DEMO_WECHAT_SECRET) if demo else defaults.wechat_secret
    return Settings(
        # A PostgreSQL URL may hold a password: never shown, though the setting is a plain str.
        database_url=read("DATABASE_URL", _parse_database_url, defaults.database_url, secret=True),
        host=read("HOST", _parse_host, defaults.host),
        port=read("PORT", _parse_port, defaults.port),
        public_base_url=public_base_url,
        secret_key=read("SECRET_KEY", _parse_secret, defaults.secret_key),
        demo=demo,
        ledger_key=read("LEDGER_KEY", _parse_signer_key, defaults.ledger_key),
        ledger_key_file=read("LEDGER_KEY_FILE", str, defaults.ledger_key_file),
        ledger_interval=read("LEDGER_INTERVAL", _parse_interval, defaults.ledger_interval),
        ledger_batch=read("LEDGER_BATCH", _parse_positive, defaults.ledger_batch),
        witnesses=witnesses,
        witness_quorum=quorum,
        witness_policy=policy,
        ca_dir=read("CA_DIR", str, defaults.ca_dir),
        render_workers=read("RENDER_WORKERS", _parse_positive, defaults.render_workers),
        render_warm_up=read("RENDER_WARM_UP", _parse_bool, defaults.render_warm_up),
        scan_slow_after=read("SCAN_SLOW_AFTER", _parse_positive, defaults.scan_slow_after),
        scan_refuse_after=read("SCAN_REFUSE_AFTER", _parse_positive, defaults.scan_refuse_after),
        limit_window=read("LIMIT_WINDOW", _parse_positive, defaults.limit_window),
        wechat_base_url=read("WECHAT_BASE_URL", _parse_base_url, wechat_base_url),
        wechat_appid=read("WECHAT_APPID", _parse_appid, wechat_appid),
        wechat_secret=read("WECHAT_SECRET", _parse_wechat_secret, wechat_secret),
        wechat_timeout=read("WECHAT_TIMEOUT", _parse_timeout, defaults.wechat_timeout),
        session_days=read("SESSION_DAYS", _parse_session_days, defaults.session_days),
        verify_daily_limit=read("VERIFY_DAILY_LIMIT", _parse_positive, defaults.verify_daily_limit),
        verify_slow_after=read("VERIFY_SLOW_AFTER", _parse_positive, defaults.verify_slow_after),
        verify_refuse_after=read(
            "VERIFY_REFUSE_AFTER", _parse_positive, defaults.verify_refuse_after
        ),
        max_body_bytes=read("MAX_BODY_BYTES", _parse_positive, defaults.max_body_bytes),
        max_line_items=read("MAX_LINE_ITEMS", _parse_positive, defaults.max_line_items),
        log_level=read("LOG_LEVEL", parse_log_level, defaults.log_level),
        log_format=read("LOG_FORMAT", parse_log_format, defaults.log_format),
        metrics_token=read("METRICS_TOKEN", parse_metrics_token, defaults.metrics_token),
        smtp_url=read("SMTP_URL", parse_smtp_url, defaults.smtp_url),
        smtp_ca_file=read("SMTP_CA_FILE", parse_ca_file, defaults.smtp_ca_file),
        mail_from=read("MAIL_FROM", parse_mail_from, defaults.mail_from),
        mail_from_name=read("MAIL_FROM_NAME", _parse_display_name, defaults.mail_from_name),
        smtp_timeout=read("SMTP_TIMEOUT", _parse_seconds, defaults.smtp_timeout),
        mail_concurrency=read("MAIL_CONCURRENCY", _parse_positive, defaults.mail_concurrency),
        mail_max_attempts=read("MAIL_MAX_ATTEMPTS", _parse_positive, defaults.mail_max_attempts),
        mail_retry_base=read("MAIL_RETRY_BASE", _parse_seconds, defaults.mail_retry_base),
        mail_proof_wait=read("MAIL_PROOF_WAIT", _parse_interval, defaults.mail_proof_wait),
        mail_per_receipt_per_day=read(
            "MAIL_PER_RECEIPT_PER_DAY", _parse_positive, defaults.mail_per_receipt_per_day
        ),
        mail_per_address_per_day=read(
            "MAIL_PER_ADDRESS_PER_DAY", _parse_positive, defaults.mail_per_address_per_day
        ),
        mail_dir=read("MAIL_DIR", str, defaults.mail_dir),
        trusted_proxies=read("TRUSTED_PROXIES", _parse_trusted_proxies, defaults.trusted_proxies),
        redis_url=read("REDIS_URL", _parse_redis_url, defaults.redis_url),
        redis_prefix=read("REDIS_PREFIX", _parse_key_prefix, defaults.redis_prefix),
        data_keys=read("DATA_KEYS", _parse_data_keys, defaults.data_keys),
    )
