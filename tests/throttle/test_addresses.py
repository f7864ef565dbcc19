"""The one rule for the client address every per-address limit counts against."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

import httpx
import pytest

from backend.app import create_app
from backend.config import Network, Settings
from backend.throttle.addresses import MAX_HOPS, client_address, parse_address
from tests.lifespan import lifespan

JSON = {"Accept": "application/json"}


def nets(*texts: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(text) for text in texts)


PROXY = nets("10.0.0.0/8", "fd00::/8")


@pytest.mark.parametrize(
    ("peer", "header", "trusted", "expected"),
    [
        # Nobody is trusted by default: the header is never read, whatever it says.
        ("203.0.113.7", ["198.51.100.1"], (), "203.0.113.7"),
        ("127.0.0.1", ["198.51.100.1, 10.0.0.1"], (), "127.0.0.1"),
        # A peer that is not a trusted proxy cannot speak for anyone else.
        ("203.0.113.7", ["198.51.100.1"], PROXY, "203.0.113.7"),
        # Behind a trusted proxy: the address it saw, the right-most entry.
        ("10.0.0.5", ["198.51.100.1"], PROXY, "198.51.100.1"),
        # A forged entry on the left is the client's own writing and is passed over.
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1"], PROXY, "198.51.100.1"),
        ("10.0.0.5", ["1.2.3.4", "198.51.100.1"], PROXY, "198.51.100.1"),
        # Two trusted hops: the right-most address that is not a proxy.
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1, 10.9.9.9"], PROXY, "198.51.100.1"),
        # A forged trusted-looking entry left of the real client changes nothing.
        ("10.0.0.5", ["10.1.1.1, 198.51.100.1"], PROXY, "198.51.100.1"),
        # A trusted peer with no header is itself the client.
        ("10.0.0.5", [], PROXY, "10.0.0.5"),
        ("10.0.0.5", [""], PROXY, "10.0.0.5"),
        # Only trusted hops: the farthest one seen.
        ("10.0.0.5", ["10.0.0.7, 10.0.0.6"], PROXY, "10.0.0.7"),
        # Ports and brackets, as some proxies write them.
        ("10.0.0.5", ["198.51.100.1:4711"], PROXY, "198.51.100.1"),
        ("10.0.0.5", ["[2001:db8::1]:443"], PROXY, "2001:db8::1"),
        # IPv6 peers and entries, normalised.
        ("fd00::1", ["2001:DB8:0:0::7"], PROXY, "2001:db8::7"),
        ("2001:db8::9", ["198.51.100.1"], PROXY, "2001:db8::9"),
        ("::ffff:10.0.0.5", ["198.51.100.1"], PROXY, "198.51.100.1"),
        ("::ffff:203.0.113.7", [], (), "203.0.113.7"),
        # Garbage ends the walk at the last trusted hop: a proxy never writes it.
        ("10.0.0.5", ["198.51.100.1, not-an-address"], PROXY, "10.0.0.5"),
        ("10.0.0.5", ["198.51.100.1, unknown, 10.0.0.6"], PROXY, "10.0.0.6"),
        ("10.0.0.5", ["\x00\r\n"], PROXY, "10.0.0.5"),
        ("10.0.0.5", ["_hidden"], PROXY, "10.0.0.5"),
        ("10.0.0.5", ["999.1.1.1"], PROXY, "10.0.0.5"),
        ("10.0.0.5", [",,,"], PROXY, "10.0.0.5"),
        # No socket peer (a Unix socket), or a peer that is no address.
        (None, ["198.51.100.1"], PROXY, "unknown"),
        ("testclient", ["198.51.100.1"], PROXY, "testclient"),
    ],
)
def test_the_client_address(
    peer: str | None, header: list[str], trusted: tuple[Network, ...], expected: str
) -> None:
    assert client_address(peer, header, trusted) == expected


def test_an_over_long_header_is_not_read_past_its_last_hops() -> None:
    forged = ", ".join(f"10.0.{n // 250 % 250}.{n % 250 + 1}" for n in range(100_000))
    # Every hop is a trusted address: the walk stops after MAX_HOPS of them.
    found = client_address("10.0.0.5", [forged], PROXY)
    assert found in forged.split(", ")[-MAX_HOPS:]
    real = client_address("10.0.0.5", [forged + ", 198.51.100.1"], PROXY)
    assert real == "198.51.100.1"


def test_parse_address_refuses_what_is_not_one() -> None:
    assert parse_address("1.2.3.4") == ipaddress.ip_address("1.2.3.4")
    for junk in ["", " ", "1.2.3", "1.2.3.4.5", "[::1", "::1]:80", "a" * 5000, "1.2.3.4:x:y"]:
        assert parse_address(junk) is None


async def _statuses(settings: Settings, peer: str, headers: list[dict[str, str]]) -> list[int]:
    app = create_app(settings)
    async with lifespan(app):
        transport = httpx.ASGITransport(app=app, client=(peer, 5000))
        async with httpx.AsyncClient(transport=transport, base_url="https://piaojia.test") as http:
            return [
                (await http.get(f"/s/{n:032d}", headers={**JSON, **extra})).status_code
                for n, extra in enumerate(headers)
            ]


async def test_a_rotating_forged_header_does_not_escape_the_scan_limit(
    settings: Settings,
) -> None:
    strict = replace(settings, scan_slow_after=50, scan_refuse_after=5)
    forged = [{"X-Forwarded-For": f"198.51.100.{n}"} for n in range(12)]
    statuses = await _statuses(strict, "127.0.0.1", forged)
    assert statuses == [404] * 5 + [429] * 7


async def test_behind_a_trusted_proxy_each_forwarded_address_has_its_own_allowance(
    settings: Settings,
) -> None:
    behind = replace(
        settings, scan_slow_after=50, scan_refuse_after=2, trusted_proxies=nets("127.0.0.0/8")
    )
    two_each = [{"X-Forwarded-For": f"1.1.1.1, 198.51.100.{n // 2}"} for n in range(6)]
    # The same address again, whatever the client put on the left: refused.
    again = [{"X-Forwarded-For": f"203.0.113.{n}, 198.51.100.0"} for n in range(2)]
    statuses = await _statuses(behind, "127.0.0.1", two_each + again)
    assert statuses == [404] * 6 + [429] * 2
