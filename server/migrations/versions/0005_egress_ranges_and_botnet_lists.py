"""egress ranges and botnet lists: the addresses units reach the outside from,
and the imported botnet IP lists with their entries

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:26:10.205066
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('botnet_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('listed_on', sa.Date(), nullable=False),
    sa.Column('window_days', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_botnet_lists')),
    sa.UniqueConstraint('name', name=op.f('uq_botnet_lists_name'))
    )
    op.create_table('botnet_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('network', sa.String(length=64), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('family', sa.String(length=128), nullable=False),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.Column('unit', sa.String(length=200), nullable=False),
    sa.Column('isp', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['botnet_lists.id'], name=op.f('fk_botnet_entries_list_id_botnet_lists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_botnet_entries'))
    )
    with op.batch_alter_table('botnet_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_botnet_entries_list_id'), ['list_id'], unique=False)

    op.create_table('unit_egress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('network', sa.String(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_egress_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_egress'))
    )
    with op.batch_alter_table('unit_egress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_egress_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('unit_egress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_egress_unit_id'))

    op.drop_table('unit_egress')
    with op.batch_alter_table('botnet_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_botnet_entries_list_id'))

    op.drop_table('botnet_entries')
    op.drop_table('botnet_lists')
