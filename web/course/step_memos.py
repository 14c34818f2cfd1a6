"""The engine's memo of each course's last step (engine.memo), per process.

With it an answer's next item is chosen from the new answer alone instead of the whole history
(the same item, bit for bit: the engine checks that the history extends the memo's). A course
whose memo this process lacks — it was served by another worker, or dropped here — is read in
full, as before. Bounded (web.course.bounded); memos are immutable.
"""

from __future__ import annotations

import engine
from web.course.bounded import BoundedMap

DEFAULT_CAPACITY = 4096  # ≈ 7 KB a course (its history's entries, parsed state, 81 floats): ≈ 28 MB


class StepMemos:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._memos: BoundedMap[int, engine.StepMemo] = BoundedMap(capacity)

    def get(self, course_id: int) -> engine.StepMemo | None:
        return self._memos.get(course_id)

    def remember(self, course_id: int, memo: engine.StepMemo) -> None:
        self._memos.put(course_id, memo)

    def forget(self, course_id: int) -> None:
        self._memos.pop(course_id, None)

    def __len__(self) -> int:
        return len(self._memos)
