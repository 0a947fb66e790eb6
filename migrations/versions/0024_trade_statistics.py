"""The trade-flow cube behind the public statistics (issue #23).

- ``trade_flow_facts``: one row per shipped order and HS heading (value in USD minor units
  at the invoice's frozen rate, net of credit notes; net weight; shipments), with both
  firms so the disclosure rules can count and weigh them.
- ``trade_flow_cube_state``: one row, the refresh watermark and the cube's version.
- ``restricted_statistics_chapters``: chapters the operator publishes by chapter and year
  only (chapter 36 always is, in code).

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
    op.create_table('trade_flow_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('direction', sa.Enum('pk_cn', 'cn_pk', 'other', name='flowdirection', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('hs2', sa.String(length=2), nullable=False),
    sa.Column('hs4', sa.String(length=4), nullable=False),
    sa.Column('port_of_loading', sa.String(length=100), nullable=False),
    sa.Column('port_of_discharge', sa.String(length=100), nullable=False),
    sa.Column('incoterm_group', sa.Enum('E', 'F', 'C', 'D', name='incotermgroup', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('value_usd_minor', sa.BigInteger(), nullable=False),
    sa.Column('net_weight_g', sa.BigInteger(), nullable=False),
    sa.Column('shipments', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value_usd_minor >= 0', name=op.f('ck_trade_flow_facts_value_not_negative')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_trade_flow_facts_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_id'], ['companies.id'], name=op.f('fk_trade_flow_facts_seller_id_companies')),
    sa.ForeignKeyConstraint(['buyer_id'], ['companies.id'], name=op.f('fk_trade_flow_facts_buyer_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_flow_facts')),
    sa.UniqueConstraint('order_id', 'hs4', name='order_heading'),
    )
    op.create_index('ix_trade_flow_facts_month_hs4', 'trade_flow_facts', ['month', 'hs4'], unique=False)
    op.create_index('ix_trade_flow_facts_seller_month', 'trade_flow_facts', ['seller_id', 'month'], unique=False)
    op.create_index('ix_trade_flow_facts_buyer_month', 'trade_flow_facts', ['buyer_id', 'month'], unique=False)
    op.create_table('trade_flow_cube_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('refreshed_through', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('changed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trade_flow_cube_state')),
    )
    op.create_table('restricted_statistics_chapters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter', sa.String(length=2), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('named_by_id', sa.Integer(), nullable=True),
    sa.Column('named_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['named_by_id'], ['users.id'], name=op.f('fk_restricted_statistics_chapters_named_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_restricted_statistics_chapters')),
    sa.UniqueConstraint('chapter', name=op.f('uq_restricted_statistics_chapters_chapter')),
    )


def downgrade():
    op.drop_table('restricted_statistics_chapters')
    op.drop_table('trade_flow_cube_state')
    op.drop_index('ix_trade_flow_facts_buyer_month', table_name='trade_flow_facts')
    op.drop_index('ix_trade_flow_facts_seller_month', table_name='trade_flow_facts')
    op.drop_index('ix_trade_flow_facts_month_hs4', table_name='trade_flow_facts')
    op.drop_table('trade_flow_facts')
