"""The facts the KPIs read: when a traffic record was escalated, and the period indexes of their queries.

Revision ID: a7b8c9d0e1f2
Revises: f1a2b3c4d5e6
Create Date: 2026-12-07 12:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = 'a7b8c9d0e1f2'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None

INDEXES = (("appeal", "ix_appeal_registered_at", ["registered_at"]),
           ("cadence_run", "ix_cadence_run_started_at", ["started_at"]),
           ("call_task", "ix_call_task_done_at", ["done_at"]),
           ("lead_event", "ix_lead_event_type_at", ["type", "at"]))


def upgrade():
    with op.batch_alter_table('traffic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('escalated_at', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_traffic_escalated_at', ['escalated_at'], unique=False)
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    with op.batch_alter_table('traffic', schema=None) as batch_op:
        batch_op.drop_index('ix_traffic_escalated_at')
        batch_op.drop_column('escalated_at')
