"""The engine's memo of each course's last step (engine.memo), per process.

With it an answer's next item is chosen from the new answer alone instead of the whole history
(the same item, bit for bit: the engine checks that the history extends the memo's). A course
whose memo this process lacks — it was served by another worker, or dropped here — is read in
full, as before. Bounded like web.course.hint (oldest course dropped first); single dict
operations, atomic under the GIL; memos are immutable.
"""

from __future__ import annotations

import engine

DEFAULT_CAPACITY = 4096  # ≈ 7 KB a course (its history's entries, parsed state, 81 floats): ≈ 28 MB


class StepMemos:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._memos: dict[int, engine.StepMemo] = {}

    def get(self, course_id: int) -> engine.StepMemo | None:
        return self._memos.get(course_id)

    def remember(self, course_id: int, memo: engine.StepMemo) -> None:
        memos = self._memos
        if course_id not in memos and len(memos) >= self.capacity:
            memos.pop(next(iter(memos)), None)
        memos[course_id] = memo

    def forget(self, course_id: int) -> None:
        self._memos.pop(course_id, None)

    def __len__(self) -> int:
        return len(self._memos)
