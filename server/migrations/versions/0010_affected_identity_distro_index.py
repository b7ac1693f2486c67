"""affected items indexed by (ecosystem, match_name, distro) instead of
(ecosystem, match_name): the items of a host's minor-release stream are
looked up for every finding of an Enterprise Linux host

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:40:00.000000
"""
from __future__ import annotations

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('affected', schema=None) as batch_op:
        batch_op.create_index('ix_affected_ecosystem_match_name_distro', ['ecosystem', 'match_name', 'distro'],
                              unique=False)
        batch_op.drop_index('ix_affected_ecosystem_match_name')


def downgrade() -> None:
    with op.batch_alter_table('affected', schema=None) as batch_op:
        batch_op.create_index('ix_affected_ecosystem_match_name', ['ecosystem', 'match_name'], unique=False)
        batch_op.drop_index('ix_affected_ecosystem_match_name_distro')
