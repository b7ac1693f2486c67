"""osquery TLS API: the latest rows of each inventory query per host, osqueryd's
status log (bounded per host) and the inventories asked through distributed queries

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 04:30:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('osquery_results',
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('epoch', sa.Integer(), nullable=False),
    sa.Column('counter', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_osquery_results_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('host_id', 'query', name=op.f('pk_osquery_results'))
    )
    op.create_table('osquery_status_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=255), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_osquery_status_lines_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_osquery_status_lines'))
    )
    with op.batch_alter_table('osquery_status_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_osquery_status_lines_host_id'), ['host_id'], unique=False)

    op.create_table('osquery_refreshes',
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by', sa.String(length=255), nullable=False),
    sa.Column('handed_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_osquery_refreshes_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('host_id', name=op.f('pk_osquery_refreshes'))
    )


def downgrade() -> None:
    op.drop_table('osquery_refreshes')
    with op.batch_alter_table('osquery_status_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_osquery_status_lines_host_id'))

    op.drop_table('osquery_status_lines')
    op.drop_table('osquery_results')
