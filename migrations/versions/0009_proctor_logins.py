"""proctor_login: a proctor's sign-in kept on the server, so that signing out ends it

Until now a proctor's cookie alone (session number + a fingerprint of the proctor password)
opened the proctor space: signing out only cleared that browser's cookie, and a copy of it
taken before (a shared computer, a copied cookie) kept working until the password was
regenerated or the cookie lapsed (OWASP session management: logout must invalidate the session
on the server). One row per sign-in, not a version per session as staff accounts have: a
session has several proctors, and one signing out must not sign the others out.

- `token_hash`: the SHA-256 of the random token the cookie holds (unique: the lookup of every
  proctor request).
- `ix_proctor_login_session_id`: a session's rows, deleted with the session.
- `ix_proctor_login_created_at`: rows older than a sign-in's lifetime (12 h) are refused, and
  deleted at each sign-in by that index (web.proctor.logins.open_login).

Proctors signed in before this revision have no token: they sign in again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proctor_login",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["exam_session.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("proctor_login", schema=None) as batch_op:
        batch_op.create_index("ix_proctor_login_session_id", ["session_id"], unique=False)
        batch_op.create_index("ix_proctor_login_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proctor_login", schema=None) as batch_op:
        batch_op.drop_index("ix_proctor_login_created_at")
        batch_op.drop_index("ix_proctor_login_session_id")
    op.drop_table("proctor_login")
