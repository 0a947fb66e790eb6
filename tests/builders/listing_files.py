"""Listing sheets as sellers send them (CSV and XLSX), and what the import makes of them."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import CompanyRole, Product
from app.services.audit.recording import Actor
from app.services.listings import importing as listing_import
from app.services.listings.importing import HEADERS, ImportRejected
from tests.builders.licences import licensed_trade
from tests.factories import CategoryFactory, UserFactory


def import_seller() -> Actor:
    """A sales user of a seller with the chromite and explosives categories to list in."""
    CategoryFactory(slug="chromite")
    CategoryFactory(slug="commercial-explosives")
    user = UserFactory(company_role=CompanyRole.SALES)
    licensed_trade(user.company)  # class-1 listings publish under a manufacture licence
    return Actor(user)


def listing_row(**cells: object) -> dict[str, object]:
    """A complete, valid row (a made-to-order chromite ore listing), with ``cells`` changed."""
    row: dict[str, object] = {
        "title": "Chromite ore lumps 40% Cr2O3",
        "description": "Hand-picked lumps from Muslim Bagh, Balochistan.",
        "category": "chromite",
        "hs_code": "2610.00",
        "unit": "TNE",
        "moq": "25",
        "currency": "USD",
        "tier1_min_quantity": "25",
        "tier1_unit_price": "310.00",
        "tier2_min_quantity": "100",
        "tier2_unit_price": "295.50",
        "lead_time_days": "30",
        "origin_country": "PK",
        "incoterm1_rule": "FOB",
        "incoterm1_named_place": "Karachi",
        "incoterm2_rule": "CFR",
        "incoterm2_named_place": "Lianyungang",
        "package_type": "bag",
        "units_per_package": "1",
        "net_weight_kg": "1000",
        "gross_weight_kg": "1002.5",
        "export_licence_required": "no",
        "specifications": "Cr2O3=40-42 %; Size=10-150 mm",
        "status": "draft",
    }
    row.update(cells)
    return row


def csv_file(rows: list[dict[str, object]], headers: tuple[str, ...] = HEADERS) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return buffer.getvalue().encode("utf-8")


def xlsx_file(rows: list[dict[str, object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def xlsx_with_raw_number(data: bytes, written: str, stored: str) -> bytes:
    """The workbook with one number's stored digits replaced, as Excel would store them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                assert f"<v>{written}</v>".encode() in content
                content = content.replace(f"<v>{written}</v>".encode(), f"<v>{stored}</v>".encode())
            target.writestr(item, content)
    return output.getvalue()


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def rejected(actor: Actor, data: bytes, filename: str = "listings.csv") -> set[tuple[Any, ...]]:
    """The (row, column) pairs the import refused, having written nothing."""
    before = listing_count()
    with pytest.raises(ImportRejected) as refusal:
        listing_import.import_listings(actor, data, filename)
    assert listing_count() == before
    return {(error.row, error.column) for error in refusal.value.errors}


def messages(actor: Actor, data: bytes, filename: str = "listings.csv") -> list[str]:
    with pytest.raises(ImportRejected) as refusal:
        listing_import.import_listings(actor, data, filename)
    return [str(error.message) for error in refusal.value.errors]


def listing_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Product)) or 0
