"""Requests for quotation and quotes with revisions and counter-offers.

- ``rfqs``: what a buyer asks for (goods, quantity as NUMERIC(18, 3), delivery term and
  place, date wanted, payment terms wanted, optional target price) and its state.
- ``rfq_invitations``: the sellers an RFQ was sent to (only they see it).
- ``rfq_attachments``: specifications attached to an RFQ (rows of ``stored_files``).
- ``quote_revisions`` and ``quote_lines``: each seller's offers, one row per revision,
  never edited, with ``quote_line_tiers`` (a line's price breaks); ``quote_counters``: the buyer's counter-offer on a revision.
- ``rfq_events``: the history both parties see.
- ``orders`` gain the accepted revision and the SHA-256 of its terms (NULL for orders
  placed from the cart).

Quantities are NUMERIC(18, 3) on PostgreSQL and exact text on SQLite (whose NUMERIC is a
float), as ``app.models.quotation.QUANTITY_TYPE`` says.

Revision ID: 0016_quotations
Revises: 0015_stored_files
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0016_quotations'
down_revision = '0015_stored_files'
branch_labels = None
depends_on = None


def _quantity():
    return sa.Numeric(precision=18, scale=3).with_variant(sa.String(length=40), 'sqlite')


def _incoterm():
    return sa.Enum('EXW', 'FCA', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP', 'FAS', 'FOB', 'CFR', 'CIF', name='incoterm', native_enum=False, create_constraint=True, length=32)


def _payment_terms():
    return sa.Enum('advance', 'deposit_30_balance_70_bl', 'lc_at_sight', 'net_30', name='paymentterms', native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table('rfqs',
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'quoted', 'awarded', 'closed', 'cancelled', 'expired', name='rfqstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('hs_code', sa.String(length=10), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('quantity', _quantity(), nullable=False),
    sa.Column('unit', sa.String(length=3), nullable=False),
    sa.Column('incoterm', _incoterm(), nullable=False),
    sa.Column('incoterm_place', sa.String(length=100), nullable=False),
    sa.Column('destination_country', sa.String(length=2), nullable=False),
    sa.Column('required_by', sa.Date(), nullable=True),
    sa.Column('payment_terms', _payment_terms(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('target_price_minor', sa.BigInteger(), nullable=True),
    sa.Column('expires_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_rfqs_quantity_positive')),
    sa.CheckConstraint('target_price_minor IS NULL OR target_price_minor > 0', name=op.f('ck_rfqs_target_positive')),
    sa.ForeignKeyConstraint(['buyer_id'], ['companies.id'], name=op.f('fk_rfqs_buyer_id_companies')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_rfqs_category_id_categories')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rfqs_created_by_id_users')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_rfqs_product_id_products'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfqs')),
    sa.UniqueConstraint('public_id', name=op.f('uq_rfqs_public_id'))
    )
    op.create_index('ix_rfqs_buyer_created', 'rfqs', ['buyer_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_rfqs_status'), 'rfqs', ['status'], unique=False)
    op.create_table('rfq_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('invited_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfqs.id'], name=op.f('fk_rfq_invitations_rfq_id_rfqs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['companies.id'], name=op.f('fk_rfq_invitations_seller_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq_invitations')),
    sa.UniqueConstraint('rfq_id', 'seller_id', name=op.f('uq_rfq_invitations_rfq_id'))
    )
    op.create_index(op.f('ix_rfq_invitations_seller_id'), 'rfq_invitations', ['seller_id'], unique=False)
    op.create_table('rfq_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfqs.id'], name=op.f('fk_rfq_attachments_rfq_id_rfqs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_rfq_attachments_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq_attachments')),
    sa.UniqueConstraint('rfq_id', 'stored_file_id', name=op.f('uq_rfq_attachments_rfq_id'))
    )
    op.create_table('quote_revisions',
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('revision_no', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('offered', 'superseded', 'countered', 'accepted', 'expired', 'withdrawn', 'declined', name='quotestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('incoterm', _incoterm(), nullable=False),
    sa.Column('incoterm_place', sa.String(length=100), nullable=False),
    sa.Column('goods_total_minor', sa.BigInteger(), nullable=False),
    sa.Column('freight_minor', sa.BigInteger(), nullable=False),
    sa.Column('insurance_minor', sa.BigInteger(), nullable=False),
    sa.Column('total_minor', sa.BigInteger(), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.Column('payment_terms', _payment_terms(), nullable=False),
    sa.Column('valid_until', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('terms_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('freight_minor >= 0 AND insurance_minor >= 0', name=op.f('ck_quote_revisions_charges_positive')),
    sa.CheckConstraint('total_minor = goods_total_minor + freight_minor + insurance_minor', name=op.f('ck_quote_revisions_total_adds_up')),
    sa.ForeignKeyConstraint(['buyer_id'], ['companies.id'], name=op.f('fk_quote_revisions_buyer_id_companies')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quote_revisions_created_by_id_users')),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfqs.id'], name=op.f('fk_quote_revisions_rfq_id_rfqs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['companies.id'], name=op.f('fk_quote_revisions_seller_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_revisions')),
    sa.UniqueConstraint('public_id', name=op.f('uq_quote_revisions_public_id')),
    sa.UniqueConstraint('rfq_id', 'seller_id', 'revision_no', name=op.f('uq_quote_revisions_rfq_id'))
    )
    op.create_index('ix_quote_revisions_seller_created', 'quote_revisions', ['seller_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_quote_revisions_valid_until'), 'quote_revisions', ['valid_until'], unique=False)
    op.create_table('quote_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('hs_code', sa.String(length=10), nullable=False),
    sa.Column('unit', sa.String(length=3), nullable=False),
    sa.Column('quantity', _quantity(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.Column('line_total_minor', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_quote_lines_quantity_positive')),
    sa.CheckConstraint('unit_price_minor > 0', name=op.f('ck_quote_lines_price_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_quote_lines_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['quote_revisions.id'], name=op.f('fk_quote_lines_revision_id_quote_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_lines')),
    sa.UniqueConstraint('revision_id', 'line_no', name=op.f('uq_quote_lines_revision_id'))
    )
    op.create_table('quote_line_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('min_quantity', _quantity(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('min_quantity > 0', name=op.f('ck_quote_line_tiers_quantity_positive')),
    sa.CheckConstraint('unit_price_minor > 0', name=op.f('ck_quote_line_tiers_price_positive')),
    sa.ForeignKeyConstraint(['line_id'], ['quote_lines.id'], name=op.f('fk_quote_line_tiers_line_id_quote_lines'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_line_tiers')),
    sa.UniqueConstraint('line_id', 'min_quantity', name=op.f('uq_quote_line_tiers_line_id'))
    )
    op.create_table('quote_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('unit_price_minor', sa.BigInteger(), nullable=True),
    sa.Column('quantity', _quantity(), nullable=True),
    sa.Column('required_by', sa.Date(), nullable=True),
    sa.Column('payment_terms', _payment_terms(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_quote_counters_created_by_id_users')),
    sa.ForeignKeyConstraint(['revision_id'], ['quote_revisions.id'], name=op.f('fk_quote_counters_revision_id_quote_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_counters')),
    sa.UniqueConstraint('revision_id', name=op.f('uq_quote_counters_revision_id'))
    )
    op.create_table('rfq_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rfq_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=True),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_rfq_events_actor_id_users')),
    sa.ForeignKeyConstraint(['revision_id'], ['quote_revisions.id'], name=op.f('fk_rfq_events_revision_id_quote_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfqs.id'], name=op.f('fk_rfq_events_rfq_id_rfqs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['companies.id'], name=op.f('fk_rfq_events_seller_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rfq_events'))
    )
    op.create_index(op.f('ix_rfq_events_rfq_id'), 'rfq_events', ['rfq_id'], unique=False)
    # SQLite cannot add a foreign key to a table in place, and copying ``orders`` (batch
    # mode) while so many tables point at it is what 0014 avoided: there the column is
    # added with its REFERENCES clause and the uniqueness as an index.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE orders ADD COLUMN quote_revision_id INTEGER"
            " CONSTRAINT fk_orders_quote_revision_id_quote_revisions"
            " REFERENCES quote_revisions (id)"
        )
        op.execute("ALTER TABLE orders ADD COLUMN quote_terms_sha256 VARCHAR(64)")
    else:
        op.add_column('orders', sa.Column('quote_revision_id', sa.Integer(), nullable=True))
        op.add_column('orders', sa.Column('quote_terms_sha256', sa.String(length=64), nullable=True))
        op.create_foreign_key(op.f('fk_orders_quote_revision_id_quote_revisions'), 'orders', 'quote_revisions', ['quote_revision_id'], ['id'])
    op.create_index('uq_orders_quote_revision_id', 'orders', ['quote_revision_id'], unique=True)


def downgrade():
    op.drop_index('uq_orders_quote_revision_id', table_name='orders')
    if op.get_bind().dialect.name == "sqlite":
        for column in ("quote_terms_sha256", "quote_revision_id"):
            op.execute(f"ALTER TABLE orders DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f('fk_orders_quote_revision_id_quote_revisions'), 'orders', type_='foreignkey')
        op.drop_column('orders', 'quote_terms_sha256')
        op.drop_column('orders', 'quote_revision_id')
    op.drop_index(op.f('ix_rfq_events_rfq_id'), table_name='rfq_events')
    op.drop_table('rfq_events')
    op.drop_table('quote_counters')
    op.drop_table('quote_line_tiers')
    op.drop_table('quote_lines')
    op.drop_index(op.f('ix_quote_revisions_valid_until'), table_name='quote_revisions')
    op.drop_index('ix_quote_revisions_seller_created', table_name='quote_revisions')
    op.drop_table('quote_revisions')
    op.drop_table('rfq_attachments')
    op.drop_index(op.f('ix_rfq_invitations_seller_id'), table_name='rfq_invitations')
    op.drop_table('rfq_invitations')
    op.drop_index(op.f('ix_rfqs_status'), table_name='rfqs')
    op.drop_index('ix_rfqs_buyer_created', table_name='rfqs')
    op.drop_table('rfqs')
