"""The ledger's tables: pending and integrated entries, tiles, entry bundles, checkpoints."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class LedgerEntry(Model):
    """One statement appended to the log; ``id`` is its pending id, in append order."""

    id = fields.BigIntField(primary_key=True)
    statement = fields.BinaryField()
    # 32 bytes: the secret the statement's published commitment salt is derived from, and for
    # an ``issued`` statement the receipt key its field salts come from (chain.receipt);
    # 16 bytes: a statement of a first-form receipt, whose commitment salt this is as is.
    salt = fields.BinaryField()
    event = fields.CharField(max_length=32)
    # The ledger knows a receipt only by its row, so the relation is typed as any model's:
    # the receipts domain sits above the ledger and is never imported here.
    receipt: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "models.Receipt", related_name="ledger_entries", on_delete=fields.RESTRICT, db_index=True
    )
    leaf_index = fields.BigIntField(null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entry"


class LedgerTile(Model):
    id = fields.BigIntField(primary_key=True)
    level = fields.SmallIntField()
    index = fields.BigIntField()
    data = fields.BinaryField()

    class Meta:
        table = "ledger_tile"
        unique_together = (("level", "index"),)


class LedgerBundle(Model):
    id = fields.BigIntField(primary_key=True)
    index = fields.BigIntField(unique=True)
    data = fields.BinaryField()

    class Meta:
        table = "ledger_bundle"


class LedgerCheckpoint(Model):
    """Every checkpoint the log signed, so old sizes stay provable and auditable."""

    id = fields.BigIntField(primary_key=True)
    size = fields.BigIntField(unique=True)
    note = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_checkpoint"


class LedgerCosignature(Model):
    """A witness's cosignature line on the checkpoint of one tree size."""

    id = fields.BigIntField(primary_key=True)
    size = fields.BigIntField()
    witness = fields.CharField(max_length=200)
    line = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_cosignature"
        unique_together = (("size", "witness"),)


class LedgerWitness(Model):
    """The size each witness last cosigned: the old size of the next request to it."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    size = fields.BigIntField(default=0)

    class Meta:
        table = "ledger_witness"
