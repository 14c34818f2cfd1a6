"""A course's history (what was served, what the candidate did) as arrays.

Rules on results (product.md): only "ok" is correct; "ko", "skipped",
"timedout" and "focusedOut" are wrong answers; "withdrawn" (a problem the
proctor validated) is ignored for the estimate, the length and the blueprint,
and excludes its whole skill; ``None`` is an item served but not yet answered:
it counts for the rules (it will be answered) but not for the estimate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .bank import ItemBank

CORRECT = "ok"
WRONG = frozenset({"ko", "skipped", "timedout", "focusedOut"})
WITHDRAWN = "withdrawn"
ANSWERS = WRONG | {CORRECT}
_NO_FLOATS = np.empty(0, dtype=np.float64)
_NO_BOOLS = np.empty(0, dtype=bool)
_NO_FLOATS.setflags(write=False)
_NO_BOOLS.setflags(write=False)


class Served(NamedTuple):
    """One entry of a course's history, in serving order. Immutable; a NamedTuple because the
    app builds one per served item at every answer (~32), 3 × cheaper than a frozen dataclass."""

    item_id: str
    result: str | None
    a: float | None = None  # a and b recorded when the item was served; None → from the bank
    b: float | None = None


@dataclass
class CourseState:
    """What selection and estimation need from a history, as bank positions and arrays."""

    seen: list[int]  # every served item known to the bank, withdrawn included: never again
    counted: list[int]  # bank positions of non-withdrawn items, in order
    counted_total: int  # non-withdrawn entries, unknown ids included (the length so far)
    withdrawn_skills: list[int]
    rows: list[int]  # answers on bank items at bank parameters: i + N·correct (log-lik table)
    a: np.ndarray  # answers whose recorded a, b differ from the bank's: computed directly
    b: np.ndarray
    correct: np.ndarray
    answered: int
    length: int = 0  # history entries read


def parse(history: Sequence[Served], bank: ItemBank, *,
          after: CourseState | None = None) -> CourseState:
    """Turn a history into a ``CourseState``.

    An id the bank no longer holds (an item retired after the course) still
    counts for the length and, when its a and b were recorded, for the
    estimate; it raises ``KeyError`` only when its parameters are needed.
    ``after``: the state of ``history[:after.length]`` (the caller has checked that prefix),
    whose entries are not read again; the result is the same.
    """
    bank_a, bank_b, index, n = bank.a_list, bank.b_list, bank.get_index, len(bank)
    if after is None:
        seen: list[int] = []
        counted: list[int] = []
        withdrawn_skills: list[int] = []
        rows: list[int] = []
        a: list[float] = []
        b: list[float] = []
        correct: list[bool] = []
        total = begin = 0
    else:
        seen, counted = list(after.seen), list(after.counted)
        withdrawn_skills, rows = list(after.withdrawn_skills), list(after.rows)
        a, b, correct = after.a.tolist(), after.b.tolist(), after.correct.tolist()
        total, begin = after.counted_total, after.length
    for s in history[begin:] if begin else history:
        i = index(s.item_id)
        result = s.result
        if i is not None:
            seen.append(i)
        if result == WITHDRAWN:
            if i is not None:
                withdrawn_skills.append(int(bank.skill[i]))
            continue
        total += 1
        if i is not None:
            counted.append(i)
        if result is None:
            continue
        if result == CORRECT:
            ok = True
        elif result in WRONG:
            ok = False
        else:
            raise ValueError(f"unknown result {result!r} for item {s.item_id}")
        at_bank = i is not None and (s.a is None or s.a == bank_a[i]) and (
            s.b is None or s.b == bank_b[i])
        if at_bank and i is not None:  # (at_bank implies it; said again for the type checker)
            rows.append(i + n if ok else i)
        elif i is None and (s.a is None or s.b is None):
            raise KeyError(s.item_id)
        else:
            a.append(bank_a[i] if s.a is None else s.a)  # type: ignore[index]
            b.append(bank_b[i] if s.b is None else s.b)  # type: ignore[index]
            correct.append(ok)
    if a:
        a_arr, b_arr = np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)
        correct_arr = np.array(correct, dtype=bool)
    else:  # the usual case (every answer at bank parameters): no array to build
        a_arr, b_arr, correct_arr = _NO_FLOATS, _NO_FLOATS, _NO_BOOLS
    return CourseState(
        seen=seen,
        counted=counted,
        counted_total=total,
        withdrawn_skills=withdrawn_skills,
        rows=rows,
        a=a_arr,
        b=b_arr,
        correct=correct_arr,
        answered=len(rows) + len(a),
        length=len(history),
    )
