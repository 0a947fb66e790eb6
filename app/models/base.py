"""Declarative base, column types and naming convention shared by every model."""

from __future__ import annotations

import enum
import secrets
import string
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

from app.money import UNIT_PRICE_EXTRA_PLACES, plain_decimal

# Named constraints let Alembic alter SQLite tables in batch mode and keep names stable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend.

    SQLite drops offsets, so values are converted to UTC on the way in and read back with
    UTC attached; naive values are refused because their zone is unknowable.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: times are aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """Decimals kept digit for digit on every backend (exchange rates, not money).

    SQLite stores ``Numeric`` as REAL and loses digits; the canonical text keeps them all.
    """

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError("exact decimals only")
        return format(value, "f")

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


# Quantities are kept to the thousandth: tonnes to the kilogram (issue #20).
QUANTITY_PLACES = 3


class _ScaledDecimal(sa.types.TypeDecorator[Decimal]):
    """An exact decimal with a fixed number of ``places``, read back as Decimal.

    PostgreSQL keeps NUMERIC(``precision``, ``places``). SQLite's NUMERIC is a float, so
    there the column holds whole steps (thousandths, hundredths) in an INTEGER: sums,
    comparisons and decrements in SQL stay exact on both. Adding, subtracting, comparing
    and sorting such columns in SQL is safe (values bound through the type); never
    multiply one in SQL, as SQLite would read the factor in steps too.
    """

    impl = sa.BigInteger
    cache_ok = True
    places: int
    precision: int

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        stored: sa.types.TypeEngine[Any] = (
            sa.BigInteger() if dialect.name == "sqlite" else sa.Numeric(self.precision, self.places)
        )
        return dialect.type_descriptor(stored)

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if isinstance(value, bool | float) or not isinstance(value, Decimal | int):
            raise TypeError(f"{type(self).__name__} values are exact: Decimal or int only")
        exact = Decimal(value)
        if not exact.is_finite() or exact != exact.quantize(Decimal(1).scaleb(-self.places)):
            raise ValueError(f"{type(self).__name__} has at most {self.places} decimals: {value}")
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.places))
        return exact

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return plain_decimal(Decimal(int(value)).scaleb(-self.places))  # type: ignore[call-overload]
        return plain_decimal(Decimal(value))  # type: ignore[arg-type]


class Quantity(_ScaledDecimal):
    """Quantities to the thousandth (tonnes to the kilogram): NUMERIC(18, 3) or INTEGER
    thousandths."""

    cache_ok = True  # SQLAlchemy reads it from each class itself
    places = QUANTITY_PLACES
    precision = 18


class UnitPrice(_ScaledDecimal):
    """A unit price in minor units to the hundredth (25.24 US cents: US$0.2524), exactly:
    NUMERIC(20, 2) or INTEGER hundredths of a minor unit. Never summed in SQL: line amounts
    are rounded once, in Python (``app.money.line_amount_minor``)."""

    cache_ok = True
    places = UNIT_PRICE_EXTRA_PLACES
    precision = 20


_PUBLIC_ID_ALPHABET = string.ascii_letters + string.digits


def new_public_id() -> str:
    """A random identifier for URLs (95 bits): integer keys never appear in URLs.

    Letters and digits only, so an id never starts with "-" or "=" and is never taken for a
    formula (and quoted) when it travels through a spreadsheet export.
    """
    return "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(16))


def enum_column_type(enum_class: type[enum.Enum]) -> sa.Enum:
    """StrEnums stored by value as VARCHAR with a CHECK, never as a native database enum."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    # Flask-SQLAlchemy 3.1 rejects type_annotation_map on the base (its issue #1361).
    registry = registry(
        metadata=metadata,
        type_annotation_map={datetime: UTCDateTime(), str: sa.String(255)},
    )


class PublicIdMixin:
    """Integer primary key for joins, random public id for URLs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(
        sa.String(24), unique=True, default=new_public_id, nullable=False
    )
