"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 13:20:45.651385
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "centre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "exam_session",
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("room", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("proctor_names", sa.String(length=500), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("access_code", sa.String(length=6), nullable=False),
        sa.Column("proctor_password", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finalised_at", sa.DateTime(), nullable=True),
        sa.Column("results_published_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exam_session_access_code"), ["access_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_exam_session_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "candidate",
        sa.Column("last_name", sa.String(length=200), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birth_place", sa.String(length=200), nullable=False),
        sa.Column("extra_time_percent", sa.Integer(), nullable=False),
        sa.Column("accessibility", sa.Boolean(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("authorised_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_session_id"), ["session_id"], unique=False)

    op.create_table(
        "certification_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("end_comment", sa.String(length=1000), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("extra_time_percent", sa.Integer(), nullable=False),
        sa.Column("granted_minutes", sa.Integer(), nullable=False),
        sa.Column("accessibility", sa.Boolean(), nullable=False),
        sa.Column("config_version", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_token", sa.String(length=64), nullable=False),
        sa.Column("resume_requested_at", sa.DateTime(), nullable=True),
        sa.Column("resume_authorised_at", sa.DateTime(), nullable=True),
        sa.Column("end_screen_seen_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("candidate_id"),
    )
    with op.batch_alter_table("certification_course", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_course_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "served_item",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("a", sa.Float(), nullable=False),
        sa.Column("b", sa.Float(), nullable=False),
        sa.Column("served_at", sa.DateTime(), nullable=False),
        sa.Column("timer_started_at", sa.DateTime(), nullable=True),
        sa.Column("focused_out_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["certification_course.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id", "item_id", name="uq_served_item_course_item"),
        sa.UniqueConstraint("course_id", "position", name="uq_served_item_course_position"),
    )
    with op.batch_alter_table("served_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_served_item_course_id"), ["course_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column(
            "served_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("value", sa.String(length=4000), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("time_spent_ms", sa.Integer(), nullable=False),
        sa.Column("focused_out", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["certification_course.id"],
        ),
        sa.ForeignKeyConstraint(
            ["served_item_id"],
            ["served_item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("served_item_id"),
    )
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index("ix_answer_course_id_id", ["course_id", "id"], unique=False)

    op.create_table(
        "live_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column(
            "served_item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["certification_course.id"],
        ),
        sa.ForeignKeyConstraint(
            ["served_item_id"],
            ["served_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_alert_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_live_alert_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("live_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_alert_session_id"))
        batch_op.drop_index(batch_op.f("ix_live_alert_course_id"))

    op.drop_table("live_alert")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index("ix_answer_course_id_id")

    op.drop_table("answer")
    with op.batch_alter_table("served_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_served_item_course_id"))

    op.drop_table("served_item")
    with op.batch_alter_table("certification_course", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_course_session_id"))

    op.drop_table("certification_course")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_session_id"))

    op.drop_table("candidate")
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exam_session_centre_id"))
        batch_op.drop_index(batch_op.f("ix_exam_session_access_code"))

    op.drop_table("exam_session")
    op.drop_table("rate_limit")
    op.drop_table("centre")
