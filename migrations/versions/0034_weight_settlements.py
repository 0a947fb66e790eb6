"""Weight terms: provisional invoices on the loading weight, final ones on the outturn

Revision ID: 0034_weight_settlements
Revises: 0033_partial_shipments
Create Date: 2026-12-07 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034_weight_settlements'
down_revision = '0033_partial_shipments'
branch_labels = None
depends_on = None


def _quantity():
    # As app.models.base.Quantity: NUMERIC(18, 3) on PostgreSQL, whole thousandths on SQLite.
    return sa.Numeric(18, 3) if op.get_bind().dialect.name == 'postgresql' else sa.BigInteger()


def upgrade():
    # Plain columns: no existing order or quote was sold on weight terms.
    for table in ('orders', 'quote_revisions'):
        op.add_column(
            table, sa.Column('provisional_percent', sa.Integer(), server_default=sa.text('0'), nullable=False)
        )
    # Which stage of a commercial invoice a document is (provisional / final); NULL for the rest.
    op.add_column('documents', sa.Column('stage', sa.String(length=12), nullable=True))
    op.create_table(
        'weight_settlements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('provisional_invoice_id', sa.Integer(), nullable=False),
        sa.Column('provisional_minor', sa.BigInteger(), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('settled_by_id', sa.Integer(), nullable=True),
        sa.Column('surveyor', sa.String(length=200), nullable=True),
        sa.Column('survey_file_id', sa.Integer(), nullable=True),
        sa.Column('final_minor', sa.BigInteger(), nullable=True),
        sa.Column('final_invoice_id', sa.Integer(), nullable=True),
        sa.Column('credit_note_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_weight_settlements_shipment_id_shipments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['provisional_invoice_id'], ['documents.id'], name=op.f('fk_weight_settlements_provisional_invoice_id_documents')),
        sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_weight_settlements_settled_by_id_users')),
        sa.ForeignKeyConstraint(['survey_file_id'], ['stored_files.id'], name=op.f('fk_weight_settlements_survey_file_id_stored_files')),
        sa.ForeignKeyConstraint(['final_invoice_id'], ['documents.id'], name=op.f('fk_weight_settlements_final_invoice_id_documents')),
        sa.ForeignKeyConstraint(['credit_note_id'], ['documents.id'], name=op.f('fk_weight_settlements_credit_note_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_weight_settlements')),
        sa.UniqueConstraint('shipment_id', name=op.f('uq_weight_settlements_shipment_id')),
    )
    op.create_table(
        'outturn_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('settlement_id', sa.Integer(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=False),
        sa.Column('outturn_quantity', _quantity(), nullable=False),
        sa.Column('moisture_basis_points', sa.Integer(), nullable=True),
        sa.Column('settled_quantity', _quantity(), nullable=False),
        sa.Column('price_adjustment_minor', sa.BigInteger(), server_default=sa.text('0'), nullable=False),
        sa.CheckConstraint('settled_quantity >= 0', name=op.f('ck_outturn_lines_settled_not_negative')),
        sa.ForeignKeyConstraint(['settlement_id'], ['weight_settlements.id'], name=op.f('fk_outturn_lines_settlement_id_weight_settlements'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_outturn_lines_order_line_id_order_lines')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outturn_lines')),
        sa.UniqueConstraint('settlement_id', 'order_line_id', name=op.f('uq_outturn_lines_settlement_id')),
    )
    with op.batch_alter_table('outturn_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outturn_lines_settlement_id'), ['settlement_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outturn_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outturn_lines_settlement_id'))
    op.drop_table('outturn_lines')
    op.drop_table('weight_settlements')
    op.drop_column('documents', 'stage')
    for table in ('orders', 'quote_revisions'):
        op.drop_column(table, 'provisional_percent')
