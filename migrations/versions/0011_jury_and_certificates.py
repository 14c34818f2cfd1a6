"""The jury's review and publication, and the certificates' verification codes

Until now finalisation published the results at once (the jury step was out of scope). The jury
now reviews each finalised session, may cancel or reject a result, and publishes.

- `exam_session.results_published_by_id`: the jury member who published (`results_published_at`
  already existed; it is now set at publication, not at finalisation).
- `ix_exam_session_awaiting_jury` (finalised_at, id) WHERE finalised, not published: the jury's
  list, oldest first; partial, so it holds only the few sessions awaiting the jury.
- `certification_result.jury_decision`, `jury_comment`, `jury_decided_at`,
  `jury_decided_by_id`: the decision, kept apart from the engine's computed result.
- `certification_result.verification_code`: unique (the public verification's lookup), given at
  publication to validated results; NULL elsewhere (a unique index allows many NULLs on both
  databases).

Sessions finalised before this revision were published at finalisation and stay so.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_AWAITING = sa.text("finalised_at IS NOT NULL AND results_published_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("results_published_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_exam_session_results_published_by_id_staff_user",
                                    "staff_user", ["results_published_by_id"], ["id"])
        batch_op.create_index("ix_exam_session_awaiting_jury", ["finalised_at", "id"],
                              unique=False, sqlite_where=_AWAITING, postgresql_where=_AWAITING)
    with op.batch_alter_table("certification_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jury_decision", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("jury_comment", sa.String(length=2000), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("jury_decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("jury_decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("verification_code", sa.String(length=10), nullable=True))
        batch_op.create_foreign_key("fk_certification_result_jury_decided_by_id_staff_user",
                                    "staff_user", ["jury_decided_by_id"], ["id"])
        batch_op.create_unique_constraint("uq_certification_result_verification_code",
                                          ["verification_code"])


def downgrade() -> None:
    with op.batch_alter_table("certification_result", schema=None) as batch_op:
        batch_op.drop_constraint("uq_certification_result_verification_code", type_="unique")
        batch_op.drop_constraint("fk_certification_result_jury_decided_by_id_staff_user",
                                 type_="foreignkey")
        batch_op.drop_column("verification_code")
        batch_op.drop_column("jury_decided_by_id")
        batch_op.drop_column("jury_decided_at")
        batch_op.drop_column("jury_comment")
        batch_op.drop_column("jury_decision")
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.drop_index("ix_exam_session_awaiting_jury")
        batch_op.drop_constraint("fk_exam_session_results_published_by_id_staff_user",
                                 type_="foreignkey")
        batch_op.drop_column("results_published_by_id")
