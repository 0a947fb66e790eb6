"""What Order-X and UBL Order reading share: safe parsing, the lines and order read, and
refusals that name the field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import LazyString, lazy_gettext
from lxml import etree  # type: ignore[import-untyped]

from app.models import PaymentTerms
from app.services.errors import DomainError, ValidationFailed
from app.services.orders.placing import OrderTerms

MAX_ORDER_XML_BYTES = 1_000_000
XML_CONTENT_TYPES = frozenset({"application/xml", "text/xml"})


class UnreadableOrder(DomainError):
    """The body is not an XML document we read (malformed, a DTD, another kind)."""

    status = 400
    code = "bad_request"


class OrderTooLarge(DomainError):
    status = 413
    code = "too_large"


@dataclass(frozen=True)
class XmlLine:
    """One line as the document gives it; ``index`` is its place in the document (0-based),
    the ``lines[index]`` of a refusal, and ``line_id`` the document's own line number."""

    index: int
    line_id: str
    listing_id: str
    quantity: Decimal
    unit: str | None


@dataclass(frozen=True)
class XmlOrder:
    flavour: str  # "order-x" or "ubl"
    lines: list[XmlLine]
    terms: OrderTerms
    currency: str | None
    expected_total: Decimal | None


def _refusal(message: str | LazyString, field: str, path: str | None = None) -> ValidationFailed:
    error = ValidationFailed(message, field)
    error.path = path or field
    return error


def _parse(data: bytes) -> etree._Element:
    if len(data) > MAX_ORDER_XML_BYTES:
        raise OrderTooLarge(lazy_gettext("An XML order is at most 1 MB."))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        raise UnreadableOrder(lazy_gettext("The body is not a well-formed XML document.")) from None
    # A DOCTYPE is where entity tricks live; an order never needs one.
    if root.getroottree().docinfo.doctype:
        raise UnreadableOrder(lazy_gettext("Send the XML order without a DOCTYPE."))
    return root


def _text(node: etree._Element, path: str, namespaces: dict[str, str]) -> str | None:
    found = node.find(path, namespaces)
    if found is None or found.text is None:
        return None
    text = " ".join(found.text.split())
    return text or None


def _texts(node: etree._Element, path: str, namespaces: dict[str, str]) -> list[str]:
    return [
        " ".join(found.text.split())
        for found in node.findall(path, namespaces)
        if found.text and found.text.strip()
    ]


def _decimal(text: str | None, field: str, path: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise _refusal(lazy_gettext("%(value)s is not a number.", value=text[:40]), field, path)
    return value


def _payment_terms(text: str | None) -> str:
    code = (text or "").strip().lower()
    if code in {terms.value for terms in PaymentTerms}:
        return code
    raise _refusal(
        lazy_gettext(
            "Give the payment terms as one of: %(codes)s.",
            codes=", ".join(terms.value for terms in PaymentTerms),
        ),
        "payment_terms",
    )


def _address_lines(parts: Sequence[str | None]) -> str:
    return "\n".join(part for part in parts if part)


def _line(
    index: int, line_id: str | None, listing_id: str | None, quantity: str | None, unit: str | None
) -> XmlLine:
    path = f"lines[{index}]"
    if not listing_id:
        raise _refusal(
            lazy_gettext(
                "Line %(line)s names no item: give the listing id as the seller's item id.",
                line=line_id or index + 1,
            ),
            "lines",
            path,
        )
    amount = _decimal(quantity, "lines", f"{path}.quantity")
    if amount is None:
        raise _refusal(
            lazy_gettext("Line %(line)s gives no quantity.", line=line_id or index + 1),
            "lines",
            f"{path}.quantity",
        )
    return XmlLine(index, line_id or str(index + 1), listing_id, amount, unit)
