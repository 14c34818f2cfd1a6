"""centre.time_zone: the IANA zone a centre's session dates and start times are typed in

A centre types its sessions' start as local wall-clock time, but the app compared it with UTC:
in mainland France a session could not be finalised during its first hour or two, in French
Polynesia it could be ten hours before it took place. Each centre now has its zone, one of
web.centre.time_zones.ZONES; existing centres get Europe/Paris.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=False,
                                      server_default="Europe/Paris"))


def downgrade() -> None:
    with op.batch_alter_table("centre", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
