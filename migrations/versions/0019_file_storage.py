"""Transfer proofs move to the file storage: new ones are a stored file, old ones stay.

- ``payment_proofs.stored_file_id``: the proof's bytes in the file storage (a local
  directory or an S3 bucket every machine reads), written for every proof uploaded from
  now on.
- ``payment_proofs.content`` may be NULL: rows uploaded before keep their bytes here and
  are served from here; ``flask storage move-proofs`` moves them at the operator's pace
  (no migration rewrites files). A CHECK keeps one of the two present on every row.

Revision ID: 0019_file_storage
Revises: 0018_listing_languages
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0019_file_storage'
down_revision = '0018_listing_languages'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_proofs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stored_file_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_payment_proofs_stored_file_id_stored_files'),
            'stored_files', ['stored_file_id'], ['id'],
        )
        batch_op.create_unique_constraint(
            batch_op.f('uq_payment_proofs_stored_file_id'), ['stored_file_id']
        )
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)
        batch_op.create_check_constraint(
            batch_op.f('ck_payment_proofs_bytes_kept'),
            'content IS NOT NULL OR stored_file_id IS NOT NULL',
        )


def downgrade():
    # Proofs that live only in the file storage cannot go back into the column without
    # their bytes: refuse rather than lose them (move them back by hand first).
    bind = op.get_bind()
    stored_only = bind.execute(
        sa.text('SELECT count(*) FROM payment_proofs WHERE content IS NULL')
    ).scalar()
    if stored_only:
        raise RuntimeError(
            f'{stored_only} transfer proofs live only in the file storage; downgrading would lose them'
        )
    with op.batch_alter_table('payment_proofs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_payment_proofs_bytes_kept'), type_='check')
        batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f('uq_payment_proofs_stored_file_id'), type_='unique'
        )
        batch_op.drop_constraint(
            batch_op.f('fk_payment_proofs_stored_file_id_stored_files'), type_='foreignkey'
        )
        batch_op.drop_column('stored_file_id')
