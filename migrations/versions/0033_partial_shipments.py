"""Orders and quote revisions: whether the contract allows partial shipments (several lots)

Revision ID: 0033_partial_shipments
Revises: 0032_quantity_tolerance
Create Date: 2026-12-07 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033_partial_shipments'
down_revision = '0032_quantity_tolerance'
branch_labels = None
depends_on = None

TABLES = ('orders', 'quote_revisions')


def upgrade():
    # Every existing order and quote shipped (or ships) in one lot, as agreed.
    for table in TABLES:
        op.add_column(
            table,
            sa.Column('partial_shipments', sa.Boolean(), server_default=sa.false(), nullable=False),
        )


def downgrade():
    # Plain columns drop in place (SQLite 3.35+), no batch rebuild of referenced tables.
    for table in TABLES:
        op.drop_column(table, 'partial_shipments')
