"""(placeholder, filled by the work that owns it)

Revision ID: 0022_shipment_contents
Revises: 0021_controlled_goods
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0022_shipment_contents'
down_revision = '0021_controlled_goods'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
