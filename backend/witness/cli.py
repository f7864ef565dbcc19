"""The witness command line: ``piaojia witness serve | key``, also ``python -m backend.witness``.

Scriptable like the rest of the ``piaojia`` CLI: ``key`` prints the verifier key alone on stdout;
messages for people go to stderr. Bad input (a malformed log key, an invalid name, an unreadable
or unwritable path) is one line on stderr and exit code 1, never a traceback; argparse usage
errors exit with 2, and a port already in use exits with uvicorn's startup failure code (3).

The commands take ``(settings, args)`` like those of :mod:`backend.cli`, so
:func:`add_witness_commands` plugs into its parser and dispatch unchanged; the settings argument
is ignored, as a witness needs none of the service's configuration.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from backend.witness.errors import WitnessSetupError
from backend.witness.keys import (
    ALGORITHMS,
    check_witness_name,
    load_or_create_key,
    parse_log_keys,
    verifier_key,
    witness_signer,
)
from backend.witness.state import SqliteWitnessState
from chain.witness import Witness

DEFAULT_PORT = 7380
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

# argparse names no public type for the object add_subparsers() returns.
SubParsers = argparse._SubParsersAction


class _Stopped(Exception):
    """A stop signal arrived (after uvicorn's graceful shutdown, or before it started)."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signal.Signals(signum).name)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(exc: Exception) -> int:
    _say(f"piaojia witness: error: {exc}")
    return 1


def cmd_serve(settings: object, args: argparse.Namespace) -> int:
    """Serve C2SP tlog-witness until stopped (SIGINT or SIGTERM); the state closes on exit."""
    import uvicorn

    from backend.witness.app import create_witness_app

    try:
        name = check_witness_name(args.name)
        logs = parse_log_keys(args.logs)
        key, created = load_or_create_key(args.key_file, args.algorithm)
        signer = witness_signer(name, key)
        state = SqliteWitnessState.open(args.state)
    except WitnessSetupError as exc:
        return _fail(exc)
    try:
        if created:
            _say(f"created witness key {args.key_file} (mode 0600): keep it secret, back it up")
        _say(f"witness {verifier_key(signer)}")
        for origin, verifiers in sorted(logs.items()):
            _say(f"trusting log {origin} ({len(verifiers)} key(s))")
        app = create_witness_app(Witness(signer, logs, state))
        logging.basicConfig(
            level=args.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s"
        )
        # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again once
        # it has restored the previous handlers: ours turn that into a clean exit, so the state
        # is closed and the exit code is 0 rather than death by signal or a traceback.
        previous = {sig: signal.signal(sig, _stop) for sig in STOP_SIGNALS}
        try:
            uvicorn.run(
                app,
                host=args.host,
                port=args.port,
                log_level=args.log_level,
                access_log=args.access_log,
            )
        except _Stopped:
            _say(f"witness {signer.name} stopped")
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        state.close()
    return 0


def cmd_key(settings: object, args: argparse.Namespace) -> int:
    """Print the witness's verifier key alone on stdout, creating the key file if missing."""
    try:
        name = check_witness_name(args.name)
        key, created = load_or_create_key(args.key_file, args.algorithm)
        signer = witness_signer(name, key)
    except WitnessSetupError as exc:
        return _fail(exc)
    print(verifier_key(signer))
    if created:
        _say(f"created witness key {args.key_file} (mode 0600): keep it secret, back it up")
    return 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0-65535)")
    return port


def _add_identity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--name",
        required=True,
        help="the witness's key name, e.g. witness.example.org/w1 (no spaces, no '+')",
    )
    parser.add_argument(
        "--key-file",
        required=True,
        type=Path,
        metavar="PATH",
        help="its private key (PEM); created with mode 0600 if absent",
    )
    parser.add_argument(
        "--algorithm",
        choices=ALGORITHMS,
        default="ed25519",
        help="of a key created here: ed25519 cosigns with type 0x04, ml-dsa-44 with type 0x06 "
        "(an existing key file keeps its own)",
    )


def _add_actions(actions: SubParsers[argparse.ArgumentParser]) -> None:
    serve = actions.add_parser(
        "serve",
        help="serve C2SP tlog-witness (POST /add-checkpoint) over HTTP",
        description="Cosign checkpoints of the trusted logs that extend the last one cosigned. "
        "GET /key (or /) answers the witness's verifier key.",
    )
    _add_identity(serve)
    serve.add_argument(
        "--state",
        required=True,
        type=Path,
        metavar="PATH",
        help="SQLite file recording the latest cosigned tree head of each log (created if absent)",
    )
    serve.add_argument(
        "--log",
        required=True,
        action="append",
        dest="logs",
        metavar="VERIFIERKEY",
        help="a trusted log's verifier key <origin>+<key ID>+<key>; repeat for more logs or keys",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on ({DEFAULT_PORT})"
    )
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="info", help="(info)")
    serve.add_argument(
        "--no-access-log", dest="access_log", action="store_false", help="do not log requests"
    )
    serve.set_defaults(run=cmd_serve, needs_settings=False)

    key = actions.add_parser(
        "key",
        help="print the witness's verifier key alone on stdout (creating the key if missing)",
        description="Print the verifier key string that logs configure to trust this witness.",
    )
    _add_identity(key)
    key.set_defaults(run=cmd_key, needs_settings=False)


def add_witness_commands(subparsers: SubParsers[argparse.ArgumentParser]) -> None:
    """Add ``witness serve`` and ``witness key`` to a parser's subcommands.

    Each command stores its function as ``run``, called as ``args.run(settings, args)``.
    """
    witness = subparsers.add_parser(
        "witness",
        help="run a transparency log witness (its own key and database)",
        description="A C2SP tlog-witness for other parties' logs: its own key, its own SQLite "
        "state, cosignatures over HTTP.",
    )
    actions = witness.add_subparsers(dest="witness_action", required=True, metavar="ACTION")
    _add_actions(actions)


def build_parser() -> argparse.ArgumentParser:
    """The standalone parser of ``python -m backend.witness serve | key``."""
    parser = argparse.ArgumentParser(
        prog="python -m backend.witness",
        description="A C2SP tlog-witness: its own key, its own SQLite state, "
        "cosignatures over HTTP.",
    )
    actions = parser.add_subparsers(dest="witness_action", required=True, metavar="COMMAND")
    _add_actions(actions)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.run(None, args)
    return code


if __name__ == "__main__":
    sys.exit(main())
