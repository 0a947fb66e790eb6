"""The Factur-X (EN 16931) e-invoice: its XML against the XSD and the PDF's totals, and its
embedding in a WeasyPrint PDF/A-3b."""

from __future__ import annotations

import copy
import gc
import warnings
from decimal import Decimal
from io import BytesIO
from typing import Any

import facturx  # type: ignore[import-untyped]
import pytest
from lxml import etree  # type: ignore[import-untyped]
from pypdf import PdfReader

from app.documents.einvoice import (
    NS,
    EInvoiceError,
    EInvoiceNotExpressible,
    attach_einvoice,
    cii_xml,
    einvoice_from_pdf,
)

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def invoice_snapshot(
    *, currency: str = "USD", freight: int = 185_000, insurance: int = 12_375
) -> dict[str, Any]:
    """A commercial invoice as ``build_snapshot`` freezes it (the keys the XML reads)."""
    lines: list[dict[str, Any]] = [
        {
            "no": 1,
            "title": "Sodium nitrate, technical grade 99.3% (25 kg bags)",
            "hs_code": "3102.50",
            "origin_country": "PK",
            "origin_country_name": "Pakistan",
            "unit": "TNE",
            "quantity": 40,
            "unit_price_minor": 41_250,
            "line_total_minor": 1_650_000,
        },
        {
            "no": 2,
            "title": "Pentaerythritol tetranitrate, desensitised",
            "hs_code": "2920.90",
            "origin_country": "PK",
            "origin_country_name": "Pakistan",
            "unit": "KGM",
            "quantity": 1_200,
            "unit_price_minor": 1_875,
            "line_total_minor": 2_250_000,
        },
        {
            "no": 3,
            "title": "Detonator boxes, empty",
            "hs_code": "4819.10",
            "origin_country": "PK",
            "origin_country_name": "Pakistan",
            "unit": "PCE",
            "quantity": 50,
            "unit_price_minor": 333,
            "line_total_minor": 16_650,
        },
    ]
    goods = sum(line["line_total_minor"] for line in lines)
    return {
        "kind": "commercial_invoice",
        "title": ["Commercial invoice", "商业发票"],
        "number": "WN-CI-2025-000042",
        "issued_on": "2025-03-14",
        "seller": {
            "legal_name": "Wah Nobel Chemicals (Pvt) Ltd",
            "legal_name_local": None,
            "address": "G.T. Road\nWah Cantonment",
            "city": "Wah Cantt",
            "postal_code": "47040",
            "country": "PK",
            "country_name": "Pakistan",
            "tax_id": "1234567-8",
            "tax_id_kind": "NTN",
            "sales_tax_registration": "0307280000119",
            "email": "exports@wahnobel.example",
            "phone": "+92 51 4545 000",
            "bank": {
                "beneficiary": "Wah Nobel Chemicals (Pvt) Ltd",
                "name": "Habib Bank Limited",
                "account": "PK36 HABB 0000 1234 5678 9012",
                "swift": "HABBPKKA",
                "address": "Blue Area, Islamabad",
            },
        },
        "buyer": {
            "legal_name": "Shanghai Minmetals Trading Co., Ltd.",
            "legal_name_local": "上海五矿贸易有限公司",
            "address": "No. 1 Century Avenue\nPudong New Area",
            "city": "Shanghai",
            "postal_code": "200120",
            "country": "CN",
            "country_name": "China",
            "tax_id": "91310000MA1FL8XQ37",
            "tax_id_kind": "USCC",
            "sales_tax_registration": None,
            "email": "import@minmetals-sh.example",
            "phone": None,
        },
        "order": {
            "reference": "ORD-2025-0007",
            "buyer_po_number": "SMT-PO-8841",
            "placed_on": "2025-02-20",
            "incoterm": "CIF",
            "incoterm_place": "Shanghai",
            "payment_terms": "lc_at_sight",
            "payment_terms_text": ["Irrevocable letter of credit at sight", "不可撤销即期信用证"],
            "destination_country": "CN",
            "destination_country_name": "China",
            "destination_port": "Shanghai",
            "consignee": "Shanghai Minmetals Trading Co., Ltd.\nYangshan Deep Water Port",
        },
        "currency": currency,
        "lines": lines,
        "amounts": {
            "goods_minor": goods,
            "freight_minor": freight,
            "insurance_minor": insurance,
            "tax_rate_percent": "0",
            "tax_minor": 0,
            "total_minor": goods + freight + insurance,
            "tax_basis": [
                "Zero-rated export supply under section 4(a) of the Sales Tax Act, 1990",
                "出口零税率（巴基斯坦《1990年销售税法》第4(a)条）",
            ],
        },
        "shipment": None,
        "related": {},
        "verify_url": "https://corridor.example/verify/abc",
        "has_explosives": True,
    }


