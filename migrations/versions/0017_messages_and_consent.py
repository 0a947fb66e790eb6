"""Messages between the parties, consent to order changes, bank details' change date.

- ``order_change_proposals``: a party's proposed change of a placed order (old -> new),
  answered once by the other party; one open proposal per order (a partial unique index).
- ``message_threads``, ``messages``, ``message_attachments`` (linking ``stored_files``)
  and ``thread_read_states`` (per person: read up to, e-mailed up to).
- ``companies.bank_details_changed_at``: when the owner last changed the account buyers
  pay into (shown to counterparties for 14 days).

Revision ID: 0017_messages_and_consent
Revises: 0016_quotations
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0017_messages_and_consent'
down_revision = '0016_quotations'
branch_labels = None
depends_on = None

_OPEN = "state = 'proposed'"


def upgrade():
    op.create_table('order_change_proposals',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('proposing_company_id', sa.Integer(), nullable=False),
    sa.Column('answering_company_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.Enum('proposed', 'accepted', 'declined', 'withdrawn', name='proposalstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('old_total_minor', sa.BigInteger(), nullable=False),
    sa.Column('new_total_minor', sa.BigInteger(), nullable=False),
    sa.Column('answered_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answer_note', sa.Text(), nullable=True),
    sa.Column('superseded_document_id', sa.Integer(), nullable=True),
    sa.Column('issued_document_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('proposing_company_id <> answering_company_id', name=op.f('ck_order_change_proposals_two_parties')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_change_proposals_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposing_company_id'], ['companies.id'], name=op.f('fk_order_change_proposals_proposing_company_id_companies')),
    sa.ForeignKeyConstraint(['answering_company_id'], ['companies.id'], name=op.f('fk_order_change_proposals_answering_company_id_companies')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_order_change_proposals_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_order_change_proposals_answered_by_id_users')),
    sa.ForeignKeyConstraint(['superseded_document_id'], ['documents.id'], name=op.f('fk_order_change_proposals_superseded_document_id_documents')),
    sa.ForeignKeyConstraint(['issued_document_id'], ['documents.id'], name=op.f('fk_order_change_proposals_issued_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_change_proposals')),
    sa.UniqueConstraint('public_id', name=op.f('uq_order_change_proposals_public_id'))
    )
    op.create_index(op.f('ix_order_change_proposals_order_id'), 'order_change_proposals', ['order_id'], unique=False)
    op.create_index('uq_order_change_proposals_open', 'order_change_proposals', ['order_id'], unique=True, sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))

    op.create_table('message_threads',
    sa.Column('topic', sa.Enum('order', 'rfq', 'product', name='threadtopic', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('rfq_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('seller_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_message_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('report_reason', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('buyer_id <> seller_id', name=op.f('ck_message_threads_two_parties')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_message_threads_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rfq_id'], ['rfqs.id'], name=op.f('fk_message_threads_rfq_id_rfqs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_message_threads_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['buyer_id'], ['companies.id'], name=op.f('fk_message_threads_buyer_id_companies')),
    sa.ForeignKeyConstraint(['seller_id'], ['companies.id'], name=op.f('fk_message_threads_seller_id_companies')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_message_threads_reported_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_threads')),
    sa.UniqueConstraint('public_id', name=op.f('uq_message_threads_public_id')),
    sa.UniqueConstraint('order_id', name='uq_message_threads_order_id'),
    sa.UniqueConstraint('rfq_id', 'seller_id', name='uq_message_threads_rfq_seller'),
    sa.UniqueConstraint('product_id', 'buyer_id', name='uq_message_threads_product_buyer')
    )
    op.create_index('ix_message_threads_buyer_last', 'message_threads', ['buyer_id', 'last_message_at'], unique=False)
    op.create_index('ix_message_threads_seller_last', 'message_threads', ['seller_id', 'last_message_at'], unique=False)

    op.create_table('messages',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=120), nullable=False),
    sa.Column('author_company_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'], name=op.f('fk_messages_thread_id_message_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_messages_author_id_users')),
    sa.ForeignKeyConstraint(['author_company_id'], ['companies.id'], name=op.f('fk_messages_author_company_id_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('public_id', name=op.f('uq_messages_public_id'))
    )
    op.create_index('ix_messages_thread_id_id', 'messages', ['thread_id', 'id'], unique=False)

    op.create_table('message_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('stored_file_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_attachments_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stored_file_id'], ['stored_files.id'], name=op.f('fk_message_attachments_stored_file_id_stored_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachments')),
    sa.UniqueConstraint('stored_file_id', name=op.f('uq_message_attachments_stored_file_id'))
    )
    op.create_index(op.f('ix_message_attachments_message_id'), 'message_attachments', ['message_id'], unique=False)

    op.create_table('thread_read_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('last_read_message_id', sa.Integer(), nullable=False),
    sa.Column('last_notified_message_id', sa.Integer(), nullable=False),
    sa.Column('read_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['thread_id'], ['message_threads.id'], name=op.f('fk_thread_read_states_thread_id_message_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_thread_read_states_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thread_read_states')),
    sa.UniqueConstraint('thread_id', 'user_id', name=op.f('uq_thread_read_states_thread_id'))
    )
    op.create_index(op.f('ix_thread_read_states_user_id'), 'thread_read_states', ['user_id'], unique=False)

    # A nullable column needs no table copy on SQLite (ALTER TABLE ADD COLUMN).
    op.add_column('companies', sa.Column('bank_details_changed_at', app.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    # Plain DROP COLUMN: a batch copy of companies is refused by the rows that name it.
    op.execute("ALTER TABLE companies DROP COLUMN bank_details_changed_at")
    op.drop_index(op.f('ix_thread_read_states_user_id'), table_name='thread_read_states')
    op.drop_table('thread_read_states')
    op.drop_index(op.f('ix_message_attachments_message_id'), table_name='message_attachments')
    op.drop_table('message_attachments')
    op.drop_index('ix_messages_thread_id_id', table_name='messages')
    op.drop_table('messages')
    op.drop_index('ix_message_threads_seller_last', table_name='message_threads')
    op.drop_index('ix_message_threads_buyer_last', table_name='message_threads')
    op.drop_table('message_threads')
    op.drop_index('uq_order_change_proposals_open', table_name='order_change_proposals')
    op.drop_index(op.f('ix_order_change_proposals_order_id'), table_name='order_change_proposals')
    op.drop_table('order_change_proposals')
