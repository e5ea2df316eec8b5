"""Workforce: annotator profiles, vendor welfare policies, tasks, refusals, flags, check-ins; item queue columns.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annotator_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=60), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('s3_trained_on', sa.Date(), nullable=True),
    sa.Column('s3_consent_on', sa.Date(), nullable=True),
    sa.Column('last_checkin_on', sa.Date(), nullable=True),
    sa.Column('opt_outs', sa.JSON(), nullable=False),
    sa.Column('is_reviewer', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_annotator_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_annotator_profiles'))
    )
    op.create_table('vendor_policies',
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_vendor_policies_updated_by_id_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_vendor_policies_vendor_id_vendors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('vendor_id', name=op.f('pk_vendor_policies'))
    )
    op.create_table('welfare_refusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('refused_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resets_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['annotator_id'], ['users.id'], name=op.f('fk_welfare_refusals_annotator_id_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_welfare_refusals_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_welfare_refusals'))
    )
    with op.batch_alter_table('welfare_refusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_welfare_refusals_annotator_id'), ['annotator_id'], unique=False)
        batch_op.create_index('ix_welfare_refusals_vendor_at', ['vendor_id', 'refused_at'], unique=False)

    op.create_table('wellbeing_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('wants_contact', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['annotator_id'], ['users.id'], name=op.f('fk_wellbeing_checkins_annotator_id_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_wellbeing_checkins_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_checkins'))
    )
    with op.batch_alter_table('wellbeing_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wellbeing_checkins_annotator_id'), ['annotator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_wellbeing_checkins_vendor_id'), ['vendor_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'submitted', 'skipped', 'declined', 'abandoned', 'withdrawn', name='task_status', native_enum=False, length=32), nullable=False),
    sa.Column('severity', sa.Integer(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('is_gold', sa.Boolean(), nullable=False),
    sa.Column('warning_acknowledged', sa.Boolean(), nullable=False),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('active_seconds', sa.Integer(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('skip_reason', sa.String(length=40), nullable=True),
    sa.Column('prelabel_accepted', sa.Boolean(), nullable=True),
    sa.Column('gold_correct', sa.Boolean(), nullable=True),
    sa.Column('review_outcome', sa.String(length=12), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['annotator_id'], ['users.id'], name=op.f('fk_tasks_annotator_id_users')),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], name=op.f('fk_tasks_dataset_id_datasets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_tasks_item_id_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_tasks_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_tasks_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_annotator_item', ['annotator_id', 'item_id'], unique=False)
        batch_op.create_index('ix_tasks_annotator_served', ['annotator_id', 'served_at'], unique=False)
        batch_op.create_index('ix_tasks_dataset_submitted', ['dataset_id', 'submitted_at'], unique=False)
        batch_op.create_index('ix_tasks_status_heartbeat', ['status', 'last_seen_at'], unique=False)
        batch_op.create_index('ix_tasks_vendor_submitted', ['vendor_id', 'submitted_at'], unique=False)

    op.create_table('content_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('annotator_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['annotator_id'], ['users.id'], name=op.f('fk_content_flags_annotator_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], name=op.f('fk_content_flags_item_id_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_content_flags_task_id_tasks'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_content_flags_vendor_id_vendors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_flags'))
    )
    with op.batch_alter_table('content_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_flags_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_flags_vendor_id'), ['vendor_id'], unique=False)

    # Plain ADD COLUMN: batch mode would rebuild `items`, which other tables reference.
    op.add_column('items', sa.Column('is_gold', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('items', sa.Column('open_slots', sa.Integer(), nullable=False, server_default="1"))
    op.create_index('ix_items_queue', 'items', ['dataset_id', 'status', 'is_gold', 'severity', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index('ix_items_queue')
        batch_op.drop_column('open_slots')
        batch_op.drop_column('is_gold')

    with op.batch_alter_table('content_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_flags_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_content_flags_item_id'))

    op.drop_table('content_flags')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_vendor_submitted')
        batch_op.drop_index('ix_tasks_status_heartbeat')
        batch_op.drop_index('ix_tasks_dataset_submitted')
        batch_op.drop_index('ix_tasks_annotator_served')
        batch_op.drop_index('ix_tasks_annotator_item')

    op.drop_table('tasks')
    with op.batch_alter_table('wellbeing_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wellbeing_checkins_vendor_id'))
        batch_op.drop_index(batch_op.f('ix_wellbeing_checkins_annotator_id'))

    op.drop_table('wellbeing_checkins')
    with op.batch_alter_table('welfare_refusals', schema=None) as batch_op:
        batch_op.drop_index('ix_welfare_refusals_vendor_at')
        batch_op.drop_index(batch_op.f('ix_welfare_refusals_annotator_id'))

    op.drop_table('welfare_refusals')
    op.drop_table('vendor_policies')
    op.drop_table('annotator_profiles')
