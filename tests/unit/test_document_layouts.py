"""The bilingual PDF layouts: what each trade document prints, read back from the PDF.

An order is placed, accepted and shipped through the services; each kind is rendered once
per module (WeasyPrint is slow) and its text extracted with ``pdftotext``. The Chinese
labels need the Debian font package ``fonts-noto-cjk`` to come out as Chinese text.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import weasyprint
from flask import Flask
from sqlalchemy.orm import scoped_session, sessionmaker
from weasyprint.urls import URLFetcherResponse

from app.documents import labels
from app.documents.layout import document_html
from app.documents.render import StaticOnlyFetcher
from app.documents.snapshot import build_snapshot
from app.extensions import db
from app.models import CompanyRole, DocumentKind, Incoterm, Order, ProductIncoterm, ProposalState
from app.services.audit.recording import Actor
from app.services.fulfilment import actions, proposals
from app.services.orders import cart
from app.services.orders.placing import OrderTerms, place_order
from app.services.payments import milestones as payments
from tests.builders.licences import licensed_trade, shipment_approval
from tests.factories import CompanyFactory, ProductFactory, UserFactory, this_weeks_rates

VERIFY_URL = "http://corridor.test/verify/TOKEN"
ISSUED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
BUYER_LOCAL_NAME = "上海五矿贸易有限公司"
HOSTILE = (
    '<img src="http://127.0.0.1:9/x">',
    '<a rel="attachment" href="file:///etc/passwd">x</a>',
    "<script>alert(1)</script>",
)


# The one thing a document asks for: the Chinese face cut at build time, from static/.
OWN_FONT = "corridor-static:/fonts/NotoSansCJKsc-Regular-GB2312.otf"


class RecordingFetcher(StaticOnlyFetcher):
    """The documents' own fetcher (our static files, nothing else), remembering each URL."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        self.fetched.append(url)
        return super().fetch(url, headers)


@dataclass
class Rendered:
    snapshot: dict[str, Any]
    html: str
    pdf: bytes
    seconds: float
    fetched: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return pdf_text(self.pdf, layout=True)

    @property
    def flat(self) -> str:
        """The text with every run of whitespace removed (wrapped cells join up)."""
        return re.sub(r"\s+", "", pdf_text(self.pdf, layout=False))

    @property
    def pages(self) -> list[str]:
        return self.text.split("\f")[:-1]

    @property
    def flat_pages(self) -> list[str]:
        return [
            re.sub(r"\s+", "", page) for page in pdf_text(self.pdf, layout=False).split("\f")[:-1]
        ]


def pdf_text(pdf: bytes, *, layout: bool) -> str:
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()


def render(snapshot: dict[str, Any]) -> Rendered:
    html = document_html(snapshot)
    fetcher = RecordingFetcher()
    started = time.perf_counter()
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    return Rendered(snapshot, html, pdf, time.perf_counter() - started, fetcher.fetched)


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Services run in a transaction rolled back at the end (module-wide, unlike db_session)."""
    with app.test_request_context("/"):
        connection = db.engine.connect()
        transaction = connection.begin()
        session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        original = db.session
        db.session = session
        try:
            yield
        finally:
            session.remove()
            transaction.rollback()
            connection.close()
            db.session = original


def _place(buyer: Actor, products: list[tuple[Any, int]], po: str) -> Order:
    for product, quantity in products:
        cart.set_cart_quantity(buyer, product, quantity)
    seller = products[0][0].seller
    assert buyer.user is not None
    licensed_trade(seller, buyer.user.company)  # the explosives are sold under licence
    return place_order(
        buyer,
        f"{seller.public_id}-USD",
        OrderTerms(
            incoterm="CIF",
            incoterm_place="Shanghai",
            destination_country="CN",
            destination_port="Shanghai",
            consignee="MCCT International, Room 1808, Lujiazui Finance Plaza, Shanghai",
            notify_party="Same as consignee",
            payment_terms="deposit_30_balance_70_bl",
            buyer_po_number=po,
        ),
    )


def _pay_deposit(order: Order) -> None:
    """The seller's finance records the 30 % deposit: production and shipment wait for it."""
    finance = UserFactory(company=order.seller, company_role=CompanyRole.FINANCE)
    deposit = order.milestones[0]
    payments.record_receipt(
        Actor(finance),
        deposit,
        payments.ReceiptInput(str(deposit.amount.amount), date.today(), "TT-DEPOSIT"),
    )


