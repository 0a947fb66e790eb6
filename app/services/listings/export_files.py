"""Writing listing sheets: rows of cells as CSV or XLSX bytes, and the template's example.

Both formats carry the import layout's headers, so what a seller downloads imports back.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

from app.services.listings.import_cells import Cell
from app.services.listings.import_layout import HEADERS

CONTENT_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def xlsx_cell(value: Cell) -> Cell:
    # openpyxl writes numbers with 16 significant digits and the reader trusts 15: longer
    # decimals go as text, which reads back exactly.
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > 15:
        return format(value, "f")
    # XML cannot hold control characters; openpyxl would refuse the whole workbook.
    if isinstance(value, str):
        return str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def sheet_bytes(rows: list[list[Cell]], fmt: str) -> bytes:
    """The header row and ``rows`` as a ``csv`` or ``xlsx`` file."""
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow(
                ["" if v is None else format(v, "f") if isinstance(v, Decimal) else v for v in row]
            )
        # The byte order mark makes Excel read UTF-8 (Chinese, Urdu) instead of ANSI.
        return buffer.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("listings")
        sheet.freeze_panes = "A2"
        sheet.append(HEADERS)
        for row in rows:
            sheet.append([xlsx_cell(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


# An emulsion explosive shipped FOB Karachi: the kind of listing the layout is made for.
TEMPLATE_EXAMPLE: dict[str, Cell] = {
    "title": "Emulsion explosive cartridges 32 mm",
    "description": "Cap-sensitive packaged emulsion for open-pit and underground blasting.",
    "category": "commercial-explosives",
    "hs_code": "360200",
    "unit": "KGM",
    "moq": 1000,
    "currency": "USD",
    "tier1_min_quantity": 1000,
    "tier1_unit_price": Decimal("2.50"),
    "tier2_min_quantity": 10000,
    "tier2_unit_price": Decimal("2.20"),
    "lead_time_days": 21,
    "origin_country": "PK",
    "incoterm1_rule": "FOB",
    "incoterm1_named_place": "Karachi",
    "incoterm2_rule": "CFR",
    "incoterm2_named_place": "Shanghai",
    "package_type": "box",
    "units_per_package": 25,
    "net_weight_kg": Decimal("25"),
    "gross_weight_kg": Decimal("26.5"),
    "length_cm": Decimal("50"),
    "width_cm": Decimal("30"),
    "height_cm": Decimal("25"),
    "un_number": "UN0241",
    "proper_shipping_name": "EXPLOSIVE, BLASTING, TYPE E",
    "hazard_class": "1.5D",
    "net_explosive_mass_kg": Decimal("25"),
    "export_licence_required": "yes",
    "specifications": "Density=1.15 g/cm3; Velocity of detonation=4500 m/s; Water resistance=Excellent",
    "status": "draft",
}
