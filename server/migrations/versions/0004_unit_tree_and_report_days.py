"""unit tree and report days: units get a parent and a code (existing units
become roots); the days each host reported, backfilled from its last report

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 01:00:30.408569
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('host_report_days',
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_host_report_days_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('host_id', 'day', name=op.f('pk_host_report_days'))
    )
    with op.batch_alter_table('host_report_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_report_days_day'), ['day'], unique=False)

    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('code', sa.String(length=32), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_units_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_units_parent_id_units'), 'units', ['parent_id'], ['id'])

    # What is known of past reports: each host's last one.
    day = ("date(last_report_at)" if op.get_bind().dialect.name == "sqlite"
           else "CAST(last_report_at AT TIME ZONE 'UTC' AS DATE)")
    op.execute(f"INSERT INTO host_report_days (host_id, day) SELECT id, {day} FROM hosts "
               "WHERE last_report_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_units_parent_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_units_parent_id'))
        batch_op.drop_column('code')
        batch_op.drop_column('parent_id')

    with op.batch_alter_table('host_report_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_report_days_day'))

    op.drop_table('host_report_days')
