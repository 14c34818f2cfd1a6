"""The jury's review and publication, and the certificates' verification codes

Until now finalisation published the results at once (the jury step was out of scope). The jury
now reviews each finalised session, may cancel or reject a result, and publishes.

- `exam_session.results_published_by_id`: the jury member who published (`results_published_at`
  already existed; it is now set at publication, not at finalisation).
- `ix_exam_session_awaiting_jury` (finalised_at, id) WHERE finalised, not published: the jury's
  list, oldest first; partial, so it holds only the few sessions awaiting the jury.
- `certification_result.jury_decision`, `jury_comment`, `jury_decided_at`,
  `jury_decided_by_id`: the decision, kept apart from the engine's computed result.
- `certification_result.verification_code`: a unique index (the public verification's lookup),
  given at publication to validated results; NULL elsewhere (a unique index allows many NULLs on
  both databases).

Sessions finalised before this revision were published at finalisation and stay so; their
validated results get their verification codes here, as a publication now gives them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 01:00:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As web.jury.certificates draws them; copied, not imported: a migration must keep working
# whatever the application's code becomes.
_ALPHABET = "2346789BCDFGHJKMPQRTVWXY"
_AWAITING = sa.text("finalised_at IS NOT NULL AND results_published_at IS NULL")


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX, no batch: on SQLite a batch operation that needs a
    # constraint copies the table and drops the old one, which the rows of other tables that
    # reference it forbid (foreign keys are enforced). So no foreign key on the two "by" columns
    # (staff accounts are deactivated, never deleted), and a unique index, not a constraint.
    op.add_column("exam_session", sa.Column("results_published_by_id", sa.Integer(),
                                            nullable=True))
    op.create_index("ix_exam_session_awaiting_jury", "exam_session", ["finalised_at", "id"],
                    unique=False, sqlite_where=_AWAITING, postgresql_where=_AWAITING)
    op.add_column("certification_result", sa.Column("jury_decision", sa.String(length=20),
                                                    nullable=True))
    op.add_column("certification_result", sa.Column("jury_comment", sa.String(length=2000),
                                                    nullable=False, server_default=""))
    op.add_column("certification_result", sa.Column("jury_decided_at", sa.DateTime(),
                                                    nullable=True))
    op.add_column("certification_result", sa.Column("jury_decided_by_id", sa.Integer(),
                                                    nullable=True))
    op.add_column("certification_result", sa.Column("verification_code", sa.String(length=10),
                                                    nullable=True))
    op.create_index("ix_certification_result_verification_code", "certification_result",
                    ["verification_code"], unique=True)
    _codes_for_published_results()


def _codes_for_published_results() -> None:
    conn = op.get_bind()
    ids = conn.execute(sa.text(
        "SELECT r.id FROM certification_result r JOIN exam_session s ON s.id = r.session_id "
        "WHERE s.results_published_at IS NOT NULL AND r.status = 'validated' "
        "ORDER BY r.id")).scalars().all()
    drawn: set[str] = set()
    random = secrets.SystemRandom()
    for result_id in ids:
        code = "P-" + "".join(random.sample(_ALPHABET, 8))
        while code in drawn:
            code = "P-" + "".join(random.sample(_ALPHABET, 8))
        drawn.add(code)
        conn.execute(sa.text("UPDATE certification_result SET verification_code = :code "
                             "WHERE id = :id"), {"code": code, "id": result_id})


def downgrade() -> None:
    # Indexes first: SQLite (≥ 3.35) drops a column in place only when nothing refers to it.
    op.drop_index("ix_certification_result_verification_code", "certification_result")
    for column in ("verification_code", "jury_decided_by_id", "jury_decided_at", "jury_comment",
                   "jury_decision"):
        op.drop_column("certification_result", column)
    op.drop_index("ix_exam_session_awaiting_jury", "exam_session")
    op.drop_column("exam_session", "results_published_by_id")
