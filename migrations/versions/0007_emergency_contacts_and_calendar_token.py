"""emergency contacts and a private calendar feed token per person

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 22:25:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emergency_name", sa.String(length=120), server_default="", nullable=False))
        batch_op.add_column(sa.Column("emergency_phone", sa.String(length=40), server_default="", nullable=False))
        batch_op.add_column(sa.Column("calendar_token", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_calendar_token"), ["calendar_token"], unique=True)


def downgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_calendar_token"))
        batch_op.drop_column("calendar_token")
        batch_op.drop_column("emergency_phone")
        batch_op.drop_column("emergency_name")
