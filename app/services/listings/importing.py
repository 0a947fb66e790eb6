"""Bulk import and export of listings as CSV or XLSX, in one column layout.

``COLUMNS`` is the only description of the file: each column says how a cell is read
into a ``ListingInput`` and how a listing is written into a cell, so a file the seller
exported and imports back changes nothing. An import is all or nothing: every row is read
and checked by the listing service first, and a file is written only when no row has a
problem. Headers and keyword values (``yes``, ``draft``, ``FOB``) are the same in every
language, so a file exported in Chinese imports in English.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any, TypeAlias

import openpyxl  # type: ignore[import-untyped]
from flask_babel import LazyString, lazy_gettext
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import PriceTier, Product, ProductIncoterm, ProductStatus
from app.money import Money
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor, record_audit
from app.services.errors import CompanyNotVerified, DomainError
from app.services.listings.editing import (
    MAX_INCOTERMS,
    MAX_TIERS,
    ListingInput,
    ListingInvalid,
    archive_listing,
    create_listing,
    parse_decimal,
    publish_listing,
    require_listing_editor,
    update_listing,
    validate_listing,
)

MAX_FILE_BYTES = 5 * 1024 * 1024
# The import runs inside one web request, and the listing service writes about 100
# listings a second: 2,000 rows stay well within a worker's timeout.
MAX_ROWS = 2000
# Columns read per row; the layout has about 50, so anything past this is not ours.
MAX_COLUMNS = 100
MAX_REPORTED_ERRORS = 1000
# A 5 MB XLSX unpacking to more than this is a zip bomb, not a listing sheet.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text types
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Message: TypeAlias = LazyString | str
Cell: TypeAlias = str | int | Decimal | None


class _CellInvalid(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (None for the whole file), its column and why."""

    row: int | None
    column: str | None
    message: Message


class ImportRejected(DomainError):
    """The file was not imported; ``errors`` lists its problems in row and column order.

    ``total`` counts them all; beyond ``MAX_REPORTED_ERRORS`` (a file of junk) the rest
    are counted, not listed, so the report page stays readable.
    """

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            lazy_gettext(
                "Nothing was imported. Correct every problem listed and upload the file again."
            )
        )
        order = {column.header: index for index, column in enumerate(COLUMNS)}
        ordered = sorted(errors, key=lambda e: (e.row or 0, order.get(e.column or "", len(order))))
        self.errors = ordered[:MAX_REPORTED_ERRORS]
        self.total = len(ordered)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


# --- formula injection ---------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Quote text a spreadsheet would run as a formula; ``restore`` undoes it exactly.

    Text that already starts with a quote before such a character is quoted too, so
    restoring never eats a quote the seller typed.
    """
    if text.startswith(_FORMULA_STARTS) or (
        text[:1] == "'" and text[1:2] in ("'", *_FORMULA_STARTS)
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    if text[:1] == "'" and text[1:2] in ("'", *_FORMULA_STARTS):
        return text[1:]
    return text


# --- reading cells -------------------------------------------------------------------


_NOT_A_NUMBER = lazy_gettext("This cell needs a number.")
_NOT_A_WHOLE_NUMBER = lazy_gettext("This cell needs a whole number.")


def _float_text(value: float) -> str:
    # Spreadsheets hold binary floats; Excel shows 15 significant digits, which is what
    # the seller typed. Digits beyond are binary noise (2.2 stored as 2.2000000000000002).
    if value != value or value in (float("inf"), float("-inf")):
        raise _CellInvalid(_NOT_A_NUMBER)
    return format(Decimal(format(value, ".15g")), "f")


def _cell_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float):
        return _float_text(raw)
    if isinstance(raw, Decimal):
        return format(raw, "f")
    if isinstance(raw, date | time):
        raise _CellInvalid(lazy_gettext("The spreadsheet turned this cell into a date."))
    # XLSX keeps line breaks as "\n" whatever was typed; reading every file that way lets
    # a description entered in a browser ("\r\n") come back from Excel unchanged.
    return restore(str(raw)).replace("\r\n", "\n").replace("\r", "\n").strip()


_text = _cell_text


def _trimmed(value: Decimal) -> Decimal:
    """2.50 -> 2.5 and 1500.0 -> 1500: the same amount, without zeros a check would count."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _number(raw: object, not_a_number: Message = _NOT_A_NUMBER) -> Decimal | None:
    text = _cell_text(raw)
    if not text:
        return None
    # parse_decimal drops commas, which would read a European "2,50" as 250.
    if "," in text:
        raise _CellInvalid(
            lazy_gettext("Write numbers with a dot for decimals and no separators, e.g. 1250.50.")
        )
    try:
        value = parse_decimal(text)
    except ValueError:
        raise _CellInvalid(not_a_number) from None
    if value is not None and value.adjusted() > 15:
        raise _CellInvalid(lazy_gettext("This number is too large."))
    return None if value is None else _trimmed(value)