def credit_note_snapshot() -> dict[str, Any]:
    snapshot = invoice_snapshot()
    snapshot.update(
        kind="credit_note",
        title=["Credit note", "贷项通知单"],
        number="WN-CN-2025-000003",
        issued_on="2025-04-02",
        credit={
            "invoice_number": "WN-CI-2025-000042",
            "invoice_issued_on": "2025-03-14",
            "reason": "Short delivery: 1 t of sodium nitrate",
            "amount_minor": 41_250,
        },
    )
    return snapshot


def parse(xml: bytes) -> Any:
    return etree.fromstring(xml)


def text(root: Any, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert found, path
    return str(found[0].text)


def texts(root: Any, path: str) -> list[str]:
    return [str(element.text) for element in root.xpath(path, namespaces=NS)]


SUMMATION = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"


# The XML -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [invoice_snapshot, credit_note_snapshot])
def test_xml_validates_against_the_factur_x_en16931_xsd(make: Any) -> None:
    xml = cii_xml(make())
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    root = parse(xml)
    assert facturx.get_level(root, "factur-x") == "en16931"
    assert text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017"
    )


def test_invoice_totals_equal_the_snapshot() -> None:
    snapshot = invoice_snapshot()
    root = parse(cii_xml(snapshot))
    assert text(root, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, "//rsm:ExchangedDocument/ram:ID") == "WN-CI-2025-000042"
    assert text(root, "//ram:IssueDateTime/udt:DateTimeString") == "20250314"
    # 39,166.50 goods + 1,850.00 freight + 123.75 insurance
    assert snapshot["amounts"]["total_minor"] == 4_114_025
    assert text(root, f"{SUMMATION}/ram:GrandTotalAmount") == "41140.25"
    assert text(root, f"{SUMMATION}/ram:DuePayableAmount") == "41140.25"
    assert text(root, f"{SUMMATION}/ram:TaxBasisTotalAmount") == "41140.25"
    assert text(root, f"{SUMMATION}/ram:LineTotalAmount") == "39166.50"
    assert text(root, f"{SUMMATION}/ram:ChargeTotalAmount") == "1973.75"
    tax_total = root.xpath(f"{SUMMATION}/ram:TaxTotalAmount", namespaces=NS)[0]
    assert (tax_total.text, tax_total.get("currencyID")) == ("0.00", "USD")
    assert text(root, "//ram:InvoiceCurrencyCode") == "USD"


def test_line_totals_add_up_to_the_line_total_amount() -> None:
    root = parse(cii_xml(invoice_snapshot()))
    line_totals = texts(
        root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
    )
    assert line_totals == ["16500.00", "22500.00", "166.50"]
    assert sum(map(Decimal, line_totals)) == Decimal(text(root, f"{SUMMATION}/ram:LineTotalAmount"))
    quantities = root.xpath("//ram:BilledQuantity", namespaces=NS)
    # PCE (Rec 21) is written as its Rec 20 code H87.
    assert [(q.text, q.get("unitCode")) for q in quantities] == [
        ("40", "TNE"),
        ("1200", "KGM"),
        ("50", "H87"),
    ]
    assert texts(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount") == [
        "412.50",
        "18.75",
        "3.33",
    ]
    assert texts(root, "//ram:DesignatedProductClassification/ram:ClassCode") == [
        "3102.50",
        "2920.90",
        "4819.10",
    ]


