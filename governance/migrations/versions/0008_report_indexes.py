"""Covering index for the cost, throughput and welfare reports over submitted tasks.

The reports read only these columns, so both backends answer them from the index alone instead of
visiting a million table rows; and the order (status, vendor, dataset, time) hands rows out already
grouped by vendor and dataset when a query names them, so SQLite need not sort a million rows for a
GROUP BY (see reports/cost_queries.py).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

REPORT_COLUMNS = ['status', 'vendor_id', 'dataset_id', 'submitted_at', 'kind', 'active_seconds', 'review_outcome',
                  'is_gold', 'gold_correct', 'annotator_id', 'severity']


def upgrade() -> None:
    op.create_index('ix_tasks_report', 'tasks', REPORT_COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index('ix_tasks_report', table_name='tasks')
