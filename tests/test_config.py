from __future__ import annotations

import pytest

from backend.config import DEFAULT_DATABASE_URL, SettingsError, load_settings
from backend.secret import Secret

SECRET = "s" * 32


def test_defaults_point_at_a_local_sqlite_file() -> None:
    settings = load_settings({"PIAOJIA_SECRET_KEY": SECRET})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url.startswith("sqlite://var/")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.demo is False


def test_values_are_read_and_the_secret_hides_itself() -> None:
    settings = load_settings(
        {
            "PIAOJIA_SECRET_KEY": SECRET,
            "PIAOJIA_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/piaojia",
            "PIAOJIA_PORT": "9000",
            "PIAOJIA_PUBLIC_BASE_URL": "https://piaojia.example.cn/",
            "PIAOJIA_DEMO": "yes",
        }
    )
    assert settings.port == 9000
    assert settings.public_base_url == "https://piaojia.example.cn"
    assert settings.demo is True
    assert settings.secret_key == Secret(SECRET)
    assert SECRET not in repr(settings)
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PIAOJIA_PORT", "eighty"),
        ("PIAOJIA_PORT", "70000"),
        ("PIAOJIA_DATABASE_URL", "mysql://root@localhost/x"),
        ("PIAOJIA_PUBLIC_BASE_URL", "piaojia.example.cn"),
        ("PIAOJIA_DEMO", "maybe"),
        ("PIAOJIA_SECRET_KEY", "short"),
        ("PIAOJIA_MAX_BODY_BYTES", "-1"),
        ("PIAOJIA_LOG_LEVEL", "loud"),
        ("PIAOJIA_LOG_FORMAT", "xml"),
    ],
)
def test_a_malformed_setting_names_its_variable(variable: str, value: str) -> None:
    environ = {"PIAOJIA_SECRET_KEY": SECRET, variable: value}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert message.startswith(variable)
    assert "\n" not in message


def test_the_watching_settings_are_read() -> None:
    token = "t" * 40
    settings = load_settings(
        {
            "PIAOJIA_SECRET_KEY": SECRET,
            "PIAOJIA_LOG_FORMAT": "JSON",
            "PIAOJIA_METRICS_TOKEN": token,
        }
    )
    assert settings.log_format == "json" and settings.metrics_token == Secret(token)
    assert token not in repr(settings)
    defaults = load_settings({"PIAOJIA_SECRET_KEY": SECRET})
    assert defaults.log_format == "text" and defaults.metrics_token is None
    with pytest.raises(SettingsError, match="METRICS_TOKEN=\\(hidden\\)"):
        load_settings({"PIAOJIA_SECRET_KEY": SECRET, "PIAOJIA_METRICS_TOKEN": "short"})


def test_the_secret_key_is_required_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="PIAOJIA_SECRET_KEY is not set"):
        load_settings({})
    assert load_settings({"PIAOJIA_DEMO": "1"}).demo


MARKER = "ZqX7mark"
# Each setting that holds a secret, malformed in a way its parser refuses, carrying MARKER.
MALFORMED_SECRETS = [
    ("PIAOJIA_SECRET_KEY", f"{MARKER}-too-short"),
    ("PIAOJIA_LEDGER_KEY", f"PUBLIC+KEY+{MARKER}+0123456789abcdef0123456789"),
    ("PIAOJIA_WECHAT_SECRET", f"{MARKER}!not-only-letters-and-digits"),
    ("PIAOJIA_SMTP_URL", f"smtp://mailer:{MARKER}@relay.example.cn:25/path"),
    ("PIAOJIA_SMTP_URL", f"smtp://:{MARKER}@relay.example.cn:2x5"),
    ("PIAOJIA_DATA_KEYS", f"{'k' * 40},{MARKER}"),
    ("PIAOJIA_DATABASE_URL", f"mysql://root:{MARKER}@db.example.cn/piaojia"),
    ("PIAOJIA_REDIS_URL", f"redis://:{MARKER}@cache.example.cn:63x79/0"),
    ("PIAOJIA_METRICS_TOKEN", f"{MARKER} with spaces and long enough to pass"),
]


@pytest.mark.parametrize(("variable", "value"), MALFORMED_SECRETS)
def test_a_malformed_secret_never_shows_its_value(variable: str, value: str) -> None:
    environ = {"PIAOJIA_SECRET_KEY": SECRET, variable: value}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert message.startswith(f"{variable}=(hidden) is not valid: ")
    assert MARKER not in message and MARKER not in repr(caught.value)
    # Nor in what a traceback would print after it: the parser's error is not chained.
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_secrecy_follows_the_parsed_type() -> None:
    from backend import config, smtp_target, watch_settings

    parsers = [
        config._parse_secret,
        config._parse_signer_key,
        config._parse_wechat_secret,
        config._parse_redis_url,
    ]
    others = [smtp_target.parse_smtp_url, watch_settings.parse_metrics_token]
    assert all(config._is_secret(p) for p in [*parsers, *others])
    assert config._is_secret(config._parse_data_keys)  # a tuple of secrets
    assert not config._is_secret(config._parse_port) and not config._is_secret(str)
    # Every Secret-typed setting has a Secret-making parser: none is left to a flag.
    secret_fields = [
        f.name for f in config.Settings.__dataclass_fields__.values() if "Secret" in str(f.type)
    ]
    assert sorted(secret_fields) == [
        "data_keys",
        "ledger_key",
        "metrics_token",
        "redis_url",
        "secret_key",
        "smtp_url",
        "wechat_secret",
    ]


@pytest.mark.parametrize(("variable", "value"), MALFORMED_SECRETS)
def test_the_command_line_never_shows_a_malformed_secret(variable: str, value: str) -> None:
    from tests.commands import piaojia

    failed = piaojia("sqlite://:memory:", "migrate", env={variable: value})
    assert failed.returncode == 2
    assert variable in failed.stderr and "(hidden)" in failed.stderr
    assert MARKER not in failed.stderr + failed.stdout
    assert "Traceback" not in failed.stderr


def test_a_ledger_key_malformed_past_its_prefix_is_not_shown_either() -> None:
    from tests.commands import piaojia

    for value in (f"PRIVATE+KEY+{MARKER}+0000+AAAA", f"PRIVATE+KEY+log+{MARKER}+AQID"):
        failed = piaojia("sqlite://:memory:", "ledger", "key", env={"PIAOJIA_LEDGER_KEY": value})
        assert failed.returncode == 2 and "ledger signing key is malformed" in failed.stderr
        assert MARKER not in failed.stderr + failed.stdout
