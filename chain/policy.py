"""C2SP transparency log policies (c2sp.org/tlog-policy): known logs, witnesses and a quorum.

A policy file is lines of ``log <vkey> [<url>]``, ``witness <name> <vkey> [<url>]``,
``group <name> all|any|<k> <name>...`` and exactly one ``quorum <name>`` (``none`` for no
cosignatures). Names are local to the file and share one namespace with groups; a group or the
quorum names only what earlier lines defined, and each name is a group member at most once in
the whole file, so a witness counts towards the quorum in one way only.

:meth:`Policy.parse` enforces every rule of the spec and raises
:class:`~chain.errors.MalformedPolicyError` with one line ``line <n>: <what is wrong>``.
:meth:`Policy.text` writes a policy back in the same format. Which witnesses validly cosigned a
note is :mod:`chain.quorum`'s job; :meth:`Policy.satisfied_by` only evaluates the groups.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from chain.cosignature import COSIGNATURE_V1, CosignatureVerifier
from chain.errors import ChainError, MalformedKeyError, MalformedPolicyError
from chain.keys import VerifierKey
from chain.mldsa import MLDSA44, MLDSACosignatureVerifier
from chain.note import ED25519, NoteVerifier, Verifier

NONE = "none"
"""The predefined quorum that needs no cosignature; never a group member."""

MAX_POLICY_BYTES = 1 << 20
MAX_ENTRIES = 1024
"""Most logs, witnesses and groups each (the spec asks implementations for at least 32)."""

_WHITESPACE = re.compile(rb"[ \t]+")
_DECIMAL = re.compile(r"[0-9]+")
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")

VerifierFactory = Callable[[str], Verifier]

LOG_KEY_TYPES: dict[int, VerifierFactory] = {
    ED25519: NoteVerifier.from_key_string,
    MLDSA44: MLDSACosignatureVerifier.from_key_string,  # tlog-checkpoint recommends it for logs
}
"""Signature types a ``log`` line may use, and how each vkey becomes a verifier."""
WITNESS_KEY_TYPES: dict[int, VerifierFactory] = {
    COSIGNATURE_V1: CosignatureVerifier.from_key_string,
    MLDSA44: MLDSACosignatureVerifier.from_key_string,
}
"""Signature types a ``witness`` line may use (c2sp.org/tlog-cosignature)."""


def log_verifier(vkey: str) -> Verifier:
    """A log's checkpoint verifier from its vkey, of any type a ``log`` line may use.

    Raises :class:`~chain.errors.MalformedKeyError` for a malformed key or another type.
    """
    parsed = VerifierKey.parse(vkey)
    factory = LOG_KEY_TYPES.get(parsed.key_type)
    if factory is None:
        allowed = " or ".join(f"0x{k:02x}" for k in LOG_KEY_TYPES)
        raise MalformedKeyError(
            f"not a type {allowed} log key (its signature type is 0x{parsed.key_type:02x})"
        )
    return factory(vkey)


@dataclass(frozen=True, slots=True)
class PolicyLog:
    """A log the policy accepts: its verifier (key name = origin) and optional URL."""

    vkey: str
    verifier: Verifier = field(compare=False)  # made from vkey: comparing that is enough
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyWitness:
    """A witness by its policy-local name, its cosignature verifier and optional URL."""

    name: str
    vkey: str
    verifier: Verifier = field(compare=False)  # made from vkey: comparing that is enough
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyGroup:
    """Witnesses a checkpoint when at least ``threshold`` of its members do."""

    name: str
    threshold: int
    members: tuple[str, ...]
    spelled: str
    """How the threshold was written (``all``, ``any`` or the number), kept for :meth:`text`."""


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed, valid policy. Build one with :meth:`parse` or :meth:`threshold`."""

    logs: tuple[PolicyLog, ...]
    witnesses: tuple[PolicyWitness, ...]
    groups: tuple[PolicyGroup, ...]
    quorum: str

    @classmethod
    def parse(cls, data: bytes | str) -> Policy:
        """Parse a policy file; raises :class:`MalformedPolicyError` naming the first bad line."""
        raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
        return _Parser().parse(raw)

    @classmethod
    def threshold(
        cls,
        witnesses: Sequence[tuple[str, str | None]],
        quorum: int,
        logs: Sequence[tuple[str, str | None]] = (),
    ) -> Policy:
        """The shorthand: ``quorum`` of ``witnesses`` (vkey, URL), named by their key names.

        ``quorum`` 0 (or no witnesses) is ``quorum none``; one witness needed of one is that
        witness; anything else is one group ``witnesses``. Raises :class:`MalformedPolicyError`
        for a bad key or a quorum larger than the number of witnesses.
        """
        lines = [_line("log", vkey, url) for vkey, url in logs]
        names: list[str] = []
        for vkey, url in witnesses:
            name = _key_name(vkey)
            name = name if name not in names and name != NONE else f"{name}#{len(names)}"
            names.append(name)
            lines.append(_line("witness", name, vkey, url))
        if not 0 <= quorum <= len(names):
            raise MalformedPolicyError(f"quorum {quorum} cannot be met by {len(names)} witness(es)")
        if quorum == 0:
            lines.append(f"quorum {NONE}")
        elif len(names) == 1:
            lines.append(f"quorum {names[0]}")
        else:
            lines += [f"group witnesses {quorum} {' '.join(names)}", "quorum witnesses"]
        return cls.parse("".join(line + "\n" for line in lines))

    def text(self, *, witness_urls: bool = True) -> str:
        """The policy in tlog-policy format; without ``witness_urls`` witness URLs are left out."""
        lines = [_line("log", log.vkey, log.url) for log in self.logs]
        for w in self.witnesses:
            lines.append(_line("witness", w.name, w.vkey, w.url if witness_urls else None))
        for g in self.groups:
            lines.append(f"group {g.name} {g.spelled} {' '.join(g.members)}")
        lines.append(f"quorum {self.quorum}")
        return "".join(line + "\n" for line in lines)

    def with_logs(self, logs: Iterable[tuple[str, str | None]]) -> Policy:
        """This policy with ``logs`` (vkey, URL) in place of its log lines."""
        kept = [_line("log", vkey, url) for vkey, url in logs]
        rest = self.text().splitlines()[len(self.logs) :]
        return Policy.parse("".join(line + "\n" for line in [*kept, *rest]))

    def satisfied_by(self, cosigned: Iterable[str]) -> bool:
        """Whether the quorum is met when exactly the witnesses named ``cosigned`` cosigned."""
        return self._witnessed(set(cosigned))[self.quorum]

    def minimum(self) -> int:
        """The fewest witnesses whose cosignatures can meet the quorum (0 for ``none``)."""
        need: dict[str, int] = {NONE: 0, **{w.name: 1 for w in self.witnesses}}
        for group in self.groups:
            need[group.name] = sum(sorted(need[m] for m in group.members)[: group.threshold])
        return need[self.quorum]

    def _witnessed(self, cosigned: set[str]) -> Mapping[str, bool]:
        done: dict[str, bool] = {NONE: True, **{w.name: w.name in cosigned for w in self.witnesses}}
        for group in self.groups:
            done[group.name] = sum(done[m] for m in group.members) >= group.threshold
        return done


