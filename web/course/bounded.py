"""A per-process map that holds at most `capacity` keys, the oldest dropped first.

The per-course caches (web.course.settled, web.course.hint, web.course.step_memos) each keep
what one process learnt about the courses it served, bounded so a worker's memory stays flat
at a national peak. A dict subclass, so that reads stay the dict's own (`get` on the answer's
hot path); single dict operations, atomic under the GIL.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMap(dict[K, V]):
    def __init__(self, capacity: int) -> None:
        super().__init__()
        self.capacity = capacity

    def put(self, key: K, value: V) -> None:
        """Set `key`; a new key in a full map first drops the oldest one. Capacity ≤ 0: keep
        nothing."""
        if self.capacity <= 0:
            return
        if key not in self and len(self) >= self.capacity:
            self.pop(next(iter(self)), None)
        self[key] = value
