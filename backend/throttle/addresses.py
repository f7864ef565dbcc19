"""The client address a per-address limit counts a request against.

One rule for every limit: the socket's peer, unless the peer is a trusted reverse proxy
(``PIAOJIA_TRUSTED_PROXIES``). Behind trusted proxies the address is the right-most entry of
``X-Forwarded-For`` that is not itself a trusted proxy: each proxy appends the address it saw, so
the entries to the right of that one were written by proxies we trust and those to its left by
the client, who may write anything there.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from backend.config import Network

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# More hops than any real chain of proxies; a longer header is not read further.
MAX_HOPS = 16
UNKNOWN = "unknown"


def parse_address(text: str) -> IPAddress | None:
    """``text`` as an IP address, or None. Accepts what proxies write: ``1.2.3.4``,
    ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``; an IPv4-mapped IPv6 address is
    read as the IPv4 address it maps."""
    text = text.strip()
    if text.startswith("["):
        text, closed, _ = text[1:].partition("]")
        if not closed:
            return None
    elif text.count(":") == 1:
        text = text.partition(":")[0]  # IPv4 with a port
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(
    peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[Network]
) -> str:
    """The address to count a request from ``peer`` against, given its ``X-Forwarded-For``
    header values (in order) and the trusted proxies.

    Guarantees: with no trusted proxy (the default) the result is the peer's address whatever
    the headers say. Behind trusted proxies it is the right-most untrusted address of the header;
    an entry that is not an address ends the walk at the last trusted hop seen (a proxy never
    writes one, so a client did), and so does a header with more than ``MAX_HOPS`` entries.
    The result is a normalised address, or the peer as given when it is not one (``unknown``
    without a peer).
    """
    if peer is None:
        return UNKNOWN
    hop = parse_address(peer)
    if hop is None:
        return peer[:64]
    if not _trusted(hop, trusted):
        return str(hop)
    entries = ",".join(forwarded_for).rsplit(",", MAX_HOPS)
    for index, entry in enumerate(reversed(entries)):
        if index == MAX_HOPS:
            break  # the unsplit rest of an over-long header
        address = parse_address(entry)
        if address is None:
            break
        hop = address
        if not _trusted(hop, trusted):
            break
    return str(hop)


def _trusted(address: IPAddress, trusted: Sequence[Network]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)
