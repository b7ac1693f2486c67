"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 21:03:28.266657
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('advisories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('advisory_id', sa.String(length=255), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('cvss', sa.Float(), nullable=True),
    sa.Column('cves', sa.JSON(), nullable=False),
    sa.Column('published', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('exploited', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('kev_due_date', sa.Date(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisories')),
    sa.UniqueConstraint('source', 'advisory_id', name=op.f('uq_advisories_source'))
    )
    op.create_table('feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=32), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.Column('advisories', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feeds')),
    sa.UniqueConstraint('name', name=op.f('uq_feeds_name'))
    )
    op.create_table('software',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('ecosystem', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=512), nullable=False),
    sa.Column('version', sa.String(length=255), nullable=False),
    sa.Column('arch', sa.String(length=64), nullable=False),
    sa.Column('vendor', sa.String(length=255), nullable=False),
    sa.Column('source_package', sa.String(length=255), nullable=False),
    sa.Column('release', sa.String(length=128), nullable=False),
    sa.Column('match_name', sa.String(length=512), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_software')),
    sa.UniqueConstraint('key', name=op.f('uq_software_key'))
    )
    with op.batch_alter_table('software', schema=None) as batch_op:
        batch_op.create_index('ix_software_ecosystem_match_name', ['ecosystem', 'match_name'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_table('affected',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('advisory_pk', sa.Integer(), nullable=False),
    sa.Column('ecosystem', sa.String(length=32), nullable=False),
    sa.Column('product', sa.String(length=512), nullable=False),
    sa.Column('match_name', sa.String(length=512), nullable=False),
    sa.Column('vendor', sa.String(length=255), nullable=False),
    sa.Column('distro', sa.String(length=64), nullable=False),
    sa.Column('vers_range', sa.Text(), nullable=False),
    sa.Column('fixed_version', sa.String(length=255), nullable=False),
    sa.Column('fixed_kbs', sa.JSON(), nullable=False),
    sa.Column('cpe', sa.Text(), nullable=False),
    sa.Column('purl', sa.Text(), nullable=False),
    sa.Column('needs_review', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['advisory_pk'], ['advisories.id'], name=op.f('fk_affected_advisory_pk_advisories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affected'))
    )
    with op.batch_alter_table('affected', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affected_advisory_pk'), ['advisory_pk'], unique=False)
        batch_op.create_index('ix_affected_ecosystem_match_name', ['ecosystem', 'match_name'], unique=False)

    op.create_table('enroll_secrets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_enroll_secrets_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enroll_secrets')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_enroll_secrets_secret_hash'))
    )
    op.create_table('hosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=128), nullable=False),
    sa.Column('hostname', sa.String(length=255), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('node_key_hash', sa.String(length=64), nullable=True),
    sa.Column('platform', sa.String(length=64), nullable=False),
    sa.Column('platform_like', sa.String(length=128), nullable=False),
    sa.Column('os_name', sa.String(length=255), nullable=False),
    sa.Column('os_version', sa.String(length=128), nullable=False),
    sa.Column('os_build', sa.String(length=128), nullable=False),
    sa.Column('os_arch', sa.String(length=64), nullable=False),
    sa.Column('os_codename', sa.String(length=64), nullable=False),
    sa.Column('distro', sa.String(length=64), nullable=False),
    sa.Column('hardware', sa.String(length=255), nullable=False),
    sa.Column('collector_version', sa.String(length=64), nullable=False),
    sa.Column('collector_source', sa.String(length=32), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_report_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_collected_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_hosts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hosts')),
    sa.UniqueConstraint('node_key_hash', name=op.f('uq_hosts_node_key_hash')),
    sa.UniqueConstraint('uuid', name=op.f('uq_hosts_uuid'))
    )
    with op.batch_alter_table('hosts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hosts_distro'), ['distro'], unique=False)
        batch_op.create_index(batch_op.f('ix_hosts_hostname'), ['hostname'], unique=False)
        batch_op.create_index(batch_op.f('ix_hosts_unit_id'), ['unit_id'], unique=False)

    op.create_table('warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=128), nullable=False),
    sa.Column('issuing_body', sa.String(length=255), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('cves', sa.JSON(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('advisory_pk', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['advisory_pk'], ['advisories.id'], name=op.f('fk_warnings_advisory_pk_advisories'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_warnings')),
    sa.UniqueConstraint('number', name=op.f('uq_warnings_number'))
    )
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_warnings_advisory_pk'), ['advisory_pk'], unique=False)

    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('advisory_pk', sa.Integer(), nullable=False),
    sa.Column('affected_id', sa.Integer(), nullable=True),
    sa.Column('software_id', sa.Integer(), nullable=False),
    sa.Column('matcher', sa.String(length=32), nullable=False),
    sa.Column('matched_on', sa.Text(), nullable=False),
    sa.Column('installed_version', sa.String(length=255), nullable=False),
    sa.Column('fixed_version', sa.String(length=255), nullable=False),
    sa.Column('first_detected', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['advisory_pk'], ['advisories.id'], name=op.f('fk_findings_advisory_pk_advisories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['affected_id'], ['affected.id'], name=op.f('fk_findings_affected_id_affected'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_findings_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_advisory_pk', ['advisory_pk'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_affected_id'), ['affected_id'], unique=False)
        batch_op.create_index('ix_findings_host_id_resolved_at', ['host_id', 'resolved_at'], unique=False)
        batch_op.create_index('uq_findings_open', ['host_id', 'affected_id', 'software_id'], unique=True, sqlite_where=sa.text('resolved_at IS NULL'), postgresql_where=sa.text('resolved_at IS NULL'))

    op.create_table('host_addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('interface', sa.String(length=128), nullable=False),
    sa.Column('mac', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_host_addresses_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_host_addresses')),
    sa.UniqueConstraint('host_id', 'address', 'interface', 'kind', name=op.f('uq_host_addresses_host_id'))
    )
    with op.batch_alter_table('host_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_addresses_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_host_addresses_host_id'), ['host_id'], unique=False)

    op.create_table('host_patches',
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('hotfix_id', sa.String(length=64), nullable=False),
    sa.Column('installed_on', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_host_patches_host_id_hosts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('host_id', 'hotfix_id', name=op.f('pk_host_patches'))
    )
    op.create_table('host_software',
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('software_id', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['host_id'], ['hosts.id'], name=op.f('fk_host_software_host_id_hosts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['software_id'], ['software.id'], name=op.f('fk_host_software_software_id_software')),
    sa.PrimaryKeyConstraint('host_id', 'software_id', name=op.f('pk_host_software'))
    )
    with op.batch_alter_table('host_software', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_software_software_id'), ['software_id'], unique=False)

    op.create_table('software_matches',
    sa.Column('software_id', sa.Integer(), nullable=False),
    sa.Column('affected_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['affected_id'], ['affected.id'], name=op.f('fk_software_matches_affected_id_affected'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['software_id'], ['software.id'], name=op.f('fk_software_matches_software_id_software'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('software_id', 'affected_id', name=op.f('pk_software_matches'))
    )
    with op.batch_alter_table('software_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_software_matches_affected_id'), ['affected_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('software_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_software_matches_affected_id'))

    op.drop_table('software_matches')
    with op.batch_alter_table('host_software', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_software_software_id'))

    op.drop_table('host_software')
    op.drop_table('host_patches')
    with op.batch_alter_table('host_addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_addresses_host_id'))
        batch_op.drop_index(batch_op.f('ix_host_addresses_address'))

    op.drop_table('host_addresses')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('uq_findings_open', sqlite_where=sa.text('resolved_at IS NULL'), postgresql_where=sa.text('resolved_at IS NULL'))
        batch_op.drop_index('ix_findings_host_id_resolved_at')
        batch_op.drop_index(batch_op.f('ix_findings_affected_id'))
        batch_op.drop_index('ix_findings_advisory_pk')

    op.drop_table('findings')
    with op.batch_alter_table('warnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_warnings_advisory_pk'))

    op.drop_table('warnings')
    with op.batch_alter_table('hosts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hosts_unit_id'))
        batch_op.drop_index(batch_op.f('ix_hosts_hostname'))
        batch_op.drop_index(batch_op.f('ix_hosts_distro'))

    op.drop_table('hosts')
    op.drop_table('enroll_secrets')
    with op.batch_alter_table('affected', schema=None) as batch_op:
        batch_op.drop_index('ix_affected_ecosystem_match_name')
        batch_op.drop_index(batch_op.f('ix_affected_advisory_pk'))

    op.drop_table('affected')
    op.drop_table('units')
    with op.batch_alter_table('software', schema=None) as batch_op:
        batch_op.drop_index('ix_software_ecosystem_match_name')

    op.drop_table('software')
    op.drop_table('feeds')
    op.drop_table('advisories')
