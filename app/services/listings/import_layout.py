"""The column layout of a listing sheet, the only description of the file.

Each column says how a cell is read into a ``ListingInput`` and how a listing is written
into a cell, so a file the seller exported and imports back changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.models import PriceTier, Product, ProductIncoterm
from app.money import Money
from app.services.listings.import_cells import (
    NAME_SPECIAL,
    VALUE_SPECIAL,
    Cell,
    cell_text,
    escaped,
    neutralise,
    read_count,
    read_decimal,
    read_quantity,
    read_specifications,
    read_status,
    read_yes_no,
    trimmed,
)
from app.services.listings.listing_input import (
    DIMENSION_PLACES,
    MAX_DIMENSION_CM,
    MAX_INCOTERMS,
    MAX_TIERS,
    MAX_UNIT_PRICE,
    MAX_WEIGHT_KG,
    PRICE_PLACES,
    WEIGHT_PLACES,
)

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
    return None if value is None else trimmed(Decimal(value).scaleb(-digits))


def _specification_text(product: Product) -> str:
    # An "=" inside a value needs no escape: only the first one ends the name.
    return "; ".join(
        escaped(line.name, NAME_SPECIAL) + "=" + escaped(line.value, VALUE_SPECIAL)
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
            Column(f"tier{i + 1}_min_quantity", read_quantity, quantity(i)),
            Column(f"tier{i + 1}_unit_price", read_decimal(PRICE_PLACES, MAX_UNIT_PRICE), price(i)),
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
            Column(f"incoterm{i + 1}_rule", cell_text, rule(i)),
            Column(f"incoterm{i + 1}_named_place", cell_text, place(i)),
        )
    ]


def _scaled_column(header: str, attribute: str, digits: int, maximum: int) -> Column:
    """Kilograms (``digits`` 3) or centimetres (1) of a listing stored in g or mm."""
    return Column(
        header,
        read_decimal(digits, maximum),
        lambda p: _unscaled(getattr(p, attribute), digits),
        header,
    )


COLUMNS: tuple[Column, ...] = (
    Column("public_id", cell_text, lambda p: p.public_id),
    _plain("title", cell_text),
    _plain("description", cell_text),
    # The seller's Chinese and Urdu wording; an empty cell leaves that language to English.
    *(
        _plain(name, cell_text)
        for name in ("title_zh", "title_ur", "description_zh", "description_ur")
    ),
    Column("category", cell_text, lambda p: p.category.slug, "category_slug"),
    _plain("hs_code", cell_text),
    _plain("unit", cell_text),
    _plain("moq", read_quantity),
    _plain("currency", cell_text),
    *_tier_columns(),
    _plain("stock_quantity", read_quantity),
    _plain("lead_time_days", read_count),
    _plain("origin_country", cell_text),
    *_incoterm_columns(),
    _plain("package_type", cell_text),
    _plain("units_per_package", read_count),
    _scaled_column("net_weight_kg", "net_weight_g", WEIGHT_PLACES, MAX_WEIGHT_KG),
    _scaled_column("gross_weight_kg", "gross_weight_g", WEIGHT_PLACES, MAX_WEIGHT_KG),
    _scaled_column("length_cm", "length_mm", DIMENSION_PLACES, MAX_DIMENSION_CM),
    _scaled_column("width_cm", "width_mm", DIMENSION_PLACES, MAX_DIMENSION_CM),
    _scaled_column("height_cm", "height_mm", DIMENSION_PLACES, MAX_DIMENSION_CM),
    _plain("un_number", cell_text),
    _plain("proper_shipping_name", cell_text),
    _plain("hazard_class", cell_text),
    _plain("packing_group", cell_text),
    _scaled_column("net_explosive_mass_kg", "net_explosive_mass_g", WEIGHT_PLACES, MAX_WEIGHT_KG),
    Column(
        "export_licence_required",
        read_yes_no,
        lambda p: "yes" if p.export_licence_required else "no",
        "export_licence_required",
    ),
    Column("specifications", read_specifications, _specification_text, "specifications"),
    Column("status", read_status, lambda p: p.status.value),
)
HEADERS = tuple(column.header for column in COLUMNS)
# Columns a file made before they existed may lack: read as empty.
OPTIONAL_HEADERS = frozenset({"title_zh", "title_ur", "description_zh", "description_ur"})


# --- a listing as a row ---------------------------------------------------------------


def export_row(product: Product) -> list[Cell]:
    return [_outgoing(column.write(product)) for column in COLUMNS]


def _outgoing(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value
