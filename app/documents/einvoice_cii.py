"""The CrossIndustryInvoice XML (Factur-X, EN 16931 profile) of an invoice or credit note.

``cii_xml`` writes it from a frozen document snapshot, every amount from the same integer
minor units the PDF prints; the choices it makes are listed in ``app.documents.einvoice``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from app.documents.einvoice_error import EInvoiceError
from app.documents.einvoice_parties import payment_means, trade_party
from app.documents.einvoice_xml import (
    NS,
    Amounts,
    Snapshot,
    add,
    add_date,
    address_lines,
    plain_text,
    qname,
)
from app.documents.snapshot import quantity_data, quantity_value
from app.documents.snapshot_values import price_value
from app.money import lot_amount_minor

GUIDELINE = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"commercial_invoice": "380", "credit_note": "381"}
EXEMPTION_REASON = "Zero-rated export under section 4(a) of the Sales Tax Act 1990"
EXEMPTION_CODE = "VATEX-EU-G"
# UN/ECE Rec 21 (or informal) codes we use, and their Rec 20 equivalent.
UNIT_CODES = {"PCE": "H87"}

# A charge on top of the goods: UNTDID 7161 reason code (None: there is none), reason, amount.
Charge = tuple[str | None, str, int]


def _zero_rated(parent: etree._Element, name: str = "ram:ApplicableTradeTax") -> None:
    tax = add(parent, name)
    add(tax, "ram:TypeCode", "VAT")
    add(tax, "ram:CategoryCode", "G")
    add(tax, "ram:RateApplicablePercent", "0")


def _line(
    transaction: etree._Element,
    money: Amounts,
    *,
    number: int,
    title: str,
    quantity: Decimal | int,
    unit: str,
    unit_price_minor: Decimal | int,
    line_total_minor: int,
    hs_code: str | None = None,
    origin_country: str | None = None,
) -> None:
    item = add(transaction, "ram:IncludedSupplyChainTradeLineItem")
    add(add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
    product = add(item, "ram:SpecifiedTradeProduct")
    add(product, "ram:Name", plain_text(title))
    if hs_code:
        classification = add(product, "ram:DesignatedProductClassification")
        add(classification, "ram:ClassCode", plain_text(hs_code), listID="HS")
    if origin_country:
        add(add(product, "ram:OriginTradeCountry"), "ram:ID", origin_country.upper())
    agreement = add(item, "ram:SpecifiedLineTradeAgreement")
    price = add(agreement, "ram:NetPriceProductTradePrice")
    add(price, "ram:ChargeAmount", money.price(unit_price_minor))
    delivery = add(item, "ram:SpecifiedLineTradeDelivery")
    unit_code = UNIT_CODES.get(unit.upper(), unit.upper())
    # Exactly as ordered: 12.5 tonnes, 1200 pieces (BT-129 takes any decimals).
    add(delivery, "ram:BilledQuantity", quantity_data(quantity), unitCode=unit_code)
    settlement = add(item, "ram:SpecifiedLineTradeSettlement")
    _zero_rated(settlement)
    summation = add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    add(summation, "ram:LineTotalAmount", money(line_total_minor))


def _lines(snapshot: Snapshot, transaction: etree._Element, money: Amounts) -> int:
    """Write the snapshot's lines; return their total in minor units."""
    total = 0
    for number, line in enumerate(snapshot["lines"], start=1):
        quantity, price = quantity_value(line["quantity"]), price_value(line["unit_price_minor"])
        line_total = int(line["line_total_minor"])
        before = quantity_value(line.get("shipped_before", 0))
        # The order's one rounding (half up, once a line; a later lot rounds with the lots
        # before it): the PDF prints the same amount.
        if lot_amount_minor(before, quantity, price) != line_total:
            raise EInvoiceError(f"line {number}: {quantity} x {price} is not {line_total}")
        _line(
            transaction,
            money,
            number=int(line.get("no") or number),
            title=line["title"],
            quantity=quantity,
            unit=str(line["unit"]),
            unit_price_minor=price,
            line_total_minor=line_total,
            hs_code=line.get("hs_code"),
            origin_country=line.get("origin_country"),
        )
        total += line_total
    return total


@dataclass(frozen=True)
class _Invoice:
    """The parts of the snapshot every section of the XML reads."""

    snapshot: Snapshot
    kind: str
    money: Amounts
    amounts: dict[str, Any]
    order: dict[str, Any]
    credit: dict[str, Any] | None  # None for an invoice; the credited invoice for a note
    invoice_number: str  # the credited invoice's number ("" for an invoice)


