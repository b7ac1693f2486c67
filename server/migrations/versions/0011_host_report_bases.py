"""host report bases: the id and header of each host's last applied report,
which a delta report names as its base

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:10:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'host_report_bases',
        sa.Column('host_id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.String(length=64), nullable=False),
        sa.Column('header', sa.JSON(), nullable=False),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_host_report_bases_host_id_hosts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('host_id', name=op.f('pk_host_report_bases')),
    )


def downgrade() -> None:
    op.drop_table('host_report_bases')
