"""a push subscription remembers the device session that posted it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 10:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_session_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_push_subscriptions_device_session_id_device_sessions"),
            "device_sessions",
            ["device_session_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_push_subscriptions_device_session_id_device_sessions"), type_="foreignkey"
        )
        batch_op.drop_column("device_session_id")
