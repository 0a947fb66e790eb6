"""(placeholder, filled by the work that owns it)

Revision ID: 0023_claims
Revises: 0022_shipment_contents
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0023_claims'
down_revision = '0022_shipment_contents'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
