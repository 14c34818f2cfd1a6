"""Property-based tests of the selection rules and the estimate (hypothesis)."""

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import DEFAULT_CONFIG, Served, estimate, next_step
from engine.reference import small_bank

BANK = small_bank()
RESULTS = ["ok", "ko", "skipped", "timedout", "focusedOut", "withdrawn"]
results = st.lists(
    st.sampled_from(RESULTS), min_size=40, max_size=40
).map(lambda rs: [r if (r != "withdrawn" or i % 7 == 0) else "ko" for i, r in enumerate(rs)])
# (withdrawals only at every 7th position: at most 6 per test, so the length can be reached)

fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(results=results, seed=st.integers(0, 2**63 - 1), accessible_only=st.booleans(),
       use_exposure=st.booleans())
def test_rules_hold_for_any_answers(results, seed, accessible_only, use_exposure):
    bank = BANK
    config = DEFAULT_CONFIG
    if use_exposure:  # an arbitrary table: the rules must hold whatever it says
        rng = np.random.default_rng(seed % 1000)
        config = config.with_changes(exposure={i: float(rng.random()) for i in bank.ids},
                                     exposure_accessible={i: 0.3 for i in bank.ids[::3]})
    history: list[Served] = []
    withdrawn_skills: set[int] = set()
    for result in results:
        step = next_step(history, bank, config, accessible_only=accessible_only, seed=seed)
        assert np.isfinite(step.theta) and np.isfinite(step.se) and step.se > 0
        if step.item_id is None:
            break
        i = bank.index_of(step.item_id)
        assert step.item_id not in {s.item_id for s in history}  # never repeats
        assert bank.skill[i] not in withdrawn_skills
        if accessible_only:
            assert bank.accessible[i]
        if result == "withdrawn":
            withdrawn_skills.add(int(bank.skill[i]))
        history.append(Served(step.item_id, result))
    counted = [bank.index_of(s.item_id) for s in history if s.result != "withdrawn"]
    assert len(counted) == config.length
    tubes = [int(bank.tube[i]) for i in counted]
    assert len(set(tubes)) == len(tubes)  # never two items of one tube
    comps = [int(bank.competence[i]) for i in counted]
    assert all(x != y for x, y in zip(comps, comps[1:], strict=False))
    # Blueprint, whenever feasible: a competence can get as many items as it has
    # tubes with an item still allowed (pool, skill not withdrawn).
    withdrawn_ids = {s.item_id for s in history if s.result == "withdrawn"}
    pool = bank.accessible if accessible_only else np.ones(len(bank), dtype=bool)
    capacity = Counter()
    for c in range(len(bank.competences)):
        capacity[c] = len({int(bank.tube[i]) for i in np.flatnonzero(pool & (bank.competence == c))
                           if bank.skill[i] not in withdrawn_skills
                           and bank.ids[i] not in withdrawn_ids})
    count = Counter(comps)
    if all(capacity[c] >= 2 for c in capacity):
        assert count == dict.fromkeys(range(len(bank.competences)), 2)
        assert set(comps[:16]) == set(range(16))  # each once before any twice
    else:
        assert all(count[c] >= min(2, capacity[c]) for c in capacity)


@fast
@given(
    answers=st.lists(
        st.tuples(st.floats(0.05, 6.0), st.floats(-12.0, 12.0), st.sampled_from(RESULTS)),
        max_size=60,
    )
)
def test_estimate_is_finite_for_any_pattern(answers):
    history = [Served(BANK.ids[k % len(BANK)], r, a=a, b=b)
               for k, (a, b, r) in enumerate(answers)]
    theta, se = estimate(history, BANK, DEFAULT_CONFIG)
    assert np.isfinite(theta) and np.isfinite(se)
    assert DEFAULT_CONFIG.grid_min <= theta <= DEFAULT_CONFIG.grid_max
    assert 0 <= se <= 1.0 + 1e-9  # never less certain than the prior


@fast
@given(st.lists(st.booleans(), min_size=1, max_size=32))
def test_more_correct_answers_never_lower_theta(flags):
    """Monotone: turning a wrong answer into a right one raises θ."""
    items = BANK.ids[: len(flags)]
    base = estimate([Served(i, "ok" if f else "ko") for i, f in zip(items, flags, strict=True)],
                    BANK, DEFAULT_CONFIG)[0]
    for k, f in enumerate(flags):
        if not f:
            better = list(flags)
            better[k] = True
            up = estimate([Served(i, "ok" if g else "ko")
                           for i, g in zip(items, better, strict=True)], BANK, DEFAULT_CONFIG)[0]
            assert up > base
            break


@settings(max_examples=300, deadline=None)
@given(picks=st.lists(st.integers(0, len(BANK) - 1), max_size=40, unique=True),
       outcomes=st.lists(st.sampled_from([*RESULTS, None]), min_size=40, max_size=40),
       accessible_only=st.booleans(), window=st.integers(0, 2), per_tube=st.booleans())
def test_the_usual_rule_mask_is_the_general_one(picks, outcomes, accessible_only, window,
                                                per_tube):
    """rule_mask's few-call path (every tube in one competence, no withdrawn skill) gives
    exactly what the general path gives, for any served items in any order — rules broken
    by the history included."""
    from engine.history import parse
    from engine.selection import derived, general_rule_mask, rule_mask

    config = DEFAULT_CONFIG.with_changes(no_repeat_window=window, one_per_tube=per_tube)
    assert derived(BANK, config).tube_competence is not None  # the few-call path is tried
    history = [Served(BANK.ids[i], r) for i, r in zip(picks, outcomes, strict=False)]
    state = parse(history, BANK)
    usual, general = (rule(state, BANK, config, accessible_only)
                      for rule in (rule_mask, general_rule_mask))
    assert (usual is None) == (general is None)
    if usual is not None:
        assert np.array_equal(usual, general)
