"""Every document kind at the extremes, read back from its PDF: nothing overlaps, nothing
runs off the page, no page holds only headings.

The order has 200 lines of 300-character names (English, Chinese and Urdu), 9,999,999.999 kg
shipments, twelve-digit amounts, the longest names a company may have, a logo and a stamp.
Each kind is rendered once (WeasyPrint takes seconds at 200 lines) by the production path
(``document_pdf``: PDF/A-3b, e-invoice attached, time and memory bounds) and its characters
are read back with pdfplumber.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pdfplumber
import pytest
from flask import Flask
from PIL import Image, ImageDraw

from app.documents import labels
from app.documents.pdf import document_pdf
from app.documents.snapshot import build_snapshot
from app.models import (
    Company,
    CompanyLetterhead,
    DocumentKind,
    Incoterm,
    Order,
    OrderLine,
    PaymentTerms,
    Shipment,
    ShipmentMode,
    ShipmentPackage,
    StoredFile,
)

ISSUED_AT = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
LINES = 200
HEAVIEST_G = 9_999_999_999  # 9,999,999.999 kg
QUANTITY = 9_999_999
UNIT_PRICE_MINOR = 9_999_999  # 99,999.99 USD
MM = 72 / 25.4
MARGIN_X = 12 * MM  # the pages' left and right margins (templates/documents/_base.html)
FOOTER_FROM_BOTTOM = 16 * MM
TOLERANCE = 1.0  # points: glyph boxes of neighbouring letters may touch or kern


def _words(text: str, length: int) -> str:
    """``text`` repeated to exactly ``length`` characters."""
    return (text * (length // len(text) + 1))[:length]


ENGLISH_300 = _words("Emulsion explosive cartridges 32 mm × 400 mm, Class 1.1D, ", 300)
CHINESE_300 = _words("乳化炸药药卷三十二毫米规格用于露天矿山爆破作业，", 300)
URDU_300 = _words("ایمولشن دھماکہ خیز مواد کارتوس، کان کنی کے لیے، ", 300)
NAME_200 = _words("Wah Nobel Chemicals and Industrial Explosives (Private) Limited ", 200)


def _picture(colour: str) -> bytes:
    image = Image.new("RGBA", (600, 240), (255, 255, 255, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 230, 230), outline=colour, width=12)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


PICTURES = {"logo": _picture("navy"), "stamp": _picture("red")}


def _company(name: str, local: str, country: str, city: str) -> Company:
    return Company(
        legal_name=name,
        legal_name_local=local,
        country=country,
        address=_words("Plot 17-B, Industrial Estate Road, Sector 5, ", 400),
        city=city,
        postal_code="47040",
        tax_id="1234567-8" if country == "PK" else "91310000MA1FL8XQ37",
        sales_tax_registration="3277876175852" if country == "PK" else None,
        contact_email="documents@example.com",
        bank_beneficiary=name,
        bank_name=_words("Standard Chartered Bank (Pakistan) Limited ", 200),
        bank_account="PK36SCBL0000001123456702",
        bank_swift="SCBLPKKXXXX",
        bank_address=_words("I.I. Chundrigar Road, Karachi, ", 300),
    )


def _line(n: int) -> OrderLine:
    title = (ENGLISH_300, CHINESE_300, URDU_300)[n % 3]
    dangerous = n % 3 == 1
    return OrderLine(
        line_no=n,
        title=title,
        hs_code="3602001000",
        origin_country="PK",
        unit="KGM",
        quantity=QUANTITY,
        unit_price_minor=UNIT_PRICE_MINOR,
        line_total_minor=QUANTITY * UNIT_PRICE_MINOR,
        lead_time_days=365,
        units_per_package=25,
        net_weight_g=HEAVIEST_G,
        gross_weight_g=HEAVIEST_G,
        un_number="UN0241" if dangerous else None,
        proper_shipping_name=_words("EXPLOSIVE, BLASTING, TYPE E ", 200) if dangerous else None,
        hazard_class="1.5D" if dangerous else None,
        packing_group=None,
        # 24.999 kg in each of 400,000 packages: 9,999,960 kg of explosives on the line.
        net_explosive_mass_g=24_999 if dangerous else None,
    )


def _packages(count: int, per_package: int) -> list[ShipmentPackage]:
    return [
        ShipmentPackage(
            package_no=n,
            count=per_package,
            package_type="drum",
            marks=_words("WNC/MCCT 卡拉奇 کراچی ", 300),
            contents=(ENGLISH_300, CHINESE_300, URDU_300)[n % 3],
            net_weight_g=HEAVIEST_G,
            gross_weight_g=HEAVIEST_G,
            length_mm=12_000,
            width_mm=2_400,
            height_mm=2_600,
        )
        for n in range(1, count + 1)
    ]


def extreme_snapshot(kind: DocumentKind) -> dict[str, Any]:
    """An order at every limit, as ``kind`` freezes it (built in memory, as the sample)."""
    seller = _company(NAME_200, _words("واہ نوبل کیمیکلز لمیٹڈ ", 200), "PK", "Wah Cantt")
    buyer = _company(
        _words("MCCT China Metals and Minerals Import and Export Trading Co., Ltd. ", 200),
        _words("上海五矿进出口贸易有限公司", 200),
        "CN",
        "Shanghai",
    )
    lines = [_line(n) for n in range(1, LINES + 1)]
    goods = sum(line.line_total_minor for line in lines)
    order = Order(
        id=1,
        seller=seller,
        buyer=buyer,
        buyer_po_number="PO-" + "9" * 37,
        currency="USD",
        incoterm=Incoterm.CIF,
        incoterm_place="Shanghai Pt (CNSHG)",
        destination_country="CN",
        destination_port="Shanghai Pt (CNSHG)",
        consignee=_words("上海五矿进出口贸易有限公司 MCCT Room 1808 Lujiazui ", 1000),
        notify_party=_words("Same as consignee, 同收货人 ", 1000),
        payment_terms=PaymentTerms.DEPOSIT_BALANCE_BL,
        placed_at=ISSUED_AT,
        confirmed_ship_date=date(2026, 12, 20),
        goods_total_minor=goods,
        freight_minor=999_999_999_999,
        insurance_minor=999_999_999_999,
        total_minor=goods + 2 * 999_999_999_999,
        lines=lines,
    )
    # Shipping marks print one label per physical package: nine, not two hundred thousand.
    packages = _packages(3, 3) if kind is DocumentKind.SHIPPING_MARKS else _packages(LINES, 1000)
    order.shipments = [
        Shipment(
            mode=ShipmentMode.SEA,
            carrier=_words("COSCO Shipping Lines ", 100),
            vessel=_words("COSCO Pakistan ", 100),
            voyage="V" * 40,
            transport_document_number="COSU" + "6" * 56,
            container_numbers=" ".join(f"CSNU{n:07d}" for n in range(1, 60)),
            port_of_loading="Muhammad Bin Qasim/Karachi (PKBQM)",
            port_of_discharge="Shanghai Pt (CNSHG)",
            etd=date(2026, 12, 20),
            eta=date(2027, 1, 10),
            net_weight_g=HEAVIEST_G,
            gross_weight_g=HEAVIEST_G,
            recorded_at=ISSUED_AT,
            packages=packages,
        )
    ]
    stored = StoredFile(public_id="picture", sha256="0" * 64)
    letterhead = CompanyLetterhead(
        signatory_name=_words("Muhammad Imran Qureshi ", 120),
        signatory_title=_words("General Manager Exports and Shipping ", 120),
        signing_place="Wah Cantt",
        logo=stored,
        stamp=stored,
    )
    return build_snapshot(
        kind,
        order,
        number="WNC-CI-2026-000042",
        issued_at=ISSUED_AT,
        verify_url="https://corridor.example/verify/" + "T" * 43,
        related={"commercial_invoice": "WNC-CI-2026-000041"},
        credit={
            "invoice_number": "WNC-CI-2026-000041",
            "invoice_issued_on": "2026-11-20",
            "reason": _words("Short shipment of 1,000 drums; 短装一千桶；ایک ہزار ڈرم کم ", 1000),
            "amount_minor": 99_999_999_999_999,
        },
        letter_of_credit={
            "number": "LC" + "0" * 14,
            "issuing_bank": _words("Bank of China Shanghai Branch ", 200),
            "goods_description": _words("EMULSION EXPLOSIVES AS PER PROFORMA ", 1000),
        },
        letterhead=letterhead,
    )


# Reading the PDF back --------------------------------------------------------------------


def _skipped(char: dict[str, Any]) -> bool:
    # Combining marks sit over their base letter by design (Urdu vowel signs).
    return not char["text"].strip() or unicodedata.category(char["text"][:1]) in ("Mn", "Me")


def em_box(char: dict[str, Any], page_height: float) -> dict[str, Any]:
    """The glyph's box from its baseline and size (0.8 em up, 0.2 em down).

    pdfminer's own boxes take each font's ascent and descent: Noto Naskh Arabic's are so
    tall that an Urdu letter's box reaches into the lines above and below it, though the
    drawn glyphs stay apart (checked by eye with pdftoppm).
    """
    baseline = page_height - char["matrix"][5]
    size = char["size"]
    return {**char, "top": baseline - 0.8 * size, "bottom": baseline + 0.2 * size}


def overlapping_chars(chars: list[dict[str, Any]], page_height: float) -> list[tuple[str, str]]:
    """Pairs of glyphs whose boxes overlap by more than the tolerance both ways."""
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    kept = [em_box(c, page_height) for c in chars if not _skipped(c)]
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for index, char in enumerate(kept):
        cells = {
            (int(x // 20), int(y // 20))
            for x in (char["x0"], char["x1"])
            for y in (char["top"], char["bottom"])
        }
        for cell in cells:
            for other_index in grid[cell]:
                other = kept[other_index]
                width = min(char["x1"], other["x1"]) - max(char["x0"], other["x0"])
                height = min(char["bottom"], other["bottom"]) - max(char["top"], other["top"])
                if width > TOLERANCE and height > TOLERANCE:
                    found[(other_index, index)] = (char["text"], other["text"])
            grid[cell].append(index)
    return list(found.values())


def chars_across_borders(page: Any) -> list[str]:
    """Glyphs that a table's vertical rule runs through (a figure out of its cell)."""
    rules = [e for e in page.edges if e["orientation"] == "v"]
    crossing = []
    for char in (c for c in page.chars if not _skipped(c)):
        for rule in rules:
            inside_x = char["x0"] + TOLERANCE < rule["x0"] < char["x1"] - TOLERANCE
            overlap_y = min(char["bottom"], rule["bottom"]) - max(char["top"], rule["top"])
            if inside_x and overlap_y > TOLERANCE:
                crossing.append(char["text"])
                break
    return crossing


