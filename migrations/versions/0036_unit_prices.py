"""Unit prices to hundredths of a minor unit (US$0.2524 per kg)

Revision ID: 0036_unit_prices
Revises: 0035_milestone_invoice
Create Date: 2026-12-08 01:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0036_unit_prices"
down_revision = "0035_milestone_invoice"
branch_labels = None
depends_on = None

# Every column holding a price per unit (app.models.base.UnitPrice). Amounts billed stay
# whole minor units: only the price per unit goes finer.
COLUMNS = {
    "products": ["price_from_minor"],
    "price_tiers": ["unit_price_minor"],
    "order_lines": ["unit_price_minor"],
    "rfqs": ["target_price_minor"],
    "quote_lines": ["unit_price_minor"],
    "quote_line_tiers": ["unit_price_minor"],
    "quote_counters": ["unit_price_minor"],
    "outturn_lines": ["price_adjustment_minor"],
}
SCALE = 100  # SQLite keeps whole hundredths of a minor unit in the INTEGER it has


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Same INTEGER columns, scaled: no table rebuild (order lines are referenced).
        for table, columns in COLUMNS.items():
            values = ", ".join(f"{column} = {column} * {SCALE}" for column in columns)
            op.execute(f"UPDATE {table} SET {values}")  # noqa: S608 (names are constants)
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Numeric(20, 2), existing_type=sa.BigInteger())


def downgrade():
    # Back to whole minor units: refused while any price has a fraction of one (lost).
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    for table, columns in COLUMNS.items():
        for column in columns:
            fractional = f"{column} % {SCALE} != 0" if sqlite else f"{column} != trunc({column})"
            found = bind.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE {fractional}"  # noqa: S608 (constants)
            ).scalar()
            if found:
                raise RuntimeError(f"{table}.{column} holds prices finer than a minor unit")
    for table, columns in COLUMNS.items():
        if sqlite:
            values = ", ".join(f"{column} = {column} / {SCALE}" for column in columns)
            op.execute(f"UPDATE {table} SET {values}")  # noqa: S608 (names are constants)
            continue
        for column in columns:
            op.alter_column(
                table,
                column,
                type_=sa.BigInteger(),
                existing_type=sa.Numeric(20, 2),
                postgresql_using=f"{column}::bigint",
            )
