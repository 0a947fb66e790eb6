"""Orders and quote revisions: quantity tolerance (more or less N % at whose option)

Revision ID: 0032_quantity_tolerance
Revises: 0031_decimal_quantities
Create Date: 2026-12-07 18:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_quantity_tolerance'
down_revision = '0031_decimal_quantities'
branch_labels = None
depends_on = None

TABLES = ('orders', 'quote_revisions')


def upgrade():
    # Plain columns with defaults: every existing order and quote has no tolerance, which
    # is what they agreed.
    for table in TABLES:
        op.add_column(
            table, sa.Column('tolerance_percent', sa.Integer(), server_default=sa.text('0'), nullable=False)
        )
        op.add_column(
            table,
            sa.Column('tolerance_at_buyers_option', sa.Boolean(), server_default=sa.false(), nullable=False),
        )


def downgrade():
    # Not in batch mode: SQLite would rebuild orders, which other tables reference; plain
    # columns drop in place (SQLite 3.35+).
    for table in TABLES:
        op.drop_column(table, 'tolerance_at_buyers_option')
        op.drop_column(table, 'tolerance_percent')
