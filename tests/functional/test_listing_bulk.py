"""The seller's bulk pages: download listings and the template, upload a file, read the report."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import CompanyRole, Incoterm, Product, ProductStatus, User
from app.models.licence import LicenceKind
from app.services.listings.importing import HEADERS
from tests.builders.licences import licence
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(**cells: str) -> dict[str, str]:
    """A valid made-to-order chromite ore row, with ``cells`` changed."""
    data = {
        "title": "Chromite ore lumps 40% Cr2O3",
        "category": "chromite",
        "hs_code": "261000",
        "unit": "TNE",
        "moq": "25",
        "currency": "USD",
        "tier1_min_quantity": "25",
        "tier1_unit_price": "310.00",
        "lead_time_days": "30",
        "origin_country": "PK",
        "incoterm1_rule": "FOB",
        "incoterm1_named_place": "Karachi",
        "specifications": "Cr2O3=40 %",
    }
    data.update(cells)
    return data


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def upload(client: FlaskClient, data: bytes, filename: str = "listings.csv") -> Any:
    return client.post(
        "/seller/listings/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def report(page: str) -> list[tuple[str, str, str]]:
    """(row, column, problem) of each line of the error report table."""
    table = re.search(r'<table[^>]*id="import-report".*?<tbody>(.*?)</tbody>', page, re.S)
    assert table is not None, "no report on the page"
    lines = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    cells = [re.findall(r"<td>(?:<code>)?(.*?)(?:</code>)?</td>", line, re.S) for line in lines]
    return [tuple(html.unescape(c).strip() for c in found) for found in cells]  # type: ignore[misc]


def listing_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Product)) or 0


def snapshot(company_id: int) -> list[dict[str, Any]]:
    db.session.expire_all()
    products = db.session.scalars(
        select(Product).where(Product.seller_id == company_id).order_by(Product.id)
    )
    return [
        {
            **{c.key: getattr(p, c.key) for c in Product.__table__.columns},
            "tiers": [(t.id, t.min_quantity, t.unit_price_minor) for t in p.price_tiers],
            "incoterms": [(i.id, i.rule, i.named_place) for i in p.incoterms],
            "specifications": [(s.id, s.name, s.value) for s in p.specifications],
        }
        for p in products
    ]


@pytest.fixture
def sales(auth: AuthActions) -> User:
    CategoryFactory(slug="chromite")
    CategoryFactory(slug="commercial-explosives")
    user: User = UserFactory(email="sales@example.com", company_role=CompanyRole.SALES)
    auth.login("sales@example.com")
    return user


# --- downloads -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [
        (
            "/seller/listings/template.csv",
            "text/csv; charset=utf-8",
            "corridor-listings-template.csv",
        ),
        ("/seller/listings/template.xlsx", XLSX_TYPE, "corridor-listings-template.xlsx"),
    ],
)
def test_templates_download_as_attachments(
    client: FlaskClient, sales: User, path: str, content_type: str, filename: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"] == f"attachment; filename={filename}"
    # The template imports as its example listing.
    assert upload(client, response.data, filename).status_code == 302
    product = db.session.scalar(select(Product).where(Product.seller_id == sales.company_id))
    assert product is not None and product.un_number == "UN0241"


def test_export_downloads_only_the_companys_listings(client: FlaskClient, sales: User) -> None:
    own = ProductFactory(seller=sales.company, title="Emulsion =1+1", dangerous=True)
    ProductFactory(seller=CompanyFactory(), title="Another seller's goods")

    response = client.get("/seller/listings/export.csv")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(
        r"attachment; filename=corridor-listings-\d{4}-\d{2}-\d{2}\.csv", disposition
    )
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert [(r["public_id"], r["title"], r["un_number"]) for r in rows] == [
        (own.public_id, "Emulsion =1+1", "UN0241")
    ]

    workbook = client.get("/seller/listings/export.xlsx")
    assert workbook.headers["Content-Type"] == XLSX_TYPE
    assert workbook.headers["Content-Disposition"].endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.max_row == 2


# --- importing -----------------------------------------------------------------------


def test_import_page_offers_the_upload_and_the_templates(client: FlaskClient, sales: User) -> None:
    page = client.get("/seller/listings/import").data.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert "At most 2,000 listings and 5 MB per file." in page
    assert "/seller/listings/template.csv" in page and "/seller/listings/template.xlsx" in page
    assert "<script>" not in page and "style=" not in page


def test_good_file_imports_and_says_how_many(client: FlaskClient, sales: User) -> None:
    data = csv_bytes([row(), row(title="Chromite concentrate 48%", status="published")])

    response = upload(client, data)

    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/listings"
    products = list(
        db.session.scalars(
            select(Product).where(Product.seller_id == sales.company_id).order_by(Product.id)
        )
    )
    assert [(p.title, p.status) for p in products] == [
        ("Chromite ore lumps 40% Cr2O3", ProductStatus.DRAFT),
        ("Chromite concentrate 48%", ProductStatus.PUBLISHED),
    ]
    assert [(i.rule, i.named_place) for i in products[0].incoterms] == [(Incoterm.FOB, "Karachi")]
    page = client.get("/seller/listings").data.decode()
    assert "Import finished: 2 new, 0 updated and 0 unchanged listings." in page


def test_bad_rows_import_nothing_and_the_report_lists_each(
    client: FlaskClient, sales: User
) -> None:
    data = csv_bytes(
        [
            row(),
            row(hs_code="36A"),
            row(tier2_min_quantity="10", tier2_unit_price="300"),
            row(category="no-such-category"),
            row(moq="lots"),
            row(un_number="UN12", proper_shipping_name="X", hazard_class="8"),
            row(incoterm1_named_place=""),
        ]
    )

    response = upload(client, data)

    assert response.status_code == 200
    assert listing_count() == 0
    page = response.data.decode()
    assert "Nothing was imported" in page
    caption = re.search(r"<caption>(.*?)</caption>", page, re.S)
    assert caption is not None and " ".join(caption.group(1).split()) == (
        "6 problems found in the file"
    )
    assert report(page) == [
        ("3", "hs_code", "An HS code has 6 to 10 digits, e.g. 3602.00 or 261000."),
        ("4", "tier2_min_quantity", "Each tier starts at a larger quantity than the one before."),
        ("5", "category", "Choose a category from the list."),
        (
            "6",
            "moq",
            "Write a plain number, with a point for decimals (for example 1250.50):"
            " no letters, exponents or plus signs.",
        ),
        ("7", "un_number", "A UN number is UN followed by four digits, UN0004 to UN3599."),
        ("8", "incoterm1_named_place", "Name the place, e.g. Karachi for FOB Karachi."),
    ]


def test_file_problems_are_reported_without_a_row(client: FlaskClient, sales: User) -> None:
    latin1 = csv_bytes([row(title="Chromite — Zhob")]).decode().encode("cp1252")
    assert report(upload(client, latin1).data.decode()) == [
        (
            "—",
            "—",
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”, or upload the XLSX file.",
        )
    ]
    assert report(upload(client, b"").data.decode())[0][2] == "The file is empty."
    headers = ",".join(h for h in HEADERS if h != "moq").encode() + b",colour\r\nx\r\n"
    assert report(upload(client, headers).data.decode()) == [
        ("1", "moq", "This column is missing. Start from the template."),
        ("1", "colour", "Unknown column. Use the headers of the template."),
    ]


def test_form_asks_for_a_csv_or_xlsx_file(client: FlaskClient, sales: User) -> None:
    missing = client.post("/seller/listings/import", data={}, content_type="multipart/form-data")
    assert missing.status_code == 200
    assert "Choose the file to import." in missing.data.decode()
    wrong = upload(client, b"hello", "notes.txt")
    assert "Upload a .csv or .xlsx file." in wrong.data.decode()


def test_xlsx_upload_imports_like_csv(client: FlaskClient, sales: User) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    sheet.append(
        [row(moq=25, tier1_min_quantity=25, tier1_unit_price=310.5).get(h) for h in HEADERS]
    )  # type: ignore[arg-type]
    sheet.append([row(hs_code="26").get(h) for h in HEADERS])
    output = io.BytesIO()
    workbook.save(output)

    bad = upload(client, output.getvalue(), "listings.xlsx")
    assert bad.status_code == 200
    assert report(bad.data.decode()) == [
        ("3", "hs_code", "An HS code has 6 to 10 digits, e.g. 3602.00 or 261000.")
    ]
    assert listing_count() == 0

    sheet.delete_rows(3)
    output = io.BytesIO()
    workbook.save(output)
    assert upload(client, output.getvalue(), "listings.xlsx").status_code == 302
    product = db.session.scalar(select(Product).where(Product.seller_id == sales.company_id))
    assert product is not None
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [(25, 31050)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(client: FlaskClient, sales: User, fmt: str) -> None:
    ProductFactory(
        seller=sales.company,
        dangerous=True,
        title='=HYPERLINK("http://evil.example","Click")',
        package_type="box",
        net_weight_g=25_000,
        gross_weight_g=26_400,
    )
    ProductFactory(seller=sales.company, made_to_order=True, status=ProductStatus.DRAFT)
    upload(client, csv_bytes([row(specifications="Cr2O3=40 %; Note=a\\;b")]))
    before = snapshot(sales.company_id or 0)
    assert len(before) == 3

    exported = client.get(f"/seller/listings/export.{fmt}").data
    response = upload(client, exported, f"corridor-listings.{fmt}")

    assert response.status_code == 302
    assert snapshot(sales.company_id or 0) == before
    page = client.get("/seller/listings").data.decode()
    assert "0 new, 0 updated and 3 unchanged" in page


def test_another_sellers_listing_in_the_file_is_an_error(client: FlaskClient, sales: User) -> None:
    foreign = ProductFactory(seller=CompanyFactory(), title="Not yours")
    db.session.commit()  # as another request would have: the import's rollback keeps it
    response = upload(client, csv_bytes([row(public_id=foreign.public_id)]))
    assert report(response.data.decode())[0][:2] == ("2", "public_id")
    db.session.refresh(foreign)
    assert foreign.title == "Not yours"
    assert listing_count() == 1


def test_unverified_seller_cannot_import_published_rows(
    client: FlaskClient, auth: AuthActions
) -> None:
    CategoryFactory(slug="chromite")
    UserFactory(email="new@example.com", company=CompanyFactory(pending=True))
    auth.login("new@example.com")
    response = upload(client, csv_bytes([row(), row(status="published")]))
    assert report(response.data.decode()) == [
        (
            "3",
            "status",
            "Your company is waiting for verification by the platform operator. You can"
            " prepare now and trade once it is verified.",
        )
    ]
    assert listing_count() == 0


def test_viewer_exports_but_cannot_import(client: FlaskClient, auth: AuthActions) -> None:
    CategoryFactory(slug="chromite")
    viewer = UserFactory(email="viewer@example.com", company_role=CompanyRole.VIEWER)
    ProductFactory(seller=viewer.company)
    auth.login("viewer@example.com")
    assert client.get("/seller/listings/export.csv").status_code == 200
    assert client.get("/seller/listings/export.xlsx").status_code == 200
    assert client.get("/seller/listings/import").status_code == 403
    assert upload(client, csv_bytes([row()])).status_code == 403
    assert listing_count() == 1


def test_buyers_and_visitors_get_no_export(client: FlaskClient, auth: AuthActions) -> None:
    assert client.get("/seller/listings/export.csv").status_code == 302  # to sign in
    UserFactory(email="buyer@example.com", company=CompanyFactory(chinese_buyer=True))
    auth.login("buyer@example.com")
    assert client.get("/seller/listings/export.csv").status_code == 403


def test_report_renders_in_the_users_language(client: FlaskClient, auth: AuthActions) -> None:
    CategoryFactory(slug="chromite")
    UserFactory(email="zh@example.com", company_role=CompanyRole.SALES, locale="zh_Hans")
    auth.login("zh@example.com")
    response = upload(client, csv_bytes([row(hs_code="1", moq="x")]))
    page = response.data.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans"' in page
    assert [(r, c) for r, c, _ in report(page)] == [("2", "hs_code"), ("2", "moq")]
    assert listing_count() == 0


def _explosive_row(**cells: str) -> dict[str, str]:
    explosive = {
        "title": "Emulsion explosive 32 mm",
        "category": "commercial-explosives",
        "hs_code": "360200",
        "unit": "KGM",
        "package_type": "box",
        "units_per_package": "25",
        "net_weight_kg": "25",
        "gross_weight_kg": "26.455",
        "un_number": "UN0241",
        "proper_shipping_name": "EXPLOSIVE, BLASTING, TYPE E",
        "hazard_class": "1.5D",
        "net_explosive_mass_kg": "25",
    }
    explosive.update(cells)
    return row(**explosive)


def test_publishing_a_class_1_row_without_a_licence_is_a_row_error(
    client: FlaskClient, sales: User
) -> None:
    """The licence gate's refusal is reported on its row like any other problem; nothing
    is written, and the refusal is audited."""
    response = upload(
        client,
        csv_bytes(
            [
                row(),
                _explosive_row(status="published"),
                _explosive_row(),
                _explosive_row(status="published", title="Emulsion explosive 65 mm"),
            ]
        ),
    )

    assert response.status_code == 200
    assert sales.company is not None
    company = sales.company.legal_name
    refusal = (
        f"{company} has no accepted manufacture licence (EL-01) or sale licence covering UN0241."
    )
    # Both refused rows are reported; the draft rows and the ore are fine.
    assert report(response.data.decode()) == [("3", "status", refusal), ("5", "status", refusal)]
    assert listing_count() == 0
    events = audit_events("licence.refused.publish")
    assert [e.details["shortfalls"][0]["un_number"] for e in events] == ["UN0241", "UN0241"]
    assert [e.actor_id for e in events] == [sales.id, sales.id]


def test_a_licensed_seller_publishes_the_class_1_row(client: FlaskClient, sales: User) -> None:
    assert sales.company is not None
    licence(sales.company, LicenceKind.MANUFACTURE, goods=("UN0241",))
    response = upload(client, csv_bytes([_explosive_row(status="published")]))
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.seller_id == sales.company_id))
    assert product is not None and product.status is ProductStatus.PUBLISHED