def _integer(raw: object) -> int | None:
    value = _number(raw, _NOT_A_WHOLE_NUMBER)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise _CellInvalid(_NOT_A_WHOLE_NUMBER)
    return int(value)


def _decimal(places: int) -> Callable[[object], Decimal | None]:
    """Weights in kg and sizes in cm, stored as g and mm: more decimals would be rounded."""

    def read(raw: object) -> Decimal | None:
        value = _number(raw)
        exponent = value.as_tuple().exponent if value is not None else 0
        if isinstance(exponent, int) and exponent < -places:
            raise _CellInvalid(lazy_gettext("At most %(digits)d decimals.", digits=places))
        return value

    return read


def _yes_no(raw: object) -> bool:
    text = _cell_text(raw).lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0", ""):
        return False
    raise _CellInvalid(lazy_gettext("Write yes or no."))


def _status(raw: object) -> ProductStatus | None:
    text = _cell_text(raw).lower()
    if not text:
        return None
    try:
        return ProductStatus(text)
    except ValueError:
        raise _CellInvalid(lazy_gettext("The status is draft, published or archived.")) from None


def _specifications(raw: object) -> list[tuple[str, str]]:
    """``name=value; name=value``; a backslash escapes ``\\``, ``;`` and ``=``."""
    pairs: list[tuple[str, str]] = []
    name: str | None = None
    buffer: list[str] = []

    def close() -> None:
        value = "".join(buffer).strip()
        pair = (value, "") if name is None else (name, value)
        if pair != ("", ""):
            pairs.append(pair)

    characters = iter(_cell_text(raw))
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            buffer.append(following if following in ("\\", ";", "=") else character + following)
        elif character == ";":
            close()
            name, buffer = None, []
        elif character == "=" and name is None:
            name, buffer = "".join(buffer).strip(), []
        else:
            buffer.append(character)
    close()
    return pairs


_NAME_SPECIAL = "\\;="
_VALUE_SPECIAL = "\\;"


def _escaped(text: str, special: str) -> str:
    return "".join("\\" + c if c in special else c for c in text)


# --- writing cells -------------------------------------------------------------------


def _tier(product: Product, index: int) -> PriceTier | None:
    return product.price_tiers[index] if index < len(product.price_tiers) else None


def _incoterm(product: Product, index: int) -> ProductIncoterm | None:
    return product.incoterms[index] if index < len(product.incoterms) else None


def _unit_price(product: Product, index: int) -> Decimal | None:
    tier = _tier(product, index)
    if tier is None:
        return None
    return Money.from_minor(tier.unit_price_minor, product.currency).amount


def _unscaled(value: int | None, digits: int) -> Decimal | None:
    """g -> kg and mm -> cm, exactly."""
    return None if value is None else _trimmed(Decimal(value).scaleb(-digits))


def _specification_text(product: Product) -> str:
    # An "=" inside a value needs no escape: only the first one ends the name.
    return "; ".join(
        _escaped(line.name, _NAME_SPECIAL) + "=" + _escaped(line.value, _VALUE_SPECIAL)
        for line in product.specifications
    )


