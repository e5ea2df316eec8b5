"""PII pipeline: items, subject tokens, imports, leak reports, raw reveals; vendor adequacy scope flag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'rejected', 'failed', name='import_status', native_enum=False, length=32), nullable=False),
    sa.Column('skip_invalid', sa.Boolean(), nullable=False),
    sa.Column('total_lines', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('sensitive', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('entity_counts', sa.JSON(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users')),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_import_jobs_dataset_id_datasets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_dataset_id'), ['dataset_id'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('importing', 'active', 'quarantined', 'erased', 'purged', name='item_status', native_enum=False, length=32), nullable=False),
    sa.Column('raw_ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('redacted', sa.JSON(), nullable=True),
    sa.Column('spans', sa.JSON(), nullable=True),
    sa.Column('entity_counts', sa.JSON(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=True),
    sa.Column('sensitivity', sa.JSON(), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('gold_answer', sa.JSON(), nullable=True),
    sa.Column('prelabel', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_items_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['import_id'], ['import_jobs.id'], name=op.f('fk_items_import_id_import_jobs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('dataset_id', 'external_id', name=op.f('uq_items_dataset_id'))
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_dataset_status', ['dataset_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_import_id'), ['import_id'], unique=False)

    op.create_table('leak_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('status', sa.Enum('open', 'confirmed', 'dismissed', name='leak_status', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_leak_reports_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_leak_reports_item_id_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], name=op.f('fk_leak_reports_reported_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_leak_reports_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leak_reports'))
    )
    with op.batch_alter_table('leak_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leak_reports_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leak_reports_item_id'), ['item_id'], unique=False)

    op.create_table('raw_reveals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_raw_reveals_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_raw_reveals_item_id_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_raw_reveals_officer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_reveals'))
    )
    with op.batch_alter_table('raw_reveals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_raw_reveals_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_reveals_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_raw_reveals_revealed_at'), ['revealed_at'], unique=False)

    op.create_table('subject_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_subject_tokens_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_subject_tokens_item_id_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_tokens'))
    )
    with op.batch_alter_table('subject_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_tokens_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_tokens_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_subject_tokens_token_item', ['token', 'item_id'], unique=False)

    # A plain ADD COLUMN: batch mode would rebuild `vendors`, which other tables reference.
    op.add_column('vendors', sa.Column('adequacy_scope_confirmed', sa.Boolean(), nullable=False,
                                       server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('vendors', schema=None) as batch_op:
        batch_op.drop_column('adequacy_scope_confirmed')

    with op.batch_alter_table('subject_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_subject_tokens_token_item')
        batch_op.drop_index(batch_op.f('ix_subject_tokens_item_id'))
        batch_op.drop_index(batch_op.f('ix_subject_tokens_dataset_id'))

    op.drop_table('subject_tokens')
    with op.batch_alter_table('raw_reveals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_raw_reveals_revealed_at'))
        batch_op.drop_index(batch_op.f('ix_raw_reveals_item_id'))
        batch_op.drop_index(batch_op.f('ix_raw_reveals_dataset_id'))

    op.drop_table('raw_reveals')
    with op.batch_alter_table('leak_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leak_reports_item_id'))
        batch_op.drop_index(batch_op.f('ix_leak_reports_dataset_id'))

    op.drop_table('leak_reports')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_import_id'))
        batch_op.drop_index('ix_items_dataset_status')

    op.drop_table('items')
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_jobs_dataset_id'))

    op.drop_table('import_jobs')
