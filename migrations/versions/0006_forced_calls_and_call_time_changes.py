"""Forced calls (published through short rest) and each person's call time changes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 22:15:59.063511

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "call_time_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("shoot_day_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("from_minutes", sa.Integer(), nullable=True),
        sa.Column("to_minutes", sa.Integer(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["people.id"],
            name=op.f("fk_call_time_changes_changed_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_call_time_changes_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_call_time_changes_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["callsheet_revisions.id"],
            name=op.f("fk_call_time_changes_revision_id_callsheet_revisions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shoot_day_id"],
            ["shoot_days.id"],
            name=op.f("fk_call_time_changes_shoot_day_id_shoot_days"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_time_changes")),
    )
    with op.batch_alter_table("call_time_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_call_time_changes_production_id_person_id", ["production_id", "person_id"], unique=False
        )

    op.create_table(
        "forced_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("production_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("call_day_id", sa.Integer(), nullable=True),
        sa.Column("call", sa.Integer(), nullable=False),
        sa.Column("earliest_call", sa.Integer(), nullable=False),
        sa.Column("short_by_minutes", sa.Integer(), nullable=False),
        sa.Column("required_minutes", sa.Integer(), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["people.id"],
            name=op.f("fk_forced_calls_acknowledged_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["call_day_id"], ["shoot_days.id"], name=op.f("fk_forced_calls_call_day_id_shoot_days"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_forced_calls_person_id_people"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name=op.f("fk_forced_calls_production_id_productions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["callsheet_revisions.id"],
            name=op.f("fk_forced_calls_revision_id_callsheet_revisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forced_calls")),
    )
    with op.batch_alter_table("forced_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forced_calls_production_id"), ["production_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forced_calls_revision_id"), ["revision_id"], unique=False)


def downgrade():
    with op.batch_alter_table("forced_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forced_calls_revision_id"))
        batch_op.drop_index(batch_op.f("ix_forced_calls_production_id"))

    op.drop_table("forced_calls")
    with op.batch_alter_table("call_time_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_call_time_changes_production_id_person_id")

    op.drop_table("call_time_changes")
