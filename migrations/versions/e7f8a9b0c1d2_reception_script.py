"""The reception's dialogue script (seed 001), a regulation setting shown on the reception panel; an existing
settings row gets the default script.

Revision ID: e7f8a9b0c1d2
Revises: d4e5f6a7b8c9
Create Date: 2026-12-07 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7f8a9b0c1d2'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None

RECEPTION_SCRIPT = (
    "— Добрый день, чем я могу помочь?\n"
    "— Как я могу к Вам обращаться?\n"
    "— Вы ранее у нас обслуживались?\n"
    "— Какая марка автомобиля Вас интересует? / А что у Вас за вопрос?\n"
    "— Перевожу Вас на специалиста, который поможет Вам по данному вопросу.\n"
    "— Если специалист занят: «Присаживайтесь, пожалуйста, специалист подойдёт к Вам, как только освободится»."
)


def upgrade():
    with op.batch_alter_table('regulation_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reception_script', sa.Text(), nullable=False, server_default=''))
    settings = sa.table('regulation_settings', sa.column('reception_script', sa.Text))
    op.execute(settings.update().values(reception_script=RECEPTION_SCRIPT))


def downgrade():
    with op.batch_alter_table('regulation_settings', schema=None) as batch_op:
        batch_op.drop_column('reception_script')
