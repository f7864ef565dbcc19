"""What the demo shows once seeded: a first medical receipt and recent trips for its riders."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from backend.auth.standin import demo_openid
from backend.chinatime import CHINA_STANDARD_TIME
from backend.demo.accounts import DEMO_RIDERS
from backend.hospital.schemas import IssueMedicalReceipt
from backend.issuers.models import Issuer, Staff
from backend.receipts.models import Receipt, ScanToken
from backend.services import Services
from backend.transit.models import Trip

ITEM = ("category", "name", "quantity", "unit", "amount")
DEMO_RECEIPT = {
    "payer": {"name": "张三", "email": "zhangsan@example.com"},
    "visit": {"type": "outpatient", "number": "MZ-DEMO-0001", "department": "内科"},
    "items": [
        dict(zip(ITEM, ("西药费", "阿莫西林胶囊", "2", "盒", "25.60"), strict=True)),
        dict(zip(ITEM, ("检查费", "血常规", "1", "次", "60.00"), strict=True)),
    ],
    "payment": {"fund": "50.00", "other": "0.00", "account": "20.00", "cash": "15.60"},
    "total": "85.60",
}
# (entry, exit, fare) of the rides each demo rider took, one a day going back from yesterday.
RIDES = (
    ("体育西路", "珠江新城", "2.00"),
    ("公园前", "客村", "3.00"),
    ("广州南站", "体育西路", "5.00"),
    ("机场南", "嘉禾望岗", "4.00"),
    ("西门口", "农讲所", "2.00"),
    ("珠江新城", "天河客运站", "4.00"),
)
# A rider with a trip this recent has been given trips already: nothing more is added.
FRESH = timedelta(days=7)


async def ensure_receipt(services: Services, cashier: Staff) -> None:
    """Issue the demo receipt unless the cashier's hospital has a receipt already."""
    if await Receipt.filter(issuer_id=cashier.issuer.id).exists():
        return
    request = IssueMedicalReceipt.model_validate(DEMO_RECEIPT)
    async with in_transaction() as conn:
        await services.hospital.issue(conn, staff=cashier, request=request)


async def demo_receipt(hospital: Issuer) -> tuple[Receipt, str] | None:
    """The hospital's first receipt that has a valid scan token (the demo's), with the token."""
    token = (
        await ScanToken.filter(receipt__issuer_id=hospital.id, revoked_at=None)
        .order_by("receipt__issued_at", "id")
        .select_related("receipt")
        .first()
    )
    return (token.receipt, token.token) if token is not None else None


async def ensure_trips(services: Services, metro: Issuer) -> int:
    """Give each demo rider a trip a day over the last days, unless they rode in the last week
    (so they stay within the invoicing window). Returns how many trips were added."""
    now = datetime.now(CHINA_STANDARD_TIME)
    added = 0
    for rider in DEMO_RIDERS:
        openid = demo_openid(rider)
        if await Trip.filter(rider_openid=openid, exit_at__gte=now - FRESH).exists():
            continue
        rows = []
        for days, (entry, exit_, fare) in enumerate(RIDES, start=1):
            exit_at = (now - timedelta(days=days)).replace(hour=8 + days, minute=30, second=0)
            entry_at = exit_at - timedelta(minutes=25)
            rows.append(
                {
                    "ref": f"DEMO-{rider}-{exit_at:%Y%m%d}-{days}",
                    "rider": {"openid": openid},
                    "entry": {"station": entry, "at": entry_at.isoformat()},
                    "exit": {"station": exit_, "at": exit_at.isoformat()},
                    "fare": fare,
                    "channel": "qrcode",
                }
            )
        added += (await services.transit.import_trips(metro, rows)).new
    return added
