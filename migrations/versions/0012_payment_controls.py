"""Payment controls: goods released before the deposit, reminders of overdue payments.

Revision ID: 0012_payment_controls
Revises: 0011_api_tokens
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0012_payment_controls'
down_revision = '0011_api_tokens'
branch_labels = None
depends_on = None


_ORDER_STATUSES = (
    'placed', 'accepted', 'rejected', 'in_production', 'shipped', 'delivered', 'completed',
    'cancelled',
)


def upgrade():
    op.create_table('payment_releases',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('move', sa.Enum(*_ORDER_STATUSES, name='orderstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('released_by_id', sa.Integer(), nullable=False),
    sa.Column('released_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint("move IN ('in_production', 'shipped')", name=op.f('ck_payment_releases_gated_move')),
    sa.ForeignKeyConstraint(['milestone_id'], ['payment_milestones.id'], name=op.f('fk_payment_releases_milestone_id_payment_milestones')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payment_releases_order_id_orders')),
    sa.ForeignKeyConstraint(['released_by_id'], ['users.id'], name=op.f('fk_payment_releases_released_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_releases')),
    sa.UniqueConstraint('milestone_id', 'move', name='milestone_move'),
    sa.UniqueConstraint('public_id', name=op.f('uq_payment_releases_public_id'))
    )
    with op.batch_alter_table('payment_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_releases_order_id'), ['order_id'], unique=False)

    op.create_table('payment_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('first_sent_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sent_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_count', sa.Integer(), nullable=False),
    sa.CheckConstraint('sent_count > 0', name=op.f('ck_payment_reminders_sent_count_positive')),
    sa.ForeignKeyConstraint(['milestone_id'], ['payment_milestones.id'], name=op.f('fk_payment_reminders_milestone_id_payment_milestones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_reminders')),
    sa.UniqueConstraint('milestone_id', name=op.f('uq_payment_reminders_milestone_id'))
    )


def downgrade():
    op.drop_table('payment_reminders')
    with op.batch_alter_table('payment_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_releases_order_id'))

    op.drop_table('payment_releases')