# --- the layout ----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the file: its header, how to read a cell, how to write a listing.

    ``field`` names the ``ListingInput`` attribute the cell fills; None for columns
    assembled by hand (price tiers, Incoterms, public id, status).
    """

    header: str
    read: Callable[[object], Any]
    write: Callable[[Product], Cell]
    field: str | None = None


def _plain(header: str, read: Callable[[object], Any]) -> Column:
    """A column named like the ListingInput field and the Product attribute it mirrors."""
    return Column(header, read, lambda p: getattr(p, header), header)


def _tier_columns() -> list[Column]:
    def quantity(index: int) -> Callable[[Product], Cell]:
        return lambda p: tier.min_quantity if (tier := _tier(p, index)) else None

    def price(index: int) -> Callable[[Product], Cell]:
        return lambda p: _unit_price(p, index)

    return [
        column
        for i in range(MAX_TIERS)
        for column in (
            Column(f"tier{i + 1}_min_quantity", _integer, quantity(i)),
            Column(f"tier{i + 1}_unit_price", _number, price(i)),
        )
    ]


def _incoterm_columns() -> list[Column]:
    def rule(index: int) -> Callable[[Product], Cell]:
        return lambda p: term.rule.value if (term := _incoterm(p, index)) else None

    def place(index: int) -> Callable[[Product], Cell]:
        return lambda p: term.named_place if (term := _incoterm(p, index)) else None

    return [
        column
        for i in range(MAX_INCOTERMS)
        for column in (
            Column(f"incoterm{i + 1}_rule", _text, rule(i)),
            Column(f"incoterm{i + 1}_named_place", _text, place(i)),
        )
    ]


def _scaled_column(header: str, attribute: str, digits: int) -> Column:
    return Column(
        header, _decimal(digits), lambda p: _unscaled(getattr(p, attribute), digits), header
    )


COLUMNS: tuple[Column, ...] = (
    Column("public_id", _text, lambda p: p.public_id),
    _plain("title", _text),
    _plain("description", _text),
    Column("category", _text, lambda p: p.category.slug, "category_slug"),
    _plain("hs_code", _text),
    _plain("unit", _text),
    _plain("moq", _integer),
    _plain("currency", _text),
    *_tier_columns(),
    _plain("stock_quantity", _integer),
    _plain("lead_time_days", _integer),
    _plain("origin_country", _text),
    *_incoterm_columns(),
    _plain("package_type", _text),
    _plain("units_per_package", _integer),
    _scaled_column("net_weight_kg", "net_weight_g", 3),
    _scaled_column("gross_weight_kg", "gross_weight_g", 3),
    _scaled_column("length_cm", "length_mm", 1),
    _scaled_column("width_cm", "width_mm", 1),
    _scaled_column("height_cm", "height_mm", 1),
    _plain("un_number", _text),
    _plain("proper_shipping_name", _text),
    _plain("hazard_class", _text),
    _plain("packing_group", _text),
    _scaled_column("net_explosive_mass_kg", "net_explosive_mass_g", 3),
    Column(
        "export_licence_required",
        _yes_no,
        lambda p: "yes" if p.export_licence_required else "no",
        "export_licence_required",
    ),
    Column("specifications", _specifications, _specification_text, "specifications"),
    Column("status", _status, lambda p: p.status.value),
)
HEADERS = tuple(column.header for column in COLUMNS)


# --- reading files -------------------------------------------------------------------


def _file_error(message: Message) -> ImportRejected:
    return ImportRejected([RowError(None, None, message)])


def _csv_rows(data: bytes) -> Generator[Sequence[object], None, None]:
    not_utf8 = _file_error(
        lazy_gettext(
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”, or upload the XLSX file."
        )
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8 from None
    # UTF-16 ("Unicode text") decodes as UTF-8 full of NULs, which no database text takes.
    if "\x00" in text:
        raise not_utf8
    first_line = text.split("\n", 1)[0]
    # Excel saves CSV with semicolons where the decimal mark is a comma.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield cells[:MAX_COLUMNS]
    except csv.Error:
        raise _file_error(lazy_gettext("The CSV file cannot be read: check its quotes.")) from None


def _xlsx_rows(data: bytes) -> Generator[Sequence[object], None, None]:
    unreadable = lazy_gettext("This is not an XLSX file Corridor can read.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _file_error(unreadable) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _file_error(
            lazy_gettext("The spreadsheet is too large. Split it into smaller files.")
        )
    try:
        # openpyxl warns about Excel features it ignores (data validation, styles).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged upload can fail anywhere inside openpyxl
        raise _file_error(unreadable) from None
    try:
        yield from workbook.worksheets[0].iter_rows(
            min_row=1, max_col=MAX_COLUMNS, values_only=True
        )
    except Exception:  # a damaged sheet fails while it is read, not when opened
        raise _file_error(unreadable) from None
    finally:
        workbook.close()


def _blank(cells: Iterable[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _read_table(
    data: bytes, filename: str
) -> tuple[int, list[object], list[tuple[int, Sequence[object]]]]:
    """The header row's number and cells, and the non-blank rows below with their numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(
            lazy_gettext(
                "The file is larger than %(megabytes)d MB. Split it into smaller files.",
                megabytes=MAX_FILE_BYTES // (1024 * 1024),
            )
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise _file_error(lazy_gettext("Upload a .csv or .xlsx file."))
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise _file_error(lazy_gettext("The file is empty."))
    with closing(_xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)) as rows:
        return _split_table(rows)


