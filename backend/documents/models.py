"""What the documents keep: each issuer's signing credentials and the PDFs already rendered."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from backend.issuers.models import Issuer
from backend.receipts.models import Receipt


class IssuerCredential(Model):
    """The issuer's PDF signing key (sealed under the service secret) and its certificate from
    the deployment CA."""

    id = fields.IntField(primary_key=True)
    issuer: fields.OneToOneRelation[Issuer] = fields.OneToOneField(
        "models.Issuer", related_name="credential", on_delete=fields.RESTRICT
    )
    sealed_key = fields.BinaryField()
    certificate = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "issuer_credential"


class RenderedDocument(Model):
    """A signed PDF as served; rendered again only when ``version`` (the receipt's state) moves."""

    id = fields.BigIntField(primary_key=True)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="documents", on_delete=fields.RESTRICT
    )
    kind = fields.CharField(max_length=16)
    version = fields.CharField(max_length=64)
    etag = fields.CharField(max_length=64)
    pdf = fields.BinaryField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rendered_document"
        unique_together = (("receipt", "kind"),)
