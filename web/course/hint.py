"""Each course's row and current item as this process last read or wrote them: a hint that
lets an answer skip the course read, under a guard.

The answer's hot path was two round trips: read the course and its current item
(web.course.state), then write the answer with the next item (web.course.answering). When this
process served the current item itself (the previous answer's write returned it) or read it
since, it already holds everything the read would bring — unless someone changed it meanwhile:
the proctor (extra time, withdrawal, ending the test), the candidate's other tab or browser (a
report, a focus-out, a resume with its new token and restarted timer), the sweeper (time up).
So `web.course.answering.submit_guarded` decides from the hint and sends a write whose guard
re-checks, in the same statement, every mutable column the decision used; a guard that fails
writes nothing and the request takes the ordinary path (read, then write). The hint is never
trusted for anything the guard does not check: what it holds besides is immutable (the
course's start, durations, seed, configuration; the item's id, parameters, serving time) or
settled (web.course.settled).

Bounded like the settled items (web.course.bounded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from web.course.bounded import BoundedMap

if TYPE_CHECKING:
    from web.course.state import CourseData, Entry

DEFAULT_CAPACITY = 8192  # ≈ 1 KB a course (a CourseData and an Entry): ≈ 8 MB per process


class CourseHints:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._courses: BoundedMap[int, tuple[CourseData, Entry]] = BoundedMap(capacity)
        # How often a hint served an answer, and how often one was sent back to the ordinary
        # path (the guard found a change, or a case the hint does not handle: the last
        # answer, a malformed form, time up): the tests' evidence of which path was taken.
        self.used = 0
        self.refused = 0

    def get(self, course_id: int) -> tuple[CourseData, Entry] | None:
        return self._courses.get(course_id)

    def remember(self, course: CourseData, current: Entry | None) -> None:
        """`current`: the course's current item as just read or written (None: forget)."""
        if current is None or current.answered or current.withdrawn:
            self._courses.pop(course.id, None)
            return
        self._courses.put(course.id, (course, current))

    def forget(self, course_id: int) -> None:
        self._courses.pop(course_id, None)

    def __len__(self) -> int:
        return len(self._courses)
