"""Partial index over items still waiting for annotators (the next-task query).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OPEN_ITEM = sa.text("status = 'active' AND open_slots > 0")


def upgrade() -> None:
    op.create_index('ix_items_open', 'items', ['dataset_id', 'is_gold', 'id'], unique=False,
                    sqlite_where=OPEN_ITEM, postgresql_where=OPEN_ITEM)


def downgrade() -> None:
    op.drop_index('ix_items_open', table_name='items')
