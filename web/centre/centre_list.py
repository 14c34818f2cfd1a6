"""The platform administrator's list of centres: ~10,000 at national scale, so searched by name
or number and read a page at a time (two statements whatever the number of centres)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from web.centre.paging import Page
from web.inputs import whole_number, without_control
from web.models import Centre
from web.names import normalise_name

PAGE_SIZE = 50
MAX_QUERY = 200  # a centre's name is at most 200 characters


@dataclass(frozen=True)
class CentreList:
    query: str  # as typed (trimmed), shown back in the search box
    page: Page
    centres: Sequence[Centre]


def _matching(query: str):  # noqa: ANN202 - a SQL condition
    """Centres whose name contains the words typed (case, accents, hyphens ignored), or whose
    number it is."""
    wanted = normalise_name(query)
    condition = col(Centre.search_name).contains(wanted, autoescape=True)
    number = whole_number(query)
    return or_(condition, col(Centre.id) == number) if number is not None else condition


def read(db: Session, query: str, number: int) -> CentreList:
    """Page `number` of the centres matching `query` (all of them when empty), in alphabetical
    order with accents ignored ("École" among the E)."""
    query = " ".join(without_control(query).split())[:MAX_QUERY]
    where = _matching(query) if query else None
    count = select(func.count()).select_from(Centre)
    rows = select(Centre).order_by(col(Centre.search_name), col(Centre.id))
    if where is not None:
        count, rows = count.where(where), rows.where(where)
    page = Page(number=number, size=PAGE_SIZE, total=db.exec(count).one(),
                path="/admin/centres", params=(("q", query),) if query else ())
    centres = [] if page.missing else db.exec(rows.offset(page.offset).limit(PAGE_SIZE)).all()
    return CentreList(query=query, page=page, centres=centres)