def _header(root: etree._Element, invoice: _Invoice) -> None:
    snapshot, order, credit = invoice.snapshot, invoice.order, invoice.credit
    header = add(root, "rsm:ExchangedDocument")
    add(header, "ram:ID", plain_text(snapshot["number"]))
    add(header, "ram:TypeCode", TYPE_CODES[invoice.kind])
    add_date(header, "ram:IssueDateTime", snapshot["issued_on"])
    notes: list[tuple[str, str]] = []
    if credit is not None and credit.get("reason"):
        notes.append((plain_text(credit["reason"]), "ACD"))  # UNTDID 4451 ACD: reason
    if order.get("incoterm"):
        incoterm = " ".join(
            filter(None, [order["incoterm"], plain_text(order.get("incoterm_place"))])
        )
        notes.append((f"Incoterms 2020: {incoterm}", "AAI"))
    for content, subject in notes:
        note = add(header, "ram:IncludedNote")
        add(note, "ram:Content", content)
        add(note, "ram:SubjectCode", subject)


def _credit_line(transaction: etree._Element, invoice: _Invoice, credit: Snapshot) -> int:
    """The credit note's one line, of the credited amount; returns that amount."""
    credited = int(credit["amount_minor"])
    title = f"Credit against invoice {invoice.invoice_number}"
    if credit.get("reason"):
        title += f": {plain_text(credit['reason'])}"
    _line(
        transaction,
        invoice.money,
        number=1,
        title=title,
        quantity=1,
        unit="C62",
        unit_price_minor=credited,
        line_total_minor=credited,
    )
    return credited


def _goods(transaction: etree._Element, invoice: _Invoice) -> tuple[int, list[Charge]]:
    """The invoice's lines (checked against its goods amount) and its freight and insurance."""
    amounts = invoice.amounts
    lines_total = _lines(invoice.snapshot, transaction, invoice.money)
    if lines_total != int(amounts["goods_minor"]):
        raise EInvoiceError(f"lines add up to {lines_total}, goods are {amounts['goods_minor']}")
    charges = [
        (code, reason, int(amounts.get(key) or 0))
        for key, code, reason in (
            ("freight_minor", "FC", "Freight"),
            ("insurance_minor", None, "Insurance"),  # 7161 has no insurance code
        )
        if int(amounts.get(key) or 0)
    ]
    return lines_total, charges


def _agreement(transaction: etree._Element, invoice: _Invoice) -> None:
    snapshot, order = invoice.snapshot, invoice.order
    agreement = add(transaction, "ram:ApplicableHeaderTradeAgreement")
    trade_party(agreement, "ram:SellerTradeParty", snapshot["seller"], seller=True)
    trade_party(agreement, "ram:BuyerTradeParty", snapshot["buyer"], seller=False)
    for tag, key in (
        ("ram:SellerOrderReferencedDocument", "reference"),  # BT-14, our order
        ("ram:BuyerOrderReferencedDocument", "buyer_po_number"),  # BT-13, the buyer's PO
    ):
        if plain_text(order.get(key)):
            add(add(agreement, tag), "ram:IssuerAssignedID", plain_text(order[key]))


def _delivery(transaction: etree._Element, invoice: _Invoice) -> None:
    order = invoice.order
    delivery = add(transaction, "ram:ApplicableHeaderTradeDelivery")
    destination = order.get("destination_country")
    if destination:
        ship_to = add(delivery, "ram:ShipToTradeParty")
        consignee = address_lines(order.get("consignee"))
        add(
            ship_to,
            "ram:Name",
            consignee[0] if consignee else plain_text(invoice.snapshot["buyer"]["legal_name"]),
        )
        ship_address = add(ship_to, "ram:PostalTradeAddress")
        if order.get("destination_port"):
            add(ship_address, "ram:CityName", plain_text(order["destination_port"]))
        add(ship_address, "ram:CountryID", str(destination).upper())


