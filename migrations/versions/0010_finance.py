"""Finance: exchange rates, the rates each invoice froze, register exports, paid and due on orders.

Revision ID: 0010_finance
Revises: 0009_letters_of_credit
Create Date: 2026-11-27 08:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0010_finance'
down_revision = '0009_letters_of_credit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exchange_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rate_date', sa.Date(), nullable=False),
    sa.Column('base', sa.String(length=3), nullable=False),
    sa.Column('quote', sa.String(length=3), nullable=False),
    sa.Column('rate', app.models.base.ExactDecimal(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('base <> quote', name=op.f('ck_exchange_rates_two_currencies')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_exchange_rates_entered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_rates')),
    sa.UniqueConstraint('base', 'quote', 'rate_date', name='pair_date')
    )
    op.create_table('document_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('rate', app.models.base.ExactDecimal(), nullable=False),
    sa.Column('rate_date', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_document_rates_company_id_companies')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_rates_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_rates')),
    sa.UniqueConstraint('document_id', 'company_id', name='document_company')
    )
    op.create_table('register_exports',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='exportstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_register_exports_company_id_companies')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_register_exports_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_exports')),
    sa.UniqueConstraint('public_id', name=op.f('uq_register_exports_public_id'))
    )
    with op.batch_alter_table('register_exports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_exports_company_id'), ['company_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid_minor', sa.BigInteger(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('next_due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_next_due_on'), ['next_due_on'], unique=False)

    # The register reads each party's invoices and credit notes by date.
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index('ix_documents_issuer_kind_issued', ['issuer_id', 'kind', 'issued_at'], unique=False)
        batch_op.create_index('ix_documents_recipient_kind_issued', ['recipient_id', 'kind', 'issued_at'], unique=False)
        batch_op.create_index('ix_documents_corrects_id', ['corrects_id'], unique=False)

    _backfill_orders()
    _create_rate_triggers()
    if op.get_bind().dialect.name == "postgresql":
        # Keep the frozen snapshot (``data``, ~2 kB) out of the heap row as well as the PDF:
        # the register scans thousands of rows and reads neither.
        op.execute("ALTER TABLE documents SET (toast_tuple_target = 128)")


# Paid: receipts less their refunds. Next due: the earliest due date of a milestone not yet
# fully paid. Both are what app.services.payments.milestones keeps up to date from now on.
_PAID_PER_MILESTONE = """
    (SELECT COALESCE(SUM(r.amount_minor - COALESCE(
        (SELECT SUM(f.amount_minor) FROM payment_refunds f WHERE f.receipt_id = r.id), 0)), 0)
     FROM payment_receipts r WHERE r.milestone_id = m.id)
"""


def _backfill_orders():
    op.execute(f"""
        UPDATE orders SET paid_minor = (
            SELECT COALESCE(SUM({_PAID_PER_MILESTONE}), 0)
            FROM payment_milestones m WHERE m.order_id = orders.id)
    """)
    op.execute(f"""
        UPDATE orders SET next_due_on = (
            SELECT MIN(m.due_on) FROM payment_milestones m
            WHERE m.order_id = orders.id AND m.due_on IS NOT NULL
              AND {_PAID_PER_MILESTONE} < m.amount_minor)
    """)


def _create_rate_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("""
            CREATE FUNCTION document_rates_immutable() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'a document''s frozen rate never changes';
            END;
            $$ LANGUAGE plpgsql
        """)
        op.execute(
            "CREATE TRIGGER document_rates_immutable BEFORE UPDATE OR DELETE ON document_rates"
            " FOR EACH ROW EXECUTE FUNCTION document_rates_immutable()"
        )
    elif dialect == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER document_rates_no_{operation.lower()} BEFORE {operation}"
                " ON document_rates BEGIN"
                " SELECT RAISE(ABORT, 'a document''s frozen rate never changes'); END"
            )


def _drop_rate_triggers():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS document_rates_immutable ON document_rates")
        op.execute("DROP FUNCTION IF EXISTS document_rates_immutable()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS document_rates_no_update")
        op.execute("DROP TRIGGER IF EXISTS document_rates_no_delete")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE documents RESET (toast_tuple_target)")
    _drop_rate_triggers()
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index('ix_documents_corrects_id')
        batch_op.drop_index('ix_documents_recipient_kind_issued')
        batch_op.drop_index('ix_documents_issuer_kind_issued')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_next_due_on'))
        batch_op.drop_column('next_due_on')
        batch_op.drop_column('paid_minor')

    with op.batch_alter_table('register_exports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_exports_company_id'))

    op.drop_table('register_exports')
    op.drop_table('document_rates')
    op.drop_table('exchange_rates')
