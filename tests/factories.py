"""Builders of test data: issuers with keys, and receipt requests."""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from backend.issuers.credit_code import check_character
from backend.issuers.models import IssuerKind, StaffRole
from backend.services import Services
from chain.note import NoteSigner

TEST_SECRET = "test-secret-key-0123456789abcdef0123"
# The ledger's key in every test app (``settings``) and the verifier key its proofs check with.
LOG_SIGNER = NoteSigner.generate("piaojia.test/ledger")
LOG_KEY = LOG_SIGNER.verifier().key_string()
SAMPLE_RECEIPT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "receipt.json").read_text(encoding="utf-8")
)


def credit_code(serial: int) -> str:
    first17 = f"12440100MB{serial:07d}"
    return first17 + check_character(first17)


@dataclass(frozen=True)
class Actor:
    issuer_id: uuid.UUID
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


_serial = iter(range(1, 10**6))


async def issuer_with_staff(
    app: Starlette,
    role: StaffRole = StaffRole.CASHIER,
    *,
    kind: IssuerKind = IssuerKind.HOSPITAL,
    name: str = "广州测试医院",
) -> Actor:
    services: Services = app.state.services
    issuer = await services.issuers.create(
        kind=kind, name=name, credit_code=credit_code(next(_serial)), region="440100"
    )
    _, key = await services.staff.create(issuer_id=issuer.id, role=role, name="测试员")
    return Actor(issuer.id, key)


async def staff_of(app: Starlette, issuer_id: uuid.UUID, role: StaffRole) -> Actor:
    services: Services = app.state.services
    _, key = await services.staff.create(issuer_id=issuer_id, role=role, name="同事")
    return Actor(issuer_id, key)


def receipt_request(**changes: Any) -> dict[str, Any]:
    """The sample receipt, with top-level fields replaced by ``changes``."""
    body = copy.deepcopy(SAMPLE_RECEIPT)
    body.update(changes)
    return body
