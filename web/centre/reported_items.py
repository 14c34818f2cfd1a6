"""The questions candidates reported a problem with, across every session: what the content
team reads to correct or withdraw an item. A validated report withdrew the question from that
candidate's test (product.md step 7); a dismissed one did not.

Reports are rare (a few per thousand questions served), so one grouped read of the alerts with
their served items is cheap; a page at a time, the most validated first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from web.centre.paging import Page
from web.models import LiveAlert, ServedItem

PAGE_SIZE = 50
PATH = "/admin/questions-signalees"


@dataclass(frozen=True)
class ReportedItem:
    item_id: str
    validated: int
    dismissed: int
    pending: int
    last: dt.datetime  # naive UTC


@dataclass(frozen=True)
class ReportedList:
    page: Page
    rows: list[ReportedItem]


def _count(status: str):  # noqa: ANN202 - a SQL expression
    return func.sum(case((col(LiveAlert.status) == status, 1), else_=0))


def read(db: Session, number: int) -> ReportedList:
    reported = (select(ServedItem.item_id)
                .join(LiveAlert, col(LiveAlert.served_item_id) == col(ServedItem.id))
                .distinct().subquery())
    total = db.exec(select(func.count()).select_from(reported)).one()
    page = Page(number=number, size=PAGE_SIZE, total=total, path=PATH)
    if page.missing:
        return ReportedList(page, [])
    validated = _count("validated")
    # SQLAlchemy's select: sqlmodel's is typed for four columns at most.
    rows = db.execute(
        sa_select(col(ServedItem.item_id), validated, _count("dismissed"), _count("pending"),
                  func.max(LiveAlert.created_at))
        .join(LiveAlert, col(LiveAlert.served_item_id) == col(ServedItem.id))
        .group_by(col(ServedItem.item_id))
        .order_by(validated.desc(), func.count().desc(), col(ServedItem.item_id))
        .offset(page.offset).limit(page.size)).all()
    return ReportedList(page, [ReportedItem(str(item), int(v or 0), int(d or 0), int(p or 0), last)
                               for item, v, d, p, last in rows])
