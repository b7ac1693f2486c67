"""host minor release: hosts.release ("rhel:9.2") for the minor-release
streams of Red Hat advisories (EUS, AUS, TUS, E4S); filled for existing
Enterprise Linux hosts from the OS version they last reported

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:55:00.000000
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The distro prefixes server.inventory.distro gives a minor release (as of this revision).
_WITH_RELEASE = ("rhel", "centos", "rocky", "almalinux", "oracle")


def upgrade() -> None:
    with op.batch_alter_table('hosts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('release', sa.String(length=64), server_default='', nullable=False))
    hosts = sa.table('hosts', sa.column('id', sa.Integer), sa.column('distro', sa.String),
                     sa.column('os_version', sa.String), sa.column('release', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(hosts.c.id, hosts.c.distro, hosts.c.os_version)
                              .where(hosts.c.distro != '')).all()
    for host_id, distro, version in rows:
        prefix, _, major = distro.partition(':')
        found = re.match(r'(\d+)\.(\d+)', version or '')
        if prefix in _WITH_RELEASE and found and found.group(1) == major:
            connection.execute(sa.update(hosts).where(hosts.c.id == host_id)
                               .values(release=f'{prefix}:{major}.{int(found.group(2))}'))


def downgrade() -> None:
    with op.batch_alter_table('hosts', schema=None) as batch_op:
        batch_op.drop_column('release')
