"""Folder entries: which user keeps which receipt."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend.auth.models import User
from backend.receipts.models import Receipt


class FolderEntry(Model):
    """A receipt kept in a user's folder. Removing it deletes this row, never the receipt."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="folder_entries", on_delete=fields.RESTRICT
    )
    # One-to-one, so unique: a receipt is in at most one folder, even under racing claims.
    receipt: fields.OneToOneRelation[Receipt] = fields.OneToOneField(
        "models.Receipt", related_name="folder_entry", on_delete=fields.RESTRICT
    )
    added_at = fields.DatetimeField()

    class Meta:
        table = "folder_entry"
        indexes = (("user", "added_at"),)
