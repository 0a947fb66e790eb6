"""One row of a listing sheet: read into a ``ListingInput``, and every problem with it put
on the column the seller typed it in (a cell's own, the listing service's, its status).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext

from app.models import Product, ProductStatus
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor
from app.services.errors import CompanyNotVerified
from app.services.listings.import_cells import CellInvalid, Message
from app.services.listings.import_layout import COLUMNS, HEADERS, export_row
from app.services.listings.listing_input import (
    MAX_INCOTERMS,
    MAX_TIERS,
    ListingInput,
    ListingInvalid,
)


@dataclass
class SheetRow:
    """One row read: what the listing service needs, and where its problems belong."""

    number: int
    public_id: str
    status: ProductStatus | None
    listing: ListingInput
    tier_numbers: list[int]
    incoterm_numbers: list[int]
    errors: dict[str, Message]


def read_row(number: int, cells: Mapping[str, object]) -> SheetRow:
    values: dict[str, Any] = {}
    errors: dict[str, Message] = {}
    for column in COLUMNS:
        try:
            values[column.header] = column.read(cells.get(column.header))
        except CellInvalid as invalid:
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
    return SheetRow(
        number,
        values["public_id"] or "",
        values["status"],
        listing,
        tier_numbers,
        incoterm_numbers,
        errors,
    )


_ROW_FIELD = re.compile(r"^(price_tiers|incoterms|specifications)-(\d+)-(\w+)$")


def place_service_errors(row: SheetRow, invalid: ListingInvalid) -> None:
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


def status_problem(
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


def current_input(product: Product) -> ListingInput:
    """The listing as its exported row reads back: what an unchanged row equals."""
    cells = dict(zip(HEADERS, export_row(product), strict=True))
    return read_row(0, cells).listing
