"""Drop two indexes that every answer paid for and no query needs

- `ix_served_item_course_id` (course_id): `uq_served_item_course_position` (course_id,
  position) starts with the same column, so it serves every lookup by course — and in position
  order, which the course read sorts by.
- `ix_answer_course_id_id` (course_id, id): the proctor's list counted answers with it until
  `certification_course.answered_count` (0004); nothing on a hot path reads answers by course
  any more (results join them through served_item, whose answer is unique). Courses that have
  answers are never deleted, so the foreign key does not need it either.

Each served item and each answer inserted one index entry less (load test, round 4).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("served_item", schema=None) as batch_op:
        batch_op.drop_index("ix_served_item_course_id")
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.drop_index("ix_answer_course_id_id")


def downgrade() -> None:
    with op.batch_alter_table("answer", schema=None) as batch_op:
        batch_op.create_index("ix_answer_course_id_id", ["course_id", "id"], unique=False)
    with op.batch_alter_table("served_item", schema=None) as batch_op:
        batch_op.create_index("ix_served_item_course_id", ["course_id"], unique=False)
