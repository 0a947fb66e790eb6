"""Documentary credits: terms by version, shipment documents, examinations, presentations.

- ``letters_of_credit``: one credit per L/C payment milestone of an order.
- ``credit_terms``: the credit's terms as the MT700 states them, one row per version
  (0 = the issue, then each amendment, proposed / accepted / refused by the beneficiary).
- ``shipment_documents``: the carrier's, insurer's, inspector's and chamber's documents
  the seller uploaded (linked to ``stored_files``), with the fields examination reads.
- ``credit_examinations``: each run of the UCP 600 / ISBP 821 check and its findings.
- ``credit_report_counters``: the gapless series of examination report numbers per seller
  and year (the report is verifiable like a trade document).
- ``credit_presentations``: documents presented to the bank and the bank's answer.

Revision ID: 0020_credit_terms
Revises: 0019_file_storage
Create Date: 2026-12-07 06:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0020_credit_terms'
down_revision = '0019_file_storage'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('credit_report_counters',
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_id'], ['companies.id'], name=op.f('fk_credit_report_counters_issuer_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('issuer_id', 'year', name=op.f('pk_credit_report_counters'))
    )
    op.create_table('shipment_documents',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('commercial_invoice', 'packing_list', 'certificate_of_origin', 'bill_of_lading', 'insurance_certificate', 'inspection_certificate', 'weight_certificate', 'quality_certificate', name='creditdocumentkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('originals', sa.Integer(), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('cover_effective_on', sa.Date(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipment_documents_order_id_orders')),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_shipment_documents_stored_file_id_stored_files')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_shipment_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_documents')),
    sa.UniqueConstraint('public_id', name=op.f('uq_shipment_documents_public_id'))
    )
    with op.batch_alter_table('shipment_documents', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_documents_order_kind', ['order_id', 'kind'], unique=False)

    op.create_table('letters_of_credit',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_letters_of_credit_created_by_id_users')),
    sa.ForeignKeyConstraint(['milestone_id'], ['payment_milestones.id'], name=op.f('fk_letters_of_credit_milestone_id_payment_milestones')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_letters_of_credit_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_letters_of_credit')),
    sa.UniqueConstraint('milestone_id', name=op.f('uq_letters_of_credit_milestone_id')),
    sa.UniqueConstraint('public_id', name=op.f('uq_letters_of_credit_public_id'))
    )
    with op.batch_alter_table('letters_of_credit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_letters_of_credit_order_id'), ['order_id'], unique=False)

    op.create_table('credit_examinations',
    sa.Column('credit_id', sa.Integer(), nullable=False),
    sa.Column('terms_version', sa.Integer(), nullable=False),
    sa.Column('examined_on', sa.Date(), nullable=False),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('run_by_id', sa.Integer(), nullable=True),
    sa.Column('run_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('report_year', sa.Integer(), nullable=False),
    sa.Column('report_sequence', sa.Integer(), nullable=False),
    sa.Column('report_number', sa.String(length=40), nullable=False),
    sa.Column('verification_token', sa.String(length=32), nullable=False),
    sa.Column('report_data', sa.JSON(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['credit_id'], ['letters_of_credit.id'], name=op.f('fk_credit_examinations_credit_id_letters_of_credit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['issuer_id'], ['companies.id'], name=op.f('fk_credit_examinations_issuer_id_companies')),
    sa.ForeignKeyConstraint(['run_by_id'], ['users.id'], name=op.f('fk_credit_examinations_run_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_examinations')),
    sa.UniqueConstraint('issuer_id', 'report_year', 'report_sequence', name='report_series'),
    sa.UniqueConstraint('public_id', name=op.f('uq_credit_examinations_public_id')),
    sa.UniqueConstraint('report_number', name=op.f('uq_credit_examinations_report_number')),
    sa.UniqueConstraint('verification_token', name=op.f('uq_credit_examinations_verification_token'))
    )
    with op.batch_alter_table('credit_examinations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_examinations_credit_id'), ['credit_id'], unique=False)

    op.create_table('credit_presentations',
    sa.Column('credit_id', sa.Integer(), nullable=False),
    sa.Column('terms_version', sa.Integer(), nullable=False),
    sa.Column('presented_on', sa.Date(), nullable=False),
    sa.Column('bank', sa.String(length=200), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('presented', 'complying', 'discrepant', 'waiver_asked', 'accepted', 'refused', name='presentationstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('bank_discrepancies', sa.Text(), nullable=True),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('maturity_date', sa.Date(), nullable=True),
    sa.Column('presented_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['credit_id'], ['letters_of_credit.id'], name=op.f('fk_credit_presentations_credit_id_letters_of_credit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['presented_by_id'], ['users.id'], name=op.f('fk_credit_presentations_presented_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_presentations')),
    sa.UniqueConstraint('public_id', name=op.f('uq_credit_presentations_public_id'))
    )
    with op.batch_alter_table('credit_presentations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_presentations_credit_id'), ['credit_id'], unique=False)

    op.create_table('credit_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'accepted', 'refused', name='termsstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('form_of_credit', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=False),
    sa.Column('expiry_place', sa.String(length=100), nullable=False),
    sa.Column('expiry_country', sa.String(length=2), nullable=False),
    sa.Column('applicant', sa.Text(), nullable=False),
    sa.Column('beneficiary', sa.Text(), nullable=False),
    sa.Column('issuing_bank', sa.String(length=200), nullable=False),
    sa.Column('advising_bank', sa.String(length=200), nullable=True),
    sa.Column('confirming_bank', sa.String(length=200), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('tolerance_plus', sa.Integer(), nullable=False),
    sa.Column('tolerance_minus', sa.Integer(), nullable=False),
    sa.Column('available_with', sa.String(length=200), nullable=False),
    sa.Column('available_by', sa.Enum('sight_payment', 'deferred_payment', 'acceptance', 'negotiation', name='availableby', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('usance_days', sa.Integer(), nullable=True),
    sa.Column('partial_shipments', sa.Boolean(), nullable=False),
    sa.Column('transhipment', sa.Boolean(), nullable=False),
    sa.Column('port_of_loading', sa.String(length=100), nullable=False),
    sa.Column('port_of_discharge', sa.String(length=100), nullable=False),
    sa.Column('latest_shipment_date', sa.Date(), nullable=False),
    sa.Column('goods_description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=True),
    sa.Column('quantity_unit', sa.String(length=10), nullable=True),
    sa.Column('incoterm', sa.String(length=3), nullable=False),
    sa.Column('incoterm_place', sa.String(length=100), nullable=True),
    sa.Column('documents_required', sa.JSON(), nullable=False),
    sa.Column('consignee_wording', sa.Text(), nullable=True),
    sa.Column('notify_wording', sa.Text(), nullable=True),
    sa.Column('origin_issuer', sa.String(length=200), nullable=True),
    sa.Column('insurance_percent', sa.Integer(), nullable=False),
    sa.Column('additional_conditions', sa.Text(), nullable=True),
    sa.Column('presentation_days', sa.Integer(), nullable=False),
    sa.Column('charges', sa.Text(), nullable=True),
    sa.Column('amendment_note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_credit_terms_amount_positive')),
    sa.CheckConstraint('presentation_days > 0', name=op.f('ck_credit_terms_presentation_days_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_credit_terms_created_by_id_users')),
    sa.ForeignKeyConstraint(['credit_id'], ['letters_of_credit.id'], name=op.f('fk_credit_terms_credit_id_letters_of_credit'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_credit_terms_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_terms')),
    sa.UniqueConstraint('credit_id', 'version', name='credit_version')
    )


def downgrade():
    op.drop_table('credit_terms')
    with op.batch_alter_table('credit_presentations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_presentations_credit_id'))

    op.drop_table('credit_presentations')
    with op.batch_alter_table('credit_examinations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credit_examinations_credit_id'))

    op.drop_table('credit_examinations')
    with op.batch_alter_table('letters_of_credit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_letters_of_credit_order_id'))

    op.drop_table('letters_of_credit')
    with op.batch_alter_table('shipment_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_shipment_documents_order_kind')

    op.drop_table('shipment_documents')
    op.drop_table('credit_report_counters')
