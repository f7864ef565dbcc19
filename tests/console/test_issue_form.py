"""The issuing form's problems, in the cashier's words, each at the field it is about."""

from __future__ import annotations

from pydantic import ValidationError

from backend.console.issue_form import payload_from_form, split_problems, validation_problems
from backend.hospital.schemas import IssueMedicalReceipt
from backend.web import validation_failed

FORM = {
    "payer_name": "张三",
    "visit_type": "outpatient",
    "visit_number": "MZ1",
    "department": "内科",
    "item-0-category": "西药费",
    "item-0-name": "阿莫西林胶囊",
    "item-0-quantity": "2",
    "item-0-unit": "盒",
    "item-0-amount": "85.60",
}


def test_a_fund_above_the_total_is_said_at_the_fund_field() -> None:
    form = FORM | {"fund": "120.00"}
    filled = payload_from_form(form, 5)
    wrong = split_problems(form, filled)
    assert wrong.by_field == {
        "fund": "医保统筹基金支付金额（120.00 元）超过了票据合计 85.60 元，请核对。"
    }
    assert filled.payload["payment"]["cash"] == "0.00"  # never a negative remainder


def test_payments_together_above_the_total_are_said_at_the_first_of_them() -> None:
    form = FORM | {"fund": "50.00", "account": "40.00"}
    wrong = split_problems(form, payload_from_form(form, 5))
    assert wrong.messages == [
        "医保统筹基金支付、个人账户支付合计 90.00 元，超过了票据合计 85.60 元，请核对。"
    ]
    assert set(wrong.by_field) == {"fund"}


def test_a_cash_amount_that_does_not_add_up_is_said_at_cash() -> None:
    form = FORM | {"fund": "50.00", "cash": "10.00"}
    wrong = split_problems(form, payload_from_form(form, 5))
    assert set(wrong.by_field) == {"cash"} and "与票据合计 85.60 元不一致" in wrong.messages[0]
    fine = FORM | {"fund": "50.00"}
    assert split_problems(fine, payload_from_form(fine, 5)).messages == []


def test_validation_errors_name_the_row_the_cashier_sees() -> None:
    form = FORM | {"item-3-name": "血常规", "item-3-quantity": "1", "item-3-unit": "次",
                   "item-3-amount": "abc", "payer_name": ""}  # fmt: skip
    filled = payload_from_form(form, 5)
    try:
        IssueMedicalReceipt.model_validate(filled.payload)
    except ValidationError as exc:
        wrong = validation_problems(validation_failed(exc).errors, filled.rows)
    else:
        raise AssertionError("the form is not valid")
    assert wrong.by_field["payer_name"] == "交款人姓名：不能为空"
    assert (
        wrong.by_field["item-3-amount"]
        == "第 4 行收费项目的金额：应为最多两位小数的金额，例如 85.60"
    )
    assert not any(m.startswith("票据合计") for m in wrong.messages)  # no field of the form
    assert all("Value error" not in m and "." not in m.split("：")[0] for m in wrong.messages)
