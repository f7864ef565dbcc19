"""Why a proof bundle did not verify: one exception class per link of the chain."""

from __future__ import annotations


class BundleError(Exception):
    """A proof bundle did not verify; the message is one line naming what failed."""


class VerifierConfigError(BundleError):
    """The keys or quorum given to the verifier are unusable (not a fault of the bundle)."""


class MalformedBundleError(BundleError):
    """The bundle is not a well-formed ``piaojia-proof-bundle/v1`` document."""


class CheckpointSignatureError(BundleError):
    """The checkpoint is not validly signed by the log key."""


class OriginMismatchError(BundleError):
    """The bundle, its checkpoint and the log key do not name the same log."""


class WitnessQuorumError(BundleError):
    """Fewer than ``quorum`` of the given witness keys validly cosigned the checkpoint."""


class StatementMismatchError(BundleError):
    """A statement (or the bundle's receipt header) names another receipt or event."""


class CommitmentMismatchError(BundleError):
    """A statement's commitment is not SHA-256(salt ‖ document), or a field's opening is not
    the value its commitment in the document was made of: the document was altered."""


class InclusionProofError(BundleError):
    """An entry's inclusion proof does not lead from its statement to the checkpoint root."""

    def __init__(self, entry: int, message: str) -> None:
        super().__init__(message)
        self.entry = entry
