"""Claims (trade assurance): the claims window of a delivered order, claims with their
lines, timeline, evidence and inspections, and the verifiable exports of a claim's file.

Revision ID: 0023_claims
Revises: 0022_shipment_contents
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0023_claims'
down_revision = '0022_shipment_contents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('delivery_confirmed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('auto_confirmed', sa.Boolean(), nullable=False),
    sa.Column('closes_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_claim_windows_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_windows')),
    sa.UniqueConstraint('order_id', name=op.f('uq_claim_windows_order_id'))
    )
    op.create_index(op.f('ix_claim_windows_closes_at'), 'claim_windows', ['closes_at'], unique=False)
    op.create_table('claims',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('claim_type', sa.Enum('not_shipped', 'late_shipment', 'quantity', 'quality', 'damaged', 'documents', name='claimtype', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('open', 'responded', 'agreed', 'escalated', 'decided', 'settled', 'withdrawn', 'lapsed', name='claimstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_asked_minor', sa.BigInteger(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('filed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('respond_by', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalate_from', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('auto_escalate_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('response', sa.Enum('accept', 'partial_refund', 'replacement', 'contest', name='claimresponse', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('response_note', sa.Text(), nullable=True),
    sa.Column('proposed_minor', sa.BigInteger(), nullable=True),
    sa.Column('responded_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('evidence_by', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('buyer_evidence_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seller_evidence_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('remedy', sa.Enum('refund', 'replacement', 'none', name='claimremedy', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('awarded_minor', sa.BigInteger(), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('settled_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('settled_by_id', sa.Integer(), nullable=True),
    sa.Column('refund_method', sa.Enum('card', 'transfer', 'none', name='refundmethod', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('refund_reference', sa.String(length=100), nullable=True),
    sa.Column('credit_note_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_order_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Enum('refunded', 'replaced', 'rejected', 'withdrawn', 'lapsed', name='claimoutcome', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('amount_asked_minor >= 0', name=op.f('ck_claims_asked_not_negative')),
    sa.CheckConstraint('buyer_id <> seller_id', name=op.f('ck_claims_two_parties')),
    sa.ForeignKeyConstraint(['buyer_id'], ['companies.id'], name=op.f('fk_claims_buyer_id_companies')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['documents.id'], name=op.f('fk_claims_credit_note_id_documents')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_claims_decided_by_id_users')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['users.id'], name=op.f('fk_claims_filed_by_id_users')),
    sa.ForeignKeyConstraint(['follow_up_order_id'], ['orders.id'], name=op.f('fk_claims_follow_up_order_id_orders')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_claims_order_id_orders')),
    sa.ForeignKeyConstraint(['seller_id'], ['companies.id'], name=op.f('fk_claims_seller_id_companies')),
    sa.ForeignKeyConstraint(['settled_by_id'], ['users.id'], name=op.f('fk_claims_settled_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('public_id', name=op.f('uq_claims_public_id'))
    )
    op.create_index(op.f('ix_claims_auto_escalate_at'), 'claims', ['auto_escalate_at'], unique=False)
    op.create_index(op.f('ix_claims_buyer_id'), 'claims', ['buyer_id'], unique=False)
    op.create_index(op.f('ix_claims_evidence_by'), 'claims', ['evidence_by'], unique=False)
    op.create_index(op.f('ix_claims_order_id'), 'claims', ['order_id'], unique=False)
    op.create_index(op.f('ix_claims_seller_id'), 'claims', ['seller_id'], unique=False)
    op.create_index('ix_claims_status_seller', 'claims', ['status', 'seller_id'], unique=False)
    op.create_table('claim_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_claim_lines_amount_not_negative')),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_claim_lines_quantity_positive')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_lines_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_claim_lines_order_line_id_order_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines')),
    sa.UniqueConstraint('claim_id', 'order_line_id', name=op.f('uq_claim_lines_claim_id'))
    )
    op.create_table('claim_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=True),
    sa.Column('side', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_claim_events_actor_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_events_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_events'))
    )
    op.create_index(op.f('ix_claim_events_claim_id'), 'claim_events', ['claim_id'], unique=False)
    op.create_table('claim_evidence',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('photo', 'inspection_report', 'survey', 'weight_certificate', 'other', name='claimevidencekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('side', sa.Enum('buyer', 'seller', 'operator', name='claimside', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('uploaded_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_evidence_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_claim_evidence_stored_file_id_stored_files')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_claim_evidence_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_evidence')),
    sa.UniqueConstraint('public_id', name=op.f('uq_claim_evidence_public_id')),
    sa.UniqueConstraint('stored_file_id', name=op.f('uq_claim_evidence_stored_file_id'))
    )
    op.create_index(op.f('ix_claim_evidence_claim_id'), 'claim_evidence', ['claim_id'], unique=False)
    op.create_table('claim_inspections',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('required_by', sa.Enum('buyer', 'seller', 'operator', name='required_by_side', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('body', sa.Enum('sgs', 'tuv', 'bv', 'other', name='inspectionbody', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('body_name', sa.String(length=120), nullable=False),
    sa.Column('required_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('required_by_user_id', sa.Integer(), nullable=False),
    sa.Column('report_file_id', sa.Integer(), nullable=True),
    sa.Column('reported_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cost_borne_by', sa.Enum('buyer', 'seller', 'operator', name='cost_side', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_inspections_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_file_id'], ['stored_files.id'], name=op.f('fk_claim_inspections_report_file_id_stored_files')),
    sa.ForeignKeyConstraint(['required_by_user_id'], ['users.id'], name=op.f('fk_claim_inspections_required_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_inspections')),
    sa.UniqueConstraint('public_id', name=op.f('uq_claim_inspections_public_id'))
    )
    op.create_index(op.f('ix_claim_inspections_claim_id'), 'claim_inspections', ['claim_id'], unique=False)
    op.create_table('claim_records',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('verification_token', sa.String(length=32), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_records_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_claim_records_issued_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_records')),
    sa.UniqueConstraint('public_id', name=op.f('uq_claim_records_public_id')),
    sa.UniqueConstraint('verification_token', name=op.f('uq_claim_records_verification_token'))
    )
    op.create_index(op.f('ix_claim_records_claim_id'), 'claim_records', ['claim_id'], unique=False)


def downgrade():
    op.drop_table('claim_records')
    op.drop_table('claim_inspections')
    op.drop_table('claim_evidence')
    op.drop_table('claim_events')
    op.drop_table('claim_lines')
    op.drop_table('claims')
    op.drop_table('claim_windows')