def _label_words() -> set[str]:
    texts = [*labels.FIELDS.values(), *labels.TITLES.values()]
    return {word for pair in texts for text in pair for word in text.split()}


LABEL_WORDS = _label_words()


def content_words(page: Any) -> list[str]:
    """Words on the page that are neither a fixed heading nor the running footer."""
    footer_top = page.height - FOOTER_FROM_BOTTOM
    return [
        word["text"]
        for word in page.extract_words()
        if word["top"] < footer_top and word["text"] not in LABEL_WORDS
    ]


def layout_problems(pages: list[Any], *, first_from: float = 0.0) -> list[str]:
    """Overlapping glyphs, text across rules or off the page, pages of headings only;
    on the first page only what is below ``first_from`` (points from the top)."""
    problems: list[str] = []
    for number, page in enumerate(pages, start=1):
        if number == 1 and first_from:
            page = page.filter(lambda obj: obj.get("top", 0) >= first_from)
        chars = page.chars
        if overlaps := overlapping_chars(chars, page.height):
            problems.append(f"page {number}: {len(overlaps)} overlaps, e.g. {overlaps[:3]}")
        if crossing := chars_across_borders(page):
            problems.append(f"page {number}: text across rules: {''.join(crossing[:40])}")
        outside = [
            c["text"]
            for c in chars
            if c["x0"] < MARGIN_X - TOLERANCE
            or c["x1"] > page.width - MARGIN_X + TOLERANCE
            or c["top"] < 0
            or c["bottom"] > page.height
        ]
        if outside:
            problems.append(f"page {number}: off the page: {''.join(outside[:40])}")
        if number < len(pages) and not content_words(page):
            problems.append(f"page {number}: headings only")
    return problems


