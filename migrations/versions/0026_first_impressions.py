"""First impressions (issue 26): no schema change; home counts, filters, audit names and
exports read existing tables (kept to hold the chain's place)

Revision ID: 0026_first_impressions
Revises: 0025_places_and_signatories
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0026_first_impressions'
down_revision = '0025_places_and_signatories'
branch_labels = None
depends_on = None


def upgrade():
    pass  # nothing to change: see the docstring


def downgrade():
    pass
