"""Payment milestones: the invoice a lot's share of the balance pays

Revision ID: 0035_milestone_invoice
Revises: 0034_weight_settlements
Create Date: 2026-12-07 23:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035_milestone_invoice'
down_revision = '0034_weight_settlements'
branch_labels = None
depends_on = None


def upgrade():
    # A plain column, the invoice's number as printed: milestones before lots pay the order.
    op.add_column('payment_milestones', sa.Column('invoice_number', sa.String(length=40), nullable=True))


def downgrade():
    op.drop_column('payment_milestones', 'invoice_number')