@pytest.mark.parametrize("kind", list(DocumentKind), ids=lambda kind: kind.value)
def test_extreme_document_lays_out_cleanly(app: Flask, kind: DocumentKind) -> None:
    with app.test_request_context("/"):
        pdf = document_pdf(extreme_snapshot(kind), pictures=PICTURES)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) >= 2
        assert layout_problems(document.pages) == []


def test_the_checks_see_an_overlap() -> None:
    """The overlap check itself: two figures printed over each other are caught."""
    one = {"text": "9", "x0": 100.0, "x1": 105.0, "size": 10.0, "matrix": (1, 0, 0, 1, 100, 740)}
    apart = {**one, "x0": 105.2, "x1": 110.0}
    line_below = {**one, "matrix": (1, 0, 0, 1, 100, 730)}  # 10 pt lower: touching, not over
    over = {**one, "text": "1", "x0": 102.0, "x1": 107.0, "matrix": (1, 0, 0, 1, 102, 739)}
    assert overlapping_chars([one, apart, line_below], 842.0) == []
    assert overlapping_chars([one, over], 842.0) == [("1", "9")]


# The demo's detonator order, as sized in ``flask demo seed`` (app/demo/orders.py) -------


def demo_snapshot(kind: DocumentKind) -> dict[str, Any]:
    """The demo's shipped detonator order (one line: 50,000 detonators at 500 a carton, 100
    cartons of 18 kg net, 21.5 kg gross; one container), with the seller's signatory, logo
    and stamp: an ordinary order, not an extreme one."""
    seller = Company(
        legal_name="Wah Nobel (Pvt) Limited",
        legal_name_local="واہ نوبل (پرائیویٹ) لمیٹڈ",
        country="PK",
        address="G.T. Road, Wah Cantonment",
        city="Wah Cantt",
        postal_code="47040",
        tax_id="0658763-2",
        sales_tax_registration="0301987654321",
        contact_email="exports@wahnobel.example",
        bank_beneficiary="Wah Nobel (Pvt) Limited",
        bank_name="Standard Chartered Bank (Pakistan) Limited",
        bank_account="PK36SCBL0000001123456702",
        bank_swift="SCBLPKKX",
        bank_address="I.I. Chundrigar Road, Karachi, Pakistan",
        emergency_contact_name="Wah Nobel duty officer (demo)",
        emergency_contact_phone="+92 51 4545 999",
    )
    buyer = Company(
        legal_name="MCCT International",
        legal_name_local="MCCT国际贸易有限公司",
        country="CN",
        address="Room 1808, 18/F, Lujiazui Finance Plaza, Pudong New Area",
        city="Shanghai",
        postal_code="200120",
        tax_id="91310000MA1FL8XQ37",
        contact_email="purchasing@mcct.example",
    )
    line = OrderLine(
        line_no=1,
        title="Non-electric shock-tube detonators (UN0360, 1.1B)",
        hs_code="360330",
        origin_country="PK",
        unit="PCE",
        quantity=50_000,
        unit_price_minor=78,
        line_total_minor=3_900_000,
        units_per_package=500,
        net_weight_g=18_000,
        gross_weight_g=21_500,
        # The listing's carton, 60 × 40 × 35 cm; the shipment's package row gives none.
        length_mm=600,
        width_mm=400,
        height_mm=350,
        un_number="UN0360",
        proper_shipping_name="DETONATOR ASSEMBLIES, NON-ELECTRIC for blasting",
        hazard_class="1.1B",
        net_explosive_mass_g=450,
        ems="F-B, S-Y",
    )
    order = Order(
        id=4,
        seller=seller,
        buyer=buyer,
        buyer_po_number="MCCT-PO-2026-104",
        currency="USD",
        incoterm=Incoterm.CFR,
        incoterm_place="Shanghai",
        destination_country="CN",
        destination_port="Shanghai",
        consignee=(
            "MCCT International, Room 1808, Lujiazui Finance Plaza, Pudong New Area, "
            "Shanghai 200120, China"
        ),
        notify_party="Same as consignee",
        payment_terms=PaymentTerms.DEPOSIT_BALANCE_BL,
        placed_at=ISSUED_AT,
        goods_total_minor=3_900_000,
        freight_minor=240_000,
        insurance_minor=0,
        total_minor=4_140_000,
        lines=[line],
    )
    order.shipments = [
        Shipment(
            mode=ShipmentMode.SEA,
            carrier="COSCO Shipping Lines",
            vessel="COSCO Pakistan",
            voyage="118E",
            transport_document_number="COSU6300000004",
            container_numbers="CSNU6342117",
            port_of_loading="Karachi",
            port_of_discharge="Shanghai",
            etd=date(2026, 12, 9),
            eta=date(2026, 12, 26),
            net_weight_g=1_800_000,
            gross_weight_g=2_150_000,
            recorded_at=ISSUED_AT,
            packages=[
                ShipmentPackage(
                    package_no=1,
                    count=100,
                    package_type="box",
                    marks="MCCT / SHANGHAI / CO-000004 / 1-100",
                    contents=line.title,
                    net_weight_g=1_800_000,
                    gross_weight_g=2_150_000,
                    order_line=line,
                )
            ],
        )
    ]
    stored = StoredFile(public_id="picture", sha256="0" * 64)
    letterhead = CompanyLetterhead(
        signatory_name="Imran Qureshi",
        signatory_title="General Manager Exports",
        signing_place="Wah Cantt",
        logo=stored,
        stamp=stored,
    )
    return build_snapshot(
        kind,
        order,
        number="WN-CI-2026-000001",
        issued_at=ISSUED_AT,
        verify_url="https://corridor.example/verify/" + "T" * 43,
        related={"commercial_invoice": "WN-CI-2026-000001"},
        letterhead=letterhead,
    )


