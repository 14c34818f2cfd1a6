"""Staff pages at national scale: centre search and paging, a centre's sessions in date order

- `centre.search_name`: the name with case, accents and separators removed, so the platform
  administrator finds "Lycée Émile-Zola" by typing "emile zola" on SQLite and PostgreSQL alike
  (they share no accent-insensitive comparison). Filled here for existing centres, then kept by
  the model (web.models.centre).
- `ix_centre_search_name_id` (search_name, id): the list of ~10,000 centres is read a page at a
  time in that order (alphabetical with accents ignored: by `name`, both databases put "École"
  after "Lycée").
- `ix_exam_session_centre_date` (centre_id, date, start_time) replaces `ix_exam_session_centre_id`:
  a centre's sessions are listed most recent first, a page at a time; the new index starts with
  the same column, so it serves every lookup by centre too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 19:00:00
"""

import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—'’`]+")


def _search_name(name: str) -> str:
    """web.names.normalise_name as of this revision, copied so the migration keeps its meaning
    whatever that module becomes."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _SEPARATORS.sub(" ", stripped).strip()[:200]


def upgrade() -> None:
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_name", sa.String(length=200), nullable=False,
                                      server_default=""))
    conn = op.get_bind()
    centre = sa.table("centre", sa.column("id", sa.Integer), sa.column("name", sa.String),
                      sa.column("search_name", sa.String))
    rows = conn.execute(sa.select(centre.c.id, centre.c.name)).all()  # ~10,000 short names
    if rows:
        conn.execute(centre.update().where(centre.c.id == sa.bindparam("centre_id"))
                     .values(search_name=sa.bindparam("value")),
                     [{"centre_id": row.id, "value": _search_name(row.name)} for row in rows])
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.create_index("ix_centre_search_name_id", ["search_name", "id"], unique=False)
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.create_index("ix_exam_session_centre_date", ["centre_id", "date", "start_time"],
                              unique=False)
        batch_op.drop_index("ix_exam_session_centre_id")


def downgrade() -> None:
    with op.batch_alter_table("exam_session", schema=None) as batch_op:
        batch_op.create_index("ix_exam_session_centre_id", ["centre_id"], unique=False)
        batch_op.drop_index("ix_exam_session_centre_date")
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.drop_index("ix_centre_search_name_id")
        batch_op.drop_column("search_name")
