"""(placeholder, filled by the work that owns it)

Revision ID: 0025_places_and_signatories
Revises: 0024_trade_statistics
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0025_places_and_signatories'
down_revision = '0024_trade_statistics'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