def _demo_pages(app: Flask, kind: DocumentKind) -> list[str]:
    with app.test_request_context("/"):
        pdf = document_pdf(demo_snapshot(kind), pictures=PICTURES)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [page.extract_text() for page in document.pages]


def test_demo_commercial_invoice_keeps_its_declaration_on_one_page(app: Flask) -> None:
    pages = _demo_pages(app, DocumentKind.COMMERCIAL_INVOICE)
    assert len(pages) == 1
    text = pages[0]
    assert "Declaration 声明" in text
    assert "We declare that this invoice shows the actual price" in text
    assert "Imran Qureshi, General Manager Exports" in text
    assert "PK36SCBL0000001123456702" in text


def test_demo_packing_list_prints_the_listing_carton_and_the_un_number_once(
    app: Flask,
) -> None:
    pages = _demo_pages(app, DocumentKind.PACKING_LIST)
    assert len(pages) == 1
    text = pages[0]
    # The order line's carton (600 × 400 × 350 mm) and its volume: 100 × 0.084 m³.
    assert "600×400×350" in text
    assert "8.400 m³" in text
    # Once in the packages (not again after a contents line that names it), once in the
    # quantities shipped per order line, where the bank reads "50,000 pcs 件" (issue #20).
    assert text.count("UN0360") == 2
    assert "50,000 pcs 件" in text
    # The heading keeps "L×W×H" on one line, not a few letters a line.
    assert "L×W×H (mm)" in text


