"""Quantities to the thousandth: 12.500 t of chromite (issue #20)

Revision ID: 0031_decimal_quantities
Revises: 0030_document_einvoice_flag
Create Date: 2026-12-07 15:10:00

PostgreSQL keeps quantities as NUMERIC(18, 3). SQLite keeps whole thousandths in the same
INTEGER columns (its NUMERIC is a float), so there every stored quantity is multiplied by
1,000. The order line check ``line_total = quantity * unit_price`` goes: a line amount is
now rounded once to the currency's minor unit, which SQL cannot restate on both databases.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0031_decimal_quantities'
down_revision = '0030_document_einvoice_flag'
branch_labels = None
depends_on = None

COLUMNS = {
    'cart_lines': ('quantity',),
    'claim_lines': ('quantity',),
    'credit_terms': ('quantity',),
    'licence_drawdowns': ('quantity',),
    'licences': ('quantity_limit', 'per_shipment_limit', 'drawn_quantity'),
    'order_lines': ('quantity', 'reserved_quantity'),
    'price_tiers': ('min_quantity',),
    'products': ('moq', 'stock_quantity'),
    'shipment_lines': ('quantity',),
}
SCALE = 1000
LINE_ADDS_UP = 'line_total_minor = quantity * unit_price_minor'


def _rebuild_order_lines(adds_up: bool) -> None:
    """SQLite adds or drops a CHECK only by rebuilding the table. Other tables reference
    order lines (ON DELETE CASCADE), so foreign keys go off for the rebuild, as SQLite's own
    procedure for altering a table says; the PRAGMA takes effect only outside a
    transaction."""
    op.execute('COMMIT')
    op.execute('PRAGMA foreign_keys = OFF')
    op.execute('BEGIN')
    with op.batch_alter_table('order_lines', recreate='always') as batch_op:
        if adds_up:
            batch_op.create_check_constraint(op.f('ck_order_lines_line_adds_up'), LINE_ADDS_UP)
        else:
            batch_op.drop_constraint(op.f('ck_order_lines_line_adds_up'), type_='check')
    violations = op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').fetchall()
    if violations:
        raise RuntimeError(f'foreign keys broken by the rebuild: {violations[:5]}')
    op.execute('COMMIT')
    op.execute('PRAGMA foreign_keys = ON')
    op.execute('BEGIN')


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # The check goes first: scaled quantities no longer satisfy it.
        _rebuild_order_lines(adds_up=False)
        for table, columns in COLUMNS.items():
            values = ', '.join(f'{column} = {column} * {SCALE}' for column in columns)
            op.execute(f'UPDATE {table} SET {values}')  # noqa: S608 (names are constants)
        return
    op.drop_constraint(op.f('ck_order_lines_line_adds_up'), 'order_lines', type_='check')
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(
                table, column, type_=sa.Numeric(18, 3), existing_type=sa.BigInteger()
            )


def downgrade():
    # Back to whole units: refused while any quantity has decimals, which would be lost.
    bind = op.get_bind()
    sqlite = bind.dialect.name == 'sqlite'
    for table, columns in COLUMNS.items():
        for column in columns:
            fractional = (
                f'{column} % {SCALE} != 0' if sqlite else f'{column} != trunc({column})'
            )
            found = bind.exec_driver_sql(
                f'SELECT count(*) FROM {table} WHERE {fractional}'  # noqa: S608 (constants)
            ).scalar()
            if found:
                raise RuntimeError(f'{table}.{column} holds decimal quantities')
    if sqlite:
        for table, columns in COLUMNS.items():
            values = ', '.join(f'{column} = {column} / {SCALE}' for column in columns)
            op.execute(f'UPDATE {table} SET {values}')  # noqa: S608 (names are constants)
        _rebuild_order_lines(adds_up=True)
        return
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(
                table, column, type_=sa.BigInteger(), existing_type=sa.Numeric(18, 3),
                postgresql_using=f'{column}::bigint',
            )
    op.create_check_constraint(op.f('ck_order_lines_line_adds_up'), 'order_lines', LINE_ADDS_UP)
