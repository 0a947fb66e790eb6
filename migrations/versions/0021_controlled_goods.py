"""Controlled goods: licensing authorities, the licence vault and its drawdowns, company
evidence and verification records, and authority accounts.

- ``authorities``: licensing bodies; ``users.authority_id`` makes a user an authority
  account (neither company staff nor operator).
- ``licences`` with ``licence_goods`` (what each covers), ``licence_amendments`` (with
  their sanction reference) and ``licence_drawdowns`` (what each shipment used).
- ``company_evidence`` (registration, tax registration, authorised signatory scans) and
  ``company_verifications`` (what the operator checked, expiry, withdrawal).

Revision ID: 0021_controlled_goods
Revises: 0020_credit_terms
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0021_controlled_goods'
down_revision = '0020_credit_terms'
branch_labels = None
depends_on = None

_OLD_USER_CHECK = (
    "(company_id IS NULL AND company_role IS NULL AND is_operator)"
    " OR (company_id IS NOT NULL AND company_role IS NOT NULL AND NOT is_operator)"
)
_NEW_USER_CHECK = (
    "(company_id IS NULL AND company_role IS NULL AND is_operator AND authority_id IS NULL)"
    " OR (company_id IS NOT NULL AND company_role IS NOT NULL AND NOT is_operator"
    " AND authority_id IS NULL)"
    " OR (company_id IS NULL AND company_role IS NULL AND NOT is_operator"
    " AND authority_id IS NOT NULL)"
)

_KINDS = ('manufacture', 'sale', 'export', 'import', 'per_shipment_approval', 'end_user_certificate')


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table('authorities',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_local', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('length(country) = 2', name=op.f('ck_authorities_country_alpha2')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authorities')),
    sa.UniqueConstraint('name', name=op.f('uq_authorities_name')),
    sa.UniqueConstraint('public_id', name=op.f('uq_authorities_public_id'))
    )
    op.create_table('licences',
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('jurisdiction', sa.String(length=2), nullable=False),
    sa.Column('kind', _enum('licencekind', *_KINDS), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('limit_basis', _enum('limitbasis', 'nem_g', 'units'), nullable=False),
    sa.Column('quantity_limit', sa.BigInteger(), nullable=True),
    sa.Column('per_shipment_limit', sa.BigInteger(), nullable=True),
    sa.Column('drawn_quantity', sa.BigInteger(), nullable=False),
    sa.Column('counterparty_id', sa.Integer(), nullable=True),
    sa.Column('counterparty_name', sa.String(length=200), nullable=True),
    sa.Column('port', sa.String(length=100), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('review_status', _enum('reviewstatus', 'pending', 'accepted', 'rejected'), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.CheckConstraint('valid_to >= valid_from', name=op.f('ck_licences_valid_dates_ordered')),
    sa.CheckConstraint('quantity_limit IS NULL OR quantity_limit > 0', name=op.f('ck_licences_quantity_limit_positive')),
    sa.CheckConstraint('quantity_limit IS NULL OR drawn_quantity <= quantity_limit', name=op.f('ck_licences_within_limit')),
    sa.CheckConstraint('per_shipment_limit IS NULL OR per_shipment_limit > 0', name=op.f('ck_licences_per_shipment_limit_positive')),
    sa.CheckConstraint("review_status != 'rejected' OR review_reason IS NOT NULL", name=op.f('ck_licences_rejection_has_reason')),
    sa.ForeignKeyConstraint(['holder_id'], ['companies.id'], name=op.f('fk_licences_holder_id_companies')),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_licences_authority_id_authorities')),
    sa.ForeignKeyConstraint(['counterparty_id'], ['companies.id'], name=op.f('fk_licences_counterparty_id_companies')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_licences_order_id_orders')),
    sa.ForeignKeyConstraint(['scan_id'], ['stored_files.id'], name=op.f('fk_licences_scan_id_stored_files')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_licences_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_licences_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_licences_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licences')),
    sa.UniqueConstraint('public_id', name=op.f('uq_licences_public_id'))
    )
    with op.batch_alter_table('licences', schema=None) as batch_op:
        batch_op.create_index('ix_licences_holder_kind', ['holder_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licences_review_status'), ['review_status'], unique=False)

    op.create_table('licence_goods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('licence_id', sa.Integer(), nullable=False),
    sa.Column('un_number', sa.String(length=6), nullable=True),
    sa.Column('division', sa.String(length=4), nullable=True),
    sa.Column('compatibility_group', sa.String(length=1), nullable=True),
    sa.Column('hs_code', sa.String(length=10), nullable=True),
    sa.CheckConstraint('un_number IS NOT NULL OR division IS NOT NULL OR hs_code IS NOT NULL', name=op.f('ck_licence_goods_names_goods')),
    sa.ForeignKeyConstraint(['licence_id'], ['licences.id'], name=op.f('fk_licence_goods_licence_id_licences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_goods'))
    )
    with op.batch_alter_table('licence_goods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_goods_licence_id'), ['licence_id'], unique=False)

    op.create_table('licence_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('licence_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sanction_reference', sa.String(length=120), nullable=False),
    sa.Column('amended_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['licence_id'], ['licences.id'], name=op.f('fk_licence_amendments_licence_id_licences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_licence_amendments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_amendments'))
    )
    with op.batch_alter_table('licence_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_amendments_licence_id'), ['licence_id'], unique=False)

    op.create_table('licence_drawdowns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('licence_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_licence_drawdowns_quantity_positive')),
    sa.ForeignKeyConstraint(['licence_id'], ['licences.id'], name=op.f('fk_licence_drawdowns_licence_id_licences')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_licence_drawdowns_order_id_orders')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_licence_drawdowns_shipment_id_shipments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_drawdowns')),
    sa.UniqueConstraint('licence_id', 'shipment_id', name=op.f('uq_licence_drawdowns_licence_id'))
    )
    with op.batch_alter_table('licence_drawdowns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_drawdowns_licence_id'), ['licence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_drawdowns_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_drawdowns_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('licence_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('licence_id', sa.Integer(), nullable=False),
    sa.Column('attached_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_licence_attachments_order_id_orders')),
    sa.ForeignKeyConstraint(['licence_id'], ['licences.id'], name=op.f('fk_licence_attachments_licence_id_licences')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_licence_attachments')),
    sa.UniqueConstraint('order_id', 'licence_id', name=op.f('uq_licence_attachments_order_id'))
    )
    with op.batch_alter_table('licence_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_licence_attachments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_licence_attachments_licence_id'), ['licence_id'], unique=False)

    op.create_table('company_evidence',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('kind', _enum('evidencekind', 'registration_certificate', 'tax_registration', 'authorised_signatory'), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_evidence_company_id_companies')),
    sa.ForeignKeyConstraint(['file_id'], ['stored_files.id'], name=op.f('fk_company_evidence_file_id_stored_files')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_company_evidence_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_evidence')),
    sa.UniqueConstraint('public_id', name=op.f('uq_company_evidence_public_id'))
    )
    with op.batch_alter_table('company_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_evidence_company_id'), ['company_id'], unique=False)

    op.create_table('company_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('checked', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('checked_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('expired_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('withdrawn_at IS NULL OR withdrawn_reason IS NOT NULL', name=op.f('ck_company_verifications_withdrawal_has_reason')),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_verifications_company_id_companies')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_company_verifications_checked_by_id_users')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_company_verifications_withdrawn_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_verifications'))
    )
    with op.batch_alter_table('company_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_verifications_company_id'), ['company_id'], unique=False)

    # Order lines remember whether their goods were controlled when ordered.
    op.add_column('order_lines', sa.Column('controlled', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Authority accounts: a third kind of user beside company staff and operators.
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a CHECK, and rebuilding ``users`` would drop a table every
        # other table refers to (foreign keys are on). SQLite's documented procedure for
        # changing a CHECK that existing rows satisfy edits the stored schema instead.
        op.execute(
            'ALTER TABLE users ADD COLUMN authority_id INTEGER'
            ' CONSTRAINT fk_users_authority_id_authorities REFERENCES authorities (id)'
        )
        _rewrite_users_sql(_OLD_USER_CHECK, _NEW_USER_CHECK)
        op.create_index(op.f('ix_users_authority_id'), 'users', ['authority_id'], unique=False)
    else:
        op.add_column('users', sa.Column('authority_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_users_authority_id_authorities'), 'users', 'authorities', ['authority_id'], ['id'])
        op.drop_constraint(op.f('ck_users_staff_or_operator'), 'users', type_='check')
        op.create_check_constraint('staff_or_operator', 'users', _NEW_USER_CHECK)
        op.create_index(op.f('ix_users_authority_id'), 'users', ['authority_id'], unique=False)


_USERS_FK_SQL = (
    ' CONSTRAINT fk_users_authority_id_authorities REFERENCES authorities (id)'
)


def _rewrite_users_sql(old, new):
    """Replace ``old`` by ``new`` in the stored CREATE TABLE of ``users`` (SQLite only:
    https://sqlite.org/lang_altertable.html#otheralter, the procedure for constraints)."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'"
    ).scalar()
    assert old in sql, 'the users table is not as the earlier migrations left it'
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'users'",
        (sql.replace(old, new),),
    )
    bind.exec_driver_sql(f'PRAGMA schema_version = {int(version) + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.drop_index(op.f('ix_users_authority_id'), table_name='users')
        # Back to the old CHECK, and the column's reference removed so it can be dropped.
        _rewrite_users_sql(_NEW_USER_CHECK, _OLD_USER_CHECK)
        _rewrite_users_sql(_USERS_FK_SQL, '')
        op.execute('ALTER TABLE users DROP COLUMN authority_id')
    else:
        op.drop_index(op.f('ix_users_authority_id'), table_name='users')
        op.drop_constraint(op.f('ck_users_staff_or_operator'), 'users', type_='check')
        op.create_check_constraint('staff_or_operator', 'users', _OLD_USER_CHECK)
        op.drop_constraint(op.f('fk_users_authority_id_authorities'), 'users', type_='foreignkey')
        op.execute('ALTER TABLE users DROP COLUMN authority_id')
    op.execute('ALTER TABLE order_lines DROP COLUMN controlled')
    op.drop_table('company_verifications')
    op.drop_table('company_evidence')
    op.drop_table('licence_attachments')
    op.drop_table('licence_drawdowns')
    op.drop_table('licence_amendments')
    op.drop_table('licence_goods')
    op.drop_table('licences')
    op.drop_table('authorities')
