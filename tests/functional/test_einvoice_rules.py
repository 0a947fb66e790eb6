"""Every e-invoice XML Corridor issues passes the official EN 16931 business rules for CII.

The rules are the European Commission's schematron (release 1.3.16) compiled to XSLT 2.0,
kept in ``shared/einvoice`` beside the repository; ``saxonche`` runs it. An invoice or
credit note whose XML has a ``failed-assert`` of flag ``fatal`` would be rejected by the
buyer's e-invoicing platform. The orders are real ones, placed, accepted and shipped
through the services, and the XML is the one the render job embeds in the PDF.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import etree  # type: ignore[import-untyped]
from saxonche import PySaxonProcessor, PyXsltExecutable  # type: ignore[import-not-found]

from app.documents.einvoice import NS, cii_xml, einvoice_from_pdf
from app.extensions import db
from app.models import (
    Document,
    DocumentKind,
    ExchangeRate,
    Incoterm,
    Order,
    OrderStatus,
    ProductIncoterm,
)
from app.models.base import utcnow
from app.reference.text import neutralise_bidi_data
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note
from app.services.fulfilment.shipment_contents import LineInput
from tests.builders.documents import render_pending
from tests.builders.minerals import enter_outturn
from tests.builders.orders import (
    accept,
    advance,
    place_for,
    record_shipment,
    sea_shipment,
    start_production,
)
from tests.builders.trade import Trade, finance_of, make_trade
from tests.support.pdfs import pdf_text

pytestmark = pytest.mark.usefixtures("exchange_rates")

REPOSITORY = Path(__file__).resolve().parents[2]
# In CI the clone sits beside a copy of shared/, as the working tree does here.
RULES = REPOSITORY.parent / "shared" / "einvoice" / "EN16931-CII-validation.xslt"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True)
class Finding:
    flag: str  # "fatal" or "warning"
    rule: str  # e.g. "BR-CO-10"
    text: str
    location: str


class Rules:
    """The compiled EN 16931 CII rules: ``findings(xml)`` is each failed assertion."""

    def __init__(self, processor: PySaxonProcessor, executable: PyXsltExecutable) -> None:
        self.processor, self.executable = processor, executable

    def findings(self, xml: bytes) -> list[Finding]:
        node = self.processor.parse_xml(xml_text=xml.decode("utf-8"))
        report = etree.fromstring(self.executable.transform_to_string(xdm_node=node).encode())
        return [
            Finding(
                flag=str(failed.get("flag")),
                rule=str(failed.get("id")),
                text=" ".join("".join(failed.itertext()).split()),
                location=re.sub(r"\[namespace-uri\(\)='[^']*'\]", "", str(failed.get("location"))),
            )
            for failed in report.iter(f"{SVRL}failed-assert")
        ]


@pytest.fixture(scope="session")
def rules() -> Iterator[Rules]:
    """The stylesheet compiled once for the session (it is 700 kB of XSLT)."""
    if not RULES.is_file():
        pytest.fail(
            f"The EN 16931 CII validation stylesheet is missing: expected {RULES} "
            "(shared/einvoice beside the repository). These tests must run against it."
        )
    with PySaxonProcessor(license=False) as processor:
        compiler = processor.new_xslt30_processor()
        executable = compiler.compile_stylesheet(stylesheet_file=str(RULES))
        assert executable is not None, f"{RULES} did not compile"
        yield Rules(processor, executable)


def assert_passes(rules: Rules, xml: bytes) -> None:
    """No fatal finding; the message lists every finding, warnings too."""
    findings = rules.findings(xml)
    fatal = [finding for finding in findings if finding.flag == "fatal"]
    listed = "\n".join(
        f"{finding.flag} {finding.rule}: {finding.text} at {finding.location}"
        for finding in findings
    )
    assert fatal == [], f"EN 16931 findings:\n{listed}"


def xml_of(document: Document) -> bytes:
    """The XML the render job embeds in ``document``'s PDF (app.documents.pdf)."""
    return cii_xml(neutralise_bidi_data(document.data))


