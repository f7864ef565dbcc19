"""PIAOJIA_TRUSTED_PROXIES, PIAOJIA_REDIS_URL and PIAOJIA_REDIS_PREFIX: read, or refused in one
line that names the variable (and never shows a Redis password)."""

from __future__ import annotations

import ipaddress

import pytest

from backend.config import SettingsError, load_settings
from backend.secret import Secret

BASE = {"PIAOJIA_SECRET_KEY": "s" * 32}


def test_by_default_nobody_is_trusted_and_there_is_no_redis() -> None:
    settings = load_settings(BASE)
    assert settings.trusted_proxies == ()
    assert settings.redis_url is None
    assert settings.redis_prefix == "piaojia"


def test_trusted_proxies_are_addresses_and_networks() -> None:
    settings = load_settings(
        BASE | {"PIAOJIA_TRUSTED_PROXIES": " 10.0.0.5, 192.168.0.0/24,fd00::/8 ,, 2001:db8::1 "}
    )
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.5/32"),
        ipaddress.ip_network("192.168.0.0/24"),
        ipaddress.ip_network("fd00::/8"),
        ipaddress.ip_network("2001:db8::1/128"),
    )
    # Host bits set are taken as the network they belong to.
    relaxed = load_settings(BASE | {"PIAOJIA_TRUSTED_PROXIES": "10.1.2.3/8"})
    assert relaxed.trusted_proxies == (ipaddress.ip_network("10.0.0.0/8"),)
    assert load_settings(BASE | {"PIAOJIA_TRUSTED_PROXIES": ""}).trusted_proxies == ()


@pytest.mark.parametrize(
    "value",
    [
        "proxy.example.cn",
        "10.0.0.300",
        "10.0.0.0/33",
        "10.0.0.5;10.0.0.6",
        "0.0.0.0/0",
        "::/0",
        "10.0.0.5 10.0.0.6",
        "\x00",
        "1.2.3.4\n5.6.7.8",
    ],
)
def test_a_bad_trusted_proxy_list_is_one_line_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(BASE | {"PIAOJIA_TRUSTED_PROXIES": value})
    message = str(caught.value)
    assert message.startswith("PIAOJIA_TRUSTED_PROXIES=")
    assert "\n" not in message


@pytest.mark.parametrize(
    "value",
    [
        "redis://127.0.0.1:6379/0",
        "redis://:hunter2hunter2@redis.internal:6380/3",
        "rediss://user:pw@redis.example.cn",
        "redis://[::1]:6379",
        "unix:///run/redis/redis.sock",
    ],
)
def test_redis_urls_are_kept_secret(value: str) -> None:
    settings = load_settings(BASE | {"PIAOJIA_REDIS_URL": value})
    assert settings.redis_url == Secret(value)
    assert "hunter2" not in repr(settings)


@pytest.mark.parametrize(
    "value",
    [
        "127.0.0.1:6379",
        "http://127.0.0.1:6379",
        "redis://",
        "redis://:hunter2hunter2@host:port/0",
        "redis://:hunter2hunter2@host:70000",
        "redis://:hunter2hunter2@host:0",
        "redis://:hunter2hunter2@host:6379/zero",
        "redis://:hunter2hunter2@[::1:6379",
        "unix://",
        "",
        "redis://:hunter2hunter2@host\n:6379",
    ],
)
def test_a_bad_redis_url_is_one_line_that_hides_the_value(value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(BASE | {"PIAOJIA_REDIS_URL": value})
    message = str(caught.value)
    assert message.startswith("PIAOJIA_REDIS_URL=(hidden) is not valid: ")
    assert "\n" not in message
    assert "hunter2" not in message


@pytest.mark.parametrize("value", ["", "a b", "x" * 41, "préfixe", "a/b"])
def test_a_bad_redis_prefix_is_refused(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^PIAOJIA_REDIS_PREFIX="):
        load_settings(BASE | {"PIAOJIA_REDIS_PREFIX": value})
