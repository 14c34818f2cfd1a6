"""A course's last step, kept by the caller to make its next step cheaper, never different.

A step reads the whole history: each entry's bank position (`parse`) and the sum of the answers'
log-likelihood rows. In the app that reading is most of the engine's cost under load, where
the rest of each request has emptied the caches (engine/README.md, "Speed in the app"). Between
two steps of a course the history only grows: by the answer to the item served last. A
`StepMemo` holds a step's history, its parsed state and that sum; `next_step_remembered` checks
that the new history extends the memo's entry for entry, then reads only the new entries. Any
other history (an item withdrawn since, another configuration) is read afresh. The sum is
added in history order either way (`selection.answer_rows_sum`), so a process that holds a memo
and one that does not choose the same item (tests/engine/test_memo.py, bit for bit).

Immutable: a memo may be shared between threads; the engine keeps none itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .bank import ItemBank
from .config import EngineConfig
from .history import CourseState, Served, parse
from .selection import Step, _Derived, answer_rows_sum, derived, step_from


@dataclass(frozen=True, eq=False)
class StepMemo:
    history: tuple[Served, ...]
    state: CourseState  # parse(history): never modified (parse copies what it resumes)
    answers: np.ndarray | None  # answer_rows_sum of state.rows; None: no answer yet
    arrays: _Derived  # the (bank, config) arrays it was computed with (selection.derived)


def next_step_remembered(
    history: Sequence[Served],
    bank: ItemBank,
    config: EngineConfig,
    *,
    accessible_only: bool,
    seed: int,
    memo: StepMemo | None,
) -> tuple[Step, StepMemo]:
    """`next_step`, from `memo` when `history` extends its history; with the memo of this step."""
    d = derived(bank, config)
    state, answers = _resume(memo, history, bank, d)
    step = step_from(state, answers, bank, config, accessible_only, seed)
    return step, StepMemo(tuple(history), state, answers, d)


def _resume(memo: StepMemo | None, history: Sequence[Served], bank: ItemBank,
            d: _Derived) -> tuple[CourseState, np.ndarray | None]:
    if memo is not None and memo.arrays is d:
        known = len(memo.history)
        if len(history) >= known and tuple(history[:known]) == memo.history:
            state = parse(history, bank, after=memo.state)
            answers, loglik = memo.answers, d.loglik
            for row in state.rows[len(memo.state.rows):]:
                answers = loglik[row] if answers is None else answers + loglik[row]
            return state, answers
    state = parse(history, bank)
    return state, answer_rows_sum(d.loglik, state.rows)