def _line(*fields: str | None) -> str:
    return " ".join(field for field in fields if field)


def _key_name(vkey: str) -> str:
    try:
        return VerifierKey.parse(vkey).name
    except ChainError as exc:
        raise MalformedPolicyError(f"{vkey[:80]!r}: {exc}") from exc


class _Parser:
    """One pass over the lines; every check raises with the line number."""

    def __init__(self) -> None:
        self.logs: list[PolicyLog] = []
        self.witnesses: list[PolicyWitness] = []
        self.groups: list[PolicyGroup] = []
        self.quorum: str | None = None
        self.defined: set[str] = set()
        self.members: set[str] = set()
        self.keys: set[tuple[str, bytes]] = set()

    def parse(self, raw: bytes) -> Policy:
        if len(raw) > MAX_POLICY_BYTES:
            raise MalformedPolicyError(f"line 1: a policy file is at most {MAX_POLICY_BYTES} bytes")
        if raw and not raw.endswith(b"\n"):
            raw += b"\n"  # a last line without its newline is read like the others
        for number, line in enumerate(raw.split(b"\n")[:-1], start=1):
            try:
                self._line(line)
            except MalformedPolicyError as exc:
                raise MalformedPolicyError(f"line {number}: {exc}") from None
        if self.quorum is None:
            last = raw.count(b"\n") or 1
            raise MalformedPolicyError(f"line {last}: the policy has no quorum line")
        return Policy(tuple(self.logs), tuple(self.witnesses), tuple(self.groups), self.quorum)

    def _line(self, line: bytes) -> None:
        bad = _FORBIDDEN.search(line)
        if bad is not None:
            raise MalformedPolicyError(f"control character 0x{bad.group()[0]:02x} is not allowed")
        fields = [f.decode("utf-8", "surrogateescape") for f in _WHITESPACE.split(line) if f]
        if not fields or fields[0].startswith("#"):
            return
        keyword, args = fields[0], fields[1:]
        if self.quorum is not None:
            raise MalformedPolicyError(f"{keyword!r} after the quorum line: it must be the last")
        if keyword == "log":
            self._log(args)
        elif keyword == "witness":
            self._witness(args)
        elif keyword == "group":
            self._group(args)
        elif keyword == "quorum":
            if len(args) != 1:
                raise MalformedPolicyError("expected 'quorum <name>'")
            self.quorum = self._reference(args[0], allow_none=True)
        else:
            raise MalformedPolicyError(f"unknown keyword {keyword!r} (log, witness, group, quorum)")

    def _log(self, args: list[str]) -> None:
        if len(args) not in (1, 2):
            raise MalformedPolicyError("expected 'log <vkey> [<url>]'")
        verifier = self._verifier(args[0], LOG_KEY_TYPES, "log")
        self._count(self.logs)
        self.logs.append(PolicyLog(args[0], verifier, args[1] if len(args) == 2 else None))

    def _witness(self, args: list[str]) -> None:
        if len(args) not in (2, 3):
            raise MalformedPolicyError("expected 'witness <name> <vkey> [<url>]'")
        name = self._new_name(args[0])
        verifier = self._verifier(args[1], WITNESS_KEY_TYPES, "witness")
        self._count(self.witnesses)
        url = args[2] if len(args) == 3 else None
        self.witnesses.append(PolicyWitness(name, args[1], verifier, url))
        self.defined.add(name)

    def _group(self, args: list[str]) -> None:
        if len(args) < 3:
            raise MalformedPolicyError("expected 'group <name> all|any|<k> <member>...'")
        name, spelled, members = self._new_name(args[0]), args[1], args[2:]
        for member in members:
            self._reference(member, allow_none=False)
            if member in self.members:
                raise MalformedPolicyError(f"{member!r} is already a group member")
            self.members.add(member)
        if spelled == "all":
            threshold = len(members)
        elif spelled == "any":
            threshold = 1
        elif _DECIMAL.fullmatch(spelled):
            threshold = int(spelled)
            if not 1 <= threshold <= len(members):
                raise MalformedPolicyError(
                    f"threshold {spelled} must be between 1 and the {len(members)} member(s)"
                )
        else:
            raise MalformedPolicyError(f"threshold {spelled!r} is not all, any or a number")
        self._count(self.groups)
        self.groups.append(PolicyGroup(name, threshold, tuple(members), spelled))
        self.defined.add(name)

    def _new_name(self, name: str) -> str:
        if name == NONE:
            raise MalformedPolicyError(f"{NONE!r} is predefined and cannot be redefined")
        if name in self.defined:
            raise MalformedPolicyError(f"{name!r} is already defined")
        return name

    def _reference(self, name: str, *, allow_none: bool) -> str:
        if name == NONE:
            if allow_none:
                return name
            raise MalformedPolicyError(f"{NONE!r} cannot be a group member")
        if name not in self.defined:
            raise MalformedPolicyError(f"{name!r} is not defined on an earlier line")
        return name

    def _verifier(self, vkey: str, kinds: Mapping[int, VerifierFactory], role: str) -> Verifier:
        try:
            parsed = VerifierKey.parse(vkey)
            if parsed.key_type not in kinds:
                allowed = ", ".join(f"0x{k:02x}" for k in kinds)
                raise MalformedPolicyError(
                    f"{role} key {parsed.name} has signature type 0x{parsed.key_type:02x}, "
                    f"not {allowed}"
                )
            verifier = kinds[parsed.key_type](vkey)
        except MalformedPolicyError:
            raise
        except ChainError as exc:
            raise MalformedPolicyError(f"{role} key {vkey[:80]!r}: {exc}") from exc
        # Duplicates wrap the same public key, whatever their names and key IDs.
        if (role, parsed.public_key) in self.keys:
            raise MalformedPolicyError(f"{role} key {parsed.name} repeats an earlier {role}'s key")
        self.keys.add((role, parsed.public_key))
        return verifier

    @staticmethod
    def _count(entries: Sequence[object]) -> None:
        if len(entries) >= MAX_ENTRIES:
            raise MalformedPolicyError(f"more than {MAX_ENTRIES} entries of one kind")
