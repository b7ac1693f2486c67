"""match state: the matcher version and product-rules digest the stored
matches were computed under, so a re-match with nothing changed stops early

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:00:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'match_state',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('value', sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_match_state')),
    )


def downgrade() -> None:
    op.drop_table('match_state')