def _ship(seller: Actor, order: Order, packages: list[actions.PackageInput]) -> None:
    today = date.today()
    actions.accept(
        seller,
        order,
        confirmed_ship_date=today + timedelta(days=14),
        freight=Decimal("2400"),
        insurance=Decimal("123.45"),
    )
    # The charges are the seller's proposal: the buyer's purchaser agrees to them.
    proposal = proposals.open_proposal(order)
    assert proposal is not None
    proposals.move_proposal(Actor(order.placed_by), proposal, ProposalState.ACCEPTED)
    _pay_deposit(order)
    actions.start_production(seller, order)
    shipment_approval(order)  # MIIT's approval of this shipment to China
    actions.record_shipment(
        seller,
        order,
        actions.ShipmentInput(
            mode="sea",
            carrier="COSCO Shipping Lines",
            transport_document_number="COSU6300012345",
            port_of_loading="Karachi",
            port_of_discharge="Shanghai",
            etd=today + timedelta(days=2),
            eta=today + timedelta(days=19),
            net_weight_kg=Decimal("2100"),
            gross_weight_kg=Decimal("2111"),
            vessel="COSCO Pakistan",
            voyage="118E",
            container_numbers="CSNU6342117, TGHU1234567",
            packages=packages,
        ),
    )


def _products(seller_company: Any, **overrides: Any) -> list[Any]:
    cif = [ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai")]
    explosive = ProductFactory(
        seller=seller_company,
        dangerous=True,
        title=overrides.get("title", "Emulsion explosive cartridges 32 mm"),
        hs_code="360200",
        unit="KGM",
        moq=100,
        price_from_minor=250,
        units_per_package=25,
        net_weight_g=25_000,
        gross_weight_g=26_500,
        incoterms=cif,
    )
    chemical = ProductFactory(
        seller=seller_company,
        title="Porous prilled ammonium nitrate",
        hs_code="310230",
        unit="KGM",
        moq=1000,
        price_from_minor=41,
        units_per_package=1000,
        net_weight_g=1_000_000,
        gross_weight_g=1_002_500,
        un_number="UN1942",
        proper_shipping_name="AMMONIUM NITRATE",
        hazard_class="5.1",
        packing_group="III",
        incoterms=[ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai")],
    )
    ore = ProductFactory(
        seller=seller_company,
        title="Chromite ore lumps Cr2O3 40 %",
        hs_code="261000",
        unit="TNE",
        moq=1,
        price_from_minor=18_550,
        incoterms=[ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai")],
    )
    return [explosive, chemical, ore]


KINDS = list(DocumentKind)


@pytest.fixture(scope="module")
def documents(app: Flask) -> dict[str, Rendered]:
    """Each kind rendered once for a shipped order; plus a hostile order's invoice."""
    rendered: dict[str, Rendered] = {}
    with rolled_back(app):
        this_weeks_rates()
        seller_company = CompanyFactory(
            legal_name="Indus Blasting Supplies (Pvt) Ltd",
            address="Plot 12, Sector 7-A\nKorangi Industrial Area",
            city="Karachi",
            postal_code="74900",
            tax_id="1234567-8",
            sales_tax_registration="3277876123456",
            bank_beneficiary="Indus Blasting Supplies (Pvt) Ltd",
            bank_name="Habib Bank Limited",
            bank_account="PK36HABB0000001123456702",
            bank_swift="HABBPKKA",
            bank_address="I.I. Chundrigar Road, Karachi",
        )
        seller = Actor(UserFactory(company=seller_company, company_role=CompanyRole.SALES))
        buyer_company = CompanyFactory(
            chinese_buyer=True,
            legal_name="Shanghai Minmetals Trading Co., Ltd.",
            legal_name_local=BUYER_LOCAL_NAME,
        )
        buyer = Actor(UserFactory(company=buyer_company, company_role=CompanyRole.PURCHASER))
        explosive, chemical, ore = _products(seller_company)
        order = _place(buyer, [(explosive, 100), (chemical, 2000), (ore, 20)], "MCCT-PO-2026-101")
        _ship(
            seller,
            order,
            [
                actions.PackageInput(
                    count=4, marks="MCCT / SHANGHAI\nCO / 1-4", package_type="box",
                    contents=explosive.title, net_weight_kg=Decimal("100"),
                    gross_weight_kg=Decimal("106"),
                ),
                actions.PackageInput(
                    count=2, marks="MCCT / SHANGHAI\nAN / 5-6", package_type="bag",
                    contents=chemical.title, net_weight_kg=Decimal("2000"),
                    gross_weight_kg=Decimal("2005"),
                ),
            ],
        )  # fmt: skip
        # Dimensions are not asked by the shipment form yet; the packing list prints them.
        first, second = order.shipments[0].packages
        first.length_mm, first.width_mm, first.height_mm = 400, 300, 250
        second.length_mm, second.width_mm, second.height_mm = 1100, 1100, 1200
        db.session.flush()
        db.session.expire_all()
        for kind in KINDS:
            snapshot = build_snapshot(
                kind,
                order,
                number=f"IB-{kind.name[:2]}-2026-000007",
                issued_at=ISSUED_AT,
                verify_url=VERIFY_URL,
                related={"commercial_invoice": "IB-CI-2026-000042"},
                credit={
                    "invoice_number": "IB-CI-2026-000042",
                    "invoice_issued_on": "2026-11-20",
                    "reason": "Two boxes damaged in transit",
                    "amount_minor": 12_345,
                },
            )
            rendered[kind.value] = render(snapshot)

        # A title and a company name holding markup must print as text, never act.
        hostile_seller = CompanyFactory(legal_name=f"Hostile {HOSTILE[1]} Ltd")
        hostile_product = ProductFactory(
            seller=hostile_seller,
            title=f"Gear {HOSTILE[0]} {HOSTILE[2]}",
            incoterms=[ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai")],
        )
        hostile_order = _place(buyer, [(hostile_product, 100)], "PO-HOSTILE")
        rendered["hostile"] = render(
            build_snapshot(
                DocumentKind.COMMERCIAL_INVOICE,
                hostile_order,
                number="HO-CI-2026-000001",
                issued_at=ISSUED_AT,
                verify_url=VERIFY_URL,
            )
        )
    return rendered


@pytest.fixture(scope="module")
def long_invoice(app: Flask, documents: dict[str, Rendered]) -> Rendered:
    """The commercial invoice with 200 lines (the snapshot is data: lines copied)."""
    snapshot = dict(documents["commercial_invoice"].snapshot)
    template = snapshot["lines"][0]
    lines = [
        {**template, "no": n, "title": f"Emulsion cartridges lot {n:03d}", "quantity": n,
         "line_total_minor": n * template["unit_price_minor"]}
        for n in range(1, 201)
    ]  # fmt: skip
    goods = sum(line["line_total_minor"] for line in lines)
    amounts = dict(snapshot["amounts"])
    amounts["goods_minor"] = goods
    amounts["total_minor"] = goods + amounts["freight_minor"] + amounts["insurance_minor"]
    snapshot.update(lines=lines, amounts=amounts)
    with app.test_request_context("/"):
        return render(snapshot)


def test_every_kind_fetches_nothing_but_our_own_font(documents: dict[str, Rendered]) -> None:
    for kind in KINDS:
        doc = documents[kind.value]
        assert doc.pdf.startswith(b"%PDF"), kind
        assert doc.fetched == [OWN_FONT], kind
        assert re.findall(r"url\(([^)]*)\)", doc.html) == [f'"{OWN_FONT}"'], kind
        assert not re.search(r"\b(src|href)\s*=|@import", doc.html), kind
        assert "<link" not in doc.html and "<img" not in doc.html and "<script" not in doc.html


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
def test_every_document_carries_parties_numbers_and_verification(
    documents: dict[str, Rendered], kind: DocumentKind
) -> None:
    doc = documents[kind.value]
    text, flat = doc.text, doc.flat
    snap = doc.snapshot
    title_en, title_zh = snap["title"]
    assert title_en in text and title_zh in text
    assert snap["number"] in text
    assert "27 Nov 2026" in text
    assert snap["order"]["reference"] in text and "MCCT-PO-2026-101" in text
    assert "Indus Blasting Supplies (Pvt) Ltd" in text
    assert "Shanghai Minmetals Trading Co., Ltd." in text
    assert BUYER_LOCAL_NAME in text
    assert "NTN: 1234567-8" in text
    assert f"USCC: {snap['buyer']['tax_id']}" in text
    assert "Korangi Industrial Area" in text and "Pakistan" in text and "China" in text
    assert VERIFY_URL in text and "扫描二维码" in flat
    assert "<svg" in doc.html and 'class="segno"' in doc.html
    for number, page in enumerate(doc.pages, start=1):
        assert f"Page {number} of {len(doc.pages)}" in page
        assert snap["number"] in page


def test_proforma_invoice(documents: dict[str, Rendered]) -> None:
    doc = documents["proforma_invoice"]
    text, flat, snap = doc.text, doc.flat, doc.snapshot
    assert "形式发票" in text and "Invoice No. 发票号码" in text
    assert "CIF Shanghai, Incoterms® 2020" in text
    # The terms wrap beside "Delivery period", which plain text reads between their lines.
    assert "30%deposit,70%balanceagainst" in flat and "copyofB/L30%定金" in flat
    for line in snap["lines"]:
        assert re.sub(r"\s+", "", line["title"]) in flat
        assert line["hs_code"] in text
    assert re.search(r"360200\s+Pakistan\s+100\.000 kg 千克\s+2\.50\s+250\.00", text)
    assert re.search(r"310230\s+Pakistan\s+2,000\.000 kg 千克\s+0\.41\s+820\.00", text)
    assert re.search(r"261000\s+Pakistan\s+20\.000 t 吨\s+185\.50\s+3,710\.00", text)
    # Goods 4,780.00 + freight 2,400.00 + insurance 123.45 = 7,303.45.
    assert sum(line["line_total_minor"] for line in snap["lines"]) == 478_000
    assert re.search(r"Goods 货物金额\s+USD 4,780\.00", text)
    assert re.search(r"Freight 运费\s+USD 2,400\.00", text)
    assert re.search(r"Insurance 保险费\s+USD 123\.45", text)
    assert re.search(r"Total 总计\s+USD 7,303\.45", text)
    for bank in ("Habib Bank Limited", "PK36HABB0000001123456702", "HABBPKKA"):
        assert bank in text
    assert re.search(r"Valid until 有效期至\s+27 Dec 2026", text)
    ship_by = date.fromisoformat(snap["delivery_period"]["ship_by"])
    assert f"Shipby最迟装运日期:{ship_by.day}{ship_by:%b%Y}" in flat


def test_proforma_without_bank_details_says_so(app: Flask, documents: dict[str, Rendered]) -> None:
    snapshot = dict(documents["proforma_invoice"].snapshot)
    snapshot["seller"] = {**snapshot["seller"], "bank": None}
    snapshot["amounts"] = {**snapshot["amounts"], "insurance_minor": 0}
    with app.test_request_context("/"):
        html = document_html(snapshot)
    assert "Bank details on request" in html and "HABBPKKA" not in html
    assert "Insurance" not in html and "Freight" in html


def test_commercial_invoice_has_the_section_23_particulars(documents: dict[str, Rendered]) -> None:
    doc = documents["commercial_invoice"]
    text, flat, snap = doc.text, doc.flat, doc.snapshot
    assert "商业发票" in text and re.search(rf"Serial No\. 序列号\s+{snap['number']}", text)
    assert "SalesTaxReg.No.销售税登记号:3277876123456" in flat
    # Per line: HS code, origin, quantity, unit price, value excl. tax, rate, tax, value incl.
    assert re.search(
        r"360200\s+Pakistan\s+100\.000 kg 千克\s+2\.50\s+250\.00\s+0%\s+0\.00\s+250\.00", text
    )
    assert re.search(
        r"310230\s+Pakistan\s+2,000\.000 kg 千克\s+0\.41\s+820\.00\s+0%\s+0\.00\s+820\.00", text
    )
    assert re.search(
        r"261000\s+Pakistan\s+20\.000 t 吨\s+185\.50\s+3,710\.00\s+0%\s+0\.00\s+3,710\.00", text
    )
    assert "Zero-ratedexportsupplyundersection4(a)oftheSalesTaxAct,1990" in flat
    amounts = snap["amounts"]
    lines_total = sum(line["line_total_minor"] for line in snap["lines"])
    assert lines_total == amounts["goods_minor"] == 478_000
    assert (
        lines_total + amounts["freight_minor"] + amounts["insurance_minor"] + amounts["tax_minor"]
        == amounts["total_minor"]
        == 730_345
    )
    assert re.search(r"Goods 货物金额\s+USD 4,780\.00", text)
    assert re.search(r"Freight 运费\s+USD 2,400\.00", text)
    assert re.search(r"Insurance 保险费\s+USD 123\.45", text)
    assert re.search(r"Sales tax 销售税 0%\s+USD 0\.00", text)
    assert re.search(r"Total 总计\s+USD 7,303\.45", text)
    assert "CIF Shanghai, Incoterms® 2020" in text
    # The terms wrap beside "Delivery period", which plain text reads between their lines.
    assert "30%deposit,70%balanceagainst" in flat and "copyofB/L30%定金" in flat
    for value in ("COSCO Pakistan / 118E", "COSU6300012345", "CSNU6342117, TGHU1234567"):
        assert value in text
    assert re.search(r"Port of loading 装货港\s+Karachi", text)
    assert re.search(r"Port of discharge 卸货港\s+Shanghai", text)
    assert "MCCT/SHANGHAICO/1-4" in flat and "MCCT/SHANGHAIAN/5-6" in flat
    assert re.search(r"1–4\s+MCCT / SHANGHAI\s+4 Cartons", text)
    assert "Netweight净重2,100.000kg" in flat and "Grossweight毛重2,111.000kg" in flat
    assert (
        "Wedeclarethatthisinvoiceshowstheactualpriceofthegoodsdescribedandthatall"
        "particularsaretrueandcorrect." in flat
    )
    assert "ForandonbehalfofIndusBlastingSupplies(Pvt)Ltd" in flat.replace("代表", "")
    assert "Authorised signatory" in text


def test_packing_list_has_packages_and_no_prices(documents: dict[str, Rendered]) -> None:
    doc = documents["packing_list"]
    text, flat = doc.text, doc.flat
    assert "装箱单" in text
    assert re.search(r"Invoice No\. 发票号码\s+IB-CI-2026-000042", text)
    assert "COSU6300012345" in text and "COSCO Pakistan / 118E" in text
    assert "CSNU6342117, TGHU1234567" in text
    assert re.search(r"Port of loading 装货港\s+Karachi", text)
    assert re.search(r"1–4\s+4 Cartons", text) and re.search(r"5–6\s+2 Bags", text)
    assert "MCCT/SHANGHAICO/1-4" in flat and "Emulsionexplosivecartridges32mm" in flat
    assert re.search(r"100\.000 kg\s+106\.000 kg\s+400×300×250\s+0\.120 m³", text)
    # 1.1 x 1.1 x 1.2 m, two bags: 2.904 m³.
    assert re.search(r"2,000\.000 kg\s+2,005\.000 kg\s+1100×1100×1200\s+2\.904 m³", text)
    assert re.search(r"Total\b[^\n]*?\s6\s+2,100\.000 kg\s+2,111\.000 kg\s+3\.024 m³", text)
    for price in ("2.50", "250.00", "4,780.00", "7,303.45", "USD", "0.41"):
        assert price not in text
    assert "Unit price" not in text and "Amount" not in text


def test_certificate_of_origin_fills_the_thirteen_boxes(documents: dict[str, Rendered]) -> None:
    doc = documents["certificate_of_origin"]
    text, flat = doc.text, doc.flat
    assert "原产地证书" in text
    for page in doc.pages:
        assert "DRAFT — application for the issuing authority 草稿" in page
    boxes = [
        "Exporter(name,address,country)", "Consignee(name,address,country)",
        "Meansoftransportandroute", "Forofficialuseonly", "Itemnumber",
        "Marksandnumbersofpackages", "Numberandkindofpackages;descriptionofgoods",
        "HScode(6digits)", "Origincriterion", "Grossweightorotherquantity,andFOBvalue",
        "Numberanddateofinvoice", "Declarationbytheexporter", "Certification",
    ]  # fmt: skip
    for number, box in enumerate(boxes, start=1):
        assert f"{number}{box}" in flat, box
    assert "MCCTInternational,Room1808" in flat
    assert "Sea 海运: COSCO Pakistan / 118E" in text and "Karachi -> Shanghai" in text
    etd = date.fromisoformat(doc.snapshot["shipment"]["etd"])
    assert f"ETD 预计开航日期: {etd.day} {etd:%b %Y}" in text
    assert re.search(r"\b360200\s+RVC 40%\s+100\.000 kg 千克\s+IB-CI-2026-000042", text)
    assert re.search(r"\b310230\s+RVC 40%\s+2,000\.000 kg 千克", text)
    assert re.search(r"\b261000\s+WO\s+20\.000 t 吨", text)
    assert "USD 250.00" in text and "USD 3,710.00" in text and "USD 4,780.00" in text
    assert "4Cartons纸箱;Emulsionexplosive" in flat and "2Bags袋;Porousprilled" in flat
    assert "106.000 kg" in text and "Grossweight毛重2,111.000kg" in flat
    assert "producedinPakistan" in flat and "exportedtoChina" in flat
    assert "Placeanddate地点和日期:Karachi,27Nov2026" in flat


def test_shipping_marks_one_label_per_package(documents: dict[str, Rendered]) -> None:
    doc = documents["shipping_marks"]
    pages = doc.pages
    reference = doc.snapshot["order"]["reference"]
    # Six to a sheet, two across: four labels under the header on the first, two after.
    assert len(pages) == 2
    assert [re.findall(r"Package (\d) of 6", page) for page in pages] == [
        ["1", "2", "3", "4"],
        ["5", "6"],
    ]
    for n in range(1, 7):
        assert f"第{n}件，共6件" in doc.text
    destination = r"Destination 目的地\s+Shanghai, China"
    assert [len(re.findall(destination, page)) for page in pages] == [4, 2]
    assert pages[1].count(reference) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of 2" in page
    ids = [f"{reference}-001-{k}" for k in range(1, 5)] + [
        f"{reference}-002-1",
        f"{reference}-002-2",
    ]
    for package_id in ids[:4]:
        assert package_id in pages[0]
    for package_id in ids[4:]:
        assert package_id in pages[1]
    # 100 kg net over 4 boxes: 25 kg each; 2,005 kg gross over 2 bags.
    assert pages[0].count("25.000 kg") == 4 and pages[0].count("26.500 kg") == 4
    assert pages[1].count("1,000.000 kg") == 2 and pages[1].count("1,002.500 kg") == 2
    assert doc.flat_pages[0].count("MCCT/SHANGHAI") == 4 and "CO/1-4" in doc.flat_pages[0]
    assert doc.html.count('class="code128"') == 6
    assert "<?xml" not in doc.html and "DOCTYPE" not in doc.html.upper().replace(
        "<!DOCTYPE HTML>", ""
    )


def _bars(svg: str) -> str:
    """The modules (1: bar, 0: space) a barcode's path draws, quiet zones included."""
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))  # type: ignore[union-attr]
    modules = ["0"] * width
    for x, w in re.findall(r"M(\d+) 0h(\d+)v", svg):
        modules[int(x) : int(x) + int(w)] = ["1"] * int(w)
    return "".join(modules)


def test_barcode_is_one_path_of_code_128() -> None:
    from app.documents.layout import barcode_svg

    svg = str(barcode_svg("CO-000042-001-3"))
    assert svg.count("<path") == 1 and "<rect" not in svg and "CO-000042" not in svg
    bars = _bars(svg)
    quiet = "0" * 10  # the quiet zone Code 128 asks for, each side
    assert bars.startswith(quiet + "11010010000")  # START B
    assert bars.endswith("1100011101011" + quiet)  # STOP
    # 0.2 mm a module, 10 mm tall.
    assert f'width="{len(bars) * 0.2:.1f}mm"' in svg and 'height="10.0mm"' in svg


def test_barcode_refuses_what_is_not_a_package_id() -> None:
    from app.documents.layout import barcode_svg

    assert "<path" in barcode_svg("CO-000042-001-3")
    for bad in ('x"><script>', "", "a b", "-lead"):
        with pytest.raises(ValueError):
            barcode_svg(bad)


def test_dangerous_goods_declaration(documents: dict[str, Rendered]) -> None:
    doc = documents["dangerous_goods"]
    text, flat = doc.text, doc.flat
    assert "危险货物申报单" in text
    # IMDG 5.4.1.4.1 order: UN number, proper shipping name, class, subsidiary risk, PG;
    # then packages and quantity; for class 1 the total net explosive mass (4 x 25 kg).
    assert re.search(
        r"UN0241, EXPLOSIVE, BLASTING, TYPE E, 1\.5D, —\s+4 Cartons 纸箱; 100\.000 kg 千克\s+100\.000 kg",
        text,
    )
    assert re.search(
        r"UN1942, AMMONIUM NITRATE, 5\.1, —, PG III\s+2 Bags 袋; 2,000\.000 kg 千克\s+—", text
    )
    assert "Chromite" not in text and "261000" not in text
    for value in ("COSCO Pakistan / 118E", "COSU6300012345", "CSNU6342117, TGHU1234567"):
        assert value in text
    assert re.search(r"Port of loading 装货港\s+Karachi", text)
    # The shipper is named once, in its party box (the name on the line below the label).
    assert text.count("Shipper 发货人") == 1
    assert re.search(r"Shipper 发货人[^\n]*\n\s*Indus Blasting Supplies \(Pvt\) Ltd", text)
    assert re.search(r"Consignee 收货人\s+MCCT International,", text)
    assert re.sub(r"\s+", "", labels.DG_DECLARATION[0]) in flat
    assert "Authorised signatory" in text and "Signature 签字" in text


def test_credit_note(documents: dict[str, Rendered]) -> None:
    text = documents["credit_note"].text
    assert "贷项通知单" in text
    assert re.search(r"Invoice corrected 所更正发票\s+IB-CI-2026-000042", text)
    assert re.search(r"Invoice date 发票日期\s+20 Nov 2026", text)
    assert re.search(r"Reason 原因\s+Two boxes damaged in transit", text)
    assert re.search(r"Amount credited 贷记金额\s+USD 123\.45", text)


def test_money_follows_the_currency_exponent() -> None:
    from app.documents.layout import cbm, day, kg, money

    assert money(1_234_560, "USD") == "12,345.60"
    assert money(1_234_560, "JPY") == "1,234,560"
    assert money(1_234_560, "KWD") == "1,234.560"
    assert kg(1_234_500) == "1,234.500 kg"
    assert cbm(12_345) == "12.345 m³"
    assert day("2026-11-27") == "27 Nov 2026"


def test_quantities_print_to_their_units_decimals_as_the_pages_do(app: Flask) -> None:
    # Issue 20: a document prints a quantity's figure exactly as an English page's
    # ``quantity`` filter does (snapshots keep it as text, old ones as a whole number), then
    # the unit as people read it in English and Chinese, where the page says it in English.
    from app.documents.bilingual import quantity

    zh = '<span class="zh" lang="zh-Hans">{}</span>'.format
    cases = [
        ("12.5", "TNE", f"12.500 t {zh('吨')}", "12.500 t"),
        ("2480.35", "TNE", f"2,480.350 t {zh('吨')}", "2,480.350 t"),
        (200, "KGM", f"200.000 kg {zh('千克')}", "200.000 kg"),
        ("1200", "PCE", f"1,200 pcs {zh('件')}", "1,200 pieces"),
        ("1", "PCE", f"1 pc {zh('件')}", "1 piece"),
        ("2", "SET", f"2 sets {zh('套')}", "2 sets"),
        (Decimal("0.75"), "MTQ", f"0.750 m³ {zh('立方米')}", "0.750 m³"),
        ("12.5", "XYZ", "12.500 XYZ", "12.500 XYZ"),  # a code without words prints as is
    ]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        filter_ = app.jinja_env.filters["quantity"]
        for value, unit, printed, on_page in cases:
            assert quantity(value, unit) == printed
            assert filter_(Decimal(value), unit) == on_page
    assert quantity(None, "TNE") == "—"


def test_two_hundred_lines_paginate_with_repeated_headers(long_invoice: Rendered) -> None:
    pages = long_invoice.pages
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    flat_pages = long_invoice.flat_pages
    pages_with_lines = [page for page in flat_pages if "Emulsioncartridgeslot" in page]
    assert len(pages_with_lines) >= 4
    for page in pages_with_lines:
        assert "Valueexcl.salestax" in page and "不含税金额" in page
    assert "Emulsioncartridgeslot001" in flat_pages[0]
    assert "Emulsioncartridgeslot200" in "".join(flat_pages[-2:])
    assert "Emulsioncartridgeslot200" not in flat_pages[0]
    # 2.50 x (1 + 2 + ... + 200) = 50,250.00, plus 2,400.00 freight and 123.45 insurance.
    assert re.search(r"Goods 货物金额\s+USD 50,250\.00", long_invoice.text)
    assert re.search(r"Total 总计\s+USD 52,773\.45", long_invoice.text)


def test_markup_in_user_text_is_printed_not_obeyed(documents: dict[str, Rendered]) -> None:
    doc = documents["hostile"]
    assert doc.fetched == [OWN_FONT]
    for snippet in HOSTILE:
        assert snippet not in doc.html
        assert re.sub(r"\s+", "", snippet) in doc.flat
    assert "&lt;img src=&#34;http://127.0.0.1:9/x&#34;&gt;" in doc.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in doc.html
    assert b"/EmbeddedFile" not in doc.pdf and b"/URI" not in doc.pdf


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.value)
def test_a_document_before_shipment_still_lays_out(
    app: Flask, documents: dict[str, Rendered], kind: DocumentKind
) -> None:
    """The proforma is issued on acceptance, before any shipment exists."""
    snapshot = {**documents[kind.value].snapshot, "shipment": None, "related": {}}
    with app.test_request_context("/"):
        html = document_html(snapshot)
    assert snapshot["number"] in html and "COSU6300012345" not in html