def test_demo_dangerous_goods_declaration_names_the_shipper_once(app: Flask) -> None:
    pages = _demo_pages(app, DocumentKind.DANGEROUS_GOODS)
    assert len(pages) == 1
    text = pages[0]
    assert text.count("Shipper") == 1
    # The shipper's address in its party box only (a "Shipper" row repeated it).
    assert text.count("G.T. Road, Wah Cantonment") == 1
    assert "+92 51 4545 999" in text


def test_demo_certificate_of_origin_names_each_party_once(app: Flask) -> None:
    pages = _demo_pages(app, DocumentKind.CERTIFICATE_OF_ORIGIN)
    assert len(pages) == 1
    text = pages[0]
    # Boxes 1 and 2 of the form carry exporter and consignee; no party boxes above them.
    assert "Exporter 出口商" not in text
    assert "Importer 进口商" not in text
    assert text.count("G.T. Road, Wah Cantonment") == 1
    assert text.count("DRAFT — application for the issuing authority") == 1


def test_a_hundred_cartons_print_six_labels_a_sheet(app: Flask) -> None:
    """The demo's 100 cartons: two labels across, three down (two rows under the header on
    the first sheet), 17 pages laid out as cleanly as any document, down to label 100."""
    with app.test_request_context("/"):
        pdf = document_pdf(demo_snapshot(DocumentKind.SHIPPING_MARKS), pictures=PICTURES)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = document.pages
        assert len(pages) == 17
        # The labels, that is: the header is the one every demo document prints, whose
        # kerned "G.T. Road" the overlap check reads as two glyphs over each other.
        first_label = min(w["top"] for w in pages[0].extract_words() if w["text"] == "SHANGHAI")
        assert layout_problems(pages, first_from=first_label - 5) == []
        texts = [page.extract_text() for page in pages]
    # Two labels side by side share each line of text.
    numbers = [[int(n) for n in re.findall(r"Package (\d+) of 100\b", text)] for text in texts]
    assert numbers[0] == [1, 2, 3, 4]
    assert numbers[1] == [5, 6, 7, 8, 9, 10]
    assert numbers[-1] == [95, 96, 97, 98, 99, 100]
    assert sorted(n for page in numbers for n in page) == list(range(1, 101))
    assert "第100件，共100件" in texts[-1]
    assert "CO-000004-001-100" in texts[-1]  # the id under its barcode
    # Each carton's share of the line: 18 kg net, 21.5 kg gross; the UN number and class
    # label on every one.
    assert texts[-1].count("18.000 kg") == 6 and texts[-1].count("21.500 kg") == 6
    assert texts[-1].count("UN No. 联合国编号") == 6
    # "1.1B" in each diamond and in each label's contents ("... (UN0360, 1.1B)").
    assert texts[-1].count("1.1B") == 12
    assert "Page 17 of 17" in texts[-1]
