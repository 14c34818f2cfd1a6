"""The platform administrator's overdue finalisations: the sessions of every centre still to
finalise past their deadline (web.centre.sessions.finalisation_deadline), most overdue first, a
page at a time.

The deadline depends on the centre's zone, which SQL cannot apply (SQLite has no zones), and the
country's sessions accumulate (~50,000 a year). What SQL can compare is a session's local date
and start time, and every zone is within −12 h … +14 h of UTC, so the deadline falls 36 h to 62 h
after that local time. SQL therefore counts and pages the sessions surely overdue in any zone,
through the partial index of the sessions still to finalise; the few days where it depends on
the zone are read and decided in Python with the deadline rule itself. The order by deadline
differs from the order by local time only among sessions less than 26 h apart, so a page is
found by sorting the rows within twice that distance of where it is in local order, the rows
before them counted. Seven statements a page, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, not_
from sqlmodel import Session, col, select

from web.centre.paging import Page
from web.centre.sessions import (
    FINALISATION_DELAY,
    SESSION_LENGTH,
    candidate_counts,
    finalisation_deadline,
    started_among,
)
from web.i18n import ngettext_
from web.models import Centre, ExamSession, pk

PAGE_SIZE = 50
PATH = "/admin/finalisations-en-retard"
# The deadline is 50 h after the start in UTC, and UTC is 14 h behind to 12 h ahead of local time.
EARLIEST = SESSION_LENGTH + FINALISATION_DELAY - dt.timedelta(hours=14)  # after the local start
LATEST = SESSION_LENGTH + FINALISATION_DELAY + dt.timedelta(hours=12)
# Two sessions whose local starts are further apart have their deadlines in the same order.
SPREAD = LATEST - EARLIEST

_date, _start, _id = col(ExamSession.date), col(ExamSession.start_time), col(ExamSession.id)
_OPEN = col(ExamSession.finalised_at).is_(None)  # the partial index's condition, as written


@dataclass(frozen=True)
class Overdue:
    session: ExamSession
    centre: Centre
    deadline: dt.datetime  # naive UTC

    @property
    def local_start(self) -> dt.datetime:
        """As typed by the centre: what SQL orders by."""
        return dt.datetime.combine(self.session.date, self.session.start_time)


@dataclass(frozen=True)
class OverdueRow:
    late: Overdue
    late_by: dt.timedelta
    candidates: int
    started: bool  # a candidate began the test

    @property
    def lateness(self) -> str:
        return lateness(self.late_by)


@dataclass(frozen=True)
class OverdueList:
    page: Page
    rows: list[OverdueRow]


@dataclass(frozen=True)
class _Census:
    surely: int  # overdue in any zone: counted by SQL
    doubtful: list[Overdue]  # overdue on the days where it depends on the zone, by local start
    surely_until: dt.date  # the last local date of the first kind

    @property
    def total(self) -> int:
        return self.surely + len(self.doubtful)


def _census(db: Session, now: dt.datetime) -> _Census:
    """Two statements: the count of the sessions surely overdue, and the rows of the days that
    might be (about two days of sessions still to finalise)."""
    # A session dated D starts before D + 24 h local, so its deadline is before D + 86 h.
    surely_until = (now - dt.timedelta(days=1) - LATEST).date()
    # One dated after this starts later than now − 36 h local: its deadline is not yet past.
    maybe_until = (now - EARLIEST).date()
    surely = db.exec(select(func.count()).select_from(ExamSession)
                     .where(_OPEN, _date <= surely_until)).one()
    found = [Overdue(s, c, finalisation_deadline(s, c.time_zone)) for s, c in db.exec(
        _with_centre().where(_OPEN, _date > surely_until, _date <= maybe_until)).all()]
    doubtful = sorted((o for o in found if o.deadline < now),
                      key=lambda o: (o.local_start, pk(o.session)))
    return _Census(surely=surely, doubtful=doubtful, surely_until=surely_until)


def count(db: Session, now: dt.datetime) -> int:
    """How many sessions are past their finalisation deadline, in every centre."""
    return _census(db, now).total


def read(db: Session, now: dt.datetime, number: int) -> OverdueList:
    """Page `number` of the overdue sessions, the earliest deadline first (then by number)."""
    census = _census(db, now)
    page = Page(number=number, size=PAGE_SIZE, total=census.total, path=PATH)
    if page.missing or not page.total:
        return OverdueList(page=page, rows=[])
    surely = and_(_OPEN, _date <= census.surely_until)
    # The local starts of the page's rows in local order: the first and last bound the rows that
    # can be on the page in deadline order (none is further than SPREAD from them).
    first, size = page.offset, page.last_row - page.offset
    keys = [dt.datetime.combine(d, t) for d, t in db.exec(
        select(_date, _start).where(surely).order_by(_date, _start, _id)
        .offset(first).limit(size)).all()]
    keys += [o.local_start for o in census.doubtful[max(0, first - census.surely):]]
    low, high = keys[0] - SPREAD, keys[size - 1] + SPREAD
    # Every row more than SPREAD before `low` comes before each of those; every one more than
    # SPREAD after `high`, after: the rows between are sorted by deadline, the ones before
    # counted.
    reach_low, reach_high = low - SPREAD, high + SPREAD
    before = db.exec(select(func.count()).select_from(ExamSession)
                     .where(surely, _local_before(reach_low))).one()
    before += sum(1 for o in census.doubtful if o.local_start < reach_low)
    near = [Overdue(s, c, finalisation_deadline(s, c.time_zone)) for s, c in db.exec(
        _with_centre().where(surely, _local_within(reach_low, reach_high))).all()]
    near += [o for o in census.doubtful if reach_low <= o.local_start <= reach_high]
    near.sort(key=lambda o: (o.deadline, pk(o.session)))
    chosen = near[first - before:first - before + size]
    ids = [pk(o.session) for o in chosen]
    counts, started = candidate_counts(db, ids), started_among(db, ids)
    return OverdueList(page=page, rows=[
        OverdueRow(late=o, late_by=now - o.deadline, candidates=counts.get(pk(o.session), 0),
                   started=pk(o.session) in started) for o in chosen])


def lateness(late_by: dt.timedelta) -> str:
    """How late, to the unit that matters: whole days, else hours, else minutes."""
    if late_by >= dt.timedelta(days=1):
        return ngettext_("%(num)d jour", "%(num)d jours", late_by.days) % {"num": late_by.days}
    hours = int(late_by.total_seconds() // 3600)
    if hours:
        return ngettext_("%(num)d h", "%(num)d h", hours) % {"num": hours}
    minutes = max(1, int(late_by.total_seconds() // 60))
    return ngettext_("%(num)d min", "%(num)d min", minutes) % {"num": minutes}


def _with_centre():  # noqa: ANN202 - a select of two entities
    return select(ExamSession, Centre).join(Centre, col(Centre.id) == col(ExamSession.centre_id))


def _local_before(moment: dt.datetime):  # noqa: ANN202 - a SQL condition
    """The session's local date and start time are before `moment` (the date alone bounds the
    index range)."""
    return and_(_date <= moment.date(), not_(and_(_date == moment.date(),
                                                  _start >= moment.time())))


def _local_within(low: dt.datetime, high: dt.datetime):  # noqa: ANN202 - a SQL condition
    """The session's local date and start time are between `low` and `high`, both included."""
    return and_(_date >= low.date(), _date <= high.date(),
                not_(and_(_date == low.date(), _start < low.time())),
                not_(and_(_date == high.date(), _start > high.time())))

