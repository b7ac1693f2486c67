"""cve index and derived items

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 21:13:43.793730
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('advisory_cves',
    sa.Column('advisory_pk', sa.Integer(), nullable=False),
    sa.Column('cve', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['advisory_pk'], ['advisories.id'], name=op.f('fk_advisory_cves_advisory_pk_advisories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('advisory_pk', 'cve', name=op.f('pk_advisory_cves'))
    )
    with op.batch_alter_table('advisory_cves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advisory_cves_cve'), ['cve'], unique=False)

    with op.batch_alter_table('affected', schema=None) as batch_op:
        batch_op.add_column(sa.Column('derived_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cve', sa.String(length=32), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_affected_derived_from'), ['derived_from'], unique=False)

    # Index the CVE ids of advisories stored before this revision.
    advisories = sa.table("advisories", sa.column("id", sa.Integer), sa.column("cves", sa.JSON))
    links = sa.table("advisory_cves", sa.column("advisory_pk", sa.Integer), sa.column("cve", sa.String))
    connection = op.get_bind()
    rows = [
        {"advisory_pk": pk, "cve": cve}
        for pk, cves in connection.execute(sa.select(advisories.c.id, advisories.c.cves))
        for cve in sorted(set(cves or ()))
    ]
    if rows:
        op.bulk_insert(links, rows)


def downgrade() -> None:
    with op.batch_alter_table('affected', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affected_derived_from'))
        batch_op.drop_column('cve')
        batch_op.drop_column('derived_from')

    with op.batch_alter_table('advisory_cves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advisory_cves_cve'))

    op.drop_table('advisory_cves')
