"""The Piaojia ledger as a library: a witnessed, tiled transparency log.

Leaves are opaque bytes. Hashing and proofs follow RFC 9162; checkpoints,
signed notes, cosignatures, tiles and witnessing follow the C2SP specs
(tlog-checkpoint, signed-note, tlog-cosignature, tlog-tiles, tlog-witness).
This package imports only the standard library and ``cryptography``.
"""

from __future__ import annotations

from chain.checkpoint import Checkpoint, SignedCheckpoint, open_checkpoint, sign_checkpoint
from chain.cosignature import CosignatureSigner, CosignatureVerifier
from chain.errors import (
    ChainError,
    InconsistentCheckpointError,
    IntegrationConflictError,
    InvalidEntryError,
    InvalidSignatureError,
    MalformedCheckpointError,
    MalformedError,
    MalformedKeyError,
    MalformedNoteError,
    MalformedRequestError,
    MalformedTileError,
    NotFoundError,
    OldSizeMismatchError,
    OldSizeTooLargeError,
    ProofError,
    RootMismatchError,
    SignatureError,
    StorageError,
    TreeRangeError,
    UnknownLogError,
    UntrustedCheckpointError,
    UnverifiedNoteError,
    WitnessConflictError,
    WitnessError,
)
from chain.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from chain.log import ConsistencyProof, InclusionProof, Log, Pending
from chain.note import Note, NoteSigner, NoteVerifier, open_note, sign_note
from chain.proofs import consistency_proof, inclusion_proof
from chain.storage import Storage
from chain.storage.memory import MemoryStorage
from chain.tiles import TileId
from chain.tree import RightEdge, tree_root
from chain.verify import verify_consistency, verify_inclusion
from chain.witness import AddCheckpointRequest, MemoryWitnessState, Witness, WitnessState

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "AddCheckpointRequest",
    "ChainError",
    "Checkpoint",
    "ConsistencyProof",
    "CosignatureSigner",
    "CosignatureVerifier",
    "InclusionProof",
    "InconsistentCheckpointError",
    "IntegrationConflictError",
    "InvalidEntryError",
    "InvalidSignatureError",
    "Log",
    "MalformedCheckpointError",
    "MalformedError",
    "MalformedKeyError",
    "MalformedNoteError",
    "MalformedRequestError",
    "MalformedTileError",
    "MemoryStorage",
    "MemoryWitnessState",
    "NotFoundError",
    "Note",
    "NoteSigner",
    "NoteVerifier",
    "OldSizeMismatchError",
    "OldSizeTooLargeError",
    "Pending",
    "ProofError",
    "RightEdge",
    "RootMismatchError",
    "SignatureError",
    "SignedCheckpoint",
    "Storage",
    "StorageError",
    "TileId",
    "TreeRangeError",
    "UnknownLogError",
    "UntrustedCheckpointError",
    "UnverifiedNoteError",
    "Witness",
    "WitnessConflictError",
    "WitnessError",
    "WitnessState",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "sign_checkpoint",
    "sign_note",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]