def test_exports_are_zero_rated_under_category_g() -> None:
    root = parse(cii_xml(invoice_snapshot()))
    line_taxes = root.xpath(
        "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
    )
    assert len(line_taxes) == 3
    for tax in [*line_taxes, *root.xpath("//ram:CategoryTradeTax", namespaces=NS)]:
        assert text(tax, "ram:CategoryCode") == "G"
        assert text(tax, "ram:RateApplicablePercent") == "0"
    breakdown = root.xpath(
        "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS
    )
    assert len(breakdown) == 1
    assert text(breakdown[0], "ram:CalculatedAmount") == "0.00"
    assert text(breakdown[0], "ram:BasisAmount") == "41140.25"
    assert "section 4(a) of the Sales Tax Act" in text(breakdown[0], "ram:ExemptionReason")
    assert text(breakdown[0], "ram:ExemptionReasonCode") == "VATEX-EU-G"


def test_freight_and_insurance_are_document_level_charges() -> None:
    root = parse(cii_xml(invoice_snapshot()))
    charges = root.xpath("//ram:SpecifiedTradeAllowanceCharge", namespaces=NS)
    assert [
        (
            text(c, "ram:ChargeIndicator/udt:Indicator"),
            text(c, "ram:Reason"),
            text(c, "ram:ActualAmount"),
        )
        for c in charges
    ] == [("true", "Freight", "1850.00"), ("true", "Insurance", "123.75")]

    bare = parse(cii_xml(invoice_snapshot(freight=0, insurance=0)))
    assert bare.xpath("//ram:SpecifiedTradeAllowanceCharge", namespaces=NS) == []
    assert bare.xpath(f"{SUMMATION}/ram:ChargeTotalAmount", namespaces=NS) == []
    assert text(bare, f"{SUMMATION}/ram:GrandTotalAmount") == "39166.50"


