"""The witness command line, in-process: output, exit codes and one-line errors."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest

from backend.witness.cli import add_witness_commands, build_parser, main
from chain.cosignature import CosignatureVerifier
from chain.note import NoteSigner
from tests.witness.support import ORIGIN

NAME = "witness.example/w1"
REQUIRED_SERVE = ("serve", "--name", NAME, "--key-file", "k", "--state", "s", "--log", "l")


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("piaojia witness: error: ")
    assert "Traceback" not in stderr
    return lines[0]


def test_key_prints_the_verifier_key_alone_and_creates_the_file_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "witness.pem"
    assert main(["key", "--name", NAME, "--key-file", str(key_file)]) == 0
    out, err = capsys.readouterr()
    vkey = out.strip()
    assert out == vkey + "\n"
    verifier = CosignatureVerifier.from_key_string(vkey)
    assert verifier.name == NAME
    assert "created witness key" in err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    assert main(["key", "--name", NAME, "--key-file", str(key_file)]) == 0
    out, err = capsys.readouterr()
    assert out == vkey + "\n"
    assert err == ""


@pytest.mark.parametrize(
    "argv",
    [[], ["key"], ["serve"]],
    ids=["top", "key", "serve"],
)
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: python -m backend.witness")


def test_a_bad_name_is_one_line_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "witness.pem"
    assert main(["key", "--name", "has space", "--key-file", str(key_file)]) == 1
    assert "invalid witness name" in _one_error_line(capsys.readouterr().err)
    assert not key_file.exists()


def test_an_unwritable_key_path_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way\n")
    assert main(["key", "--name", NAME, "--key-file", str(blocker / "w.pem")]) == 1
    assert "cannot create key file" in _one_error_line(capsys.readouterr().err)


def test_serve_refuses_a_bad_log_key_before_touching_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = NoteSigner.generate(ORIGIN).verifier().key_string()
    argv = ["serve", "--name", NAME, "--key-file", str(tmp_path / "w.pem")]
    argv += ["--state", str(tmp_path / "state.db"), "--log", good, "--log", "not-a-key"]
    assert main(argv) == 1
    assert "'not-a-key' is not an Ed25519 verifier key" in _one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_serve_refuses_an_unusable_state_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_sqlite = tmp_path / "state.db"
    not_sqlite.write_text("not a database, but precious\n" * 20)
    log_key = NoteSigner.generate(ORIGIN).verifier().key_string()
    argv = ["serve", "--name", NAME, "--key-file", str(tmp_path / "w.pem")]
    assert main([*argv, "--state", str(not_sqlite), "--log", log_key]) == 1
    assert "cannot use witness state" in _one_error_line(capsys.readouterr().err)
    assert not_sqlite.read_text() == "not a database, but precious\n" * 20


def test_serve_refuses_a_key_file_others_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "w.pem"
    assert main(["key", "--name", NAME, "--key-file", str(key_file)]) == 0
    key_file.chmod(0o644)
    capsys.readouterr()
    log_key = NoteSigner.generate(ORIGIN).verifier().key_string()
    argv = ["serve", "--name", NAME, "--key-file", str(key_file)]
    assert main([*argv, "--state", str(tmp_path / "s.db"), "--log", log_key]) == 1
    assert "chmod 600" in _one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "s.db").exists()


def test_a_bad_port_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*REQUIRED_SERVE, "--port", "70000"])
    assert exited.value.code == 2
    assert "'70000' is not a TCP port" in capsys.readouterr().err


def test_the_commands_plug_into_the_piaojia_parser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``backend.cli`` dispatches ``args.run(settings, args)``; the witness ignores settings."""
    parser = argparse.ArgumentParser(prog="piaojia")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_witness_commands(commands)
    key_file = tmp_path / "w.pem"
    args = parser.parse_args(["witness", "key", "--name", NAME, "--key-file", str(key_file)])
    assert args.run(object(), args) == 0
    assert CosignatureVerifier.from_key_string(capsys.readouterr().out.strip()).name == NAME

    state = str(tmp_path / "s.db")
    identity = ["--name", NAME, "--key-file", str(key_file), "--state", state]
    serve = parser.parse_args(["witness", "serve", *identity, "--log", "a", "--log", "b"])
    assert (serve.logs, serve.port, serve.host) == (["a", "b"], 7380, "127.0.0.1")

    with pytest.raises(SystemExit):
        parser.parse_args(["witness", "--help"])
    assert "serve" in capsys.readouterr().out
