"""Daily roll-ups of the traffic journal for the KPIs (kept by the nightly `kpi_rollup` timer).

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
Create Date: 2026-12-07 17:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'kpi_rolled_day',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('rolled_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_kpi_rolled_day')))
    op.create_table(
        'kpi_traffic_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('escalated', sa.Boolean(), nullable=False),
        sa.Column('ignore_reason_id', sa.Integer(), nullable=True),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_traffic_day')))
    op.create_index('ix_kpi_traffic_day_day', 'kpi_traffic_day', ['day'], unique=False)
    op.create_table(
        'kpi_traffic_minutes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('goal_id', sa.Integer(), nullable=True),
        sa.Column('taken_by_id', sa.Integer(), nullable=True),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('processed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_traffic_minutes')))
    op.create_index('ix_kpi_traffic_minutes_kind_day', 'kpi_traffic_minutes', ['kind', 'day'], unique=False)


def downgrade():
    op.drop_index('ix_kpi_traffic_minutes_kind_day', table_name='kpi_traffic_minutes')
    op.drop_table('kpi_traffic_minutes')
    op.drop_index('ix_kpi_traffic_day_day', table_name='kpi_traffic_day')
    op.drop_table('kpi_traffic_day')
    op.drop_table('kpi_rolled_day')
