"""The console's issuing form: its fields as an API request body, and what is wrong with them in
the cashier's words, each problem against the form field it is about.

The form has no total field: the total is the items' sum, and a blank 个人现金支付 is whatever
the other payments leave. So a payment above the total is the cashier's mistake in that payment
field, and is said there, before the body is validated (where it would surface as a negative
cash amount, against a field the cashier left blank).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.i18n.fields import field_label, reason
from backend.receipts.money import AmountError, format_fen, parse_fen

Form = dict[str, str]
ITEM_FIELDS = ("category", "name", "quantity", "unit", "amount")
PAYMENT_FIELDS = ("fund", "other", "account")
# Request body paths → the form's field names (items map through the rows they came from).
FORM_FIELDS = {
    "payer.name": "payer_name",
    "payer.id_number": "id_number",
    "payer.email": "email",
    "visit.type": "visit_type",
    "visit.number": "visit_number",
    "visit.department": "department",
    "payment.fund": "fund",
    "payment.other": "other",
    "payment.account": "account",
    "payment.cash": "cash",
}


@dataclass(frozen=True, slots=True)
class FilledForm:
    """The request body a form describes, and which form row each of its items came from."""

    payload: dict[str, Any]
    rows: list[int]
    total_fen: int | None


@dataclass(slots=True)
class Problems:
    """What is wrong with a form: sentences in order, and the message of each field named."""

    messages: list[str] = field(default_factory=list)
    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, form_field: str | None, message: str) -> None:
        self.messages.append(message)
        if form_field is not None:
            self.by_field.setdefault(form_field, message)


def payload_from_form(form: Form, rows: int) -> FilledForm:
    """The API body for the issuing form ``form`` with ``rows`` item rows; empty rows are left
    out, a blank payment is 0.00 and a blank 个人现金支付 is the rest of the total."""
    items, used = [], []
    for i in range(rows):
        item = {k: form.get(f"item-{i}-{k}", "").strip() for k in ITEM_FIELDS}
        if any(item[k] for k in ("name", "quantity", "unit", "amount")):
            items.append(item)
            used.append(i)
    try:
        total: int | None = sum(parse_fen(item["amount"]) for item in items)
    except AmountError:
        total = None
    payment = {k: form.get(k, "").strip() or "0.00" for k in PAYMENT_FIELDS}
    cash = form.get("cash", "").strip()
    if not cash and total is not None:
        try:
            rest = total - sum(parse_fen(v) for v in payment.values())
            cash = format_fen(rest) if rest >= 0 else ""
        except AmountError:
            cash = ""
    optional = {k: form.get(k, "").strip() or None for k in ("id_number", "email", "phone")}
    payload = {
        "payer": {"name": form.get("payer_name", ""), **optional},
        "visit": {
            "type": form.get("visit_type", ""),
            "number": form.get("visit_number", ""),
            "department": form.get("department", ""),
        },
        "items": items,
        "payment": {**payment, "cash": cash or "0.00"},
        "total": format_fen(total) if total is not None else "",
    }
    return FilledForm(payload, used, total)


def _fen(text: str) -> int | None:
    try:
        return parse_fen(text)
    except AmountError:
        return None


def split_problems(form: Form, filled: FilledForm) -> Problems:
    """Payments that exceed the total (or, with 个人现金支付 given, do not add up to it), each
    said against the field that holds the excess."""
    found = Problems()
    total = filled.total_fen
    if total is None or not filled.payload["items"]:
        return found
    payment = filled.payload["payment"]
    amounts = {k: _fen(payment[k]) for k in PAYMENT_FIELDS}
    if any(v is None for v in amounts.values()):
        return found  # the validation names the unreadable amount
    given = {k: v for k, v in amounts.items() if v}
    yuan = format_fen(total)
    for name, fen in given.items():
        if fen is not None and fen > total:
            label = field_label(("payment", name))
            found.add(name, f"{label}（{format_fen(fen)} 元）超过了票据合计 {yuan} 元，请核对。")
    if found.messages:
        return found
    paid = sum(v for v in given.values() if v is not None)
    cash_text = form.get("cash", "").strip()
    if not cash_text and paid > total:
        names = "、".join(field_label(("payment", k)).removesuffix("金额") for k in given)
        first = next(iter(given))
        found.add(first, f"{names}合计 {format_fen(paid)} 元，超过了票据合计 {yuan} 元，请核对。")
    elif cash_text and (cash := _fen(cash_text)) is not None and paid + cash != total:
        found.add(
            "cash",
            f"各支付方式合计 {format_fen(paid + cash)} 元，与票据合计 {yuan} 元不一致；"
            "个人现金支付可留空，将自动计算。",
        )
    return found


def validation_problems(errors: Sequence[Mapping[str, Any]], rows: list[int]) -> Problems:
    """The validator's ``errors`` for the body, in Chinese, each against its form field."""
    found = Problems()
    item_wrong = any(str(next(iter(e.get("loc", ())), "")) == "items" for e in errors)
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc == ["total"] and item_wrong:
            continue  # the form has no total field: it is the items' sum, wrong with them
        form_field = FORM_FIELDS.get(".".join(loc[:2]))
        shown_loc: list[str | int] = list(loc)
        if len(loc) >= 2 and loc[0] == "items" and loc[1].isdigit() and int(loc[1]) < len(rows):
            row = rows[int(loc[1])]
            shown_loc[1] = row  # the row the cashier sees, not the item's place in the body
            if len(loc) >= 3:
                form_field = f"item-{row}-{loc[2]}"
        found.add(form_field, f"{field_label(shown_loc)}：{reason(error)}")
    return found
