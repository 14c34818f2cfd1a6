"""Choosing the next item: production rules, exposure control, maximum information.

Stateless: everything is recomputed from (history, bank, config, seed); the only
memory is a per-(bank, config) cache of derived read-only arrays, so any number
of app processes give the same answer for the same course.

Rules, in order (product.md, issue 3):
1. never an item already served (withdrawn ones included), never an item of a
   withdrawn skill, at most one counted item per tube, only accessible items for
   an adjusted candidate;
2. blueprint: among competences that still have an available item, only those
   served the fewest times so far. With 16 competences and 32 items this is
   "each once before any twice" and then exactly twice; when a competence runs
   out of items (small accessible pool, withdrawn skills) it is skipped instead
   of blocking the test, and the length is filled least-served first;
3. not a competence among the last ``no_repeat_window`` counted items, unless
   that would leave nothing (it never binds with 16 × 2);
4. exposure control: prefer the items eligible for this course (see
   engine/exposure.py); fall back to ineligible ones rather than break a rule;
5. the item of highest information − λ_i at the current EAP, λ_i the item's
   exposure price (0 for most items; see engine/exposure.py; the first round may
   have its own prices, ``exposure_price_early``); before any
   answer, at a θ drawn around the prior mean from the seed, so first items
   vary between candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import irt
from .bank import ItemBank
from .config import EngineConfig
from .history import CourseState, Served, parse
from .rand import item_table, item_uniforms16, mix64, uniform

_START_STREAM = 1
_RANDOMESQUE_STREAM = 2
_NOISE_STREAM = 0x6A09E667F3BCC909  # per-course preferences: independent of eligibility
_CACHE_LIMIT = 32


@dataclass(frozen=True)
class Step:
    item_id: str | None  # None when the test is complete or no eligible item remains
    theta: float
    se: float


class _Derived:
    """Arrays derived once from a (bank, config) pair."""

    def __init__(self, bank: ItemBank, config: EngineConfig):
        self.nodes = irt.grid(config.grid_min, config.grid_max, config.grid_points)
        self.prior = irt.log_prior(self.nodes, config.prior_mean, config.prior_sd)
        # Rows i / N + i: log P(ko) / log P(ok) of item i: a gather and a sum give the
        # log-likelihood of a history.
        self.loglik = irt.loglik_table(bank.a, bank.b, self.nodes)
        self.powers = np.stack([np.ones_like(self.nodes), self.nodes, self.nodes**2])
        everything = np.ones(len(bank), dtype=bool)
        self.pool = {False: everything, True: bank.accessible.copy()}
        # For rule_mask's usual case in a few numpy calls: competences and tubes as plain
        # lists (counted in Python: ≤ 32 items), and each tube's competence when every tube
        # lies within one competence (the content model: competence > tube > skill).
        self.competence_list: list[int] = bank.competence.tolist()
        self.tube_list: list[int] = bank.tube.tolist()
        self.n_competences = len(bank.competences)
        self.tube_competence = _tube_competence(bank)
        self.threshold: dict[bool, np.ndarray | None] = {
            False: self._threshold(bank, config.exposure),
            True: self._threshold(bank, config.exposure_accessible),
        }
        priced = config.exposure_method == "eligibility"  # prices belong to that method
        # Information of every item at every grid node (grid × items), for the posterior
        # expectation; float32 like the point table.
        self.node_info = (irt.information(self.nodes[:, None], bank.a, bank.b).astype(np.float32)
                          if config.information == "posterior" else None)
        # Gumbel quantiles of the 16-bit uniforms: g = −log(−log u), one gather per step.
        self.gumbel = (np.float32(config.exposure_noise) * _gumbel_lut()
                       if priced and config.exposure_noise > 0 else None)
        uses_table = priced and (self.gumbel is not None or any(
            t is not None for t in self.threshold.values()))
        self.table = _bank_table(bank) if uses_table else None
        self.price = {False: _prices(bank, config.exposure_price) if priced else None,
                      True: _prices(bank, config.exposure_price_accessible) if priced else None}
        # First-round prices (see EngineConfig.exposure_price_early): None = the same as above.
        self.price_early: dict[bool, np.ndarray | None] = {False: None, True: None}
        if priced:
            for acc, table in ((False, config.exposure_price_early),
                               (True, config.exposure_price_early_accessible)):
                late = self.price[acc]
                if table:
                    self.price_early[acc] = _prices(bank, table)
                elif late is not None and config.exposure_price_early_factor != 0.0:
                    self.price_early[acc] = late * np.float32(
                        1.0 + config.exposure_price_early_factor)

    @staticmethod
    def _threshold(bank: ItemBank, table: dict[str, float]) -> np.ndarray | None:
        """k_i as a 16-bit threshold: eligible when u16 < round(k_i · 2¹⁶)."""
        k = np.ones(len(bank))
        for item_id, value in table.items():
            i = bank.get_index(item_id)
            if i is not None:
                k[i] = min(max(value, 0.0), 1.0)
        if np.all(k >= 1.0):
            return None
        return np.rint(k * 65536.0).astype(np.int32)


def _tube_competence(bank: ItemBank) -> np.ndarray | None:
    """Each tube's competence, or None if some tube holds items of two competences."""
    of_tube = np.full(len(bank.tubes), -1, dtype=np.intp)
    of_tube[bank.tube] = bank.competence
    return of_tube if np.array_equal(of_tube[bank.tube], bank.competence) else None


