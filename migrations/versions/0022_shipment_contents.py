"""Shipment contents: per-line quantities, containers with their packing certificate, and
the dangerous-goods fields the declaration prints (EmS, subsidiary risk, emergency contact).

Revision ID: 0022_shipment_contents
Revises: 0021_controlled_goods
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = '0022_shipment_contents'
down_revision = '0021_controlled_goods'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'shipment_lines',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('order_line_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.BigInteger(), nullable=False),
        sa.CheckConstraint('quantity > 0', name=op.f('ck_shipment_lines_quantity_positive')),
        sa.ForeignKeyConstraint(
            ['shipment_id'], ['shipments.id'],
            name=op.f('fk_shipment_lines_shipment_id_shipments'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['order_line_id'], ['order_lines.id'],
            name=op.f('fk_shipment_lines_order_line_id_order_lines'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_lines')),
        sa.UniqueConstraint(
            'shipment_id', 'order_line_id', name=op.f('uq_shipment_lines_shipment_id')
        ),
    )
    op.create_index(
        op.f('ix_shipment_lines_shipment_id'), 'shipment_lines', ['shipment_id'], unique=False
    )
    op.create_index(
        op.f('ix_shipment_lines_order_line_id'), 'shipment_lines', ['order_line_id'], unique=False
    )
    op.create_table(
        'shipment_containers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('container_number', sa.String(length=11), nullable=False),
        sa.Column('container_type', sa.String(length=4), nullable=False),
        sa.Column('seal_number', sa.String(length=40), nullable=True),
        sa.Column('travels_as_group', sa.String(length=1), nullable=True),
        sa.Column('packed_by', sa.String(length=120), nullable=True),
        sa.Column('packed_at', sa.String(length=100), nullable=True),
        sa.Column('packed_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ['shipment_id'], ['shipments.id'],
            name=op.f('fk_shipment_containers_shipment_id_shipments'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_containers')),
        sa.UniqueConstraint(
            'shipment_id', 'container_number', name=op.f('uq_shipment_containers_shipment_id')
        ),
    )
    op.create_index(
        op.f('ix_shipment_containers_shipment_id'), 'shipment_containers', ['shipment_id'],
        unique=False,
    )
    with op.batch_alter_table('shipment_packages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_line_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('container_id', sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_shipment_packages_order_line_id'), ['order_line_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_shipment_packages_container_id'), ['container_id'], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_shipment_packages_order_line_id_order_lines'),
            'order_lines', ['order_line_id'], ['id'], ondelete='CASCADE',
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_shipment_packages_container_id_shipment_containers'),
            'shipment_containers', ['container_id'], ['id'], ondelete='SET NULL',
        )
    for table in ('products', 'order_lines'):
        op.add_column(table, sa.Column('subsidiary_risk', sa.String(length=20), nullable=True))
        op.add_column(table, sa.Column('ems', sa.String(length=20), nullable=True))
    op.add_column(
        'companies', sa.Column('emergency_contact_name', sa.String(length=120), nullable=True)
    )
    op.add_column(
        'companies', sa.Column('emergency_contact_phone', sa.String(length=40), nullable=True)
    )


def downgrade():
    op.execute('ALTER TABLE companies DROP COLUMN emergency_contact_phone')
    op.execute('ALTER TABLE companies DROP COLUMN emergency_contact_name')
    for table in ('order_lines', 'products'):
        op.execute(f'ALTER TABLE {table} DROP COLUMN ems')
        op.execute(f'ALTER TABLE {table} DROP COLUMN subsidiary_risk')
    with op.batch_alter_table('shipment_packages', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_shipment_packages_container_id_shipment_containers'),
            type_='foreignkey',
        )
        batch_op.drop_constraint(
            batch_op.f('fk_shipment_packages_order_line_id_order_lines'), type_='foreignkey'
        )
        batch_op.drop_index(batch_op.f('ix_shipment_packages_container_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_packages_order_line_id'))
        batch_op.drop_column('container_id')
        batch_op.drop_column('order_line_id')
    op.drop_index(op.f('ix_shipment_containers_shipment_id'), table_name='shipment_containers')
    op.drop_table('shipment_containers')
    op.drop_index(op.f('ix_shipment_lines_order_line_id'), table_name='shipment_lines')
    op.drop_index(op.f('ix_shipment_lines_shipment_id'), table_name='shipment_lines')
    op.drop_table('shipment_lines')
