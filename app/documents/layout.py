"""The HTML of each trade document, made from its snapshot alone (WeasyPrint prints it).

Templates live in ``templates/documents/<kind>.html``. Everything a template needs beyond
the snapshot (package ranges, origin criteria, DG rows, labels) is worked out here, so the
templates only lay out. User text reaches the page through autoescaping only; the QR code
and barcodes are SVG built here from data that is checked first, then marked safe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

import barcode  # type: ignore[import-untyped]
import segno
from babel.dates import format_date
from babel.numbers import format_decimal
from flask import render_template
from markupsafe import Markup

from app.documents import labels
from app.documents.bilingual import DASH, bilingual, quantity
from app.documents.glyphs import printable_data
from app.documents.presentation import country_zh, presentation_view
from app.documents.snapshot import quantity_value
from app.documents.snapshot_values import price_value
from app.models import DocumentKind
from app.money import UNIT_PRICE_EXTRA_PLACES, Money
from app.reference.trade_codes import is_explosive

Snapshot = dict[str, Any]

# Package ids printed as Code 128: letters, digits and a few separators, nothing else.
_BARCODE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,63}$")
# HS chapters 25-27 (salt, stone, ores, mineral fuels): goods mined in the exporting country.
WHOLLY_OBTAINED_CHAPTERS = frozenset({"25", "26", "27"})

# Which party label each kind prints for the seller and the buyer.
_PARTY_LABELS: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.PROFORMA_INVOICE: ("exporter", "importer"),
    DocumentKind.COMMERCIAL_INVOICE: ("supplier", "recipient"),
    DocumentKind.PACKING_LIST: ("exporter", "importer"),
    DocumentKind.CERTIFICATE_OF_ORIGIN: ("exporter", "importer"),
    DocumentKind.SHIPPING_MARKS: ("shipper", "buyer"),
    DocumentKind.DANGEROUS_GOODS: ("shipper", "buyer"),
    DocumentKind.CREDIT_NOTE: ("seller", "buyer"),
}
_NUMBER_LABELS: dict[DocumentKind, str] = {
    DocumentKind.PROFORMA_INVOICE: "invoice_no",
    DocumentKind.COMMERCIAL_INVOICE: "invoice_no",
    DocumentKind.CREDIT_NOTE: "credit_note_no",
}


# Formatting ------------------------------------------------------------------------------


def money(minor: int, currency: str) -> str:
    """``12,345.60`` from 1234560 USD minor units; decimals follow the ISO 4217 exponent."""
    amount = Money.from_minor(minor, currency)
    pattern = "#,##0" + ("." + "0" * amount.exponent if amount.exponent else "")
    return format_decimal(amount.amount, format=pattern, locale="en")


def unit_price(minor: object, currency: str) -> str:
    """A unit price as stored in a snapshot: ``214.50``, and its sub-cent digits when it
    has them (``0.2524``; whole cents print as the currency has them)."""
    amount = Money.from_minor(price_value(minor), currency)
    decimals = "0" * amount.exponent + "#" * UNIT_PRICE_EXTRA_PLACES
    return format_decimal(amount.amount, format=f"#,##0.{decimals}", locale="en")


def _thousandths(value: int, unit: str) -> str:
    return f"{format_decimal(Decimal(value).scaleb(-3), format='#,##0.000', locale='en')} {unit}"


def kg(grams: int | None) -> str:
    """``1,234.500 kg`` from grams."""
    return DASH if grams is None else _thousandths(grams, "kg")


def cbm(cbm_milli: int | None) -> str:
    """``12.345 m³`` from thousandths of a cubic metre."""
    return DASH if cbm_milli is None else _thousandths(cbm_milli, "m³")


def day(iso: str | None) -> str:
    """``27 Nov 2026`` from an ISO date (or date-time) string."""
    if not iso:
        return DASH
    return format_date(date.fromisoformat(iso[:10]), format="d MMM y", locale="en")


def number(value: int | None) -> str:
    return DASH if value is None else format_decimal(value, format="#,##0", locale="en")


def label(key: str) -> Markup:
    return bilingual(labels.FIELDS[key])


def package_type(code: str | None) -> Markup | str:
    if not code:
        return ""
    known = labels.PACKAGE_TYPES.get(code)
    return bilingual(known) if known is not None else code


# Codes -----------------------------------------------------------------------------------


def qr_svg(url: str) -> Markup:
    # segno draws one path from the encoded bits; the URL itself never enters the markup.
    return Markup(segno.make(url, error="m").svg_inline(scale=2, border=2))  # noqa: S704


# Code 128 as one SVG path of bars, in modules (the narrowest bar, 0.2 mm), with the quiet
# zone of ten modules the symbology asks for each side. python-barcode's own SVG drew each
# bar as a <rect>: some 60 elements a label for the cascade to style and the PDF to draw,
# most of the time a sheet of labels took.
BAR_MODULE_MM = Decimal("0.2")
BAR_HEIGHT_MODULES = 50  # 10 mm
QUIET_MODULES = 10


def barcode_svg(value: str) -> Markup:
    """A Code 128 barcode of ``value`` as inline SVG (no text: the id is printed below it)."""
    if not _BARCODE_VALUE.match(value):
        raise ValueError(f"not a package id for a barcode: {value!r}")
    (modules,) = barcode.Code128(value).build()
    bars = "".join(
        f"M{QUIET_MODULES + run.start()} 0h{len(run.group())}v{BAR_HEIGHT_MODULES}"
        f"h-{len(run.group())}z"
        for run in re.finditer("1+", modules)
    )
    width = len(modules) + 2 * QUIET_MODULES
    return Markup(  # noqa: S704 - numbers only, from a value checked above
        f'<svg xmlns="http://www.w3.org/2000/svg" class="code128"'
        f' width="{width * BAR_MODULE_MM}mm" height="{BAR_HEIGHT_MODULES * BAR_MODULE_MM}mm"'
        f' viewBox="0 0 {width} {BAR_HEIGHT_MODULES}"><path d="{bars}"/></svg>'
    )


# What each kind needs beyond the snapshot ------------------------------------------------


def incoterm_text(order: Snapshot) -> str:
    return f"{order['incoterm']} {order['incoterm_place']}, Incoterms® 2020"


def transport_text(shipment: Snapshot | None) -> str:
    if shipment is None:
        return DASH
    if shipment.get("flight"):
        return str(shipment["flight"])
    vessel = " / ".join(part for part in (shipment.get("vessel"), shipment.get("voyage")) if part)
    return vessel or DASH


def origin_criterion(line: Snapshot) -> str:
    """The CPFTA origin criterion we fill in on the application (box 9).

    Our rule: goods of HS chapters 25-27 (salt, stone, ores and concentrates, mineral fuels)
    that originate in the exporting country are wholly obtained ("WO"); everything else is
    manufactured and claimed under the 40 % regional value content rule ("RVC 40%"). The
    issuing authority checks the claim; the seller can correct the draft before filing.
    """
    return "WO" if str(line["hs_code"])[:2] in WHOLLY_OBTAINED_CHAPTERS else "RVC 40%"


def package_rows(shipment: Snapshot | None) -> list[Snapshot]:
    """Shipment packages with their consecutive package numbers (e.g. 1-20, 21-25)."""
    rows = []
    first = 1
    for package in shipment["packages"] if shipment else []:
        last = first + package["count"] - 1
        rows.append({**package, "first": first, "last": last})
        first = last + 1
    return rows


def shipping_labels(shipment: Snapshot | None) -> list[Snapshot]:
    """One label per physical package, numbered 1..N across the shipment.

    A package line of ``count`` > 1 becomes ``count`` labels whose barcode is the line's id
    plus ``-k`` (k = 1..count within the line); a single package keeps the line's id. Line
    weights are for the whole line, so each label carries the line weight divided by count.
    """
    result: list[Snapshot] = []
    if shipment is None:
        return result
    total = shipment["package_count"]
    for row in package_rows(shipment):
        count = row["count"]
        for k in range(1, count + 1):
            package_id = row["public_id"] if count == 1 else f"{row['public_id']}-{k}"
            result.append(
                {
                    "n": row["first"] + k - 1,
                    "total": total,
                    "package_id": package_id,
                    "barcode": barcode_svg(package_id),
                    "marks": row["marks"],
                    "contents": row["contents"],
                    "package_type": row["package_type"],
                    # Dangerous goods: the UN number and class label go on every package.
                    "un_number": row.get("un_number"),
                    "hazard_class": row.get("hazard_class"),
                    "net_weight_g": _share(row["net_weight_g"], count),
                    "gross_weight_g": _share(row["gross_weight_g"], count),
                }
            )
    return result


def _share(grams: int | None, count: int) -> int | None:
    return None if grams is None else round(grams / count)


def shipped_line(line: Snapshot, shipment: Snapshot | None) -> Snapshot | None:
    """What the shipment carries of ``line`` (None: nothing, or a snapshot from before
    shipments recorded their lines)."""
    for row in (shipment or {}).get("lines") or []:
        if row["line_no"] == line["no"]:
            return dict(row)
    return None


def shipped_quantity(line: Snapshot, shipment: Snapshot | None) -> Decimal:
    """The quantity the shipment carries of ``line`` (the whole line for old snapshots)."""
    if shipment is None or "lines" not in shipment:
        return quantity_value(line["quantity"])
    row = shipped_line(line, shipment)
    return quantity_value(row["quantity"]) if row else Decimal(0)


def _packages_of_line(line: Snapshot, shipment: Snapshot | None) -> tuple[int | None, str | None]:
    """How many packages a line fills, and their kind.

    From the shipment's own record of the packages holding the line when it has one; else
    from the listing's units per package; else from shipment package lines whose contents
    name the line's goods.
    """
    row = shipped_line(line, shipment)
    if row is not None and row["packages"]:
        return row["packages"], row["package_type"]
    packages = shipment["packages"] if shipment else []
    matching = [p for p in packages if p["contents"] and p["contents"] == line["title"]]
    kinds = {p["package_type"] for p in (matching or packages) if p["package_type"]}
    kind = kinds.pop() if len(kinds) == 1 else None
    if line["units_per_package"]:
        return math.ceil(shipped_quantity(line, shipment) / line["units_per_package"]), kind
    if matching:
        return sum(p["count"] for p in matching), kind
    return None, kind


def dangerous_goods_rows(snapshot: Snapshot) -> list[Snapshot]:
    """Lines with a UN number, with the IMDG 5.4.1.4 description in its required order."""
    rows = []
    for line in snapshot["lines"]:
        quantity = shipped_quantity(line, snapshot["shipment"])
        if not line["un_number"] or not quantity:
            continue
        un_number = str(line["un_number"])
        packages, kind = _packages_of_line(line, snapshot["shipment"])
        nem_g = None
        if is_explosive(line["hazard_class"]) and line["net_explosive_mass_g"] and packages:
            nem_g = line["net_explosive_mass_g"] * packages
        rows.append(
            {
                "line": line,
                "un_number": un_number if un_number.upper().startswith("UN") else f"UN{un_number}",
                "subsidiary_risk": line.get("subsidiary_risk") or DASH,
                "ems": line.get("ems") or DASH,
                "quantity": quantity,
                "packages": packages,
                "package_type": kind,
                "explosive": is_explosive(line["hazard_class"]),
                "net_explosive_mass_g": nem_g,
            }
        )
    return rows


def origin_rows(snapshot: Snapshot) -> list[Snapshot]:
    rows = []
    for line in snapshot["lines"]:
        packages, kind = _packages_of_line(line, snapshot["shipment"])
        gross = line["gross_weight_g"] * packages if line["gross_weight_g"] and packages else None
        rows.append(
            {
                "line": line,
                "hs6": str(line["hs_code"])[:6],
                "criterion": origin_criterion(line),
                "packages": packages,
                "package_type": kind,
                "gross_weight_g": gross,
            }
        )
    return rows


def _view(kind: DocumentKind, snapshot: Snapshot) -> Snapshot:
    seller_label, buyer_label = _PARTY_LABELS[kind]
    shipment = snapshot["shipment"]
    view: Snapshot = {
        "seller_label": seller_label,
        "buyer_label": buyer_label,
        "number_label": _NUMBER_LABELS.get(kind, "document_no"),
        "qr": qr_svg(snapshot["verify_url"]),
        "incoterm": incoterm_text(snapshot["order"]),
        "transport": transport_text(shipment),
        "package_rows": package_rows(shipment),
        "containers": (shipment or {}).get("container_numbers", []),
    }
    if kind is DocumentKind.SHIPPING_MARKS:
        view["labels"] = shipping_labels(shipment)
    elif kind is DocumentKind.DANGEROUS_GOODS:
        view["dangerous_goods"] = dangerous_goods_rows(snapshot)
    elif kind is DocumentKind.CERTIFICATE_OF_ORIGIN:
        view["origin_rows"] = origin_rows(snapshot)
        origins = {line["origin_country_name"] for line in snapshot["lines"]}
        view["origin_country"] = (
            origins.pop() if len(origins) == 1 else snapshot["seller"]["country_name"]
        )
    if shipment is not None:
        rows = view["package_rows"]
        view["cbm_milli"] = (
            sum(row["cbm_milli"] for row in rows if row["cbm_milli"])
            if any(row["cbm_milli"] for row in rows)
            else None
        )
    return view


_HELPERS = {
    "money": money,
    "unit_price": unit_price,
    "kg": kg,
    "cbm": cbm,
    "day": day,
    "number": number,
    "quantity": quantity,
    "label": label,
    "bilingual": bilingual,
    "package_type": package_type,
    "country_zh": country_zh,
    "L": labels,
}


def report_html(template: str, snapshot: Snapshot, view: Snapshot) -> str:
    """A page in the trade documents' layout that is not itself a trade document (the
    L/C examination report): the same header, parties, QR code and helpers."""
    snapshot = printable_data(snapshot)
    return render_template(
        template, doc=snapshot, view={**view, "qr": qr_svg(snapshot["verify_url"])}, **_HELPERS
    )


def document_html(snapshot: Snapshot, *, pictures: Collection[str] = frozenset()) -> str:
    """The document's HTML (A4, bilingual, self-contained) from its frozen snapshot.

    Call inside an app context. Nothing in the page points outside it: no links, no
    images, no stylesheets, so the PDF renderer has nothing to fetch. The snapshot's text
    is printed without direction controls and with no character our fonts lack
    (``app.documents.glyphs``): old snapshots too, as they are rendered again.
    """
    snapshot = printable_data(snapshot)
    kind = DocumentKind(snapshot["kind"])
    view = _view(kind, snapshot)
    # Column widths, amounts in words, the letterhead (``pictures``: those given to the render).
    view.update(presentation_view(kind, snapshot, view, pictures, _HELPERS))
    return render_template(f"documents/{kind.value}.html", doc=snapshot, view=view, **_HELPERS)
