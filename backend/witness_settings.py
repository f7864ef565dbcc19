"""The witness settings and the one policy they stand for.

``PIAOJIA_WITNESS_POLICY=FILE`` names a c2sp.org/tlog-policy file; ``PIAOJIA_WITNESSES`` (``URL
VKEY`` pairs separated by ``;``) with ``PIAOJIA_WITNESS_QUORUM`` (default: all of them) is the
shorthand for a single group. Either way the service works from one :class:`chain.policy.Policy`,
made by :func:`log_policy`, which is also what ``/ledger/policy`` publishes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from chain.cosignature import CosignatureVerifier
from chain.errors import ChainError, MalformedPolicyError
from chain.policy import Policy


class PolicySetupError(ValueError):
    """The witness configuration cannot drive this log; the message is one line."""


def parse_witnesses(raw: str) -> tuple[tuple[str, str], ...]:
    """``URL VKEY`` entries separated by ``;``; each key MUST be a cosignature verifier key.

    A vkey's base64 part may hold ``+``: keys are parsed at their first two ``+`` only.
    """
    pairs = []
    for entry in filter(None, (part.strip() for part in raw.split(";"))):
        fields = entry.split()
        if len(fields) != 2 or not urlsplit(fields[0]).scheme.startswith("http"):
            raise ValueError("expected 'URL VERIFIERKEY' entries separated by ';'")
        try:
            CosignatureVerifier.from_key_string(fields[1])
        except ChainError as exc:
            raise ValueError(
                f"{fields[1][:80]!r} is not a witness verifier key (name+keyid+key): {exc}"
            ) from exc
        pairs.append((fields[0], fields[1]))
    return tuple(pairs)


def parse_quorum(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("expected a whole number, 0 or more")
    return value


def parse_policy_file(raw: str) -> Policy:
    """Read and parse the policy file at path ``raw``; errors name the file and the line."""
    path = Path(raw)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the policy file: {exc.strerror or exc}") from exc
    try:
        return Policy.parse(data)
    except MalformedPolicyError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def shorthand_policy(witnesses: tuple[tuple[str, str], ...], quorum: int | None) -> Policy:
    """``PIAOJIA_WITNESSES`` and ``PIAOJIA_WITNESS_QUORUM`` as a policy (no log lines yet)."""
    pairs: list[tuple[str, str | None]] = [(vkey, url) for url, vkey in witnesses]
    try:
        return Policy.threshold(pairs, len(pairs) if quorum is None else quorum)
    except MalformedPolicyError as exc:
        raise PolicySetupError(str(exc)) from exc


def log_policy(policy: Policy, *, log_keys: Sequence[str], log_url: str) -> Policy:
    """``policy`` as this log works from it: with the log's own keys, every witness reachable.

    A policy without log lines gets ``log <key> <log_url>`` for each of ``log_keys``; one with
    log lines MUST list the first (Ed25519) of them. Every witness needs a URL (the log asks it
    for cosignatures) and a key name of its own (cosignatures are stored by key name). Raises
    :class:`PolicySetupError`.
    """
    if policy.logs and all(log.vkey != log_keys[0] for log in policy.logs):
        raise PolicySetupError("the witness policy lists logs, but not this log's key")
    if not policy.logs:
        policy = policy.with_logs([(key, log_url) for key in log_keys])
    names: set[str] = set()
    for witness in policy.witnesses:
        if witness.url is None:
            raise PolicySetupError(
                f"witness {witness.name} has no URL: the log cannot ask it for cosignatures"
            )
        if witness.verifier.name in names:
            raise PolicySetupError(f"two witnesses share the key name {witness.verifier.name}")
        names.add(witness.verifier.name)
    return policy


def configured_policy(
    policy_file: Policy | None,
    witnesses: tuple[tuple[str, str], ...],
    quorum: int | None,
    *,
    log_keys: Sequence[str],
    log_url: str,
) -> Policy:
    """The policy file if one is set, else the shorthand; made ready by :func:`log_policy`."""
    chosen = policy_file if policy_file is not None else shorthand_policy(witnesses, quorum)
    return log_policy(chosen, log_keys=log_keys, log_url=log_url)
