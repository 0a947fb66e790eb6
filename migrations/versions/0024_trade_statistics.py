"""(placeholder, filled by the work that owns it)

Revision ID: 0024_trade_statistics
Revises: 0023_claims
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0024_trade_statistics'
down_revision = '0023_claims'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