def _prices(bank: ItemBank, table: dict[str, float]) -> np.ndarray | None:
    """λ_i per item (absent = 0) as float32, the information table's type."""
    if not table:
        return None
    price = np.zeros(len(bank), dtype=np.float32)
    for item_id, value in table.items():
        i = bank.get_index(item_id)
        if i is not None:
            price[i] = max(value, 0.0)
    return price


def _gumbel_lut() -> np.ndarray:
    u = (np.arange(65536, dtype=np.float64) + 0.5) / 65536.0
    return (-np.log(-np.log(u))).astype(np.float32)


def _bank_table(bank: ItemBank) -> np.ndarray:
    table = bank.__dict__.get("_item_table")
    if table is None:
        table = item_table(len(bank))
        bank.__dict__["_item_table"] = table
    return table


def information_table(bank: ItemBank) -> irt.InformationTable:
    table = bank.__dict__.get("_info_table")
    if table is None:
        with np.errstate(over="ignore"):  # exp overflow → P = 0, the right limit
            table = irt.InformationTable(bank.a, bank.b)
        bank.__dict__["_info_table"] = table
    return table


def derived(bank: ItemBank, config: EngineConfig) -> _Derived:
    # Keyed by id(config) with the config kept alive in the entry, so the id
    # cannot be reused by another object while the entry exists.
    entry = bank._derived.get(id(config))
    if entry is not None and entry[0] is config:
        return entry[1]  # type: ignore[return-value]
    if len(bank._derived) >= _CACHE_LIMIT:
        bank._derived.clear()
    d = _Derived(bank, config)
    bank._derived[id(config)] = (config, d)
    return d


def answer_rows_sum(loglik: np.ndarray, rows: list[int]) -> np.ndarray | None:
    """The sum of the answers' log-likelihood rows, added in history order: a cumulative sum,
    whose last row is what adding the rows one by one gives, bit for bit (engine.memo).
    None: no answer."""
    return np.cumsum(loglik[rows], axis=0)[-1] if rows else None


def log_posterior(state: CourseState, d: _Derived, answers: np.ndarray | None = None
                  ) -> np.ndarray:
    """`answers`: `answer_rows_sum` of `state.rows` when the caller holds it (engine.memo)."""
    if answers is None:
        answers = answer_rows_sum(d.loglik, state.rows)
    logpost = d.prior.copy() if answers is None else answers + d.prior
    if state.a.size:
        logpost += irt.loglik(state.a, state.b, state.correct, d.nodes)
    return logpost


def estimate_state(state: CourseState, d: _Derived) -> tuple[float, float]:
    return irt.moments_of(log_posterior(state, d), d.powers)


