"""Server time. Every deadline is computed from this clock, never from the browser's.

Datetimes are naive UTC everywhere (SQLite has no time zones), produced only here.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Clock:
    def now(self) -> datetime:
        return utcnow()


class FrozenClock(Clock):
    """A clock tests move by hand: time expiry is tested without sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 8, 0, 0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._now += timedelta(**delta)
            return self._now
