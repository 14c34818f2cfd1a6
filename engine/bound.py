"""What knowing θ would be worth under the ceiling: ``python -m engine.bound``.

Issue 3 asks for an RMSE of 0.25 with no item seen by more than a fifth of candidates. The
engine chooses each item at its estimate of θ; this study lets it choose the first
``--oracle-items`` items at the candidate's *true* θ instead, which no test can do, under
the same rules and the same exposure control: prices (``exposure_price``) re-fitted for that
engine by the subgradient steps of ``engine.exposure`` (starting from ``--config``'s prices),
without any eligibility trim. ``--oracle-items 0`` is the real engine re-fitted the
same way: the control. Each fit is then run on the benchmark's samples (the reference θ,
response seeds 1 and 2).

``--exact`` replaces the engine by the best allocation there is for candidates of known θ:
the linear programme "most total information at the true θ, 2 items per competence from
distinct tubes, no item given to more than ``--cap`` of the sample" solved exactly over the
sample itself (so no sampling margin either), then the same answers and EAP. ``--reweight K``
aims at the mean posterior variance instead of the total information: K more programmes, each
weighting a candidate's information by (1 + I)⁻², I what the previous allocation gave them (the
variance's marginal value; a fixed point of these weights is optimal for Σ 1 / (1 + I)).
Development only: it needs scipy (HiGHS), a development dependency like catsim.

Read the mean SE: once selection has looked at the true θ, which items were served says
something about θ that the EAP does not use, so its RMSE is no longer the posterior's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from . import irt
from .bank import ItemBank
from .config import load_config
from .exposure import fit_prices_on_engine
from .history import Served
from .reference import reference_bank, reference_thetas
from .selection import estimate
from .simulate import REFERENCE_CONFIG, simulate

_SHORTLIST = 16  # per competence and candidate; 24 gives the same optimum on the reference bank


def study(*, oracle_items: int, cap: float, steps: int, examinees: int, samples: int,
          seeds: list[int], accessible_only: bool, fit_seed: int = 11,
          config_path: str | Path = REFERENCE_CONFIG, log=print) -> list[dict]:
    bank = reference_bank()
    config = load_config(config_path).with_changes(exposure={}, exposure_accessible={})
    key = "exposure_price_accessible" if accessible_only else "exposure_price"
    if steps:
        prices = fit_prices_on_engine(bank, config, accessible_only=accessible_only, cap=cap,
                                      examinees=examinees, iterations=steps, step=0.3,
                                      seed=fit_seed, log=log, oracle_items=oracle_items)
        config = config.with_changes(**{key: prices})
    thetas = reference_thetas(samples)
    rows = []
    for seed in seeds:
        s = simulate(bank, thetas, config, accessible_only=accessible_only, seed=seed,
                     oracle_items=oracle_items).summary
        rows.append({"population": s["population"], "selection": _label(oracle_items),
                     "cap": cap, "seed": seed, "mean_se": s["mean_se"], "rmse": s["rmse"],
                     "max_exposure": s["max_exposure"]})
    return rows


def _label(oracle_items: int) -> str:
    return f"engine, first {oracle_items} at the true θ" if oracle_items else "engine"


def best_allocation(bank: ItemBank, thetas: np.ndarray, *, cap: float | np.ndarray,
                    per_competence: int = 2, accessible_only: bool = False,
                    weights: np.ndarray | None = None) -> list[list[int]]:
    """Each candidate's items (bank positions) in the allocation of most total information at
    the true θ (each candidate's counted ``weights`` times when given): ``per_competence``
    items of every competence from distinct tubes, no item to more than ``cap`` of the
    candidates (one cap per bank item when an array). The programme's optimum is integral in
    practice; any fractional part is rounded per candidate (largest share first), which keeps
    the rules."""
    from scipy import sparse
    from scipy.optimize import linprog

    n = len(thetas)
    info = irt.information(thetas[:, None], bank.a, bank.b)
    if weights is not None:
        info = info * weights[:, None]
    usable = bank.accessible if accessible_only else np.ones(len(bank), dtype=bool)
    groups = [np.flatnonzero((bank.competence == c) & usable)
              for c in range(len(bank.competences))]
    who, what = [], []
    for j in range(n):  # a shortlist per competence keeps the programme small
        for idx in groups:
            top = idx[np.argsort(-info[j, idx])[:_SHORTLIST]]
            who.append(np.full(top.size, j))
            what.append(top)
    cand, item = np.concatenate(who), np.concatenate(what)
    cols = np.arange(cand.size)
    ones = np.ones(cand.size)
    n_comp, n_tubes = len(bank.competences), len(bank.tubes)
    per_comp = sparse.csr_matrix((ones, (cand * n_comp + bank.competence[item], cols)),
                                 shape=(n * n_comp, cand.size))
    _, tube_row = np.unique(cand * n_tubes + bank.tube[item], return_inverse=True)
    per_tube = sparse.csr_matrix((ones, (tube_row, cols)), shape=(tube_row.max() + 1, cand.size))
    per_item = sparse.csr_matrix((ones, (item, cols)), shape=(len(bank), cand.size))
    result = linprog(-info[cand, item], A_ub=sparse.vstack([per_tube, per_item]).tocsr(),
                     b_ub=np.concatenate([np.ones(per_tube.shape[0]),
                                          np.full(len(bank), cap * n)]),
                     A_eq=per_comp, b_eq=np.full(n * n_comp, float(per_competence)),
                     bounds=(0, 1), method="highs")
    if result.status != 0:
        raise ValueError(f"no allocation under the cap {cap}: {result.message}")
    chosen: list[list[int]] = [[] for _ in range(n)]
    for v in np.lexsort((-result.x, cand)):
        j, i = int(cand[v]), int(item[v])
        mine = chosen[j]
        if (sum(bank.competence[k] == bank.competence[i] for k in mine) < per_competence
                and all(bank.tube[k] != bank.tube[i] for k in mine)):
            mine.append(i)
    return chosen


def variance_allocation(bank: ItemBank, thetas: np.ndarray, *, cap: float, reweight: int,
                        per_competence: int = 2, accessible_only: bool = False
                        ) -> list[list[int]]:
    """``best_allocation`` re-solved ``reweight`` times, each candidate's information weighted
    by (1 + I)⁻² (normalised to mean 1), I the information at the true θ of their items in the
    previous solution: the linearisation of Σ 1 / (1 + I), the mean posterior variance."""
    chosen = best_allocation(bank, thetas, cap=cap, per_competence=per_competence,
                             accessible_only=accessible_only)
    for _ in range(reweight):
        got = np.array([irt.information(t, bank.a[c], bank.b[c]).sum()
                        for t, c in zip(thetas, chosen, strict=True)])
        weights = (1.0 + got) ** -2.0
        chosen = best_allocation(bank, thetas, cap=cap, per_competence=per_competence,
                                 accessible_only=accessible_only,
                                 weights=weights / weights.mean())
    return chosen


def exact_study(*, cap: float, samples: int, seeds: list[int], accessible_only: bool,
                reweight: int = 0, config_path: str | Path = REFERENCE_CONFIG) -> list[dict]:
    bank = reference_bank()
    config = load_config(config_path)
    thetas = reference_thetas(samples)
    chosen = variance_allocation(bank, thetas, cap=cap, reweight=reweight,
                                 per_competence=config.per_competence,
                                 accessible_only=accessible_only)
    counts = np.bincount(np.concatenate(chosen), minlength=len(bank))
    rows = []
    for seed in seeds:
        rng = np.random.default_rng((seed, int(accessible_only)))
        est, se = np.empty(len(thetas)), np.empty(len(thetas))
        for j, theta in enumerate(thetas):
            ok = rng.random(len(chosen[j])) < irt.probability(theta, bank.a[chosen[j]],
                                                              bank.b[chosen[j]])
            history = [Served(bank.ids[i], "ok" if o else "ko")
                       for i, o in zip(chosen[j], ok, strict=True)]
            est[j], se[j] = estimate(history, bank, config)
        rows.append({"population": "accessible-only" if accessible_only else "all",
                     "selection": ("best allocation at the true θ (LP"
                                   + (f", variance objective, re-weighted {reweight}×)"
                                      if reweight else ")")), "cap": cap,
                     "seed": seed, "mean_se": float(se.mean()),
                     "rmse": float(np.sqrt(np.mean((est - thetas) ** 2))),
                     "max_exposure": float(counts.max() / len(thetas))})
    return rows


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m engine.bound",
                                description=(__doc__ or "").split("\n")[0])
    p.add_argument("--oracle-items", type=int, default=16,
                   help="items chosen at the true θ (0: the real engine, the control)")
    p.add_argument("--cap", type=float, default=0.17,
                   help="exposure the prices aim at; with --exact, the cap itself")
    p.add_argument("--steps", type=int, default=24, help="price steps (simulations)")
    p.add_argument("--examinees", type=int, default=2000, help="simulated per price step")
    p.add_argument("--samples", type=int, default=1000, help="benchmark sample size")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2], help="benchmark seeds")
    p.add_argument("--accessible-only", action="store_true")
    p.add_argument("--config", default=str(REFERENCE_CONFIG),
                   help="configuration whose rules, EAP and starting prices to use "
                   "(the studies of 7 December 2026: engine/configs/reference-2026.3.json)")
    p.add_argument("--exact", action="store_true",
                   help="the best allocation at the true θ instead of the engine (needs scipy)")
    p.add_argument("--reweight", type=int, default=0,
                   help="with --exact: re-weightings towards the mean posterior variance")
    args = p.parse_args(argv)
    if args.exact:
        rows = exact_study(cap=args.cap, samples=args.samples, seeds=args.seeds,
                           accessible_only=args.accessible_only, reweight=args.reweight,
                           config_path=args.config)
    else:
        rows = study(oracle_items=args.oracle_items, cap=args.cap, steps=args.steps,
                     examinees=args.examinees, samples=args.samples, seeds=args.seeds,
                     accessible_only=args.accessible_only, config_path=args.config,
                     log=lambda m: print(m, file=sys.stderr))
    _print(rows)


def _print(rows: list[dict]) -> None:
    print("| population | selection | cap | seed | mean SE | RMSE | max exposure |\n"
          "|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['population']} | {r['selection']} | {r['cap']:.2f} | {r['seed']} "
              f"| {r['mean_se']:.4f} | {r['rmse']:.4f} | {r['max_exposure']:.3f} |")


if __name__ == "__main__":
    main()