def _split_table(
    rows: Generator[Sequence[object], None, None],
) -> tuple[int, list[object], list[tuple[int, Sequence[object]]]]:
    header: tuple[int, list[object]] | None = None
    body: list[tuple[int, Sequence[object]]] = []
    for number, cells in enumerate(rows, start=1):
        if _blank(cells):
            continue
        if header is None:
            header = (number, list(cells))
        elif len(body) == MAX_ROWS:
            raise _file_error(
                lazy_gettext("At most %(count)s listings per file.", count=f"{MAX_ROWS:,}")
            )
        else:
            body.append((number, cells))
    if header is None:
        raise _file_error(lazy_gettext("The file is empty."))
    if not body:
        raise _file_error(lazy_gettext("The file has no listings below the header row."))
    return header[0], header[1], body


def _header_positions(row: int, cells: list[object]) -> dict[int, str]:
    """Cell index -> column header; every missing, unknown or repeated header is an error."""
    positions: dict[int, str] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        name = str(cell or "").strip().lstrip("\ufeff").lower()
        if not name:
            continue
        if name not in HEADERS:
            errors.append(
                RowError(
                    row, name[:60], lazy_gettext("Unknown column. Use the headers of the template.")
                )
            )
        elif name in positions.values():
            errors.append(RowError(row, name, lazy_gettext("This column appears twice.")))
        else:
            positions[index] = name
    if not positions:
        raise _file_error(
            lazy_gettext("The first row must hold the column headers of the template.")
        )
    missing = set(HEADERS) - set(positions.values())
    errors += [
        RowError(row, header, lazy_gettext("This column is missing. Start from the template."))
        for header in HEADERS
        if header in missing
    ]
    if errors:
        raise ImportRejected(errors)
    return positions


# --- rows ----------------------------------------------------------------------------


@dataclass
class _Row:
    """One row read: what the listing service needs, and where its problems belong."""

    number: int
    public_id: str
    status: ProductStatus | None
    listing: ListingInput
    tier_numbers: list[int]
    incoterm_numbers: list[int]
    errors: dict[str, Message]


def _read_row(number: int, cells: Mapping[str, object]) -> _Row:
    values: dict[str, Any] = {}
    errors: dict[str, Message] = {}
    for column in COLUMNS:
        try:
            values[column.header] = column.read(cells.get(column.header))
        except _CellInvalid as invalid:
            errors[column.header] = invalid.message
            values[column.header] = None
    # Only filled tiers and terms reach the service, as it drops empty ones itself; the
    # numbers map its positions back to the columns they came from.
    tier_numbers = [
        n
        for n in range(1, MAX_TIERS + 1)
        if values[f"tier{n}_min_quantity"] is not None or values[f"tier{n}_unit_price"] is not None
    ]
    incoterm_numbers = [
        n
        for n in range(1, MAX_INCOTERMS + 1)
        if values[f"incoterm{n}_rule"] or values[f"incoterm{n}_named_place"]
    ]
    fields = {c.field: values[c.header] for c in COLUMNS if c.field is not None}
    fields["export_licence_required"] = bool(fields["export_licence_required"])
    fields["specifications"] = fields["specifications"] or []
    listing = ListingInput(
        **fields,
        price_tiers=[
            (values[f"tier{n}_min_quantity"], values[f"tier{n}_unit_price"]) for n in tier_numbers
        ],
        incoterms=[
            (values[f"incoterm{n}_rule"] or "", values[f"incoterm{n}_named_place"] or "")
            for n in incoterm_numbers
        ],
    )
    return _Row(
        number,
        values["public_id"] or "",
        values["status"],
        listing,
        tier_numbers,
        incoterm_numbers,
        errors,
    )


