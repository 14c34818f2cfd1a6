"""Each course's settled served items, kept per process so that the hot read skips them.

A served item is *settled* once it is answered (or skipped, timed out…), or withdrawn and
followed by its replacement: from then on nothing changes it. Every writer acts on the current
item only — an answer, a report, a focus-out, a timer restart, the proctor's withdrawal of a
reported item (which refuses an answered one, web.proctor.actions.resolve_alert). So a copy of
a course's settled items, taken by any process at any time, is still exact later, and needs no
invalidation: a process that holds the first k items reads only the items after position k
(web.course.state), usually the one current item. A process that saw the course less recently
than another holds a shorter prefix and reads a longer tail; one that never saw it reads
everything, as before. (A report sent at the very moment its item is answered may still leave
a pending alert on an answered item: only the current item's `pending` is ever used.)

Why: the full read (the course and its ~31 items with their answers) cost PostgreSQL ≈ 295 µs
of CPU and the app ≈ 155 µs, against ≈ 117 µs and ≈ 100 µs for the course and its current
item (`python -m loadtests.bench_statements`, loadtests/README.md, round 5).

Bounded: at most `capacity` courses per process, the oldest entry dropped first (a dict keeps
insertion order). Reads and writes are single dict operations, atomic under the GIL, so the
event loop and the thread pool can share it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from web.course.bounded import BoundedMap

if TYPE_CHECKING:
    from web.course.state import CourseView, Entry

# ≈ 10.5 KB per course of ~31 items (tracemalloc, 609 courses of the load test): 8,192
# courses ≈ 86 MB per worker process at the most.
DEFAULT_CAPACITY = 8192


class SettledEntries:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._courses: BoundedMap[int, tuple[Entry, ...]] = BoundedMap(capacity)

    def get(self, course_id: int) -> tuple[Entry, ...]:
        """The course's settled items from position 1, as far as this process knows them."""
        return self._courses.get(course_id, ())

    def remember(self, course_id: int, view: CourseView) -> None:
        """Keep `view`'s settled prefix if it is longer than the one held."""
        entries = view.entries
        courses = self._courses
        held = len(courses.get(course_id, ()))
        # A withdrawn last item still gets its timer restarted by a resume until the candidate
        # is served its replacement: kept only once something follows it.
        limit = len(entries) if entries and entries[-1].answered else len(entries) - 1
        # Any view of the course starts with the items held (settled items never change).
        settled = held
        while settled < limit and entries[settled].settled:
            settled += 1
        if settled > held:
            courses.put(course_id, tuple(entries[:settled]))

    def forget(self, course_id: int) -> None:
        self._courses.pop(course_id, None)

    def __len__(self) -> int:
        return len(self._courses)
