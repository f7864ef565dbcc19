"""c2sp.org/tlog-policy: parsing every rule, nested groups judged on real cosignatures."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.checkpoint import Checkpoint, sign_checkpoint
from chain.cosignature import MAX_CLOCK_SKEW, CosignatureSigner
from chain.errors import MalformedPolicyError, QuorumError
from chain.hashing import EMPTY_ROOT
from chain.note import NoteSigner, sign_text
from chain.policy import Policy
from chain.quorum import count_cosignatures, open_checkpoint_under

NOW = 1_800_000_000
LOG = NoteSigner.generate("log.example/ledger")
KEYS = {name: Ed25519PrivateKey.generate() for name in ("X1", "X2", "X3", "Y1", "Y2")}
SIGNERS = {
    name: CosignatureSigner(f"{name.lower()}.example", key, clock=lambda: NOW)
    for name, key in KEYS.items()
}


def vkey(name: str) -> str:
    return SIGNERS[name].verifier().key_string()


NESTED = f"""# two of three X witnesses, and any of the Y ones
log {LOG.verifier().key_string()} https://log.example/ledger

witness X1 {vkey("X1")}
witness X2 {vkey("X2")}
  witness\tX3   {vkey("X3")}   https://x3.example/
group X-witnesses 2 X1 X2 X3

witness Y1 {vkey("Y1")}
witness Y2 {vkey("Y2")}
group Y-witnesses any Y1 Y2

