"""Overdue finalisations across centres: a partial index of the sessions still to finalise

- `ix_exam_session_unfinalised_date` (date, start_time) WHERE finalised_at IS NULL: the platform
  administrator's list of sessions past their finalisation deadline, across all centres
  (web.centre.overdue), counts and pages them by date. The country adds ~50,000 sessions a year
  and they accumulate, but nearly all are finalised within days: restricted to the others, the
  index stays small and the list never reads the finalised sessions.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNFINALISED = sa.text("finalised_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.create_index("ix_exam_session_unfinalised_date", ["date", "start_time"],
                              unique=False, sqlite_where=_UNFINALISED,
                              postgresql_where=_UNFINALISED)


def downgrade() -> None:
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.drop_index("ix_exam_session_unfinalised_date")
