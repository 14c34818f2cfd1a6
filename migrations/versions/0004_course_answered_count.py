"""certification_course.answered_count: answers stored so far, kept by the answer statement

The proctor's live list counted each candidate's answer rows at every poll (every 5 s per
session); under load that count read ~32 scattered heap pages per candidate and was most of
PostgreSQL's CPU. The statement that stores an answer now increments this column as well.
Existing courses are backfilled from their answers.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certification_course", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_count", sa.Integer(), nullable=False,
                                      server_default="0"))
    op.execute("UPDATE certification_course SET answered_count = (SELECT count(*) FROM answer"
               " WHERE answer.course_id = certification_course.id)")


def downgrade() -> None:
    with op.batch_alter_table("certification_course", schema=None) as batch_op:
        batch_op.drop_column("answered_count")
