"""enroll attempts and host revocation: host identity can only change with
proof or an admin's approval, and every enrollment is recorded

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 00:46:22.314211
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('enroll_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source_address', sa.String(length=64), nullable=False),
    sa.Column('secret_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('host_id', sa.Integer(), nullable=True),
    sa.Column('host_uuid', sa.String(length=128), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('node_key_hash', sa.String(length=64), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_enroll_attempts_host_id_hosts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['secret_id'], ['enroll_secrets.id'], name=op.f('fk_enroll_attempts_secret_id_enroll_secrets'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_enroll_attempts_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enroll_attempts')),
    sa.UniqueConstraint('node_key_hash', name=op.f('uq_enroll_attempts_node_key_hash'))
    )
    with op.batch_alter_table('enroll_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enroll_attempts_outcome'), ['outcome'], unique=False)
        batch_op.create_index('ix_enroll_attempts_secret_id_at', ['secret_id', 'at'], unique=False)
        batch_op.create_index('ix_enroll_attempts_source_address_at', ['source_address', 'at'], unique=False)

    with op.batch_alter_table('hosts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approve_new_hosts', sa.Boolean(), server_default=sa.text('false'), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('approve_new_hosts')

    with op.batch_alter_table('hosts', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')

    with op.batch_alter_table('enroll_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_enroll_attempts_source_address_at')
        batch_op.drop_index('ix_enroll_attempts_secret_id_at')
        batch_op.drop_index(batch_op.f('ix_enroll_attempts_outcome'))

    op.drop_table('enroll_attempts')
