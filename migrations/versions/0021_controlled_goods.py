"""(placeholder, filled by the work that owns it)

Revision ID: 0021_controlled_goods
Revises: 0020_credit_terms
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0021_controlled_goods'
down_revision = '0020_credit_terms'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
