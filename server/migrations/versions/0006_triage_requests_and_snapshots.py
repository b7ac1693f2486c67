"""triage requests and snapshots: the snapshots asked of botnet-listed hosts
(or by an admin), at most one pending per host, and what the hosts sent

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:56:17.699847
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('triage_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('results', sa.JSON(), nullable=False),
    sa.Column('skipped', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_triage_snapshots_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triage_snapshots'))
    )
    with op.batch_alter_table('triage_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_triage_snapshots_host_id'), ['host_id'], unique=False)

    op.create_table('triage_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('requested_by', sa.String(length=255), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_triage_requests_host_id_hosts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['triage_snapshots.id'], name=op.f('fk_triage_requests_snapshot_id_triage_snapshots'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triage_requests'))
    )
    with op.batch_alter_table('triage_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_triage_requests_host_id'), ['host_id'], unique=False)
        batch_op.create_index('uq_triage_requests_pending', ['host_id'], unique=True, sqlite_where=sa.text('fulfilled_at IS NULL'), postgresql_where=sa.text('fulfilled_at IS NULL'))



def downgrade() -> None:
    with op.batch_alter_table('triage_requests', schema=None) as batch_op:
        batch_op.drop_index('uq_triage_requests_pending', sqlite_where=sa.text('fulfilled_at IS NULL'), postgresql_where=sa.text('fulfilled_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_triage_requests_host_id'))

    op.drop_table('triage_requests')
    with op.batch_alter_table('triage_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_triage_snapshots_host_id'))

    op.drop_table('triage_snapshots')
