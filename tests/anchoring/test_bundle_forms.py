"""Bundles checked against a witness policy, and the forms a bundle's document may take."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from chain.cosignature import CosignatureSigner
from chain.policy import Policy
from chain.receipt.bundle import verify_bundle
from chain.receipt.canonical import canonical_json
from chain.receipt.document import decode_base64
from chain.receipt.errors import MalformedBundleError, VerifierConfigError, WitnessQuorumError
from tests.anchoring.support import Bundle, Scene, verify


def test_a_policy_of_both_witnesses_passes_and_names_them(scene: Scene) -> None:
    lines = [f"witness W{n} {key}" for n, key in enumerate(scene.ledger.witness_keys)]
    policy = Policy.parse("\n".join([*lines, "group both all W0 W1", "quorum both", ""]))

    report = verify_bundle(scene.bundle, log_key=scene.ledger.log_key, policy=policy)

    assert report.witnesses == ("witness-0.test", "witness-1.test")


def test_a_policy_beside_witness_keys_is_refused(scene: Scene) -> None:
    policy = Policy.parse(f"witness W0 {scene.ledger.witness_keys[0]}\nquorum W0\n")
    with pytest.raises(VerifierConfigError, match="not both"):
        verify(scene, policy=policy)


def test_a_policy_the_cosignatures_do_not_meet_is_refused(scene: Scene) -> None:
    stranger = (
        CosignatureSigner("stranger.test", Ed25519PrivateKey.generate(), clock=lambda: 1)
        .verifier()
        .key_string()
    )
    policy = Policy.parse(f"witness S {stranger}\nquorum S\n")
    with pytest.raises(WitnessQuorumError, match="witnesses"):
        verify_bundle(scene.bundle, log_key=scene.ledger.log_key, policy=policy)


def test_a_withheld_document_with_openings_is_refused(scene: Scene) -> None:
    bundle = dict(scene.bundle)
    bundle.pop("document")
    bundle["withheld"] = "document"
    bundle["openings"] = {}
    with pytest.raises(MalformedBundleError, match="opens nothing"):
        verify(scene, bundle)


def test_a_withheld_marker_that_is_no_string_is_refused(scene: Scene) -> None:
    bundle = dict(scene.bundle)
    bundle.pop("document")
    bundle["withheld"] = 1
    with pytest.raises(MalformedBundleError, match="withheld"):
        verify(scene, bundle)


def _with_document(scene: Scene, change: Any) -> Bundle:
    bundle = dict(scene.bundle)
    document = json.loads(bundle["document"])
    change(document)
    bundle["document"] = canonical_json(document).decode()
    return bundle


@pytest.mark.parametrize("version", [True, 3, "2"], ids=["true", "three", "text"])
def test_a_document_of_another_version_is_refused(scene: Scene, version: object) -> None:
    bundle = _with_document(scene, lambda d: d.update(v=version))
    with pytest.raises(MalformedBundleError, match="version"):
        verify(scene, bundle)


def test_a_document_whose_number_is_no_string_is_refused(scene: Scene) -> None:
    bundle = _with_document(scene, lambda d: d.update(number=1))
    with pytest.raises(MalformedBundleError, match="number is not a string"):
        verify(scene, bundle)


def test_a_second_form_document_holding_a_name_in_clear_is_refused(scene: Scene) -> None:
    bundle = _with_document(scene, lambda d: d.update(v=2))
    with pytest.raises(MalformedBundleError, match="is not a sha256 commitment"):
        verify(scene, bundle)


def test_a_first_form_document_with_openings_is_refused(scene: Scene) -> None:
    bundle = dict(scene.bundle)
    bundle["openings"] = {}
    with pytest.raises(MalformedBundleError, match="first-form document"):
        verify(scene, bundle)


def test_a_salt_that_is_no_string_is_refused() -> None:
    with pytest.raises(MalformedBundleError, match="not a base64 string"):
        decode_base64(16, "openings.payer.name.salt", 16)