def expected_information_of(w: np.ndarray, node_info: np.ndarray) -> np.ndarray:
    """Each item's information averaged over the posterior, given as
    `irt.relative_weights(logpost)`; nodes of negligible weight (< 10⁻⁴ of the mode) are left
    out, which keeps it to ~20 rows once θ is known. The nodes kept are one run (a 2PL
    posterior under a normal prior is log-concave, hence unimodal): their rows are read in
    place rather than copied (~80 kB at each step)."""
    keep = np.flatnonzero(w > 1e-4)
    first, last = int(keep[0]), int(keep[-1]) + 1
    if last - first == keep.size:
        w, rows = w[first:last], node_info[first:last]
    else:  # not one run (never seen): the same result, from copies
        w, rows = w[keep], node_info[keep]
    return (w / w.sum()).astype(np.float32) @ rows


def estimate(
    history: Sequence[Served], bank: ItemBank, config: EngineConfig
) -> tuple[float, float]:
    """(θ, standard error): EAP posterior mean and SD over the answered items."""
    return estimate_state(parse(history, bank), derived(bank, config))


def rule_mask(
    state: CourseState, bank: ItemBank, config: EngineConfig, accessible_only: bool
) -> np.ndarray | None:
    """Items allowed next by the production rules (1–3 above), or None if none is.

    Written for few numpy calls (each costs ~1 µs whatever its size in a tight loop, several
    times that in the app, where the rest of a request has emptied the caches): the
    least-served competences are tried first and a competence without items
    simply yields no candidates, so "available competences" is never computed.
    """
    d = derived(bank, config)
    if d.tube_competence is not None and config.one_per_tube and not state.withdrawn_skills:
        usual = _usual_rule_mask(state, d, bank, config, accessible_only)
        if usual is not None:
            return usual
    return general_rule_mask(state, bank, config, accessible_only)


def general_rule_mask(state: CourseState, bank: ItemBank, config: EngineConfig,
                      accessible_only: bool) -> np.ndarray | None:
    """rule_mask for every case (withdrawn skills, exhausted competences, relaxed rules)."""
    avail = derived(bank, config).pool[accessible_only].copy()
    avail[state.seen] = False
    counted = state.counted
    if config.one_per_tube and counted:
        used = np.zeros(len(bank.tubes), dtype=bool)
        used[bank.tube[counted]] = True
        avail[used[bank.tube]] = False
    if state.withdrawn_skills:
        excluded = np.zeros(len(bank.skills), dtype=bool)
        excluded[state.withdrawn_skills] = True
        avail[excluded[bank.skill]] = False
    served = bank.competence[counted]
    counts = np.bincount(served, minlength=len(bank.competences))
    for m in sorted(set(counts.tolist())):
        allowed = counts == m
        mask = avail & allowed[bank.competence]
        if mask.any():
            break
    else:
        return None
    if config.no_repeat_window > 0 and counted:
        recent = served[-config.no_repeat_window:]
        if allowed[recent].any():
            allowed[recent] = False
            narrowed = avail & allowed[bank.competence]
            if narrowed.any():
                mask = narrowed
    return mask


def _usual_rule_mask(state: CourseState, d: _Derived, bank: ItemBank, config: EngineConfig,
                     accessible_only: bool) -> np.ndarray | None:
    """rule_mask when the least-served competences, the last one(s) excepted, still have an
    allowed item — then its result is exactly this, in 7 numpy calls instead of ~20: the
    blueprint and the no-repeat rule decided in Python per competence, applied per tube (each
    tube lies in one competence), one gather per item. None: not that case (rule_mask's
    general path decides, relaxing the no-repeat rule or going up a level)."""
    competence = d.competence_list
    counts = [0] * d.n_competences
    for i in state.counted:
        counts[competence[i]] += 1
    least = min(counts)
    allowed = [count == least for count in counts]
    if config.no_repeat_window > 0:
        for i in state.counted[-config.no_repeat_window:]:
            allowed[competence[i]] = False
    tube_ok = np.array(allowed)[d.tube_competence]
    if state.counted:
        tube = d.tube_list
        tube_ok[[tube[i] for i in state.counted]] = False
    mask = tube_ok[bank.tube]
    mask &= d.pool[accessible_only]
    if state.seen:
        mask[state.seen] = False
    return mask if mask.any() else None


