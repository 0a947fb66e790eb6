"""Bulk import and export of listings: the file layout, all-or-nothing import, round trips."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    CompanyRole,
    Incoterm,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    Specification,
    VerificationStatus,
)
from app.services.audit.recording import Actor
from app.services.errors import NotAllowed
from app.services.listings import importing as listing_import
from app.services.listings.importing import HEADERS, ImportRejected, neutralise, restore
from tests.builders.listing_files import (
    csv_file,
    import_seller,
    listing_count,
    listing_row,
    messages,
    read_csv,
    read_xlsx,
    rejected,
    xlsx_file,
    xlsx_with_raw_number,
)
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory

# --- reading the store ----------------------------------------------------------------


def snapshot(company_id: int) -> list[dict[str, Any]]:
    """Every stored value of every listing of a company, child rows and their ids included."""
    db.session.expire_all()
    products = db.session.scalars(
        select(Product).where(Product.seller_id == company_id).order_by(Product.id)
    )
    return [
        {
            **{c.key: getattr(p, c.key) for c in Product.__table__.columns},
            "tiers": [(t.id, t.min_quantity, t.unit_price_minor) for t in p.price_tiers],
            "incoterms": [(i.id, i.rule, i.named_place) for i in p.incoterms],
            "specifications": [(s.id, s.position, s.name, s.value) for s in p.specifications],
        }
        for p in products
    ]


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def seller(app_ctx: None) -> Actor:
    return import_seller()


def company_id(actor: Actor) -> int:
    assert actor.company_id is not None
    return actor.company_id


def rich_listings(actor: Actor) -> list[Product]:
    """Listings that exercise every column and every awkward value the layout must keep."""
    seller_company = actor.user.company if actor.user else None
    chromite = CategoryFactory(slug="chromite-fine")
    explosive = ProductFactory(
        seller=seller_company,
        dangerous=True,
        title='=HYPERLINK("http://evil.example","Emulsion")',
        # Browsers send line breaks as CRLF; XLSX gives them back as LF.
        description='Line one\r\nLine two, with "quotes" and 中文 and اردو',
        moq=1000,
        currency="KWD",
        price_from_minor=2125,
        package_type="box",
        units_per_package=25,
        net_weight_g=25_000,
        gross_weight_g=26_455,
        length_mm=505,
        width_mm=300,
        height_mm=255,
        net_explosive_mass_g=24_999,
        price_tiers=[
            PriceTier(min_quantity=1000, unit_price_minor=2375),
            PriceTier(min_quantity=5000, unit_price_minor=2125),
        ],
        incoterms=[
            ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi; Port Qasim"),
            ProductIncoterm(rule=Incoterm.CFR, named_place="-Shanghai"),
        ],
        specifications=[
            Specification(position=0, name="Density", value="1.15 g/cm³"),
            Specification(position=1, name="a=b; c\\d", value="x=y; z\\"),
            Specification(position=2, name="@VOD", value="=4500 m/s"),
        ],
    )
    ore = ProductFactory(
        seller=seller_company,
        category=chromite,
        title="'quoted title' and +plus",
        hs_code="26100000",
        unit="TNE",
        moq=3,
        currency="JPY",
        price_from_minor=45_000,
        stock_quantity=None,
        lead_time_days=45,
        status=ProductStatus.DRAFT,
        origin_country="AF",
        price_tiers=[PriceTier(min_quantity=3, unit_price_minor=45_000)],
        incoterms=[ProductIncoterm(rule=Incoterm.EXW, named_place="Quetta")],
    )
    archived = ProductFactory(seller=seller_company, status=ProductStatus.ARCHIVED)
    suspended = ProductFactory(
        seller=seller_company, status=ProductStatus.SUSPENDED, suspension_reason="Check"
    )
    return [explosive, ore, archived, suspended]


# --- neutralising formulas -----------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1", "@SUM(A1)", "'=x", "''", "'", "'hello", "plain", "", "a=b"]
)
def test_neutralised_text_is_restored_exactly(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@"))


# --- importing -----------------------------------------------------------------------


def test_good_csv_imports_every_field(seller: Actor) -> None:
    data = csv_file(
        [
            listing_row(),
            listing_row(
                title="Emulsion explosive 32 mm",
                category="commercial-explosives",
                hs_code="360200",
                unit="kgm",
                moq="1000",
                tier1_min_quantity="1000",
                tier1_unit_price="2.50",
                tier2_min_quantity="",
                tier2_unit_price="",
                tier3_min_quantity="10000",
                tier3_unit_price="2.2",
                stock_quantity="40000",
                lead_time_days="",
                incoterm1_rule="fob",
                incoterm2_rule="",
                incoterm2_named_place="",
                incoterm3_rule="CIF",
                incoterm3_named_place="Shanghai",
                package_type="box",
                units_per_package="25",
                net_weight_kg="25",
                gross_weight_kg="26.455",
                length_cm="50.5",
                width_cm="30",
                height_cm="25",
                un_number="un0241",
                proper_shipping_name="EXPLOSIVE, BLASTING, TYPE E",
                hazard_class="1.5d",
                net_explosive_mass_kg="24.999",
                export_licence_required="Yes",
                specifications="Density=1.15 g/cm³;VOD = >= 4500 m/s;;",
                status="published",
            ),
        ]
    )

    result = listing_import.import_listings(seller, data, "Listings.CSV")

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    ore, explosive = db.session.scalars(
        select(Product).where(Product.seller_id == company_id(seller)).order_by(Product.id)
    )
    assert ore.title == "Chromite ore lumps 40% Cr2O3"
    assert ore.description == "Hand-picked lumps from Muslim Bagh, Balochistan."
    assert ore.category.slug == "chromite"
    assert (ore.hs_code, ore.unit, ore.moq, ore.currency) == ("261000", "TNE", 25, "USD")
    assert [(t.min_quantity, t.unit_price_minor) for t in ore.price_tiers] == [
        (25, 31000),
        (100, 29550),
    ]
    assert (ore.stock_quantity, ore.lead_time_days, ore.origin_country) == (None, 30, "PK")
    assert [(i.rule, i.named_place) for i in ore.incoterms] == [
        (Incoterm.FOB, "Karachi"),
        (Incoterm.CFR, "Lianyungang"),
    ]
    assert (ore.package_type, ore.units_per_package) == ("bag", 1)
    assert (ore.net_weight_g, ore.gross_weight_g) == (1_000_000, 1_002_500)
    assert ore.un_number is None and ore.export_licence_required is False
    assert [(s.name, s.value) for s in ore.specifications] == [
        ("Cr2O3", "40-42 %"),
        ("Size", "10-150 mm"),
    ]
    assert ore.status is ProductStatus.DRAFT

    assert explosive.unit == "KGM"
    assert [(t.min_quantity, t.unit_price_minor) for t in explosive.price_tiers] == [
        (1000, 250),
        (10000, 220),
    ]
    assert (explosive.stock_quantity, explosive.lead_time_days) == (40000, None)
    assert [(i.rule, i.named_place) for i in explosive.incoterms] == [
        (Incoterm.FOB, "Karachi"),
        (Incoterm.CIF, "Shanghai"),
    ]
    assert (explosive.net_weight_g, explosive.gross_weight_g) == (25_000, 26_455)
    assert (explosive.length_mm, explosive.width_mm, explosive.height_mm) == (505, 300, 250)
    assert (explosive.un_number, explosive.hazard_class, explosive.packing_group) == (
        "UN0241",
        "1.5D",
        None,
    )
    assert explosive.proper_shipping_name == "EXPLOSIVE, BLASTING, TYPE E"
    assert explosive.net_explosive_mass_g == 24_999
    assert explosive.export_licence_required is True
    assert [(s.name, s.value) for s in explosive.specifications] == [
        ("Density", "1.15 g/cm³"),
        ("VOD", ">= 4500 m/s"),
    ]
    assert explosive.status is ProductStatus.PUBLISHED


def test_bad_rows_import_nothing_and_every_error_is_reported(seller: Actor) -> None:
    data = csv_file(
        [
            listing_row(),  # row 2 is sound, and still not imported
            listing_row(hs_code="12AB"),
            listing_row(tier2_min_quantity="10"),  # below tier 1's 25
            listing_row(category="unobtainium"),
            listing_row(moq="twenty-five"),
            listing_row(un_number="UN9999", proper_shipping_name="X", hazard_class="8"),
            listing_row(incoterm2_named_place=""),
            listing_row(
                hs_code="1",
                tier1_unit_price="2,50",
                incoterm1_rule="FOO",
                gross_weight_kg="1002.5005",  # grams are the finest unit kept
                stock_quantity="1e40",
            ),
        ]
    )

    assert rejected(seller, data) == {
        (3, "hs_code"),
        (4, "tier2_min_quantity"),
        (5, "category"),
        (6, "moq"),
        (7, "un_number"),
        (8, "incoterm2_named_place"),
        (9, "hs_code"),
        (9, "tier1_unit_price"),
        (9, "stock_quantity"),
        (9, "incoterm1_rule"),
        (9, "gross_weight_kg"),
    }


PLAIN_NUMBER = (
    "Write a plain number, with a point for decimals (for example 1250.50):"
    " no letters, exponents or plus signs."
)


def test_errors_speak_of_the_cell_and_the_rule(seller: Actor) -> None:
    # Cells are read by the rule the listing form reads its boxes with (app.numbers).
    data = csv_file(
        [
            listing_row(moq="twenty-five"),
            listing_row(tier1_unit_price="2,50"),
            listing_row(moq="١٢٣"),
            listing_row(net_weight_kg="NaN"),
            listing_row(length_cm="12.25"),
            listing_row(gross_weight_kg="1e308"),
        ]
    )
    assert messages(seller, data) == [
        PLAIN_NUMBER,
        PLAIN_NUMBER,
        "Write the number with the digits 0 to 9 (for example 1250.50).",
        PLAIN_NUMBER,
        "Use at most 1 decimals.",
        PLAIN_NUMBER,
    ]


def test_grouped_thousands_read_as_on_the_form(seller: Actor) -> None:
    data = csv_file([listing_row(gross_weight_kg="1,002.5", tier1_unit_price="1,250.50")])
    listing_import.import_listings(seller, data, "listings.csv")
    product = db.session.scalars(select(Product)).one()
    assert product.gross_weight_g == 1_002_500
    assert product.price_tiers[0].unit_price_minor == 125050


def test_errors_point_at_the_column_a_sparse_tier_came_from(seller: Actor) -> None:
    # Tiers 1 and 3 filled, 2 empty: the service numbers them 0 and 1.
    data = csv_file(
        [
            listing_row(
                tier2_min_quantity="",
                tier2_unit_price="",
                tier3_min_quantity="10",
                tier3_unit_price="0",
                incoterm2_rule="",
                incoterm2_named_place="",
                incoterm4_rule="FOB",
                incoterm4_named_place="Karachi",
                specifications="Cr2O3=40 %; Size",
            )
        ]
    )
    assert rejected(seller, data) == {
        (2, "tier3_min_quantity"),
        (2, "tier3_unit_price"),
        (2, "incoterm4_rule"),
        (2, "specifications"),
    }
    assert "Line 2: " in messages(seller, data)[-1]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le"])
def test_non_utf8_csv_is_refused(seller: Actor, encoding: str) -> None:
    data = csv_file([listing_row(title="Chromite ore — Qila Saifullah")])
    text = data.decode("utf-8")
    assert messages(seller, text.encode(encoding)) == [
        "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”, or upload the XLSX file."
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\xef\xbb\xbf\r\n", "The file is empty."),
        (",,,\r\n,,\r\n", "The file is empty."),
        (",".join(HEADERS).encode() + b"\r\n", "The file has no listings below the header row."),
    ],
)
def test_empty_files_are_refused(seller: Actor, data: bytes | str, message: str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    assert messages(seller, raw) == [message]


def test_wrong_headers_name_the_missing_and_the_unknown(seller: Actor) -> None:
    headers = tuple("hs-code" if h == "hs_code" else h for h in HEADERS if h != "currency")
    data = csv_file([listing_row()], headers=(*headers, "colour", "Title"))
    assert rejected(seller, data) == {
        (1, "hs-code"),
        (1, "colour"),
        (1, "title"),
        (1, "hs_code"),
        (1, "currency"),
    }
    assert set(messages(seller, data)) == {
        "Unknown column. Use the headers of the template.",
        "This column appears twice.",
        "This column is missing. Start from the template.",
    }


def test_only_csv_and_xlsx_are_taken(seller: Actor) -> None:
    assert messages(seller, csv_file([listing_row()]), "listings.xls") == [
        "Upload a .csv or .xlsx file."
    ]
    assert messages(seller, b"PK\x03\x04 not really a zip", "listings.xlsx") == [
        "This is not an XLSX file Corridor can read."
    ]


def test_oversized_files_and_too_many_rows_are_refused(seller: Actor) -> None:
    too_long = csv_file([listing_row()] * (listing_import.MAX_ROWS + 1))
    assert messages(seller, too_long) == ["At most 2,000 listings per file."]
    too_big = b"x" * (listing_import.MAX_FILE_BYTES + 1)
    assert messages(seller, too_big) == [
        "The file is larger than 5 MB. Split it into smaller files."
    ]


def test_a_file_of_junk_is_counted_but_lists_at_most_a_thousand_problems(seller: Actor) -> None:
    data = csv_file([listing_row(hs_code="x", moq="y")] * 501)
    with pytest.raises(ImportRejected) as refusal:
        listing_import.import_listings(seller, data, "junk.csv")
    assert refusal.value.total == 1002
    assert len(refusal.value.errors) == 1000
    assert (refusal.value.errors[0].row, refusal.value.errors[-1].row) == (2, 501)


def test_semicolon_csv_and_blank_rows_are_read(seller: Actor) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerow([""] * len(HEADERS))
    writer.writerow([listing_row().get(h, "") for h in HEADERS])
    data = b"\xef\xbb\xbf" + buffer.getvalue().encode()
    assert listing_import.import_listings(seller, data, "listings.csv").created == 1


def test_cells_outside_the_columns_are_reported(seller: Actor) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([*HEADERS, ""])
    writer.writerow([*(listing_row().get(h, "") for h in HEADERS), "stray note"])
    column = openpyxl.utils.get_column_letter(len(HEADERS) + 1)
    assert rejected(seller, buffer.getvalue().encode()) == {(2, column)}


def test_xlsx_imports_like_csv_with_numbers_typed_as_numbers(seller: Actor) -> None:
    row = listing_row(
        hs_code=261000,  # typed as a number
        moq=25,
        tier1_min_quantity=25,
        tier1_unit_price=310.1,
        tier2_min_quantity=100.0,
        tier2_unit_price=0.75,
        gross_weight_kg=1002.5,
        export_licence_required=True,
    )
    # Excel stores what it computed with 17 digits: 0.1 + 0.2 is 0.30000000000000004,
    # shown (and meant) as 0.3.
    data = xlsx_with_raw_number(xlsx_file([row]), "0.75", "0.30000000000000004")
    result = listing_import.import_listings(seller, data, "listings.xlsx")
    assert result.created == 1
    product = db.session.scalars(
        select(Product).where(Product.seller_id == company_id(seller))
    ).one()
    assert product.hs_code == "261000"
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [
        (25, 31010),
        (100, 30),
    ]
    assert product.gross_weight_g == 1_002_500
    assert product.export_licence_required is True


def test_xlsx_bad_rows_are_reported_like_csv(seller: Actor) -> None:
    data = xlsx_file([listing_row(), listing_row(hs_code="12AB", moq="many")])
    assert rejected(seller, data, "listings.xlsx") == {(3, "hs_code"), (3, "moq")}


def test_template_imports_as_the_example_listing(seller: Actor) -> None:
    for fmt in ("csv", "xlsx"):
        template = listing_import.listing_template(fmt)
        listing_import.import_listings(seller, template, f"template.{fmt}")
    products = list(
        db.session.scalars(select(Product).where(Product.seller_id == company_id(seller)))
    )
    assert len(products) == 2
    for product in products:
        assert (product.un_number, product.hazard_class) == ("UN0241", "1.5D")
        assert [(i.rule, i.named_place) for i in product.incoterms] == [
            (Incoterm.FOB, "Karachi"),
            (Incoterm.CFR, "Shanghai"),
        ]
    assert read_csv(listing_import.listing_template("csv"))[0]["un_number"] == "UN0241"


def test_another_sellers_listing_cannot_be_updated(seller: Actor) -> None:
    foreign = ProductFactory(seller=CompanyFactory(), title="Their listing")
    data = csv_file([listing_row(public_id=foreign.public_id)])
    assert rejected(seller, data) == {(2, "public_id")}
    db.session.refresh(foreign)
    assert foreign.title == "Their listing"


def test_a_listing_twice_in_one_file_is_refused(seller: Actor) -> None:
    own = ProductFactory(seller=seller.user.company if seller.user else None)
    row = listing_row(public_id=own.public_id, status="published")
    data = csv_file([row, row])
    assert rejected(seller, data) == {(3, "public_id")}


def test_unverified_seller_cannot_import_published_rows(app_ctx: None) -> None:
    CategoryFactory(slug="chromite")
    actor = Actor(UserFactory(company=CompanyFactory(pending=True)))
    data = csv_file([listing_row(), listing_row(status="published"), listing_row()])
    assert rejected(actor, data) == {(3, "status")}
    # Drafts are what an unverified company may prepare.
    assert listing_import.import_listings(actor, csv_file([listing_row()]), "x.csv").created == 1


def test_unverified_seller_keeps_its_published_listings_on_reimport(app_ctx: None) -> None:
    company = CompanyFactory()
    actor = Actor(UserFactory(company=company))
    published = ProductFactory(seller=company)
    exported = listing_import.export_listings(company.id, "csv")
    company.verification_status = VerificationStatus.SUSPENDED
    result = listing_import.import_listings(actor, exported, "listings.csv")
    assert (result.updated, result.unchanged) == (0, 1)
    assert published.status is ProductStatus.PUBLISHED


def test_a_refusal_while_writing_leaves_no_listing_behind(app_ctx: None) -> None:
    """The checks run before writing; if a write still refuses, no earlier row stays."""
    CategoryFactory(slug="chromite")
    actor = Actor(UserFactory(company=CompanyFactory(pending=True)))
    # Plans that skipped the checks, as if verification was withdrawn between the two.
    plans = [
        listing_import._Plan(listing_import._read_row(2, listing_row()), None, True),
        listing_import._Plan(
            listing_import._read_row(3, listing_row(status="published")), None, True
        ),
    ]
    with pytest.raises(ImportRejected) as refusal:
        listing_import._apply(actor, company_id(actor), plans)
    assert [error.row for error in refusal.value.errors] == [3]
    assert listing_count() == 0


def test_status_moves_the_service_allows(seller: Actor) -> None:
    owner_company = seller.user.company if seller.user else None
    published = ProductFactory(seller=owner_company)
    suspended = ProductFactory(seller=owner_company, status=ProductStatus.SUSPENDED)
    rows = read_csv(listing_import.export_listings(company_id(seller), "csv"))
    by_id = {row["public_id"]: row for row in rows}
    by_id[published.public_id]["status"] = "draft"
    by_id[suspended.public_id]["status"] = "published"
    data = csv_file(
        [by_id[published.public_id], by_id[suspended.public_id], listing_row(status="suspended")]
    )
    assert rejected(seller, data) == {(2, "status"), (3, "status"), (4, "status")}

    by_id[published.public_id]["status"] = "archived"
    result = listing_import.import_listings(seller, csv_file([by_id[published.public_id]]), "x.csv")
    assert (result.created, result.updated) == (0, 1)
    assert published.status is ProductStatus.ARCHIVED


def test_viewers_cannot_import(app_ctx: None) -> None:
    viewer = Actor(UserFactory(company_role=CompanyRole.VIEWER))
    with pytest.raises(NotAllowed):
        listing_import.import_listings(viewer, csv_file([listing_row()]), "listings.csv")


# --- exporting and the round trip ------------------------------------------------------


def test_export_holds_only_the_companys_listings_in_the_layout(seller: Actor) -> None:
    own = rich_listings(seller)
    ProductFactory(seller=CompanyFactory(), title="Someone else's")
    rows = read_csv(listing_import.export_listings(company_id(seller), "csv"))
    assert tuple(rows[0].keys()) == HEADERS
    assert [row["public_id"] for row in rows] == [p.public_id for p in own]
    explosive = rows[0]
    assert explosive["tier1_unit_price"] == "2.375"  # KWD has three decimals
    assert explosive["gross_weight_kg"] == "26.455"
    assert explosive["length_cm"] == "50.5"
    assert explosive["incoterm1_named_place"] == "Karachi; Port Qasim"
    assert explosive["net_explosive_mass_kg"] == "24.999"
    assert explosive["export_licence_required"] == "yes"
    assert rows[1]["tier1_unit_price"] == "45000"  # JPY has none
    assert rows[1]["stock_quantity"] == ""


def test_formula_in_a_title_is_neutralised_in_both_formats(seller: Actor) -> None:
    rich_listings(seller)
    title = '=HYPERLINK("http://evil.example","Emulsion")'
    csv_rows = read_csv(listing_import.export_listings(company_id(seller), "csv"))
    assert csv_rows[0]["title"] == "'" + title
    assert csv_rows[0]["incoterm2_named_place"] == "'-Shanghai"
    assert csv_rows[1]["title"] == "'quoted title' and +plus"  # no formula: left alone
    sheet = openpyxl.load_workbook(
        io.BytesIO(listing_import.export_listings(company_id(seller), "xlsx"))
    ).worksheets[0]
    title_cell = sheet.cell(row=2, column=HEADERS.index("title") + 1)
    assert title_cell.data_type == "s"
    assert title_cell.value == "'" + title


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(seller: Actor, fmt: str) -> None:
    rich_listings(seller)
    before = snapshot(company_id(seller))
    exported = listing_import.export_listings(company_id(seller), fmt)

    result = listing_import.import_listings(seller, exported, f"listings.{fmt}")

    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    after = snapshot(company_id(seller))
    assert after == before
    assert after[0]["title"].startswith("=HYPERLINK")  # restored, not stored with its quote
    assert after[0]["specifications"][1][2:] == ("a=b; c\\d", "x=y; z\\")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_of_imported_listings_is_stable(seller: Actor, fmt: str) -> None:
    """Listings made by an import export to a file that imports back to the same values."""
    listing_import.import_listings(seller, listing_import.listing_template(fmt), f"t.{fmt}")
    listing_import.import_listings(seller, csv_file([listing_row()]), "x.csv")
    before = snapshot(company_id(seller))
    first_export = listing_import.export_listings(company_id(seller), "csv")

    exported = listing_import.export_listings(company_id(seller), fmt)
    result = listing_import.import_listings(seller, exported, f"again.{fmt}")

    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot(company_id(seller)) == before
    assert listing_import.export_listings(company_id(seller), "csv") == first_export


def test_an_edited_export_updates_only_the_changed_listing(seller: Actor) -> None:
    rich_listings(seller)
    rows = read_csv(listing_import.export_listings(company_id(seller), "csv"))
    rows[1]["tier1_unit_price"] = "46000"
    rows[1]["specifications"] = "Cr2O3=44 %"
    before = snapshot(company_id(seller))

    result = listing_import.import_listings(seller, csv_file(rows), "edited.csv")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    after = snapshot(company_id(seller))
    assert [after[i] for i in (0, 2, 3)] == [before[i] for i in (0, 2, 3)]
    assert [t[1:] for t in after[1]["tiers"]] == [(3, 46_000)]
    assert [s[2:] for s in after[1]["specifications"]] == [("Cr2O3", "44 %")]
    assert listing_count() == 4  # updated in place, not duplicated


def test_control_characters_do_not_break_the_xlsx_export(seller: Actor) -> None:
    ProductFactory(seller=seller.user.company if seller.user else None, title="Bell\x07 ore")
    data = listing_import.export_listings(company_id(seller), "xlsx")
    assert read_xlsx(data)[1][HEADERS.index("title")] == "Bell ore"


def test_export_of_a_company_without_listings_is_the_header(seller: Actor) -> None:
    data = listing_import.export_listings(company_id(seller), "xlsx")
    assert read_xlsx(data) == [list(HEADERS)]
    assert listing_import.export_listings(company_id(seller), "csv").startswith(
        b"\xef\xbb\xbfpublic_id,"
    )


def test_numbers_survive_xlsx_exactly() -> None:
    # More digits than a spreadsheet number keeps go as text and read back exactly.
    assert listing_import._xlsx_cell(Decimal("123456789012.3456")) == "123456789012.3456"
    assert listing_import._xlsx_cell(Decimal("999999999999.99")) == Decimal("999999999999.99")
