"""Metro trips from the fare system, cards riders bind (and the day's failed proofs of a trip on a
card), per-issuer invoicing settings, and the invoices (transit receipts) with the trips they cover.

The exactly-once rule lives in ``transit_invoice_trip``: one row per trip on a *valid* invoice,
with a unique trip column. Issuing inserts the rows in the issuing transaction; a reversal
deletes them in the reversal's transaction. Two invoices can therefore never hold the same trip
at once, whatever the application checks beforehand.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from backend import sealing
from backend.auth.models import User
from backend.issuers.models import Issuer, Staff
from backend.receipts.models import Receipt


class TaxRate(StrEnum):
    """The VAT treatment of an issuer's fares: general 9%, simplified 3%, or exempt (免税)."""

    NINE = "9%"
    THREE = "3%"
    EXEMPT = "免税"


class BuyerKind(StrEnum):
    PERSONAL = "personal"  # 个人: a name only
    COMPANY = "company"  # 单位: a name and an 18-character 统一社会信用代码


class Trip(Model):
    """One trip as the fare system recorded it; never edited once imported."""

    id = fields.BigIntField(primary_key=True)
    issuer: fields.ForeignKeyRelation[Issuer] = fields.ForeignKeyField(
        "models.Issuer", related_name="trips", on_delete=fields.RESTRICT
    )
    ref = fields.CharField(max_length=64)  # the fare system's own reference
    # Exactly one of the two: the mini-program user's openid, or a card a user may bind.
    rider_openid = fields.CharField(max_length=64, null=True)
    rider_card = fields.CharField(max_length=32, null=True)
    entry_station = fields.CharField(max_length=40)
    entry_at = fields.DatetimeField()
    exit_station = fields.CharField(max_length=40)
    exit_at = fields.DatetimeField()
    fare_fen = fields.BigIntField()
    channel = fields.CharField(max_length=16)
    imported_at = fields.DatetimeField()

    class Meta:
        table = "transit_trip"
        # Unique: re-sending a trip is a duplicate, never a second trip.
        unique_together = (("issuer", "ref"),)
        indexes = (
            ("rider_openid", "exit_at"),
            ("rider_card", "exit_at"),
            ("issuer", "imported_at"),
        )


class TransitCard(Model):
    """A transit card bound to one user: trips recorded under the card are that user's."""

    id = fields.BigIntField(primary_key=True)
    # Unique: a card belongs to one user at a time, even when two bind it at once.
    card = fields.CharField(max_length=32, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="transit_cards", on_delete=fields.RESTRICT
    )
    bound_at = fields.DatetimeField()

    class Meta:
        table = "transit_card"


class CardProofCount(Model):
    """Trip proofs counted on one China day against one card or one user.

    ``key`` is ``card:<number>`` or ``user:<id>``. A proof holds a count while it is checked
    and keeps it if it failed (see ``backend.transit.cards``).
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=80)
    day = fields.DateField()
    count = fields.IntField(default=0)

    class Meta:
        table = "transit_card_proof_count"
        # Unique: one row per key and day, so the counting upsert is a single atomic statement.
        unique_together = (("key", "day"),)


class TransitSettings(Model):
    """One transit issuer's invoicing settings, and the staff row that signs riders' invoices."""

    id = fields.IntField(primary_key=True)
    issuer: fields.OneToOneRelation[Issuer] = fields.OneToOneField(
        "models.Issuer", related_name="transit_settings", on_delete=fields.RESTRICT
    )
    tax_rate = fields.CharEnumField(TaxRate, max_length=8, default=TaxRate.NINE)
    max_trips = fields.IntField(default=50)
    window_days = fields.IntField(default=180)
    # The 开票人 of self-service invoices; its key hash matches no key that was ever handed out.
    # A plain foreign key: Tortoise orders a model's second one-to-one column at random, which
    # would make the schema differ from the migration from run to run.
    drawer: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "models.Staff", related_name="transit_drawer_of", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "transit_settings"


class TransitInvoice(Model):
    """The invoice detail of one transit receipt: buyer title and the tax split.

    Red reversal receipts get a row too, with negative amounts, so both print alike.
    """

    id = fields.BigIntField(primary_key=True)
    receipt: fields.OneToOneRelation[Receipt] = fields.OneToOneField(
        "models.Receipt", related_name="transit_invoice", on_delete=fields.RESTRICT
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="transit_invoices", on_delete=fields.RESTRICT
    )
    buyer_kind = fields.CharEnumField(BuyerKind, max_length=16)
    buyer_name = sealing.SealedTextField()  # a person's name for 个人: sealed at rest
    buyer_tax_id = fields.CharField(max_length=18, null=True)
    tax_rate = fields.CharEnumField(TaxRate, max_length=8)
    net_fen = fields.BigIntField()
    tax_fen = fields.BigIntField()
    created_at = fields.DatetimeField()
    # On a red 数电票: its 红字发票信息确认单编号 (20 digits), which the 备注 names.
    red_confirmation = fields.CharField(max_length=20, null=True)

    class Meta:
        table = "transit_invoice"
        indexes = (("user", "created_at"),)


class TransitInvoiceLine(Model):
    """One trip on one invoice with its share of the tax; kept after a reversal (history)."""

    id = fields.BigIntField(primary_key=True)
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="transit_lines", on_delete=fields.RESTRICT
    )
    position = fields.SmallIntField()
    trip: fields.ForeignKeyRelation[Trip] = fields.ForeignKeyField(
        "models.Trip", related_name="invoice_lines", on_delete=fields.RESTRICT
    )
    net_fen = fields.BigIntField()
    tax_fen = fields.BigIntField()

    class Meta:
        table = "transit_invoice_line"
        unique_together = (("receipt", "position"),)


class InvoicedTrip(Model):
    """A trip on a currently valid invoice. The unique trip column is the exactly-once rule."""

    id = fields.BigIntField(primary_key=True)
    trip: fields.OneToOneRelation[Trip] = fields.OneToOneField(
        "models.Trip", related_name="invoiced", on_delete=fields.RESTRICT
    )
    receipt: fields.ForeignKeyRelation[Receipt] = fields.ForeignKeyField(
        "models.Receipt", related_name="invoiced_trips", on_delete=fields.RESTRICT
    )

    class Meta:
        table = "transit_invoice_trip"
        # A reversal deletes its invoice's rows by receipt.
        indexes = (("receipt",),)
