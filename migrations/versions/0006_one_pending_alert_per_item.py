"""live_alert: at most one pending report per served item

Two clicks on "Signaler un problème" sent at once both found no pending report and both
inserted one (two in a row report once): the proctor saw the question reported twice, and the
candidate stayed blocked after the first was dismissed. A partial unique index now refuses the
second (web.course.incidents answers it as a repeated click). Duplicates already stored are
dismissed first, the oldest pending report of each item kept.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.execute("UPDATE live_alert SET status = 'dismissed', resolved_at = created_at"
               " WHERE status = 'pending' AND served_item_id IS NOT NULL"
               " AND id > (SELECT min(other.id) FROM live_alert other"
               " WHERE other.served_item_id = live_alert.served_item_id"
               " AND other.status = 'pending')")
    with op.batch_alter_table("live_alert", schema=None) as batch_op:
        batch_op.create_index("uq_live_alert_pending_item", ["served_item_id"], unique=True,
                              sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    with op.batch_alter_table("live_alert", schema=None) as batch_op:
        batch_op.drop_index("uq_live_alert_pending_item")
