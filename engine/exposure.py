"""Offline exposure control: ``python -m engine.exposure --out config.json``.

Method: item eligibility drawn per course (Sympson–Hetter's idea, van der
Linden's per-examinee form). Each item i has a probability k_i; a course's seed
decides once, for the whole test, which items are eligible (u_i < k_i), and
selection prefers eligible items. So no request ever reads or writes a shared
counter, and every app process computes the same test for the same seed.

The k_i are found here by simulation with the production engine, like
Sympson–Hetter's iterations: with e_i the exposure observed with the current
k, P(served | eligible) = e_i / k_i, and k_i ← min(1, r / (e_i / k_i)) with r a
little below the ceiling (the margin absorbs sampling noise: a benchmark of
1,000 candidates sees an item at 0.18 between 0.16 and 0.20). Iterations are
damped (geometric mean of old and new k) because the items' exposures are
coupled: restricting one item sends its candidates to the next one.

Before that, prices (``fit_prices``): eligibility is blind to the candidate's
θ — an item at k = 0.3 is withheld from 70 % of candidates, including those for
whom it is by far the best — so alone it wastes precision. Selection maximises
information − λ_i instead, the Lagrangian of "most total information with
every item at most at the ceiling": a contested item then goes to the
candidates who gain most from it. λ is fitted by subgradient steps on an
idealised assignment (items chosen at the true θ, blueprint of two items per
competence from distinct tubes), fully vectorised, so it takes seconds; the
eligibility iterations then run on the production engine with these prices
and enforce the ceiling where estimated θ (early steps above all) departs
from the idealised assignment.

One table per population (standard, accessibility-adjusted): each population
stays under the ceiling, so any mix of them does too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from .bank import ItemBank
from .config import DEFAULT_CONFIG, EngineConfig, load_config
from .reference import reference_bank
from .simulate import exposure_counts, format_table, simulate


def _vector(bank: ItemBank, table: dict[str, float]) -> np.ndarray:
    """A price table (item id -> λ, absent = 0) as one value per bank item."""
    values = np.zeros(len(bank))
    for item_id, value in table.items():
        values[bank.index_of(item_id)] = value
    return values


def _table(bank: ItemBank, values: np.ndarray, *, floor: float = 1e-6,
           digits: int | None = None) -> dict[str, float]:
    """The items whose value exceeds `floor`, as a configuration table (rounded to `digits`
    for a table that is written out)."""
    return {bank.ids[i]: float(values[i]) if digits is None else round(float(values[i]), digits)
            for i in np.flatnonzero(values > floor)}


def fit_prices(bank: ItemBank, config: EngineConfig, *, accessible_only: bool, cap: float,
               examinees: int = 3000, iterations: int = 160, seed: int = 7) -> dict[str, float]:
    """λ_i such that choosing at the true θ by information − λ keeps items near ``cap``."""
    pool = bank.accessible if accessible_only else np.ones(len(bank), dtype=bool)
    theta = np.random.default_rng((seed, 5, int(accessible_only))).normal(
        config.prior_mean, config.prior_sd, examinees)
    p = 1.0 / (1.0 + np.exp(bank.a * (bank.b - theta[:, None])))
    info = np.where(pool, bank.a2 * p * (1.0 - p), -np.inf)
    groups = [np.flatnonzero(bank.competence == c) for c in range(len(bank.competences))]
    per = max(config.per_competence, 1)

    def exposure(lam: np.ndarray) -> np.ndarray:
        count = np.zeros(len(bank))
        for idx in groups:
            value = info[:, idx] - lam[idx]
            tubes = bank.tube[idx]
            for _ in range(per):  # the best item, then the best of another tube, …
                pick = value.argmax(axis=1)
                count += np.bincount(idx[pick], minlength=len(bank))
                value = np.where(tubes[None, :] == tubes[pick][:, None], -np.inf, value)
        return count / examinees

    lam, mean = np.zeros(len(bank)), np.zeros(len(bank))
    for it in range(iterations):
        # Diminishing steps and the average of the second half: the assignment is
        # discrete, so the last iterate oscillates around the fixed point.
        lam = np.maximum(0.0, lam + 0.1 / np.sqrt(1.0 + it) * (exposure(lam) - cap))
        if it >= iterations // 2:
            mean += lam
    mean /= iterations - iterations // 2
    return _table(bank, mean, floor=1e-5, digits=5)


def fit_prices_on_engine(bank: ItemBank, config: EngineConfig, *, accessible_only: bool,
                         cap: float, examinees: int, iterations: int, step: float, seed: int,
                         log=print, oracle_items: int = 0) -> dict[str, float]:
    """Refine the prices on the production engine: the same subgradient steps as
    ``fit_prices``, with each item's exposure measured by simulating ``next_step`` itself
    (estimated θ, randomised start, the course's random preference) instead of the
    idealised assignment — which under-prices the items every candidate wants while θ is
    still uncertain. The per-course preference (``exposure_noise``) makes exposure a smooth
    function of λ, so the iterates settle; the result is the average of the last half.
    ``oracle_items``: fit for the engine that chooses its first items at the true θ
    (``simulate``; engine.bound)."""
    key = "exposure_price_accessible" if accessible_only else "exposure_price"
    lam = _vector(bank, getattr(config, key))
    mean, kept = np.zeros(len(bank)), 0
    for it in range(iterations):
        trial = config.with_changes(exposure_method="eligibility", **{key: _table(bank, lam)})
        thetas = np.random.default_rng((seed, 50 + it, int(accessible_only))).normal(
            config.prior_mean, config.prior_sd, examinees)
        run = simulate(bank, thetas, trial, accessible_only=accessible_only,
                       seed=seed * 1000 + 500 + it, oracle_items=oracle_items)
        e = exposure_counts(run.items, len(bank)) / examinees
        s = run.summary
        log(f"  {s['population']:>15} price step {it + 1:2d}: max exposure "
            f"{s['max_exposure']:.3f}  items over the ceiling "
            f"{int((e > config.exposure_target).sum())}  mean SE {s['mean_se']:.4f}")
        lam = np.maximum(0.0, lam + step / np.sqrt(1.0 + it) * (e - cap))
        if it >= iterations // 2:
            mean += lam
            kept += 1
    mean /= max(kept, 1)
    return _table(bank, mean, floor=1e-5, digits=5)


def round_exposure(items: list[list[int]], n_items: int, early: int) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """Each item's count in the first ``early`` served positions and in the rest."""
    first = [i for served in items for i in served[:early]]
    rest = [i for served in items for i in served[early:]]
    return (np.bincount(np.array(first, dtype=np.intp), minlength=n_items),
            np.bincount(np.array(rest, dtype=np.intp), minlength=n_items))


def fit_stage_prices_on_engine(bank: ItemBank, config: EngineConfig, *, accessible_only: bool,
                               cap: float, early_cap: float, examinees: int, iterations: int,
                               step: float, seed: int, split: bool = False,
                               log=print) -> tuple[dict[str, float], dict[str, float]]:
    """(late, early) prices fitted on the production engine, as ``fit_prices_on_engine``
    but with the first round's exposure e¹ (the first ``exposure_early_items`` items) and the
    rest e² measured apart. Two forms:

    - joint (default): the Lagrangian of {e¹ + e² ≤ cap, e¹ ≤ early_cap}: λ follows the
      total, an early surcharge μ follows the first round, early prices λ + μ;
    - split: {e¹ ≤ early_cap, e² ≤ cap − early_cap}, one free vector per round.

    Both start from the configuration's prices (early = late when none), and return the
    average of the last half of the iterates."""
    suffix = "_accessible" if accessible_only else ""
    key, key_early = "exposure_price" + suffix, "exposure_price_early" + suffix
    n = len(bank)
    lam = _vector(bank, getattr(config, key))
    given_early = getattr(config, key_early)
    early = (_vector(bank, given_early) if given_early
             else lam * (1.0 + config.exposure_price_early_factor))
    surcharge = np.maximum(0.0, early - lam)
    mean, mean_early, kept = np.zeros(n), np.zeros(n), 0

    for it in range(iterations):
        trial = config.with_changes(exposure_method="eligibility",
                                    **{key: _table(bank, lam), key_early: _table(bank, early)})
        thetas = np.random.default_rng((seed, 50 + it, int(accessible_only))).normal(
            config.prior_mean, config.prior_sd, examinees)
        run = simulate(bank, thetas, trial, accessible_only=accessible_only,
                       seed=seed * 1000 + 500 + it)
        e1, e2 = (c / examinees for c in round_exposure(run.items, n,
                                                        config.exposure_early_items))
        s = run.summary
        log(f"  {s['population']:>15} stage price step {it + 1:2d}: max exposure "
            f"{s['max_exposure']:.3f}  max first round {e1.max():.3f}  mean SE "
            f"{s['mean_se']:.4f}")
        eta = step / np.sqrt(1.0 + it)
        if split:
            lam = np.maximum(0.0, lam + eta * (e2 - (cap - early_cap)))
            early = np.maximum(0.0, early + eta * (e1 - early_cap))
        else:
            lam = np.maximum(0.0, lam + eta * (e1 + e2 - cap))
            surcharge = np.maximum(0.0, surcharge + eta * (e1 - early_cap))
            early = lam + surcharge
        if it >= iterations // 2:
            mean += lam
            mean_early += early
            kept += 1
    mean /= max(kept, 1)
    mean_early /= max(kept, 1)
    return (_table(bank, mean, floor=1e-5, digits=5),
            _table(bank, mean_early, floor=1e-5, digits=5))


def calibrate_population(bank: ItemBank, config: EngineConfig, *, accessible_only: bool,
                         examinees: int, iterations: int, margin: float, seed: int,
                         log=print) -> dict[str, float]:
    r = config.exposure_target - margin
    k = np.ones(len(bank))
    key = "exposure_accessible" if accessible_only else "exposure"
    best: tuple[float, dict[str, float]] = (np.inf, {})
    for it in range(iterations):
        table = {bank.ids[i]: round(float(k[i]), 4) for i in np.flatnonzero(k < 1.0)}
        trial = config.with_changes(exposure_method="eligibility", **{key: table})
        thetas = np.random.default_rng((seed, it, int(accessible_only))).normal(
            config.prior_mean, config.prior_sd, examinees)
        run = simulate(bank, thetas, trial, accessible_only=accessible_only,
                       seed=seed * 1000 + it)
        e = exposure_counts(run.items, len(bank)) / examinees
        s = run.summary
        log(f"  {s['population']:>15} iteration {it + 1:2d}: max exposure {s['max_exposure']:.3f}"
            f"  rmse {s['rmse']:.3f}  restricted items {len(table)}")
        # Keep the table whose worst item was lowest; ties go to the later one.
        if it > 0 and s["max_exposure"] <= best[0] + 1e-9:
            best = (s["max_exposure"], table)
        if it == iterations - 1:
            break
        if config.eligibility_early_only:
            # Only the first round's uses e¹ = k · P(served early | eligible) respond to k:
            # k ← (r − e²) / P(served early | eligible) where the total is over r.
            e1, _ = (c / examinees for c in round_exposure(run.items, len(bank),
                                                            config.exposure_early_items))
            given = e1 / np.maximum(k, 1e-6)
            new = np.where(given + e - e1 > r,
                           np.clip((r - (e - e1)) / np.maximum(given, 1e-12), 0.01, 1.0), 1.0)
        else:
            given = e / k  # P(served | eligible)
            new = np.where(given > r, r / np.maximum(given, 1e-12), 1.0)
        # Plain Sympson–Hetter steps first (fast), then damped ones (stable).
        k = np.sqrt(k * new) if it >= iterations // 2 else new
    return best[1]


def calibrate(bank: ItemBank, config: EngineConfig, *, examinees: int = 2000,
              iterations: int = 10, margin: float = 0.03, seed: int = 7,
              price_cap: float | None = 0.18, price_steps: int = 0, price_step: float = 0.3,
              keep_prices: bool = False, early_cap: float | None = None, stage_steps: int = 0,
              early_split: bool = False, version: str | None = None,
              price_cap_accessible: float | None = None, log=print) -> EngineConfig:
    """Prices then eligibility, for each population. ``keep_prices``: start the engine-side
    fits from the configuration's prices instead of the idealised ones; ``early_cap`` and
    ``stage_steps``: then fit first-round prices (``fit_stage_prices_on_engine``);
    ``price_cap_accessible``: the adjusted candidates' aim, when not ``price_cap`` (each
    population's prices are fitted on that population alone, so either can be re-aimed)."""
    tables: dict[str, dict[str, float]] = {}
    if price_cap is not None:  # the eligibility tables are recomputed: none during the fits
        config = config.with_changes(exposure={}, exposure_accessible={})
    for accessible_only in (False, True):
        suffix = "_accessible" if accessible_only else ""
        cap = price_cap_accessible if accessible_only and price_cap_accessible else price_cap
        if cap is not None:
            if not keep_prices:
                prices = fit_prices(bank, config, accessible_only=accessible_only,
                                    cap=cap, seed=seed)
                config = config.with_changes(**{"exposure_price" + suffix: prices})
                log(f"  prices{suffix or ' (all)'}: {len(prices)} items priced")
            if price_steps:
                prices = fit_prices_on_engine(
                    bank, config, accessible_only=accessible_only, cap=cap,
                    examinees=examinees, iterations=price_steps, step=price_step, seed=seed,
                    log=log)
                config = config.with_changes(**{"exposure_price" + suffix: prices})
            if early_cap is not None and stage_steps:
                late, early = fit_stage_prices_on_engine(
                    bank, config, accessible_only=accessible_only, cap=cap,
                    early_cap=early_cap, examinees=examinees, iterations=stage_steps,
                    step=price_step, seed=seed, split=early_split, log=log)
                config = config.with_changes(**{"exposure_price" + suffix: late,
                                                "exposure_price_early" + suffix: early})
        tables["exposure" + suffix] = calibrate_population(
            bank, config, accessible_only=accessible_only, examinees=examinees,
            iterations=iterations, margin=margin, seed=seed, log=log)
    return config.with_changes(exposure_method="eligibility",
                               version=version or config.version, **tables)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m engine.exposure",
                                description="Compute exposure parameters by simulation.")
    p.add_argument("--bank", help="CSV: id,a,b,competence,tube,skill,accessible "
                   "(default: the reference generator)")
    p.add_argument("--base-config", help="configuration JSON whose rules to keep")
    p.add_argument("--out", required=True, help="configuration JSON to write")
    p.add_argument("--version", help="version of the written configuration")
    p.add_argument("--target", type=float, help="exposure ceiling (default: config, 0.20)")
    p.add_argument("--margin", type=float, default=0.03, help="aim this far below the ceiling")
    p.add_argument("--examinees", type=int, default=2000, help="simulated per iteration")
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--price-cap", type=float, default=0.18,
                   help="exposure the prices aim at (idealised assignment)")
    p.add_argument("--price-cap-accessible", type=float,
                   help="the adjusted candidates' aim (default: --price-cap)")
    p.add_argument("--no-prices", action="store_true", help="eligibility alone")
    p.add_argument("--price-steps", type=int, default=0,
                   help="then refine the prices by this many simulations of the engine")
    p.add_argument("--price-step", type=float, default=0.3, help="their first step size")
    p.add_argument("--keep-prices", action="store_true",
                   help="start the engine-side fits from the base configuration's prices")
    p.add_argument("--early-factor", type=float,
                   help="first-round prices = prices × (1 + this) (exposure_price_early_factor)")
    p.add_argument("--early-cap", type=float,
                   help="fit separate first-round prices aiming the first round at this")
    p.add_argument("--stage-steps", type=int, default=0,
                   help="engine simulations for the first-round prices")
    p.add_argument("--early-split", action="store_true",
                   help="first round at --early-cap, the rest at price-cap − early-cap "
                   "(default: the total at price-cap, the first round at most early-cap)")
    p.add_argument("--early-only-eligibility", action="store_true",
                   help="eligibility in the first round only (eligibility_early_only)")
    p.add_argument("--noise", type=float,
                   help="temperature of the per-course preference (exposure_noise)")
    p.add_argument("--start-spread", type=float,
                   help="first item chosen at θ ~ U(prior mean ± this) (start_spread; 0: at the "
                   "prior mean, the per-course preference alone varying the first item)")
    p.add_argument("--information", choices=["point", "posterior"],
                   help="what selection maximises (default: the base configuration's)")
    args = p.parse_args(argv)

    bank = ItemBank.from_csv(args.bank) if args.bank else reference_bank()
    config = load_config(args.base_config) if args.base_config else DEFAULT_CONFIG
    if args.target:
        config = config.with_changes(exposure_target=args.target)
    if args.noise is not None:
        config = config.with_changes(exposure_noise=args.noise)
    if args.start_spread is not None:
        config = config.with_changes(start_spread=args.start_spread)
    if args.early_only_eligibility:
        config = config.with_changes(eligibility_early_only=True)
    if args.early_factor is not None:
        config = config.with_changes(exposure_price_early_factor=args.early_factor)
    if args.information:
        config = config.with_changes(information=args.information)
    result = calibrate(bank, config, examinees=args.examinees, iterations=args.iterations,
                       margin=args.margin, seed=args.seed, version=args.version,
                       price_cap=None if args.no_prices else args.price_cap,
                       price_steps=args.price_steps, price_step=args.price_step,
                       keep_prices=args.keep_prices, early_cap=args.early_cap,
                       stage_steps=args.stage_steps, early_split=args.early_split,
                       price_cap_accessible=args.price_cap_accessible,
                       log=lambda m: print(m, file=sys.stderr))
    Path(args.out).write_text(result.to_json() + "\n", encoding="utf-8")
    check = [simulate(bank, np.random.default_rng((args.seed, 99)).normal(0, 1, 1000), result,
                      accessible_only=acc, seed=args.seed + 99).summary for acc in (False, True)]
    print(f"wrote {args.out}; check on 1,000 fresh candidates per population:")
    print(format_table(check))


if __name__ == "__main__":
    main()
