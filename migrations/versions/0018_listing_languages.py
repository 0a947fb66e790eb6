"""Listing text in the buyer's language, and company names in the reader's script.

- ``products`` gain ``title_zh``/``title_ur`` and ``description_zh``/``description_ur``;
  ``product_specifications`` gain ``name_zh``/``name_ur`` (the label; values are numbers
  and grades that read the same in every language). All optional: English stays the
  fallback.
- ``companies`` gain ``name_zh``/``name_ur``. A company's registered local name
  (``legal_name_local``) is taken as its Chinese name for Chinese companies and its Urdu
  name for Pakistani ones, so nothing a company entered is lost.

- ``catalogue_counts`` and ``catalogue_count_state``: the facet counts of the public
  catalogue per category, rebuilt by a job after listings change, with the catalogue
  version they were taken at (app/services/catalog/counts.py).

The search index keeps its shape (Chinese goes in as character bigrams, see
app/services/catalog/text_index.py); listings reindex as they change.

Revision ID: 0018_listing_languages
Revises: 0017_messages_and_consent
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0018_listing_languages'
down_revision = '0017_messages_and_consent'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_category_currency_price', ['category_id', 'currency', 'price_from_minor'], unique=False)
        batch_op.add_column(sa.Column('title_zh', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('title_ur', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('description_zh', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('description_ur', sa.Text(), nullable=True))
    with op.batch_alter_table('product_specifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_zh', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('name_ur', sa.String(length=80), nullable=True))
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_zh', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('name_ur', sa.String(length=200), nullable=True))
    op.execute("UPDATE companies SET name_zh = legal_name_local WHERE country = 'CN'")
    op.execute("UPDATE companies SET name_ur = legal_name_local WHERE country = 'PK'")
    op.create_table('catalogue_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=True),
    sa.Column('flags', sa.Integer(), nullable=True),
    sa.Column('origin_country', sa.String(length=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('incoterm', sa.String(length=3), nullable=True),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_counts'))
    )
    with op.batch_alter_table('catalogue_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_counts_category_id'), ['category_id'], unique=False)
    op.create_table('catalogue_count_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_count_state'))
    )


def downgrade():
    op.drop_table('catalogue_count_state')
    with op.batch_alter_table('catalogue_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_counts_category_id'))
    op.drop_table('catalogue_counts')
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL): a batch copy would drop and remake
    # these tables, which foreign keys from orders, users and cart lines forbid once rows exist.
    op.drop_index('ix_products_category_currency_price', table_name='products')
    for table, columns in (
        ('companies', ('name_ur', 'name_zh')),
        ('product_specifications', ('name_ur', 'name_zh')),
        ('products', ('description_ur', 'description_zh', 'title_ur', 'title_zh')),
    ):
        for column in columns:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