_ROW_FIELD = re.compile(r"^(price_tiers|incoterms|specifications)-(\d+)-(\w+)$")


def _service_errors(row: _Row, invalid: ListingInvalid) -> None:
    """Put the service's field errors on the columns they came from (a cell's own error wins)."""
    for field, message in invalid.errors.items():
        column, match = field, _ROW_FIELD.match(field)
        if field in ("price_tiers", "incoterms"):
            column = "tier1_min_quantity" if field == "price_tiers" else "incoterm1_rule"
        elif match is not None:
            group, index, part = match.group(1), int(match.group(2)), match.group(3)
            if group == "specifications":
                column = "specifications"
                message = lazy_gettext(
                    "Line %(number)d: %(message)s", number=index + 1, message=message
                )
            else:
                numbers = row.tier_numbers if group == "price_tiers" else row.incoterm_numbers
                number = numbers[index] if index < len(numbers) else 1
                column = (
                    f"tier{number}_{part}" if group == "price_tiers" else f"incoterm{number}_{part}"
                )
        elif field == "category_slug":
            column = "category"
        row.errors.setdefault(column, message)


def _status_problem(
    actor: Actor, product: Product | None, target: ProductStatus | None
) -> Message | None:
    """Why the row's status cannot be reached (the write would refuse it later)."""
    current = product.status if product is not None else None
    if target is None or target is current:
        return None
    if current is ProductStatus.SUSPENDED:
        return lazy_gettext("A suspended listing stays as the operator left it.")
    if target is ProductStatus.SUSPENDED:
        return lazy_gettext("Only the platform operator suspends listings.")
    if target is ProductStatus.DRAFT and current is not None:
        return lazy_gettext("A listing cannot go back to draft. Publish or archive it.")
    if target is ProductStatus.PUBLISHED:
        assert actor.user is not None and actor.user.company is not None
        try:
            ensure_can_trade(actor.user.company)
        except CompanyNotVerified as refused:
            return refused.message
    return None


# --- importing -----------------------------------------------------------------------


@dataclass
class _Plan:
    row: _Row
    product: Product | None
    changed: bool


def _company_products(company_id: int) -> list[Product]:
    return list(
        db.session.scalars(
            select(Product)
            .where(Product.seller_id == company_id)
            .options(
                selectinload(Product.category),
                selectinload(Product.price_tiers),
                selectinload(Product.incoterms),
                selectinload(Product.specifications),
            )
            .order_by(Product.id)
        )
    )


def _current_input(product: Product) -> ListingInput:
    """The listing as its exported row reads back: what an unchanged row equals."""
    cells = dict(zip(HEADERS, _export_row(product), strict=True))
    return _read_row(0, cells).listing


def _plan(
    actor: Actor, company_id: int, table: list[tuple[int, dict[str, object]]]
) -> tuple[list[_Plan], list[RowError]]:
    products = {product.public_id: product for product in _company_products(company_id)}
    first_seen: dict[str, int] = {}
    plans: list[_Plan] = []
    errors: list[RowError] = []
    for number, cells in table:
        row = _read_row(number, cells)
        try:
            validate_listing(row.listing)
        except ListingInvalid as invalid:
            _service_errors(row, invalid)
        product = products.get(row.public_id) if row.public_id else None
        if row.public_id and product is None:
            row.errors.setdefault(
                "public_id",
                lazy_gettext(
                    "Your company has no listing with this ID. Leave it blank for a new listing."
                ),
            )
        elif row.public_id in first_seen:
            row.errors.setdefault(
                "public_id",
                lazy_gettext(
                    "This listing is already in row %(row)d.", row=first_seen[row.public_id]
                ),
            )
        elif row.public_id:
            first_seen[row.public_id] = number
        problem = _status_problem(actor, product, row.status)
        if problem is not None:
            row.errors.setdefault("status", problem)
        errors += [RowError(number, column, message) for column, message in row.errors.items()]
        changed = product is None or row.listing != _current_input(product)
        plans.append(_Plan(row, product, changed))
    return plans, errors


