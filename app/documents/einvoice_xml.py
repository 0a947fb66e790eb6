"""The building blocks of the CrossIndustryInvoice XML: its namespaces, elements, text
XML 1.0 can carry, amounts in the currency's decimals (at most 2), dates and addresses."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from app.documents.einvoice_error import EInvoiceNotExpressible
from app.money import Money, currency_exponent, normalize_currency

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Snapshot = dict[str, Any]


def qname(name: str) -> str:
    """``ram:ID`` as lxml spells it, with the namespace in braces."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def add(
    parent: etree._Element, name: str, text: str | None = None, **attributes: str
) -> etree._Element:
    """A new last child of ``parent``, with its text (None: empty) and attributes."""
    element = etree.SubElement(parent, qname(name), attributes)
    if text is not None:
        element.text = text
    return element


def plain_text(value: object) -> str:
    """One line of text, without characters XML 1.0 cannot carry."""
    return " ".join(_NOT_XML.sub("", str(value or "")).split())


# BR-DEC-01 ... BR-DEC-23: every amount of EN 16931 has at most 2 decimals.
MAX_DECIMALS = 2


class Amounts:
    """Formats integer minor units with the currency's ISO 4217 exponent, at most 2."""

    def __init__(self, currency: str) -> None:
        self.currency = normalize_currency(currency)
        self.exponent = currency_exponent(self.currency)
        self.quantum = Decimal(1).scaleb(-min(self.exponent, MAX_DECIMALS))

    def __call__(self, minor: int) -> str:
        # BR-DEC-*: a 3-decimal currency (KWD, BHD ...) is written with 2 decimals when that
        # is exact (41.250 as 41.25); fils past that cannot be carried without rounding.
        if minor % 10 ** max(self.exponent - MAX_DECIMALS, 0):
            raise EInvoiceNotExpressible(
                f"{self.currency} {minor} minor units need {self.exponent} decimals"
            )
        amount = Money.from_minor(minor, self.currency).amount
        return f"{amount.quantize(self.quantum):f}"

    def price(self, minor: Decimal | int) -> str:
        """A unit price (BT-146), which BR-DEC leaves free: the currency's every decimal and
        the sub-cent ones it has (0.2524 USD)."""
        return f"{Money.from_minor(minor, self.currency).amount:f}"


def add_date(parent: etree._Element, name: str, iso: str, *, qualified: bool = False) -> None:
    day = datetime.strptime(iso[:10], "%Y-%m-%d").strftime("%Y%m%d")
    wrapper = add(parent, name)
    add(wrapper, "qdt:DateTimeString" if qualified else "udt:DateTimeString", day, format="102")


def with_country_prefix(identifier: str, country: str) -> str:
    compact = identifier.replace(" ", "")
    return compact if compact[:2].upper() == country.upper() else f"{country.upper()}{compact}"


def address_lines(address: str | None) -> list[str]:
    lines = [plain_text(line).rstrip(",") for line in str(address or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 3:
        lines = [*lines[:2], ", ".join(lines[2:])]
    return lines
