"""index for the overdue-course sweep: certification_course(state, started_at)

The background sweep (every 30 s per app process) selects running courses started before a
bound; without this index it read the whole table each time.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certification_course", schema=None) as batch_op:
        batch_op.create_index("ix_certification_course_state_started_at",
                              ["state", "started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("certification_course", schema=None) as batch_op:
        batch_op.drop_index("ix_certification_course_state_started_at")
