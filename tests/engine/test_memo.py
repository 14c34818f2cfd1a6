"""A remembered step (engine.memo) gives exactly what a fresh step gives, whatever the history."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import DEFAULT_CONFIG, Served, next_step
from engine.history import parse
from engine.memo import next_step_remembered
from engine.reference import small_bank
from engine.selection import answer_rows_sum, derived

BANK = small_bank()
RESULTS = ["ok", "ko", "skipped", "timedout", "focusedOut", "withdrawn", None]
# Per step: the result given to the item just served; whether it was served with other a, b
# than the bank's (a recalibrated item); whether an earlier result is then rewritten (a
# history that no longer extends the remembered one: the memo must not be used).
moves = st.lists(st.tuples(st.sampled_from(RESULTS), st.booleans(), st.booleans()),
                 min_size=1, max_size=40)
fast = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_step(left, right) -> bool:
    return (left.item_id, left.theta, left.se) == (right.item_id, right.theta, right.se)


CONFIGS = [DEFAULT_CONFIG, DEFAULT_CONFIG.with_changes(exposure_method="randomesque")]


@fast
@given(moves=moves, seed=st.integers(0, 2**63 - 1), accessible_only=st.booleans(),
       config=st.sampled_from(CONFIGS))
def test_a_remembered_step_is_the_fresh_step_bit_for_bit(moves, seed, accessible_only, config):
    history: list[Served] = []
    memo = None
    for result, recalibrated, rewrite in moves:
        fresh = next_step(history, BANK, config, accessible_only=accessible_only, seed=seed)
        step, memo = next_step_remembered(history, BANK, config,
                                          accessible_only=accessible_only, seed=seed, memo=memo)
        assert same_step(step, fresh)
        if step.item_id is None:
            break
        i = BANK.index_of(step.item_id)
        a, b = (float(BANK.a[i]) * 1.1, float(BANK.b[i]) - 0.2) if recalibrated else (None, None)
        history.append(Served(step.item_id, result, a, b))
        if rewrite and len(history) > 1 and history[0].result != "withdrawn":
            history[0] = history[0]._replace(result="ok" if history[0].result != "ok" else "ko")


def test_the_answers_sum_is_the_same_added_one_by_one_or_at_once():
    d = derived(BANK, DEFAULT_CONFIG)
    rng = np.random.default_rng(7)
    for _ in range(200):
        rows = [int(r) for r in rng.integers(0, 2 * len(BANK), size=int(rng.integers(1, 40)))]
        one_by_one = d.loglik[rows[0]]
        for r in rows[1:]:
            one_by_one = one_by_one + d.loglik[r]
        assert np.array_equal(answer_rows_sum(d.loglik, rows), one_by_one)


def test_a_memo_is_only_used_for_a_history_that_extends_its_own():
    first = next_step([], BANK, DEFAULT_CONFIG, accessible_only=False, seed=5).item_id
    _, memo = next_step_remembered([Served(first, "ok")], BANK, DEFAULT_CONFIG,
                                   accessible_only=False, seed=5, memo=None)
    changed = [Served(first, "ko")]  # the same item, another result: not an extension
    step, _ = next_step_remembered(changed, BANK, DEFAULT_CONFIG, accessible_only=False,
                                   seed=5, memo=memo)
    assert same_step(step, next_step(changed, BANK, DEFAULT_CONFIG, accessible_only=False,
                                     seed=5))
    assert memo.state.rows == parse([Served(first, "ok")], BANK).rows  # left as it was
