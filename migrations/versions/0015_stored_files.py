"""Uploaded files as rows: what was checked and stored, the bytes in the file storage.

- ``stored_files``: one row per upload (company, uploader, purpose, cleaned name, type,
  size, SHA-256, the storage key the bytes live under). RFQ specifications, message
  attachments and later trade documents link to it.

Revision ID: 0015_stored_files
Revises: 0014_payment_ledger
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0015_stored_files'
down_revision = '0014_payment_ledger'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_files',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('byte_size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('byte_size > 0', name=op.f('ck_stored_files_not_empty')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_stored_files_company_id_companies')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_stored_files_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_files')),
    sa.UniqueConstraint('public_id', name=op.f('uq_stored_files_public_id')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_stored_files_storage_key'))
    )
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_files_company_id'), ['company_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_files_company_id'))

    op.drop_table('stored_files')
