"""report weeks: each closed week's open gaps per host and whether it
reported, kept once the week has ended so the weekly report and its 12-week
trend read one row per host instead of every finding open at each week's end;
covering indexes for what opened and closed within a week

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 04:35:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_weeks',
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('last_day', name=op.f('pk_report_weeks'))
    )
    op.create_table('week_host_gaps',
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('reported', sa.Boolean(), nullable=False),
    sa.Column('open_gaps', sa.Integer(), nullable=False),
    sa.Column('overdue_gaps', sa.Integer(), nullable=False),
    sa.Column('critical', sa.Integer(), nullable=False),
    sa.Column('high', sa.Integer(), nullable=False),
    sa.Column('medium', sa.Integer(), nullable=False),
    sa.Column('low', sa.Integer(), nullable=False),
    sa.Column('unknown', sa.Integer(), nullable=False),
    sa.Column('oldest_open', sa.DateTime(timezone=True), nullable=True),
    sa.Column('worst_advisory_pk', sa.Integer(), nullable=True),
    sa.Column('worst_rank', sa.Integer(), nullable=True),
    sa.Column('worst_first_detected', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['last_day'], ['report_weeks.last_day'], name=op.f('fk_week_host_gaps_last_day_report_weeks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_week_host_gaps_host_id_hosts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worst_advisory_pk'], ['advisories.id'], name=op.f('fk_week_host_gaps_worst_advisory_pk_advisories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('last_day', 'host_id', name=op.f('pk_week_host_gaps'))
    )
    with op.batch_alter_table('week_host_gaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_week_host_gaps_host_id'), ['host_id'], unique=False)
    # What opened and closed within a week, and whether a pair was open at
    # a moment, answered from the indexes alone.
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_first_detected', ['first_detected', 'host_id', 'advisory_pk', 'resolved_at'], unique=False)
        batch_op.create_index('ix_findings_resolved_at', ['resolved_at', 'host_id', 'advisory_pk', 'first_detected'], unique=False)
        batch_op.create_index('ix_findings_host_id_advisory_pk', ['host_id', 'advisory_pk', 'first_detected', 'resolved_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_host_id_advisory_pk')
        batch_op.drop_index('ix_findings_resolved_at')
        batch_op.drop_index('ix_findings_first_detected')
    with op.batch_alter_table('week_host_gaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_week_host_gaps_host_id'))
    op.drop_table('week_host_gaps')
    op.drop_table('report_weeks')
