"""Bulk import and export of listings as CSV or XLSX, in one column layout.

``COLUMNS`` is the only description of the file: each column says how a cell is read
into a ``ListingInput`` and how a listing is written into a cell, so a file the seller
exported and imports back changes nothing. An import is all or nothing: every row is read
and checked by the listing service first, and a file is written only when no row has a
problem. Headers and keyword values (``yes``, ``draft``, ``FOB``) are the same in every
language, so a file exported in Chinese imports in English.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Product, ProductStatus
from app.services.audit.recording import Actor, record_audit
from app.services.errors import DomainError
from app.services.licences import gate as licence_gate
from app.services.licences.needs import LicenceRefused
from app.services.listings.editing import (
    ListingInvalid,
    archive_listing,
    create_listing,
    publish_listing,
    require_listing_editor,
    update_listing,
    validate_listing,
)
from app.services.listings.export_files import (
    CONTENT_TYPES,
    TEMPLATE_EXAMPLE,
    sheet_bytes,
    xlsx_cell,
)
from app.services.listings.import_cells import Cell, Message, neutralise, restore
from app.services.listings.import_files import (
    FORMATS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_REPORTED_ERRORS,
    MAX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    ImportRejected,
    RowError,
    blank,
    header_positions,
    read_table,
)
from app.services.listings.import_layout import COLUMNS, HEADERS, Column, export_row
from app.services.listings.import_rows import (
    SheetRow,
    current_input,
    place_service_errors,
    read_row,
    status_problem,
)

# The parts live in import_cells, import_layout, import_files, import_rows and export_files;
# the web views and the tests have always found these names here.
__all__ = [
    "COLUMNS",
    "CONTENT_TYPES",
    "FORMATS",
    "HEADERS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_REPORTED_ERRORS",
    "MAX_ROWS",
    "MAX_XLSX_UNPACKED_BYTES",
    "TEMPLATE_EXAMPLE",
    "Cell",
    "Column",
    "ImportRejected",
    "ImportResult",
    "Message",
    "RowError",
    "export_listings",
    "import_listings",
    "listing_template",
    "neutralise",
    "restore",
]

# Earlier names of steps the unit tests drive one at a time.
_read_row = read_row
_xlsx_cell = xlsx_cell


@dataclass(frozen=True)
class ImportResult:
    """What an import did: listings created, updated, and rows equal to their listing."""

    created: int
    updated: int
    unchanged: int


@dataclass
class _Plan:
    row: SheetRow
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


def _plan(
    actor: Actor, company_id: int, table: list[tuple[int, dict[str, object]]]
) -> tuple[list[_Plan], list[RowError], list[LicenceRefused]]:
    products = {product.public_id: product for product in _company_products(company_id)}
    first_seen: dict[str, int] = {}
    plans: list[_Plan] = []
    errors: list[RowError] = []
    refusals: list[LicenceRefused] = []
    for number, cells in table:
        row = read_row(number, cells)
        try:
            validate_listing(row.listing)
        except ListingInvalid as invalid:
            place_service_errors(row, invalid)
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
        problem = status_problem(actor, product, row.status)
        if problem is not None:
            row.errors.setdefault("status", problem)
        elif (
            row.status is ProductStatus.PUBLISHED
            and _current_status(product) is not ProductStatus.PUBLISHED
        ):
            # The licence gate, asked of every row before anything is written, so that
            # each refused row is reported (and audited) like any other row problem.
            refused = _publish_refusal(actor, product, row)
            if refused is not None:
                row.errors.setdefault("status", refused.message)
                refusals.append(refused)
        errors += [RowError(number, column, message) for column, message in row.errors.items()]
        changed = product is None or row.listing != current_input(product)
        plans.append(_Plan(row, product, changed))
    return plans, errors, refusals


def _current_status(product: Product | None) -> ProductStatus | None:
    return product.status if product is not None else None


def _publish_refusal(actor: Actor, product: Product | None, row: SheetRow) -> LicenceRefused | None:
    """The licence gate's refusal to publish the row's listing, if it refuses."""
    assert actor.user is not None and actor.user.company is not None
    listing = row.listing
    shortfalls = licence_gate.listing_publish_shortfalls(
        db.session,
        actor.user.company,
        un_number=listing.un_number,
        hazard_class=listing.hazard_class,
        hs_code=listing.hs_code,
        title=listing.title,
    )
    if not shortfalls:
        return None
    return LicenceRefused(actor, shortfalls, product.public_id if product is not None else None)


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
    header_row, header_cells, body = read_table(data, filename)
    positions = header_positions(header_row, header_cells)
    table: list[tuple[int, dict[str, object]]] = []
    stray: list[RowError] = []
    for number, cells in body:
        table.append((number, {positions[i]: c for i, c in enumerate(cells) if i in positions}))
        stray += [
            RowError(
                number, get_column_letter(i + 1), lazy_gettext("This cell has no column header.")
            )
            for i, cell in enumerate(cells)
            if i not in positions and not blank([cell])
        ]
    plans, errors, refusals = _plan(actor, company_id, table)
    if errors or stray:
        raise ImportRejected(errors + stray, refusals)
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
                # A gate's refusal names no field: it refused the row's status.
                column = refused.field or (
                    "status" if isinstance(refused, LicenceRefused) else None
                )
                raise ImportRejected(
                    [RowError(plan.row.number, column, refused.message)], [refused]
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


def export_listings(company_id: int, fmt: str) -> bytes:
    """Every listing of ``company_id`` in the import layout, as ``csv`` or ``xlsx`` bytes."""
    return sheet_bytes([export_row(p) for p in _company_products(company_id)], fmt)


def listing_template(fmt: str) -> bytes:
    """The headers and one example row, as ``csv`` or ``xlsx`` bytes."""
    return sheet_bytes([[TEMPLATE_EXAMPLE.get(header) for header in HEADERS]], fmt)
