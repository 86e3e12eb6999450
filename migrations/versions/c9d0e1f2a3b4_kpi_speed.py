"""KPI speed: the leads' calls of a period counted by manager and outcome from the index alone; the traffic
roll-ups also counted across employees (what the unfiltered report reads). The days rolled up so far are
forgotten: the next night counts them again with both sets (until then the report counts them live).

Revision ID: c9d0e1f2a3b4
Revises: b8c9d0e1f2a3
Create Date: 2026-12-07 20:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c9d0e1f2a3b4'
down_revision = 'b8c9d0e1f2a3'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM kpi_traffic_minutes")
    op.execute("DELETE FROM kpi_traffic_day")
    op.execute("DELETE FROM kpi_rolled_day")
    for table, old, new, columns in (
            ('kpi_traffic_day', 'ix_kpi_traffic_day_day', 'ix_kpi_traffic_day_by_employee_day',
             ['by_employee', 'day']),
            ('kpi_traffic_minutes', 'ix_kpi_traffic_minutes_kind_day', 'ix_kpi_traffic_minutes_kind_by_employee_day',
             ['kind', 'by_employee', 'day'])):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('by_employee', sa.Boolean(), nullable=False))
            batch_op.drop_index(old)
            batch_op.create_index(new, columns, unique=False)
    with op.batch_alter_table('call_task', schema=None) as batch_op:
        batch_op.drop_index('ix_call_task_done_at')
        batch_op.create_index('ix_call_task_done_at_by_outcome', ['done_at', 'done_by_id', 'outcome'], unique=False)


def downgrade():
    op.execute("DELETE FROM kpi_traffic_minutes WHERE NOT by_employee")
    op.execute("DELETE FROM kpi_traffic_day WHERE NOT by_employee")
    for table, old, new, columns in (
            ('kpi_traffic_day', 'ix_kpi_traffic_day_day', 'ix_kpi_traffic_day_by_employee_day', ['day']),
            ('kpi_traffic_minutes', 'ix_kpi_traffic_minutes_kind_day', 'ix_kpi_traffic_minutes_kind_by_employee_day',
             ['kind', 'day'])):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(new)
            batch_op.create_index(old, columns, unique=False)
            batch_op.drop_column('by_employee')
    with op.batch_alter_table('call_task', schema=None) as batch_op:
        batch_op.drop_index('ix_call_task_done_at_by_outcome')
        batch_op.create_index('ix_call_task_done_at', ['done_at'], unique=False)
