"""Arrivals and no-shows become facts: when the client arrived and the repair visit that showed it.

Revision ID: f1a2b3c4d5e6
Revises: e7f8a9b0c1d2
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.base


# revision identifiers, used by Alembic.
revision = 'f1a2b3c4d5e6'
down_revision = 'e7f8a9b0c1d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrived_at', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('repair_visit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_booking_repair_visit_id'), ['repair_visit_id'], unique=False)
        batch_op.create_foreign_key('fk_booking_repair_visit_id_repair_visit', 'repair_visit', ['repair_visit_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_constraint('fk_booking_repair_visit_id_repair_visit', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_booking_repair_visit_id'))
        batch_op.drop_column('repair_visit_id')
        batch_op.drop_column('arrived_at')
