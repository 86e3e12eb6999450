"""The real working day, desk: a company client's contact person (the call script greets them), and the
default greeting that named the dealer twice («сервис автоцентра Автоцентр») where it was never edited.

Revision ID: c1d2e3f4a5b6
Revises: 23364b56cd97
Create Date: 2026-12-06 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c1d2e3f4a5b6'
down_revision = '23364b56cd97'
branch_labels = None
depends_on = None

OLD_GREETING = ("Здравствуйте, {client_name}! Вас беспокоит сервис автоцентра {dealer_name}. "
                "Вам удобно сейчас разговаривать?")
NEW_GREETING = ("Здравствуйте, {client_name}! Вас беспокоит {dealer_name}, отдел сервиса. "
                "Вам удобно сейчас разговаривать?")


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_person', sa.String(length=200), nullable=False, server_default=''))
    settings = sa.table('regulation_settings', sa.column('script_greeting', sa.Text))
    op.execute(settings.update().where(settings.c.script_greeting == OLD_GREETING)
               .values(script_greeting=NEW_GREETING))


def downgrade():
    settings = sa.table('regulation_settings', sa.column('script_greeting', sa.Text))
    op.execute(settings.update().where(settings.c.script_greeting == NEW_GREETING)
               .values(script_greeting=OLD_GREETING))
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('contact_person')