group X-and-Y all X-witnesses Y-witnesses
quorum X-and-Y
"""


def cosigned(*names: str, signers: dict[str, CosignatureSigner] = SIGNERS) -> bytes:
    signed = sign_checkpoint(Checkpoint(LOG.name, 0, EMPTY_ROOT), [LOG])
    lines = [sig.line() for n in names for sig in sign_text(signed.checkpoint.text(), [signers[n]])]
    return signed.note + "".join(lines).encode()


def test_the_nested_example_parses_and_writes_back_the_same_policy() -> None:
    policy = Policy.parse(NESTED)
    assert [w.name for w in policy.witnesses] == ["X1", "X2", "X3", "Y1", "Y2"]
    assert [(g.name, g.threshold) for g in policy.groups] == [
        ("X-witnesses", 2),
        ("Y-witnesses", 1),
        ("X-and-Y", 2),
    ]
    assert policy.witnesses[2].url == "https://x3.example/"
    assert policy.minimum() == 3
    assert Policy.parse(policy.text()) == policy
    assert "https://x3.example/" not in policy.text(witness_urls=False)


@pytest.mark.parametrize(
    ("names", "met"),
    [
        (("X1", "X2", "Y1"), True),
        (("X2", "X3", "Y2"), True),
        (("X1", "X2", "X3", "Y1", "Y2"), True),
        (("X1", "Y1", "Y2"), False),  # one X witness only
        (("X1", "X2", "X3"), False),  # no Y witness
        ((), False),
    ],
)
def test_nested_groups_are_met_only_by_two_x_and_one_y(names: tuple[str, ...], met: bool) -> None:
    policy = Policy.parse(NESTED)
    result = count_cosignatures(cosigned(*names), policy, now=NOW)
    assert result.cosigned == names
    assert result.satisfied is met
    if met:
        checkpoint, _ = open_checkpoint_under(cosigned(*names), policy, now=NOW)
        assert checkpoint.size == 0
    else:
        with pytest.raises(QuorumError, match="do not meet the policy's quorum"):
            open_checkpoint_under(cosigned(*names), policy, now=NOW)


def test_a_forged_or_future_cosignature_does_not_count_but_the_others_do() -> None:
    policy = Policy.parse(NESTED)
    impostor = CosignatureSigner("x1.example", Ed25519PrivateKey.generate(), clock=lambda: NOW)
    ahead = CosignatureSigner("y1.example", KEYS["Y1"], clock=lambda: NOW + MAX_CLOCK_SKEW + 1)
    note = cosigned("X1", "X2", "Y1", signers={**SIGNERS, "X1": impostor, "Y1": ahead})
    result = count_cosignatures(note, policy, now=NOW)
    assert result.cosigned == ("X2",)
    assert not result.satisfied
    assert "X1 did not cosign" in result.problems  # another key under the same name is ignored
    assert any("Y1's cosignature is dated 601 s ahead" in p for p in result.problems)
    # Within the skew it counts: a witness's clock may run a little fast.
    near = CosignatureSigner("y1.example", KEYS["Y1"], clock=lambda: NOW + MAX_CLOCK_SKEW)
    note = cosigned("X1", "X2", "Y1", signers={**SIGNERS, "Y1": near})
    assert count_cosignatures(note, policy, now=NOW).satisfied


def test_the_shorthand_is_one_group_and_quorum_none_needs_nobody() -> None:
    pairs = [(vkey(n), f"https://{n}.example") for n in ("X1", "X2", "X3")]
    policy = Policy.threshold(pairs, 2)
    assert policy.text().splitlines()[-2:] == [
        "group witnesses 2 x1.example x2.example x3.example",
        "quorum witnesses",
    ]
    assert policy.satisfied_by(["x1.example", "x3.example"])
    assert not policy.satisfied_by(["x2.example"])
    assert Policy.threshold(pairs[:1], 1).quorum == "x1.example"
    none = Policy.threshold(pairs, 0)
    assert none.quorum == "none" and none.satisfied_by([]) and none.minimum() == 0


W = vkey("X1")
BAD = [
    ("", "line 1: the policy has no quorum line"),
    (f"witness A {W}\n", "line 1: the policy has no quorum line"),
    ("quorum A\n", "line 1: 'A' is not defined on an earlier line"),
    (f"group G any A\nwitness A {W}\nquorum G\n", "line 1: 'A' is not defined"),
    (f"witness A {W}\nwitness A {vkey('X2')}\nquorum A\n", "line 2: 'A' is already defined"),
    (f"witness A {W}\nwitness B {W}\nquorum A\n", "line 2: witness key x1.example repeats"),
    (f"witness none {W}\nquorum none\n", "line 1: 'none' is predefined"),
    (f"witness A {W}\ngroup G any A none\nquorum G\n", "line 2: 'none' cannot be a group member"),
    (f"witness A {W}\ngroup G any A A\nquorum G\n", "line 2: 'A' is already a group member"),
    (
        f"witness A {W}\ngroup G any A\ngroup H any A\nquorum H\n",
        "line 3: 'A' is already a group member",
    ),
    (f"witness A {W}\ngroup G 2 A\nquorum G\n", "line 2: threshold 2 must be between 1 and"),
    (f"witness A {W}\ngroup G 0 A\nquorum G\n", "line 2: threshold 0 must be between 1 and"),
    (f"witness A {W}\ngroup G most A\nquorum G\n", "line 2: threshold 'most' is not all"),
    (f"witness A {W}\ngroup G any\nquorum G\n", "line 2: expected 'group <name>"),
    (f"witness A {W}\nquorum A\nquorum A\n", "line 3: 'quorum' after the quorum line"),
    ("quorum none\nwitness A x+1+2\n", "line 2: 'witness' after the quorum line"),
    ("witness A example+1234+AAAA\nquorum A\n", "line 1: witness key 'example+1234+AAAA'"),
    (f"witness A {LOG.verifier().key_string()}\nquorum A\n", "line 1: witness key log.example"),
    (
        f"log {W}\nquorum none\n",
        "line 1: log key x1.example has signature type 0x04, not 0x01, 0x06",
    ),
    (f"witness A {W}\r\nquorum A\n", "line 1: control character 0x0d"),
    ("frobnicate\nquorum none\n", "line 1: unknown keyword 'frobnicate'"),
    (f"witness A {W} https://a extra\nquorum A\n", "line 1: expected 'witness <name> <vkey>"),
    ("quorum\n", "line 1: expected 'quorum <name>'"),
    (f"witness A {W}\nquorum A none\n", "line 2: expected 'quorum <name>'"),
    ("log\nquorum none\n", "line 1: expected 'log <vkey> [<url>]'"),
    (
        f"log {LOG.verifier().key_string()} https://log.example/ extra\nquorum none\n",
        "line 1: expected 'log <vkey> [<url>]'",
    ),
]


# Numbered ids: the texts hold keys made at import, and parallel workers must collect alike.
@pytest.mark.parametrize(("text", "message"), BAD, ids=[f"bad-{n}" for n in range(len(BAD))])
def test_a_malformed_policy_is_one_line_naming_the_line(text: str, message: str) -> None:
    with pytest.raises(MalformedPolicyError) as caught:
        Policy.parse(text)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_comments_blank_lines_tabs_and_a_missing_last_newline_are_fine() -> None:
    policy = Policy.parse(f"  # note\n\n\t\nwitness\tA\t{W}\t\n  quorum A")
    assert policy.quorum == "A" and policy.satisfied_by(["A"])
