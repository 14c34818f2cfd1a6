"""centre staff: accounts, invitations, finalisation reports, certification results

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:27:56.754554
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_invitation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_invitation_centre_id"), ["centre_id"], unique=False
        )

    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centre.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_user_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "session_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("finalised_by_id", sa.Integer(), nullable=True),
        sa.Column("global_comment", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["finalised_by_id"],
            ["staff_user.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id"),
    )
    op.create_table(
        "candidate_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("unfinished_reason", sa.String(length=20), nullable=True),
        sa.Column("end_screen_seen", sa.Boolean(), nullable=False),
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
    with op.batch_alter_table("candidate_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_report_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "incident_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("question_number", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_report_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_incident_report_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "certification_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("competence_levels", sa.String(length=2000), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("lowered", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=True),
        sa.Column("ended_by", sa.String(length=20), nullable=False),
        sa.Column("config_version", sa.String(length=40), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["certification_course.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_session.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("course_id"),
    )
    with op.batch_alter_table("certification_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certification_result_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certification_result_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("certification_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certification_result_session_id"))
        batch_op.drop_index(batch_op.f("ix_certification_result_candidate_id"))

    op.drop_table("certification_result")
    with op.batch_alter_table("incident_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_report_session_id"))
        batch_op.drop_index(batch_op.f("ix_incident_report_candidate_id"))

    op.drop_table("incident_report")
    with op.batch_alter_table("candidate_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_report_session_id"))

    op.drop_table("candidate_report")
    op.drop_table("session_report")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_user_centre_id"))

    op.drop_table("staff_user")
    with op.batch_alter_table("staff_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_invitation_centre_id"))

    op.drop_table("staff_invitation")
