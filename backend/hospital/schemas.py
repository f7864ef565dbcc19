"""The hospital issuing API's request bodies."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from backend.chinatime import Day
from backend.receipts.models import VisitType
from backend.receipts.schemas import Amount
from backend.schema import Model
from backend.textfields import Matching, NoControl, Text

MAX_LINE_ITEMS = 500


class Category(StrEnum):
    """Fee categories of the medical-fee e-receipt (医疗收费电子票据)."""

    WESTERN_MEDICINE = "西药费"
    PATENT_CHINESE_MEDICINE = "中成药费"
    CHINESE_HERBS = "中药饮片"
    EXAMINATION = "检查费"
    LABORATORY = "化验费"
    TREATMENT = "治疗费"
    SURGERY = "手术费"
    MEDICAL_MATERIALS = "卫生材料费"
    CONSULTATION = "诊察费"
    REGISTRATION = "挂号费"
    BED = "床位费"
    NURSING = "护理费"
    OTHER = "其他"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _resident_id(value: str) -> str:
    value = value.upper()
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise ValueError("the check digit of this 居民身份证号码 is wrong")
    return value


ResidentId = Annotated[
    str,
    Matching(r"^[0-9]{17}[0-9Xx]$", "a 居民身份证号码 has 17 digits and a check digit or X"),
    AfterValidator(_resident_id),
]
Email = Annotated[
    str,
    StringConstraints(max_length=254),
    NoControl,
    Matching(
        r'^[^@\s"<>,;:\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$',
        "not an email address such as name@example.com",
    ),
]
# A positive quantity: an integer part from 1, or 0 with a decimal that is not all zeros.
Quantity = Annotated[
    str,
    Matching(
        r"^([1-9][0-9]{0,6}(\.[0-9]{1,4})?|0\.([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9]))$",
        'a positive quantity with up to four decimals, such as "2" or "0.5"',
    ),
]


class PayerIn(Model):
    name: Annotated[str, Text(100)]
    id_number: ResidentId | None = None
    email: Email | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 -]{4,19}$")] | None = None


class VisitIn(Model):
    type: VisitType
    number: Annotated[str, Text(40)]
    department: Annotated[str, Text(50)]
    start_date: Day | None = Field(None, description="就诊日期 or 入院日期; defaults to today")
    end_date: Day | None = Field(None, description="出院日期 for an inpatient stay")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class LineItemIn(Model):
    category: Category
    name: Annotated[str, Text(100)]
    quantity: Quantity
    unit: Annotated[str, Text(10)]
    amount: Amount


class PaymentIn(Model):
    fund: Amount = Field(description="医保统筹基金支付")
    other: Amount = Field(description="其他支付")
    account: Amount = Field(description="个人账户支付")
    cash: Amount = Field(description="个人现金支付")


class IssueMedicalReceipt(Model):
    """A medical-fee e-receipt to issue: items and the payment split must each add up to total."""

    payer: PayerIn
    visit: VisitIn
    items: Annotated[list[LineItemIn], Field(min_length=1, max_length=MAX_LINE_ITEMS)]
    payment: PaymentIn
    total: Amount


class ReverseReceipt(Model):
    reason: Annotated[str, Text(200)]
