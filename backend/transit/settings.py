"""Each transit operator's invoicing settings: tax treatment, limits, and the drawer (开票人)."""

from __future__ import annotations

import secrets
import uuid

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from backend.clock import Clock
from backend.issuers.models import Issuer, IssuerKind, Staff, StaffRole
from backend.transit.errors import NotATransitIssuer
from backend.transit.models import TaxRate, TransitSettings

DRAWER_NAME = "电子发票服务"


class OperatorSettings:
    """Reads and writes ``TransitSettings``; creates them, with their drawer, on first use."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock

    async def current(self, issuer_id: uuid.UUID) -> TransitSettings:
        """The issuer's transit settings as they stand, the defaults if never set; writes
        nothing (reading the settings is a GET, and a GET never writes)."""
        found = await _settings(issuer_id)
        return found if found is not None else TransitSettings(issuer_id=issuer_id)

    async def of(self, issuer_id: uuid.UUID) -> TransitSettings:
        """The issuer's transit settings (defaults: 9%, 50 trips, 180 days), created on first use
        together with the drawer staff row; its drawer comes with its issuer loaded."""
        found = await _settings(issuer_id)
        if found is not None:
            return found
        try:
            async with in_transaction() as conn:
                # A revoked row with a random hash: no API key can ever act as the drawer.
                drawer = await Staff.create(
                    issuer_id=issuer_id,
                    name=DRAWER_NAME,
                    role=StaffRole.OPERATOR,
                    key_hash=secrets.token_hex(32),
                    revoked_at=self._clock(),
                    using_db=conn,
                )
                await TransitSettings.create(issuer_id=issuer_id, drawer=drawer, using_db=conn)
        except IntegrityError:
            pass  # created at the same time by another request: use that one
        created = await _settings(issuer_id)
        assert created is not None
        return created

    async def update(
        self, issuer: Issuer, *, tax_rate: TaxRate, max_trips: int, window_days: int
    ) -> TransitSettings:
        """Set the issuer's tax treatment and limits; invoices already issued keep theirs."""
        if issuer.kind != IssuerKind.TRANSIT:
            raise NotATransitIssuer("only a transit issuer has transit settings")
        found = await self.of(issuer.id)
        await TransitSettings.filter(id=found.id).update(
            tax_rate=tax_rate, max_trips=max_trips, window_days=window_days
        )
        found.tax_rate, found.max_trips, found.window_days = tax_rate, max_trips, window_days
        return found


async def _settings(issuer_id: uuid.UUID) -> TransitSettings | None:
    return (
        await TransitSettings.filter(issuer_id=issuer_id).select_related("drawer__issuer").first()
    )
