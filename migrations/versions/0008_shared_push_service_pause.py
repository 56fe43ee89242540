"""push_service_pauses: the per-push-service circuit breaker, shared by every push worker

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 00:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "push_service_pauses",
        sa.Column("push_service", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("trips", sa.Integer(), nullable=False),
        sa.Column("paused_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("push_service", name=op.f("pk_push_service_pauses")),
    )


def downgrade():
    op.drop_table("push_service_pauses")
