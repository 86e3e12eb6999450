"""Cadences, a real day: a run keeps its cadence's «stop on contact» switch, and a run paused until a date agreed
with the client (a next call, or an objective reason such as a holiday) counts its steps from that date.

Revision ID: d4e5f6a7b8c9
Revises: c1d2e3f4a5b6
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b8c9'
down_revision = 'c1d2e3f4a5b6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cadence_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stop_on_contact', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('paused_until', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pause_reason', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pause_note', sa.String(length=300), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('cadence_run', schema=None) as batch_op:
        batch_op.drop_column('pause_note')
        batch_op.drop_column('pause_reason')
        batch_op.drop_column('paused_until')
        batch_op.drop_column('stop_on_contact')
