"""Server-side time: the course deadline and per-item timers. The browser's clock is never used."""

from __future__ import annotations

import datetime as dt

from web.course.state import CourseData
from web.models import Course

# An answer sent in the last instant of a timer reaches the server a little later; this grace
# absorbs network latency so a candidate who clicked in time is not marked "timedout".
TIMER_GRACE = dt.timedelta(seconds=2)
# Warnings the page announces before the end of the test (minutes).
WARNINGS_MINUTES = (15, 5, 1)


def remaining_seconds(course: Course | CourseData, now: dt.datetime) -> int:
    return max(0, int((course.deadline - now).total_seconds()))


def is_overdue(course: Course | CourseData, now: dt.datetime) -> bool:
    return now >= course.deadline


def item_seconds(timer: int, extra_time_percent: int) -> int:
    """A timed item's allowance, scaled by the candidate's extra time (33 % → × 1.33)."""
    return round(timer * (100 + extra_time_percent) / 100)


def item_deadline(timer_started_at: dt.datetime | None, served_at: dt.datetime, timer: int,
                  extra_time_percent: int) -> dt.datetime | None:
    if timer <= 0:
        return None
    start = timer_started_at or served_at
    return start + dt.timedelta(seconds=item_seconds(timer, extra_time_percent))


def item_remaining_seconds(deadline: dt.datetime | None, now: dt.datetime) -> int | None:
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds()))


def is_late(deadline: dt.datetime | None, now: dt.datetime) -> bool:
    return deadline is not None and now > deadline + TIMER_GRACE
