from __future__ import annotations

import ast
from pathlib import Path

import chain

CHAIN = Path(chain.__file__).parent


def test_public_names_are_pinned() -> None:
    assert sorted(chain.__all__) == sorted(
        [
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
    )
    assert all(hasattr(chain, name) for name in chain.__all__)


def test_errors_form_one_family() -> None:
    for name in chain.__all__:
        value = getattr(chain, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, chain.ChainError)


def test_chain_imports_only_stdlib_and_cryptography() -> None:
    allowed_roots = {"chain", "cryptography", "__future__"}
    import sys

    stdlib = sys.stdlib_module_names
    for path in CHAIN.rglob("*.py"):
        tree = ast.parse(path.read_text())
        text = path.read_text()
        assert text.startswith('"""') and "from __future__ import annotations" in text, path
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed_roots | stdlib, (path, roots)
