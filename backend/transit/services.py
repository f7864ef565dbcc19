"""The transit domain as its views see it: one object that hands each request to the part whose
job it is (trips, cards, settings, invoices, figures)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from backend.auth.models import User
from backend.chinatime import china_day
from backend.clock import Clock
from backend.folder.services import FolderService
from backend.issuers.models import Issuer, Staff
from backend.outbox.services import OutboxService
from backend.receipts.services import ReceiptService
from backend.transit.cards import CardBinding, TripProof
from backend.transit.invoices import Invoicing, LoadedInvoice
from backend.transit.models import TaxRate, TransitCard, TransitSettings, Trip
from backend.transit.schemas import TitleIn
from backend.transit.settings import OperatorSettings
from backend.transit.stats import Stats, trip_stats
from backend.transit.trips import ImportResult, TripImporter, uninvoiced_trips


class TransitService:
    def __init__(
        self,
        *,
        receipts: ReceiptService,
        outbox: OutboxService,
        folder: FolderService,
        clock: Clock,
    ) -> None:
        self._clock = clock
        self.importer = TripImporter(clock=clock)
        self.binding = CardBinding(clock=clock)
        self.settings = OperatorSettings(clock=clock)
        self.invoices = Invoicing(
            receipts=receipts, outbox=outbox, folder=folder, settings=self.settings, clock=clock
        )

    def today(self) -> date:
        """Today in China time, by the service's clock."""
        return china_day(self._clock())

    # --- the operator: trips, settings, figures -------------------------------------------

    async def import_trips(
        self, issuer: Issuer, rows: Sequence[Any], *, first_index: int = 0
    ) -> ImportResult:
        """See ``TripImporter.import_trips``."""
        return await self.importer.import_trips(issuer, rows, first_index=first_index)

    async def current_settings(self, issuer_id: uuid.UUID) -> TransitSettings:
        """See ``OperatorSettings.current``: writes nothing."""
        return await self.settings.current(issuer_id)

    async def update_settings(
        self, issuer: Issuer, *, tax_rate: TaxRate, max_trips: int, window_days: int
    ) -> TransitSettings:
        """See ``OperatorSettings.update``."""
        return await self.settings.update(
            issuer, tax_rate=tax_rate, max_trips=max_trips, window_days=window_days
        )

    async def stats(self, issuer: Issuer, day_from: date, day_to: date) -> Stats:
        """See ``trip_stats``."""
        return await trip_stats(issuer, day_from, day_to)

    async def reverse(
        self, staff: Staff, receipt_id: uuid.UUID, reason: str, conn: BaseDBAsyncClient
    ) -> LoadedInvoice:
        """See ``Invoicing.reverse``."""
        return await self.invoices.reverse(staff, receipt_id, reason, conn)

    # --- riders: cards, trips, invoices ---------------------------------------------------

    async def bind_card(self, user: User, card: str, proof: TripProof) -> tuple[TransitCard, bool]:
        """See ``CardBinding.bind``: a card binds on proof of a recent trip on it."""
        return await self.binding.bind(user, card, proof)

    async def cards(self, user: User) -> list[TransitCard]:
        """The user's bound cards, oldest binding first."""
        return await self.binding.cards(user)

    async def uninvoiced_trips(
        self,
        user: User,
        *,
        day_from: date | None,
        day_to: date | None,
        limit: int,
        cursor: str | None,
    ) -> tuple[list[Trip], str | None]:
        """See ``backend.transit.trips.uninvoiced_trips``."""
        return await uninvoiced_trips(
            user, day_from=day_from, day_to=day_to, limit=limit, cursor=cursor
        )

    async def request_invoice(
        self, user: User, trip_ids: Sequence[int], title: TitleIn, *, email: str | None = None
    ) -> LoadedInvoice:
        """See ``Invoicing.request``."""
        return await self.invoices.request(user, trip_ids, title, email=email)

    async def reissue(
        self, user: User, receipt_id: uuid.UUID, title: TitleIn, *, email: str | None = None
    ) -> LoadedInvoice:
        """See ``Invoicing.reissue``."""
        return await self.invoices.reissue(user, receipt_id, title, email=email)

    async def invoice(self, receipt_id: uuid.UUID) -> LoadedInvoice:
        """See ``Invoicing.get``."""
        return await self.invoices.get(receipt_id)
