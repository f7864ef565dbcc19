"""Accept-Language: any Chinese tag preferred by weight is Chinese, anything else English."""

from __future__ import annotations

import pytest

from backend.i18n.fields import field_label, summary
from backend.i18n.language import negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh", "zh"),
        ("zh-CN", "zh"),
        ("zh-Hans", "zh"),
        ("zh-TW", "zh"),
        ("ZH-cn", "zh"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("en;q=0.5, zh;q=0.6", "zh"),
        ("fr, zh;q=0.9", "en"),  # French is first; we speak English to a French reader
        ("zh;q=0, en", "en"),  # q=0: not acceptable
        ("zh;q=0", "en"),
        ("zh;q=abc, en;q=0.1", "en"),  # a malformed weight is not the best one
        ("zhx", "en"),  # not a Chinese tag
        ("*", "en"),
        ("", "en"),
        (None, "en"),
        (",,;", "en"),
    ],
)
def test_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_a_huge_header_is_read_only_so_far() -> None:
    assert negotiate("en;q=0.1," * 10_000 + "zh") == "en"


def test_fields_are_named_in_the_persons_words() -> None:
    assert field_label(("payment", "fund")) == "医保统筹基金支付金额"
    assert field_label(("items", 2, "amount")) == "第 3 行收费项目的金额"
    assert field_label(("payer", "email")) == "邮箱"
    assert field_label(("something", "unknown")) == "something.unknown"
    said = summary(
        [
            {
                "loc": ("payment", "cash"),
                "type": "value_error",
                "msg": "Value error, amounts cannot be negative",
            },
            {"loc": ("payer", "name"), "type": "missing", "msg": "Field required"},
        ]
    )
    assert said == "个人现金支付金额：不能为负数；交款人姓名：未填写。"