def _tax_and_charges(
    settlement: etree._Element, invoice: _Invoice, basis: int, charges: list[Charge]
) -> None:
    """The zero-rated VAT breakdown of ``basis``, then each charge, zero-rated too."""
    money = invoice.money
    tax = add(settlement, "ram:ApplicableTradeTax")
    add(tax, "ram:CalculatedAmount", money(0))
    add(tax, "ram:TypeCode", "VAT")
    tax_basis = invoice.amounts.get("tax_basis") or []
    add(tax, "ram:ExemptionReason", plain_text(tax_basis[0]) if tax_basis else EXEMPTION_REASON)
    add(tax, "ram:BasisAmount", money(basis))
    add(tax, "ram:CategoryCode", "G")
    add(tax, "ram:ExemptionReasonCode", EXEMPTION_CODE)
    add(tax, "ram:RateApplicablePercent", "0")
    for code, reason, amount in charges:
        charge = add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        add(add(charge, "ram:ChargeIndicator"), "udt:Indicator", "true")
        add(charge, "ram:ActualAmount", money(amount))
        if code:
            add(charge, "ram:ReasonCode", code)  # UNTDID 7161: FC freight service
        add(charge, "ram:Reason", reason)
        _zero_rated(charge, "ram:CategoryTradeTax")
    withheld = _withheld(invoice)
    if withheld:
        # A provisional invoice asks part of the value: the rest is a document allowance
        # (BG-20), zero-rated like everything else, settled by the final invoice.
        allowance = add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        add(add(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
        add(allowance, "ram:ActualAmount", money(withheld))
        add(allowance, "ram:Reason", _withheld_reason(invoice))
        _zero_rated(allowance, "ram:CategoryTradeTax")


def _withheld(invoice: _Invoice) -> int:
    return int(invoice.amounts.get("withheld_minor") or 0) if invoice.credit is None else 0


def _withheld_reason(invoice: _Invoice) -> str:
    percent = invoice.amounts.get("provisional_percent")
    return (
        f"Provisional invoice at {percent} % of the value on the loading weight; the rest "
        "is settled by the final invoice on the outturn"
    )


def _settlement(
    transaction: etree._Element, invoice: _Invoice, lines_total: int, charges: list[Charge]
) -> None:
    """Currency, payment means and terms, tax, charges and the totals, which must add up
    to the snapshot's."""
    money, amounts, credit = invoice.money, invoice.amounts, invoice.credit
    settlement = add(transaction, "ram:ApplicableHeaderTradeSettlement")
    add(settlement, "ram:InvoiceCurrencyCode", money.currency)
    payment_means(settlement, invoice.snapshot["seller"].get("bank"))
    charges_total = sum(amount for _, _, amount in charges)
    withheld = _withheld(invoice)
    basis = lines_total + charges_total - withheld
    _tax_and_charges(settlement, invoice, basis, charges)
    terms = add(settlement, "ram:SpecifiedTradePaymentTerms")
    if credit is not None:
        terms_text = (
            f"Credited amount to be refunded or set off against invoice {invoice.invoice_number}"
        )
    else:
        terms_text = plain_text((invoice.order.get("payment_terms_text") or [""])[0]) or "As agreed"
    add(terms, "ram:Description", terms_text)

    tax_minor = int(amounts.get("tax_minor") or 0) if credit is None else 0
    if tax_minor:
        raise EInvoiceError("zero-rated exports carry no tax")
    grand_total = basis + tax_minor
    if credit is None and grand_total != int(amounts["total_minor"]):
        raise EInvoiceError(f"amounts add up to {grand_total}, total is {amounts['total_minor']}")
    summation = add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    add(summation, "ram:LineTotalAmount", money(lines_total))
    if charges:
        add(summation, "ram:ChargeTotalAmount", money(charges_total))
    if withheld:
        add(summation, "ram:AllowanceTotalAmount", money(withheld))
    add(summation, "ram:TaxBasisTotalAmount", money(basis))
    add(summation, "ram:TaxTotalAmount", money(tax_minor), currencyID=money.currency)
    add(summation, "ram:GrandTotalAmount", money(grand_total))
    # A final invoice deducts what the provisional one asked (BT-113, paid amount).
    prepaid = int(amounts.get("prepaid_minor") or 0) if credit is None else 0
    if prepaid:
        add(summation, "ram:TotalPrepaidAmount", money(prepaid))
    add(summation, "ram:DuePayableAmount", money(grand_total - prepaid))
    outturn = invoice.snapshot.get("outturn") or {}
    if credit is None and outturn.get("provisional_invoice"):
        # BT-25: the preceding invoice, the provisional one this final invoice settles.
        referenced = add(settlement, "ram:InvoiceReferencedDocument")
        add(referenced, "ram:IssuerAssignedID", plain_text(outturn["provisional_invoice"]))
    if credit is not None:
        referenced = add(settlement, "ram:InvoiceReferencedDocument")
        add(referenced, "ram:IssuerAssignedID", invoice.invoice_number)
        if credit.get("invoice_issued_on"):
            issued_on = credit["invoice_issued_on"]
            add_date(referenced, "ram:FormattedIssueDateTime", issued_on, qualified=True)


def cii_xml(snapshot: Snapshot) -> bytes:
    """The Factur-X EN 16931 CrossIndustryInvoice for an invoice or credit note snapshot."""
    kind = snapshot["kind"]
    if kind not in TYPE_CODES:
        raise EInvoiceError(f"no e-invoice for a {kind}")
    credit = (snapshot.get("credit") or {}) if kind == "credit_note" else None
    invoice = _Invoice(
        snapshot=snapshot,
        kind=kind,
        money=Amounts(snapshot["currency"]),
        amounts=snapshot["amounts"],
        order=snapshot.get("order") or {},
        credit=credit,
        invoice_number=plain_text((credit or {}).get("invoice_number")),
    )

    root = etree.Element(qname("rsm:CrossIndustryInvoice"), nsmap=NS)
    context = add(root, "rsm:ExchangedDocumentContext")
    add(add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)
    _header(root, invoice)
    transaction = add(root, "rsm:SupplyChainTradeTransaction")
    charges: list[Charge] = []
    if credit is not None:
        lines_total = _credit_line(transaction, invoice, credit)
    else:
        lines_total, charges = _goods(transaction, invoice)
    _agreement(transaction, invoice)
    _delivery(transaction, invoice)
    _settlement(transaction, invoice, lines_total, charges)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
