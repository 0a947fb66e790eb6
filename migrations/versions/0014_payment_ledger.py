"""Payments as a ledger: reversals, bank charges on receipts, one-time submission keys.

- ``payment_reversals``: a receipt taken back with a reason (one per receipt, unique).
- ``payment_receipts`` gain the charges deducted in transit (at least 0, less than the
  gross), the net credited (a generated column: gross less charges, so it always adds up)
  and who bore the charges (OUR/BEN/SHA; NULL for receipts recorded before, and for
  cards). Receipts so far had no charges: their net is their gross.
- ``idempotency_keys``: the submission keys of forms that write money, unique per
  company, with what the first request produced.

Revision ID: 0014_payment_ledger
Revises: 0013_company_time_zones
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0014_payment_ledger'
down_revision = '0013_company_time_zones'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('result_id', sa.String(length=255), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_idempotency_keys_company_id_companies')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('company_id', 'key', name='uq_idempotency_keys_company_key')
    )
    op.create_table('payment_reversals',
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_payment_reversals_amount_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_payment_reversals_created_by_id_users')),
    sa.ForeignKeyConstraint(['receipt_id'], ['payment_receipts.id'], name=op.f('fk_payment_reversals_receipt_id_payment_receipts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_reversals')),
    sa.UniqueConstraint('public_id', name=op.f('uq_payment_reversals_public_id')),
    sa.UniqueConstraint('receipt_id', name=op.f('uq_payment_reversals_receipt_id'))
    )
    # SQLite cannot copy payment_receipts into a new table (batch mode) while refunds point
    # at it, so there the columns are added in place, each with its check.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE payment_receipts ADD COLUMN charges_minor BIGINT DEFAULT 0 NOT NULL"
            " CONSTRAINT ck_payment_receipts_charges_in_range"
            " CHECK (charges_minor >= 0 AND charges_minor < amount_minor)"
        )
        op.execute(
            "ALTER TABLE payment_receipts ADD COLUMN net_minor BIGINT NOT NULL"
            " GENERATED ALWAYS AS (amount_minor - charges_minor)"
        )
        op.execute(
            "ALTER TABLE payment_receipts ADD COLUMN charges_bearer VARCHAR(32)"
            " CONSTRAINT ck_payment_receipts_chargebearer"
            " CHECK (charges_bearer IN ('OUR', 'BEN', 'SHA'))"
        )
        return
    op.add_column('payment_receipts', sa.Column('charges_minor', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
    op.create_check_constraint(
        op.f('ck_payment_receipts_charges_in_range'),
        'payment_receipts',
        'charges_minor >= 0 AND charges_minor < amount_minor',
    )
    op.add_column('payment_receipts', sa.Column('net_minor', sa.BigInteger(), sa.Computed('amount_minor - charges_minor', persisted=True), nullable=False))
    op.add_column('payment_receipts', sa.Column('charges_bearer', sa.Enum('OUR', 'BEN', 'SHA', name='chargebearer', native_enum=False, create_constraint=True, length=32), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # In place, as added; the generated net first (it reads the charges).
        for column in ("net_minor", "charges_bearer", "charges_minor"):
            op.execute(f"ALTER TABLE payment_receipts DROP COLUMN {column}")
    else:
        op.drop_column('payment_receipts', 'charges_bearer')
        op.drop_column('payment_receipts', 'net_minor')
        op.drop_constraint(op.f('ck_payment_receipts_charges_in_range'), 'payment_receipts', type_='check')
        op.drop_column('payment_receipts', 'charges_minor')
    op.drop_table('payment_reversals')
    op.drop_table('idempotency_keys')