def most_informative(mask: np.ndarray, theta: float, bank: ItemBank,
                     price: np.ndarray | None = None, bonus: np.ndarray | None = None,
                     info: np.ndarray | None = None) -> int:
    """The allowed item of highest information − λ_i + bonus_i (λ: the exposure prices,
    bonus: the course's random preference; each if any). `info`: the items' information
    if already computed (posterior expectation), else at `theta`."""
    if info is None:
        info = information_table(bank).at(theta)
    if price is not None:
        info = info - price
    if bonus is not None:
        info = info + bonus
    return int(np.argmax(np.where(mask, info, -np.inf)))


def next_step(
    history: Sequence[Served],
    bank: ItemBank,
    config: EngineConfig,
    *,
    accessible_only: bool,
    seed: int,
) -> Step:
    """The current estimate and the next item to serve (None when the test is over).

    Deterministic in (history, seed): the per-course random numbers (exposure
    eligibility, start θ, randomesque pick) are pure functions of the seed.
    """
    return step_from(parse(history, bank), None, bank, config, accessible_only, seed)


def step_from(state: CourseState, answers: np.ndarray | None, bank: ItemBank,
              config: EngineConfig, accessible_only: bool, seed: int,
              select_at: float | None = None) -> Step:
    """`next_step` from the parsed history (and `answers`, see `log_posterior`).

    `select_at`: choose by the information at this θ instead of the estimate's — only for
    bound studies, where it is the simulated candidate's true θ (engine.bound); the step's
    θ and SE are still the estimate's."""
    d = derived(bank, config)
    weights = irt.relative_weights(log_posterior(state, d, answers))
    theta, se = irt.moments_of_weights(weights, d.powers)
    if state.counted_total >= config.length:
        return Step(None, theta, se)
    mask = rule_mask(state, bank, config, accessible_only)
    if mask is None:
        return Step(None, theta, se)
    threshold = d.threshold[accessible_only]
    if config.eligibility_early_only and state.counted_total >= config.exposure_early_items:
        threshold = None
    if d.table is not None and threshold is not None:
        eligible = mask & (item_uniforms16(d.table, seed) < threshold)
        if eligible.any():
            mask = eligible
    if select_at is not None:
        at = select_at
    elif state.answered:
        at = theta
    else:
        at = config.prior_mean + config.start_spread * (2.0 * uniform(seed, _START_STREAM) - 1.0)
    if not state.answered and config.start_pool > 1:
        info = np.where(mask, information_table(bank).at(at), -1.0)
        k = min(config.start_pool, int(mask.sum()))
        best = np.argpartition(-info, k - 1)[:k]
        best.sort()  # argpartition's order is not specified: sort for determinism
        i = int(best[int(uniform(seed, _START_STREAM + 1) * k)])
    elif config.exposure_method == "randomesque":
        i = _randomesque(mask, at, bank, config, uniform(seed, _RANDOMESQUE_STREAM + state.length))
    else:
        bonus = info = None
        if d.gumbel is not None and d.table is not None:
            bonus = d.gumbel[item_uniforms16(d.table, mix64(seed ^ _NOISE_STREAM))]
        if d.node_info is not None and select_at is None:
            if not state.answered:  # the prior, centred on the random start
                weights = irt.relative_weights(irt.log_prior(d.nodes, at, config.prior_sd))
            info = expected_information_of(weights, d.node_info)
        price = d.price[accessible_only]
        if state.counted_total < config.exposure_early_items:
            early = d.price_early[accessible_only]
            price = price if early is None else early
        i = most_informative(mask, at, bank, price, bonus, info)
    return Step(bank.ids[i], theta, se)


def _randomesque(mask: np.ndarray, theta: float, bank: ItemBank, config: EngineConfig,
                 u: float) -> int:
    """Pick among the best len(weights) allowed items with the given weights (Pix: 0.51, 0.25 …)."""
    info = np.where(mask, information_table(bank).at(theta), -1.0)
    k = min(len(config.randomesque_weights), int(mask.sum()))
    best = np.argsort(-info, kind="stable")[:k]
    w = np.asarray(config.randomesque_weights[:k], dtype=float)
    pick = int(np.searchsorted(np.cumsum(w / w.sum()), u, side="right"))
    return int(best[min(pick, k - 1)])