def amounts(xml: bytes, name: str) -> list[str]:
    return [str(e.text) for e in etree.fromstring(xml).xpath(f"//ram:{name}", namespaces=NS)]


# Reference figures the operator would enter, so invoices in these currencies freeze a rate
# into the seller's (PKR) and the buyer's (CNY) books.
RATES = {
    ("JPY", "PKR"): Decimal("1.8410"),
    ("JPY", "CNY"): Decimal("0.04710"),
    ("KWD", "PKR"): Decimal("905.60"),
    ("KWD", "CNY"): Decimal("23.160"),
}


def trade_in(currency: str, unit_price_minor: int) -> Trade:
    """Wah Nobel lists in ``currency`` (FOB Karachi or CIF Shanghai) at one price."""
    today = utcnow().date()
    for (base, quote), rate in RATES.items():
        if base == currency:
            db.session.add(
                ExchangeRate(rate_date=today, base=base, quote=quote, rate=rate, source="Test")
            )
    trade = make_trade(currency=currency, price_from_minor=unit_price_minor)
    trade.product.incoterms.append(ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai"))
    db.session.flush()
    return trade


def shipped_cif(
    app: Flask, trade: Trade, quantity: int | Decimal, freight: Decimal, insurance: Decimal
) -> Order:
    """Ordered CIF Shanghai, accepted with freight and insurance, produced and shipped."""
    order = place_for(
        app,
        trade.purchaser,
        [(trade.product, quantity)],
        incoterm="CIF",
        incoterm_place="Shanghai",
    )
    accept(app, trade, order, freight=freight, insurance=insurance)
    return advance(app, trade, order, OrderStatus.SHIPPED)


def documents_of(order: Order, kind: DocumentKind) -> list[Document]:
    return [document for document in order.documents if document.kind is kind]


def credit(app: Flask, trade: Trade, invoice: Document, amount_minor: int) -> Document:
    """The seller's finance credits ``invoice`` (short delivery)."""
    with app.test_request_context():
        note = issue_credit_note(
            Actor(finance_of(trade.seller)), invoice, amount_minor, "Short delivery: 2 drums"
        )
        db.session.commit()
    return note


def test_the_commercial_invoice_and_its_credit_note_in_usd_pass(app: Flask, rules: Rules) -> None:
    trade = trade_in("USD", 375)  # USD 3.75 a kilogram
    order = shipped_cif(app, trade, 500, Decimal("185.00"), Decimal("12.37"))
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    # The XML as issued: read back from the rendered PDF.
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    embedded = einvoice_from_pdf(invoice.pdf or b"")
    assert embedded is not None
    assert_passes(rules, embedded)
    # 500 x 3.75 + 185.00 + 12.37
    assert amounts(embedded, "GrandTotalAmount") == ["2072.37"]

    note = credit(app, trade, invoice, 750)
    assert_passes(rules, xml_of(note))
    assert amounts(xml_of(note), "GrandTotalAmount") == ["7.50"]


def test_an_invoice_in_yen_passes(app: Flask, rules: Rules) -> None:
    trade = trade_in("JPY", 415)  # 415 yen a kilogram
    order = shipped_cif(app, trade, 300, Decimal(18_500), Decimal(1_237))
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    xml = xml_of(invoice)
    assert_passes(rules, xml)
    # 300 x 415 + 18,500 + 1,237 yen, no decimals
    assert amounts(xml, "GrandTotalAmount") == ["144237"]
    assert_passes(rules, xml_of(credit(app, trade, invoice, 830)))


def test_an_invoice_in_kuwaiti_dinar_passes_with_two_decimals(app: Flask, rules: Rules) -> None:
    trade = trade_in("KWD", 1_235)  # KWD 1.235 a kilogram
    order = shipped_cif(app, trade, 200, Decimal("56.12"), Decimal("3.7"))
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    xml = xml_of(invoice)
    assert_passes(rules, xml)
    # 200 x 1.235 + 56.120 + 3.700, exact with 2 decimals (BR-DEC-*); the price keeps its fils
    assert amounts(xml, "GrandTotalAmount") == ["306.82"]
    assert amounts(xml, "ChargeAmount") == ["1.235"]
    note = xml_of(credit(app, trade, invoice, 2_470))
    assert_passes(rules, note)
    assert amounts(note, "GrandTotalAmount") == ["2.47"]


def test_a_dinar_invoice_with_fils_past_two_decimals_is_issued_without_the_xml(
    app: Flask,
) -> None:
    trade = trade_in("KWD", 1_235)
    # 301 x 1.235 = 371.735: EN 16931 cannot carry the last fils without rounding.
    order = shipped_cif(app, trade, 301, Decimal("56.12"), Decimal("3.7"))
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    assert invoice.is_ready and invoice.pdf
    assert einvoice_from_pdf(invoice.pdf) is None


def test_the_proforma_carries_no_e_invoice(app: Flask) -> None:
    trade = trade_in("USD", 375)
    order = place_for(app, trade.purchaser, [(trade.product, 500)])
    accept(app, trade, order)
    (proforma,) = documents_of(order, DocumentKind.PROFORMA_INVOICE)
    data: dict[str, Any] = proforma.data
    assert data["kind"] == "proforma_invoice"
    render_pending(app, DocumentKind.PROFORMA_INVOICE)
    assert einvoice_from_pdf(proforma.pdf or b"") is None


def test_the_rules_catch_totals_that_do_not_add_up(app: Flask, rules: Rules) -> None:
    # The check is not vacuous: a grand total one cent off is fatal (BR-CO-15).
    trade = trade_in("USD", 375)
    order = shipped_cif(app, trade, 500, Decimal("185.00"), Decimal("12.37"))
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    xml = xml_of(invoice).replace(
        b"2072.37</ram:GrandTotalAmount>", b"2072.38</ram:GrandTotalAmount>"
    )
    fatal = {finding.rule for finding in rules.findings(xml) if finding.flag == "fatal"}
    assert "BR-CO-15" in fatal


def test_twelve_and_a_half_tonnes_invoice_with_the_line_rounded_once_half_up(
    app: Flask, rules: Rules
) -> None:
    # Issue 20: 12.5 t of chromite at USD 185.53 a tonne is USD 2,319.125, which rounds
    # half up to 2,319.13 (half to even would give 2,319.12): the order, the PDF and the
    # XML carry that one figure.
    trade = make_trade(currency="USD", price_from_minor=18_553, unit="TNE", moq=1)
    trade.product.incoterms.append(ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai"))
    db.session.flush()
    order = shipped_cif(app, trade, Decimal("12.5"), Decimal("185.00"), Decimal("12.37"))
    (line,) = order.lines
    assert (line.quantity, line.line_total_minor) == (Decimal("12.5"), 231_913)
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    embedded = einvoice_from_pdf(invoice.pdf or b"")
    assert embedded is not None
    assert_passes(rules, embedded)
    quantities = etree.fromstring(embedded).xpath("//ram:BilledQuantity", namespaces=NS)
    assert [(q.text, q.get("unitCode")) for q in quantities] == [("12.5", "TNE")]
    assert amounts(embedded, "LineTotalAmount") == ["2319.13", "2319.13"]
    # 2,319.13 + freight 185.00 + insurance 12.37
    assert amounts(embedded, "GrandTotalAmount") == ["2516.50"]
    assert re.search(r"12\.500 t 吨\s+185\.53\s+2,319\.13", pdf_text(invoice.pdf or b""))


def test_a_shipment_within_the_tolerance_is_invoiced_on_what_shipped(
    app: Flask, rules: Rules
) -> None:
    # Issue 20: 12.5 t more or less 10 %; 13.75 t ship. 13.75 t x USD 185.53 = 2,551.0375,
    # rounded once half up to 2,551.04; the stored total, the PDF and the XML agree.
    trade = make_trade(currency="USD", price_from_minor=18_553, unit="TNE", moq=1)
    trade.product.incoterms.append(ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai"))
    db.session.flush()
    order = place_for(
        app,
        trade.purchaser,
        [(trade.product, Decimal("12.5"))],
        incoterm="CIF",
        incoterm_place="Shanghai",
        tolerance_percent=10,
    )
    accept(app, trade, order, freight=Decimal("185.00"), insurance=Decimal("12.37"))
    start_production(app, trade, order)
    record_shipment(app, trade, order, replace(sea_shipment(), lines=[LineInput(1, "13.75")]))
    (invoice,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    # 2,551.04 + freight 185.00 + insurance 12.37
    assert (order.total_minor, invoice.total_minor) == (274_841, 274_841)
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    embedded = einvoice_from_pdf(invoice.pdf or b"")
    assert embedded is not None
    assert_passes(rules, embedded)
    quantities = etree.fromstring(embedded).xpath("//ram:BilledQuantity", namespaces=NS)
    assert [(q.text, q.get("unitCode")) for q in quantities] == [("13.75", "TNE")]
    assert amounts(embedded, "LineTotalAmount") == ["2551.04", "2551.04"]
    assert amounts(embedded, "GrandTotalAmount") == ["2748.41"]
    assert re.search(r"13\.750 t 吨\s+185\.53\s+2,551\.04", pdf_text(invoice.pdf or b""))


def shipped_on_weight(
    app: Flask, trade: Trade, quantity: int, freight: Decimal, insurance: Decimal, percent: int
) -> Order:
    """As ``shipped_cif``, on weight terms: a provisional invoice at ``percent``."""
    order = place_for(
        app,
        trade.purchaser,
        [(trade.product, quantity)],
        incoterm="CIF",
        incoterm_place="Shanghai",
        provisional_percent=percent,
    )
    accept(app, trade, order, freight=freight, insurance=insurance)
    return advance(app, trade, order, OrderStatus.SHIPPED)


def test_provisional_final_and_credit_note_in_usd_pass(app: Flask, rules: Rules) -> None:
    # 500 kg x 3.75 + 185.00 + 12.37 = 2,072.37; 90 % = 1,865.133 -> 1,865.13 asked.
    trade = trade_in("USD", 375)
    order = shipped_on_weight(app, trade, 500, Decimal("185.00"), Decimal("12.37"), 90)
    (provisional,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    embedded = einvoice_from_pdf(provisional.pdf or b"")
    assert embedded is not None
    assert_passes(rules, embedded)
    assert amounts(embedded, "AllowanceTotalAmount") == ["207.24"]
    assert amounts(embedded, "GrandTotalAmount") == ["1865.13"]
    text = pdf_text(provisional.pdf or b"")
    assert "Provisional Commercial Invoice" in text and "-207.24" in text
    # At discharge 450 kg at 8 % moisture: 414 kg dry, 1,552.50 + 197.37 = 1,749.87, which
    # is 115.26 below the provisional invoice: the final asks nothing, a credit note gives.
    final = enter_outturn(app, trade, order, ("450", "8", None))
    xml = xml_of(final)
    assert_passes(rules, xml)
    assert amounts(xml, "GrandTotalAmount") == ["1749.87"]
    assert amounts(xml, "TotalPrepaidAmount") == ["1865.13"]
    assert amounts(xml, "DuePayableAmount") == ["-115.26"]
    (note,) = documents_of(order, DocumentKind.CREDIT_NOTE)
    assert_passes(rules, xml_of(note))
    assert amounts(xml_of(note), "GrandTotalAmount") == ["115.26"]
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    final_text = pdf_text(final.pdf or b"")
    assert "Final Commercial Invoice" in final_text and "Less provisional" in final_text
    assert "USD -1,865.13" in final_text and "USD 115.26" in final_text
    # It asks nothing: the amount due is nil, and the words say so, not the credit.
    assert "USD 0.00" in final_text and "ZERO" in final_text
    assert provisional.number in final_text


def test_a_final_invoice_in_yen_asks_the_balance_and_passes(app: Flask, rules: Rules) -> None:
    # 300 kg x 415 + 18,500 + 1,237 = 144,237 yen; 90 % = 129,813.3 -> 129,813.
    trade = trade_in("JPY", 415)
    order = shipped_on_weight(app, trade, 300, Decimal(18_500), Decimal(1_237), 90)
    (provisional,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    assert_passes(rules, xml_of(provisional))
    assert amounts(xml_of(provisional), "GrandTotalAmount") == ["129813"]
    # 290 kg x 415 + 19,737 = 140,087; less 129,813: 10,274 yen due.
    final = enter_outturn(app, trade, order, ("290", None, None))
    xml = xml_of(final)
    assert_passes(rules, xml)
    assert amounts(xml, "DuePayableAmount") == ["10274"]
    assert final.total_minor == 10_274


def test_provisional_and_final_invoices_in_kuwaiti_dinar_pass(app: Flask, rules: Rules) -> None:
    # 200 kg x 1.230 + 56.120 + 3.700 = 305.820; 50 % = 152.910.
    trade = trade_in("KWD", 1_230)
    order = shipped_on_weight(app, trade, 200, Decimal("56.12"), Decimal("3.7"), 50)
    (provisional,) = documents_of(order, DocumentKind.COMMERCIAL_INVOICE)
    assert_passes(rules, xml_of(provisional))
    assert amounts(xml_of(provisional), "GrandTotalAmount") == ["152.91"]
    # 190 kg x 1.230 + 59.820 = 293.520; less 152.910: 140.610 due.
    final = enter_outturn(app, trade, order, ("190", None, None))
    xml = xml_of(final)
    assert_passes(rules, xml)
    assert amounts(xml, "DuePayableAmount") == ["140.61"]


def test_two_lots_round_as_one_quantity_and_the_second_lot_passes(app: Flask, rules: Rules) -> None:
    # Issue 20 (found by a walk): 12.5 t at US$214.50 is US$2,681.25, paid in advance.
    # Shipped as two lots of 6.25 t, each rounded on its own (1,340.625 -> 1,340.63) they
    # billed a cent more and asked the buyer for US$0.01. The second lot now bills the
    # line with it less the line before it: 2,681.25 - 1,340.63 = 1,340.62.
    trade = make_trade(currency="USD", price_from_minor=21_450, unit="TNE", moq=1)
    db.session.flush()
    order = place_for(
        app, trade.purchaser, [(trade.product, Decimal("12.5"))], partial_shipments=True
    )
    accept(app, trade, order)
    start_production(app, trade, order)
    record_shipment(app, trade, order, replace(sea_shipment(), lines=[LineInput(1, "6.25")]))
    record_shipment(
        app,
        trade,
        order,
        replace(
            sea_shipment(),
            transport_document_number="COSU6301234568",
            lines=[LineInput(1, "6.25")],
            last_lot=True,
        ),
    )
    db.session.refresh(order)
    lots = sorted(documents_of(order, DocumentKind.COMMERCIAL_INVOICE), key=lambda d: d.id)
    assert [invoice.total_minor for invoice in lots] == [134_063, 134_062]
    assert (order.goods_total_minor, order.total_minor) == (268_125, 268_125)
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    second = einvoice_from_pdf(lots[1].pdf or b"")
    assert second is not None
    assert_passes(rules, second)
    assert amounts(second, "LineTotalAmount") == ["1340.62", "1340.62"]
    assert re.search(r"6\.250 t 吨\s+214\.50\s+1,340\.62", pdf_text(lots[1].pdf or b""))
