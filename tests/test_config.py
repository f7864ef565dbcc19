from __future__ import annotations

import pytest

from backend.config import DEFAULT_DATABASE_URL, Secret, SettingsError, load_settings

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
    ],
)
def test_a_malformed_setting_names_its_variable(variable: str, value: str) -> None:
    environ = {"PIAOJIA_SECRET_KEY": SECRET, variable: value}
    with pytest.raises(SettingsError) as caught:
        load_settings(environ)
    message = str(caught.value)
    assert message.startswith(variable)
    assert "\n" not in message


def test_the_secret_key_is_required_outside_demo_mode() -> None:
    with pytest.raises(SettingsError, match="PIAOJIA_SECRET_KEY is not set"):
        load_settings({})
    assert load_settings({"PIAOJIA_DEMO": "1"}).demo
