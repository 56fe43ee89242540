"""add minimum rest settings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 20:47:52.104750

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_rest", sa.Integer(), nullable=True))

    # Existing productions get the usual 10 h crew / 12 h cast turnaround.
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_rest_crew", sa.Integer(), nullable=False, server_default="600"))
        batch_op.add_column(sa.Column("min_rest_cast", sa.Integer(), nullable=False, server_default="720"))
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.alter_column("min_rest_crew", server_default=None)
        batch_op.alter_column("min_rest_cast", server_default=None)


def downgrade():
    with op.batch_alter_table("productions", schema=None) as batch_op:
        batch_op.drop_column("min_rest_cast")
        batch_op.drop_column("min_rest_crew")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("min_rest")