def _write(actor: Actor, plan: _Plan) -> bool:
    """Create or update one listing and move it to its status; True if anything changed."""
    product, target = plan.product, plan.row.status
    if product is None:
        product = create_listing(actor, plan.row.listing)
    elif plan.changed:
        update_listing(actor, product, plan.row.listing)
    if target is None or target is product.status:
        return plan.changed
    if target is ProductStatus.PUBLISHED:
        publish_listing(actor, product)
    elif target is ProductStatus.ARCHIVED:
        archive_listing(actor, product)
    return True


def import_listings(actor: Actor, data: bytes, filename: str) -> ImportResult:
    """Import a CSV or XLSX file of listings for the actor's company, all or nothing.

    Raises ``ImportRejected`` listing every problem of every row, having written nothing.
    A row with a ``public_id`` updates that listing of the same company; a blank one
    creates a listing. Rows equal to the listing as it stands are left alone.
    """
    company_id = require_listing_editor(actor)
    header_row, header_cells, body = _read_table(data, filename)
    positions = _header_positions(header_row, header_cells)
    table: list[tuple[int, dict[str, object]]] = []
    stray: list[RowError] = []
    for number, cells in body:
        table.append((number, {positions[i]: c for i, c in enumerate(cells) if i in positions}))
        stray += [
            RowError(
                number, get_column_letter(i + 1), lazy_gettext("This cell has no column header.")
            )
            for i, cell in enumerate(cells)
            if i not in positions and not _blank([cell])
        ]
    plans, errors = _plan(actor, company_id, table)
    if errors or stray:
        raise ImportRejected(errors + stray)
    return _apply(actor, company_id, plans)


def _apply(actor: Actor, company_id: int, plans: list[_Plan]) -> ImportResult:
    created = updated = 0
    # A savepoint, so a refusal half-way (which the checks above should have caught)
    # leaves no listing behind even if the caller forgets to roll back.
    with db.session.begin_nested():
        for plan in plans:
            try:
                changed = _write(actor, plan)
            except DomainError as refused:
                raise ImportRejected(
                    [RowError(plan.row.number, refused.field, refused.message)]
                ) from refused
            created += plan.product is None
            updated += plan.product is not None and changed
        record_audit(
            actor,
            "listings.imported",
            company_id=company_id,
            details={"created": created, "updated": updated, "rows": len(plans)},
        )
    return ImportResult(created, updated, len(plans) - created - updated)


# --- exporting -----------------------------------------------------------------------


def _export_row(product: Product) -> list[Cell]:
    return [_outgoing(column.write(product)) for column in COLUMNS]


def _outgoing(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value


def _xlsx_cell(value: Cell) -> Cell:
    # openpyxl writes numbers with 16 significant digits and the reader trusts 15: longer
    # decimals go as text, which reads back exactly.
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > 15:
        return format(value, "f")
    # XML cannot hold control characters; openpyxl would refuse the whole workbook.
    if isinstance(value, str):
        return str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _serialise(rows: list[list[Cell]], fmt: str) -> bytes:
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
            sheet.append([_xlsx_cell(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        return output.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def export_listings(company_id: int, fmt: str) -> bytes:
    """Every listing of ``company_id`` in the import layout, as ``csv`` or ``xlsx`` bytes."""
    return _serialise([_export_row(p) for p in _company_products(company_id)], fmt)


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


def listing_template(fmt: str) -> bytes:
    """The headers and one example row, as ``csv`` or ``xlsx`` bytes."""
    return _serialise([[TEMPLATE_EXAMPLE.get(header) for header in HEADERS]], fmt)
