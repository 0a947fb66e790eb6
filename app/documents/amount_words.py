"""An amount in words, as banks read it on invoices and credit notes: English and 大写.

English from ``num2words`` in the form letters of credit and bank forms use: "SAY US
DOLLARS TWO HUNDRED AND SIXTY-TWO THOUSAND AND 50/100 ONLY" (the minor units as a fraction,
so no currency's sub-unit name is guessed: cents, paisa, fen). Chinese from ``cn2an`` in
financial numerals (大写), the form a Chinese bank checks against the figures:
"美元贰拾陆万贰仟元伍角"; ``cn2an``'s ``rmb`` mode always writes 元, so the currency is named
in front, as Chinese invoices in a foreign currency do.
"""

from __future__ import annotations

from decimal import Decimal

import cn2an  # type: ignore[import-untyped]
from babel.numbers import get_currency_name
from num2words import num2words  # type: ignore[import-untyped]

from app.money import Money


def amount_in_english(minor: int, currency: str) -> str:
    """``SAY US DOLLARS ONE THOUSAND AND 50/100 ONLY`` for 100050 USD minor units."""
    amount = Money.from_minor(minor, currency)
    whole = int(amount.amount)
    cents = int((amount.amount - whole).scaleb(amount.exponent))
    name = get_currency_name(currency, count=2, locale="en")
    words = num2words(whole, lang="en")
    fraction = f" AND {cents:0{amount.exponent}d}/{10**amount.exponent}" if cents else ""
    return f"SAY {name} {words}{fraction} ONLY".upper()


def amount_in_chinese(minor: int, currency: str) -> str | None:
    """``美元壹仟元伍角`` for 100050 USD minor units; None for currencies of three decimals,
    which financial numerals (角, 分) cannot write."""
    amount = Money.from_minor(minor, currency)
    if amount.exponent > 2:
        return None
    text = cn2an.an2cn(str(amount.amount.quantize(Decimal("0.01"))), "rmb")
    if currency == "CNY":
        return f"人民币{text}"
    return f"{get_currency_name(currency, locale='zh_Hans')}{text}"


def amount_in_words(minor: int, currency: str) -> tuple[str, str | None]:
    """(English, Chinese) words for the amount."""
    return amount_in_english(minor, currency), amount_in_chinese(minor, currency)
