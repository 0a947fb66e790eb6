"""API tokens (issue 22, item 6): a scope per token and why a revoked one was revoked

Revision ID: 0028_api_scopes
Revises: 0027_webhooks
Create Date: 2026-12-07 09:40:00

"""
from alembic import op
import sqlalchemy as sa


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


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_reason')
        batch_op.drop_column('scope')