def test_parties_references_and_terms() -> None:
    root = parse(cii_xml(invoice_snapshot()))
    seller = root.xpath("//ram:SellerTradeParty", namespaces=NS)[0]
    buyer = root.xpath("//ram:BuyerTradeParty", namespaces=NS)[0]
    assert text(seller, "ram:Name") == "Wah Nobel Chemicals (Pvt) Ltd"
    assert text(seller, "ram:PostalTradeAddress/ram:CountryID") == "PK"
    assert text(seller, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        "PK0307280000119"
    )
    assert text(seller, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == "1234567-8"
    assert text(buyer, "ram:Name") == "Shanghai Minmetals Trading Co., Ltd."
    assert text(buyer, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName") == (
        "上海五矿贸易有限公司"
    )
    assert text(buyer, "ram:SpecifiedLegalOrganization/ram:ID") == "91310000MA1FL8XQ37"
    assert text(buyer, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == (
        "CN91310000MA1FL8XQ37"
    )
    assert text(buyer, "ram:PostalTradeAddress/ram:CountryID") == "CN"
    assert text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "SMT-PO-8841"
    assert text(root, "//ram:SpecifiedTradePaymentTerms/ram:Description") == (
        "Irrevocable letter of credit at sight"
    )
    assert text(root, "//ram:ShipToTradeParty/ram:PostalTradeAddress/ram:CountryID") == "CN"
    assert text(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (
        "PK36HABB0000123456789012"
    )


@pytest.mark.parametrize(
    ("currency", "freight", "insurance", "grand_total", "unit_price"),
    [
        # JPY has no minor unit: 3,916,650 + 185,000 + 12,375 yen.
        ("JPY", 185_000, 12_375, "4114025", "41250"),
        # KWD has three decimals (fils), written with 2 (BR-DEC-*) when that is exact.
        # The unit price (BT-146) keeps its fils: BR-DEC does not limit it.
        ("KWD", 185_000, 12_370, "4114.02", "41.250"),
    ],
)
def test_amounts_carry_the_currency_exponent(
    currency: str, freight: int, insurance: int, grand_total: str, unit_price: str
) -> None:
    xml = cii_xml(invoice_snapshot(currency=currency, freight=freight, insurance=insurance))
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = parse(xml)
    assert text(root, f"{SUMMATION}/ram:GrandTotalAmount") == grand_total
    assert texts(root, "//ram:NetPriceProductTradePrice/ram:ChargeAmount")[0] == unit_price
    tax_total = root.xpath(f"{SUMMATION}/ram:TaxTotalAmount", namespaces=NS)[0]
    assert tax_total.get("currencyID") == currency
    assert tax_total.text == ("0" if currency == "JPY" else "0.00")


def test_fils_past_the_second_decimal_make_no_e_invoice() -> None:
    # EN 16931 allows 2 decimals (BR-DEC-*): KWD 12.375 cannot be written without rounding.
    with pytest.raises(EInvoiceNotExpressible, match=r"KWD .* need 3 decimals"):
        cii_xml(invoice_snapshot(currency="KWD", insurance=12_375))


def test_credit_note_references_the_invoice_and_its_reason() -> None:
    root = parse(cii_xml(credit_note_snapshot()))
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == (
        "WN-CI-2025-000042"
    )
    assert text(root, "//ram:InvoiceReferencedDocument//qdt:DateTimeString") == "20250314"
    assert "Short delivery: 1 t of sodium nitrate" in texts(
        root, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content"
    )
    assert texts(root, "//ram:SpecifiedTradeProduct/ram:Name") == [
        "Credit against invoice WN-CI-2025-000042: Short delivery: 1 t of sodium nitrate"
    ]
    for path in ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount", "DuePayableAmount"):
        assert text(root, f"{SUMMATION}/ram:{path}") == "412.50"
    assert root.xpath("//ram:SpecifiedTradeAllowanceCharge", namespaces=NS) == []


def test_hostile_text_round_trips_as_text() -> None:
    snapshot = invoice_snapshot()
    name = 'Wah <script>alert("x")</script> & Sons "Nobel" \'Ltd\' ]]>'
    snapshot["seller"]["legal_name"] = name
    snapshot["lines"][0]["title"] = "Nitrate & <b>bold</b>\x00\x07 bags"
    xml = cii_xml(snapshot)
    assert b"<script>" not in xml and b"<b>" not in xml
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = parse(xml)
    assert text(root, "//ram:SellerTradeParty/ram:Name") == name
    assert texts(root, "//ram:SpecifiedTradeProduct/ram:Name")[0] == "Nitrate & <b>bold</b> bags"


def test_inconsistent_snapshots_are_refused() -> None:
    snapshot = invoice_snapshot()
    snapshot["amounts"]["total_minor"] += 1
    with pytest.raises(EInvoiceError, match="total"):
        cii_xml(snapshot)
    snapshot = invoice_snapshot()
    snapshot["lines"][1]["line_total_minor"] += 1
    with pytest.raises(EInvoiceError, match="line 2"):
        cii_xml(snapshot)
    snapshot = invoice_snapshot()
    snapshot["kind"] = "packing_list"
    with pytest.raises(EInvoiceError):
        cii_xml(snapshot)


# The PDF/A-3b ------------------------------------------------------------------------------

HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Commercial invoice WN-CI-2025-000042</title>
<style>@page { size: A4; margin: 15mm } body { font-family: sans-serif; font-size: 9pt }</style>
</head><body><h1>Commercial invoice WN-CI-2025-000042</h1>
<table><tr><td>Sodium nitrate</td><td>40 TNE</td><td>USD 16,500.00</td></tr></table>
<p>Total USD 41,140.25</p></body></html>"""


def render(**options: Any) -> bytes:
    import weasyprint

    # WeasyPrint 70 leaves its sRGB ICC profile file open for PDF/A (a ResourceWarning,
    # an error under our filterwarnings): let it be collected while the warning is ignored.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        pdf: bytes = weasyprint.HTML(string=HTML).write_pdf(**options)
        gc.collect()
    return pdf


@pytest.fixture(scope="module")
def pdfa() -> bytes:
    return render(pdf_variant="pdf/a-3b")


def xmp_of(reader: PdfReader) -> Any:
    catalog: Any = reader.trailer["/Root"]
    return etree.fromstring(catalog["/Metadata"].get_object().get_data())


def test_attached_xml_reads_back_byte_identical(pdfa: bytes) -> None:
    xml = cii_xml(invoice_snapshot())
    pdf = attach_einvoice(pdfa, xml)
    # An incremental update: WeasyPrint's bytes stay as they were.
    assert pdf.startswith(pdfa)
    reader = PdfReader(BytesIO(pdf))
    assert reader.attachments["factur-x.xml"] == [xml]
    assert einvoice_from_pdf(pdf) == xml
    # An independent reader (the factur-x package) finds and validates it as well.
    assert facturx.get_facturx_xml_from_pdf(pdf, check_xsd=True) == ("factur-x.xml", xml)
    assert einvoice_from_pdf(pdfa) is None

    catalog: Any = reader.trailer["/Root"]
    (filespec,) = [ref.get_object() for ref in catalog["/AF"]]
    assert filespec["/AFRelationship"] == "/Alternative"
    assert filespec["/F"] == filespec["/UF"] == "factur-x.xml"
    embedded = filespec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/text/xml"
    assert embedded["/Params"]["/Size"] == len(xml)
    assert "/ModDate" in embedded["/Params"]
    assert catalog["/Names"]["/EmbeddedFiles"]["/Names"][0] == "factur-x.xml"


def test_xmp_keeps_pdfa_3b_and_adds_the_factur_x_extension(pdfa: bytes) -> None:
    pdf = attach_einvoice(pdfa, cii_xml(invoice_snapshot()))
    reader = PdfReader(BytesIO(pdf))
    xmp = xmp_of(reader)
    part = xmp.xpath("//rdf:Description/@pdfaid:part | //pdfaid:part/text()", namespaces=XMP)
    conformance = xmp.xpath(
        "//rdf:Description/@pdfaid:conformance | //pdfaid:conformance/text()", namespaces=XMP
    )
    assert [str(value) for value in part] == ["3"]
    assert [str(value) for value in conformance] == ["B"]
    fx = {
        name: xmp.xpath(f"string(//fx:{name})", namespaces=XMP)
        for name in ("DocumentType", "DocumentFileName", "Version", "ConformanceLevel")
    }
    assert fx == {
        "DocumentType": "INVOICE",
        "DocumentFileName": "factur-x.xml",
        "Version": "1.0",
        "ConformanceLevel": "EN 16931",
    }
    schema = xmp.xpath("//pdfaExtension:schemas//pdfaSchema:namespaceURI", namespaces=XMP)
    assert [element.text for element in schema] == [XMP["fx"]]
    assert xmp.xpath("//pdfaSchema:prefix/text()", namespaces=XMP) == ["fx"]
    # WeasyPrint's own metadata is kept, and Info and XMP agree on the modification date.
    assert xmp.xpath("string(//dc:title//rdf:li)", namespaces=XMP) == (
        "Commercial invoice WN-CI-2025-000042"
    )
    info: Any = reader.metadata
    assert info is not None and info["/Producer"].startswith("WeasyPrint")
    modified = xmp.xpath("//xmp:ModifyDate/text()", namespaces=XMP)
    assert len(modified) == 1
    assert info["/ModDate"] == "D:" + modified[0].replace("-", "").replace("T", "").replace(":", "")


def test_attach_refuses_invalid_xml_and_non_pdfa(pdfa: bytes) -> None:
    root = parse(cii_xml(invoice_snapshot()))
    summation = root.xpath(SUMMATION, namespaces=NS)[0]
    summation.remove(summation.find(f"{{{NS['ram']}}}GrandTotalAmount"))
    with pytest.raises(EInvoiceError, match="not valid"):
        attach_einvoice(pdfa, etree.tostring(root))

    plain = render()
    with pytest.raises(EInvoiceError, match="pdf/a-3b"):
        attach_einvoice(plain, cii_xml(invoice_snapshot()))
    attached = attach_einvoice(pdfa, cii_xml(invoice_snapshot()))
    with pytest.raises(EInvoiceError, match="already"):
        attach_einvoice(attached, cii_xml(copy.deepcopy(invoice_snapshot())))
