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
_QUANTITY_STEP = Decimal(1).scaleb(-QUANTITY_PLACES)


def plain_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros, never in exponent form: 12.500 → 12.5, 1200.000 →
    1200 (``normalize`` alone would give 1.2E+3)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


class Quantity(sa.types.TypeDecorator[Decimal]):
    """Exact quantities to the thousandth on every backend, read back as Decimal.

    PostgreSQL keeps NUMERIC(18, 3). SQLite's NUMERIC is a float, so there the column holds
    whole thousandths in an INTEGER: sums, comparisons and stock decrements in SQL stay
    exact on both. Adding, subtracting and comparing such columns in SQL is safe; never
    multiply one in SQL, as SQLite would read the factor as thousandths too.
    """

    impl = sa.BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        stored: sa.types.TypeEngine[Any] = (
            sa.BigInteger() if dialect.name == "sqlite" else sa.Numeric(18, QUANTITY_PLACES)
        )
        return dialect.type_descriptor(stored)

    def process_bind_param(self, value: Decimal | int | None, dialect: Dialect) -> object:
        if value is None:
            return None
        if isinstance(value, bool | float) or not isinstance(value, Decimal | int):
            raise TypeError("quantities are exact: Decimal or int only")
        exact = Decimal(value)
        if not exact.is_finite() or exact != exact.quantize(_QUANTITY_STEP):
            raise ValueError(f"a quantity has at most {QUANTITY_PLACES} decimals: {value}")
        if dialect.name == "sqlite":
            return int(exact.scaleb(QUANTITY_PLACES))
        return exact

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return plain_decimal(Decimal(int(value)).scaleb(-QUANTITY_PLACES))  # type: ignore[call-overload]
        return plain_decimal(Decimal(value))  # type: ignore[arg-type]


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
