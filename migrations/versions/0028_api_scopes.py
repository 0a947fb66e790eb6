"""API tokens (issue 22, item 6): a scope per token and why a revoked one was revoked

Revision ID: 0028_api_scopes
Revises: 0027_webhooks
Create Date: 2026-12-07 09:40:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0028_api_scopes'
down_revision = '0027_webhooks'
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite rebuilds the table to add the CHECK constraints of the enums.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'scope',
            sa.Enum('personal', 'read_only', 'orders', 'listings', name='apitokenscope',
                    native_enum=False, create_constraint=True, length=32),
            server_default='personal', nullable=False))
        batch_op.add_column(sa.Column(
            'revoked_reason',
            sa.Enum('by_holder', 'by_owner', 'role_changed', 'deactivated',
                    name='apitokenrevocation', native_enum=False, create_constraint=True,
                    length=32),
            nullable=True))
    # milestone.due (webhooks): when it went out. Milestones already past due are marked,
    # so the first run does not announce the whole history (milestone.overdue covers them).
    T = app.models.base.UTCDateTime(timezone=True)
    op.add_column('payment_milestones', sa.Column('due_announced_at', T, nullable=True))
    now = datetime.now(UTC)
    milestones = sa.table(
        'payment_milestones', sa.column('due_on', sa.Date()), sa.column('due_announced_at', T)
    )
    op.execute(
        milestones.update()
        .where(milestones.c.due_on.is_not(None), milestones.c.due_on < now.date())
        .values(due_announced_at=now)
    )


def downgrade():
    op.execute('ALTER TABLE payment_milestones DROP COLUMN due_announced_at')
    # The enums' CHECK constraints go first: SQLite's table rebuild would keep them.
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_api_tokens_apitokenrevocation'), type_='check')
        batch_op.drop_constraint(op.f('ck_api_tokens_apitokenscope'), type_='check')
        batch_op.drop_column('revoked_reason')
        batch_op.drop_column('scope')
