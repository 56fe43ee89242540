"""flag check-in and wrap times that make no sense for the person's call

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 11:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flag", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("flag_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_column("flag_confirmed")
        batch_op.drop_column("flag")
