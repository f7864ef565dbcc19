"""``piaojia ledger mirror URL DIR`` and the ``--policy FILE`` option of verify and audit."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from chain.errors import MalformedPolicyError
from chain.policy import Policy

BAR_WIDTH = 30


class PolicyFileError(Exception):
    """``--policy FILE`` cannot be used; the message is one line naming the file (and line)."""


def read_policy(path: str | None) -> Policy | None:
    """The policy in the file at ``path`` (None without one); raises :class:`PolicyFileError`."""
    if path is None:
        return None
    try:
        return Policy.parse(Path(path).read_bytes())
    except OSError as exc:
        raise PolicyFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except MalformedPolicyError as exc:
        raise PolicyFileError(f"{path}: {exc}") from exc


def log_key_from(log_key: str | None, policy: Policy | None) -> str:
    """``--log-key``, or else the first log a ``--policy`` lists (a log may sign with several
    keys, Ed25519 and ML-DSA-44, and any one of them is enough); raises :class:`PolicyFileError`.
    """
    if log_key is not None:
        return log_key
    if policy is not None and policy.logs:
        return policy.logs[0].vkey
    raise PolicyFileError("give --log-key, or a --policy that lists the log")


def policy_and_log_key(args: argparse.Namespace) -> tuple[Policy | None, str] | None:
    """``--policy`` and the log key to use, or None once the problem is said on stderr."""
    try:
        policy = read_policy(args.policy)
        return policy, log_key_from(args.log_key, policy)
    except PolicyFileError as exc:
        print(f"piaojia: error: {exc}", file=sys.stderr)
        return None


class Bar:
    """A one-line progress bar on stderr: files done of the tree's files, and files per second."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._shown < 0.1:
            return  # redrawing for every file would cost more than the file
        self._shown = now
        share = done / total if total else 1.0
        filled = int(share * BAR_WIDTH)
        rate = done / max(now - self._started, 1e-6)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:6.1%} "
            f"{done}/{total} files {rate:,.0f}/s"
        )
        sys.stderr.flush()


def cmd_ledger_mirror(settings: object, args: argparse.Namespace) -> int:
    from backend.anchoring.audit import AuditError
    from backend.anchoring.mirror_client import mirror_log

    keys = policy_and_log_key(args)
    if keys is None:
        return 1
    policy, log_key = keys
    bar = None if args.quiet else Bar()
    try:
        report = asyncio.run(
            mirror_log(args.url, Path(args.dir), log_key=log_key, policy=policy, progress=bar)
        )
    except AuditError as exc:
        print(f"\npiaojia: MIRROR FAILED at {exc}", file=sys.stderr)
        return 1
    if bar is not None:
        sys.stderr.write("\n")
    print(
        f"mirrored {report.audit.origin} at size {report.audit.tree_size} into {args.dir}: "
        f"{report.fetched} file(s) fetched, {report.reused} already there, all verified"
    )
    return 0


def add_mirror_command(ledger: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``mirror`` to the ``piaojia ledger`` subcommands."""
    mirror = ledger.add_parser(
        "mirror",
        help="copy a server's whole log into DIR as static files, verifying it; resumable",
    )
    mirror.add_argument("url", help="the service's base URL, e.g. https://piaojia.example")
    mirror.add_argument("dir", help="where the files go: DIR/ledger/checkpoint, DIR/ledger/tile/…")
    mirror.add_argument("--log-key", help="the log's verifier key (or one log in --policy)")
    mirror.add_argument("--policy", help="a tlog-policy file the checkpoint must satisfy")
    mirror.add_argument("--quiet", action="store_true", help="no progress bar")
    mirror.set_defaults(run=cmd_ledger_mirror, needs_settings=False)


def _algorithms(text: str) -> tuple[str, ...]:
    from backend.anchoring.keys import parse_algorithms

    try:
        return parse_algorithms(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_algorithms_option(init: argparse.ArgumentParser) -> None:
    """``ledger init --algorithms ed25519[,ml-dsa-44]``: which keys sign each checkpoint."""
    init.add_argument(
        "--algorithms",
        type=_algorithms,
        default=("ed25519",),
        help="signature algorithms of the log's keys: ed25519 (default) or ed25519,ml-dsa-44",
    )
