"""Errors raised by the ``chain`` package.

Every error is a :class:`ChainError`, so callers can catch the whole family at a
boundary and translate it. The tree::

    ChainError
    ├── MalformedError               bytes or text not in the expected format
    │   ├── MalformedNoteError         signed note framing, names, signature lines
    │   ├── MalformedKeyError          signer / verifier key strings
    │   ├── MalformedCheckpointError   checkpoint body lines
    │   ├── MalformedTileError         tile paths, tile contents, entry bundles
    │   ├── MalformedPolicyError       tlog-policy files (the message names the line)
    │   └── InvalidEntryError          a log entry that cannot be stored (too long)
    ├── SignatureError               a note could not be trusted
    │   ├── UnverifiedNoteError        no signature from a known key
    │   ├── InvalidSignatureError      a known key's signature does not verify
    │   └── QuorumError                the cosignatures do not meet a policy's quorum
    ├── TreeRangeError               an index or size outside the tree it refers to
    ├── ProofError                   a Merkle proof does not verify
    ├── NotFoundError                a tile, bundle, entry or checkpoint is not stored (yet)
    ├── StorageError                 storage broke an invariant the log relies on
    │   └── IntegrationConflictError   another sequencer integrated first
    └── WitnessError                 an add-checkpoint request was refused
        ├── MalformedRequestError      unparsable request or checkpoint
        ├── UnknownLogError            the checkpoint origin is not configured
        ├── UntrustedCheckpointError   no trusted log signature verifies
        ├── OldSizeTooLargeError       old size is larger than the checkpoint size
        ├── WitnessConflictError       disagrees with the last cosigned state
        │   ├── OldSizeMismatchError     old size is not the last cosigned size
        │   └── RootMismatchError        same size as last cosigned, different root
        ├── InconsistentCheckpointError  the consistency proof does not verify
        └── ClockBehindError             the witness clock reads before its last cosignature
"""

from __future__ import annotations


class ChainError(Exception):
    """Base class of every error raised by ``chain``."""


class MalformedError(ChainError):
    """Input bytes or text do not follow the expected format."""


class MalformedNoteError(MalformedError):
    """A signed note is not well formed."""


class MalformedKeyError(MalformedError):
    """A signer or verifier key string is not well formed or does not match its key ID."""


class MalformedCheckpointError(MalformedError):
    """A checkpoint body is not well formed."""


class MalformedTileError(MalformedError):
    """A tile path, tile content or entry bundle is not well formed."""


class MalformedPolicyError(MalformedError):
    """A tlog-policy file is not well formed; the message is ``line <n>: <what is wrong>``."""


class InvalidEntryError(MalformedError):
    """A log entry cannot be stored (entry bundles limit entries to 65535 bytes)."""


class SignatureError(ChainError):
    """A signed note could not be trusted."""


class UnverifiedNoteError(SignatureError):
    """The note carries no signature from any known key."""


class InvalidSignatureError(SignatureError):
    """A signature from a known key (name and key ID match) does not verify."""

    def __init__(self, name: str, key_id: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_id:08x}")
        self.name = name
        self.key_id = key_id


class QuorumError(SignatureError):
    """A checkpoint's valid cosignatures do not meet the policy's quorum."""


class TreeRangeError(ChainError):
    """An index or tree size lies outside the tree it refers to."""


class ProofError(ChainError):
    """A Merkle inclusion or consistency proof does not verify."""


class NotFoundError(ChainError):
    """The requested tile, entry bundle, entry or checkpoint is not stored."""


class StorageError(ChainError):
    """Storage returned data that breaks an invariant the log relies on."""


class IntegrationConflictError(StorageError):
    """The tree grew under the sequencer: another integration committed first."""


class WitnessError(ChainError):
    """A witness refused an add-checkpoint request."""


class MalformedRequestError(WitnessError):
    """The add-checkpoint request or its checkpoint cannot be parsed."""


class UnknownLogError(WitnessError):
    """The checkpoint's origin is not a log this witness is configured for."""


class UntrustedCheckpointError(WitnessError):
    """No signature on the checkpoint verifies against the log's trusted keys."""


class OldSizeTooLargeError(WitnessError):
    """The request's old size is larger than the submitted checkpoint's size."""


class WitnessConflictError(WitnessError):
    """The request disagrees with the latest checkpoint this witness cosigned."""

    def __init__(self, message: str, known_size: int) -> None:
        super().__init__(message)
        self.known_size = known_size


class OldSizeMismatchError(WitnessConflictError):
    """The request's old size is not the size of the latest cosigned checkpoint."""


class RootMismatchError(WitnessConflictError):
    """Same size as the latest cosigned checkpoint but a different root hash: a fork."""


class InconsistentCheckpointError(WitnessError):
    """The consistency proof from the cosigned state to the checkpoint does not verify."""


class ClockBehindError(WitnessError):
    """The witness's clock reads earlier than its last cosignature for the log: cosigning now
    would date a larger tree before a smaller one."""
