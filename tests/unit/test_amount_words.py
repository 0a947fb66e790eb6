"""Amounts in words on invoices and credit notes: English and Chinese financial numerals."""

from __future__ import annotations

import pytest

from app.documents.amount_words import amount_in_chinese, amount_in_english
from app.documents.presentation import country_zh


@pytest.mark.parametrize(
    ("minor", "currency", "english"),
    [
        (26_200_050, "USD", "SAY US DOLLARS TWO HUNDRED AND SIXTY-TWO THOUSAND AND 50/100 ONLY"),
        (100_000_000, "PKR", "SAY PAKISTANI RUPEES ONE MILLION ONLY"),
        (1_000, "CNY", "SAY CHINESE YUAN TEN ONLY"),
        (100, "JPY", "SAY JAPANESE YEN ONE HUNDRED ONLY"),
        (1_234, "KWD", "SAY KUWAITI DINARS ONE AND 234/1000 ONLY"),
        (5, "USD", "SAY US DOLLARS ZERO AND 05/100 ONLY"),
    ],
)
def test_english_words_name_the_currency_and_the_minor_units_as_a_fraction(
    minor: int, currency: str, english: str
) -> None:
    assert amount_in_english(minor, currency) == english


@pytest.mark.parametrize(
    ("minor", "currency", "chinese"),
    [
        (26_200_050, "USD", "美元贰拾陆万贰仟元伍角"),
        (26_200_000, "USD", "美元贰拾陆万贰仟元整"),
        (10_000_000_001, "CNY", "人民币壹亿元零壹分"),
        (123_456, "PKR", "巴基斯坦卢比壹仟贰佰叁拾肆元伍角陆分"),
        (999_999_999_999, "USD", "美元玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_chinese_financial_numerals_follow_the_currency_name(
    minor: int, currency: str, chinese: str
) -> None:
    assert amount_in_chinese(minor, currency) == chinese


def test_three_decimal_currencies_have_no_chinese_words() -> None:
    assert amount_in_chinese(1_234, "KWD") is None


def test_country_names_in_chinese_come_from_cldr() -> None:
    assert [country_zh(code) for code in ("PK", "CN", "de", None)] == [
        "巴基斯坦",
        "中国",
        "德国",
        "",
    ]
