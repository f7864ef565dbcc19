from __future__ import annotations

import pytest

from backend.issuers.credit_code import check_character, is_valid_credit_code

# Published codes of real organisations (their own websites and registration notices).
REAL_CODES = ["91350100M000100Y43", "91110000600037341L", "12100000400000624D"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_any_other_check_character_is_refused(code: str) -> None:
    for wrong in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if wrong != code[17]:
            assert not is_valid_credit_code(code[:17] + wrong)


@pytest.mark.parametrize(
    "code",
    [
        "",
        "91350100M000100Y4",
        "91350100M000100Y433",
        "91350100I000100Y43",
        "91350100m000100y43",
        "９1350100M000100Y43",
    ],
)
def test_malformed_codes_are_refused(code: str) -> None:
    assert not is_valid_credit_code(code)


def test_check_character_needs_seventeen_characters() -> None:
    with pytest.raises(ValueError):
        check_character("1234")
    assert check_character("91350100M000100Y4") == "3"
