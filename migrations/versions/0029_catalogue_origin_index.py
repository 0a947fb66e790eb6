"""Catalogue: listings by country of origin, currency and price (issue 24)

Revision ID: 0029_catalogue_origin_index
Revises: 0028_api_scopes
Create Date: 2026-12-07 12:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029_catalogue_origin_index'
down_revision = '0028_api_scopes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_products_origin_currency_price', 'products',
        ['origin_country', 'currency', 'price_from_minor'], unique=False,
    )


def downgrade():
    op.drop_index('ix_products_origin_currency_price', table_name='products')
