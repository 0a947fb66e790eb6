"""Documents: whether the stored PDF carries the e-invoice XML

Revision ID: 0030_document_einvoice_flag
Revises: 0029_catalogue_origin_index
Create Date: 2026-12-07 12:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_document_einvoice_flag'
down_revision = '0029_catalogue_origin_index'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'documents',
        sa.Column('carries_einvoice', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # Every invoice and credit note rendered so far embeds its XML: until an invoice EN 16931
    # cannot express was issued without it (the same change as this column), the XML was
    # always attached or the render failed.
    documents = sa.table(
        'documents',
        sa.column('kind', sa.String(32)),
        sa.column('pdf', sa.LargeBinary()),
        sa.column('carries_einvoice', sa.Boolean()),
    )
    op.execute(
        documents.update()
        .where(
            documents.c.kind.in_(['commercial_invoice', 'credit_note']),
            documents.c.pdf.is_not(None),
        )
        .values(carries_einvoice=True)
    )


def downgrade():
    # Not in batch mode: SQLite would rebuild documents, which other tables reference
    # (DROP TABLE fails with foreign keys on); a plain column drops in place (SQLite 3.35+).
    op.drop_column('documents', 'carries_einvoice')
