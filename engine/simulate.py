"""Simulation benchmark: ``python -m engine.simulate [--bank F.csv] [--thetas F.csv] ...``.

Runs the production engine (``next_step`` exactly as the web calls it) as a
fixed-length CAT for a population of simulated candidates who answer by the
2PL model at their true θ, then prints precision (RMSE, bias, mean SE),
exposure (max and mean item exposure, test overlap, share of items never used)
and the time per step (estimate + select, the whole ``next_step`` call).
Without ``--bank``/``--thetas`` it uses the reference generator of
engine/reference.py and the exposure table computed for it
(engine/configs/reference.json).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .bank import ItemBank
from .config import DEFAULT_CONFIG, EXPOSURE_METHODS, EngineConfig, load_config
from .history import Served, parse
from .reference import reference_bank, reference_thetas
from .selection import estimate, next_step, step_from

REFERENCE_CONFIG = Path(__file__).parent / "configs" / "reference.json"


@dataclass
class Run:
    """Every simulated candidate of one population, and the summary."""

    accessible_only: bool
    true_theta: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    items: list[list[int]]
    responses: list[list[bool]]
    step_ns: np.ndarray  # wall clock per step
    step_cpu_ns: np.ndarray  # this thread's CPU time per step: robust to a shared machine
    pool: int  # items this population may get
    summary: dict = field(default_factory=dict)


def simulate(bank: ItemBank, thetas: np.ndarray, config: EngineConfig, *,
             accessible_only: bool = False, seed: int = 0, oracle_items: int = 0) -> Run:
    """`oracle_items`: the first so many items are chosen at the candidate's true θ instead
    of the estimate (engine.bound: what knowing θ would be worth); 0 = the production engine,
    `next_step` exactly as the web calls it."""
    rng = np.random.default_rng((seed, int(accessible_only)))  # responses only
    n = len(thetas)
    est, ses = np.empty(n), np.empty(n)
    items: list[list[int]] = []
    responses: list[list[bool]] = []
    step_ns: list[int] = []
    step_cpu: list[int] = []
    clock, cpu = time.perf_counter_ns, time.thread_time_ns
    for j, theta in enumerate(thetas):
        history: list[Served] = []
        served: list[int] = []
        answers: list[bool] = []
        course_seed = seed * 1_000_003 + j
        draws = rng.random(config.length)
        for k in range(config.length):
            c0, t0 = cpu(), clock()
            if k < oracle_items:
                step = step_from(parse(history, bank), None, bank, config, accessible_only,
                                 course_seed, select_at=float(theta))
            else:
                step = next_step(history, bank, config, accessible_only=accessible_only,
                                 seed=course_seed)
            step_ns.append(clock() - t0)
            step_cpu.append(cpu() - c0)
            if step.item_id is None:
                break
            i = bank.index_of(step.item_id)
            correct = bool(draws[k] < 1.0 / (1.0 + np.exp(bank.a[i] * (bank.b[i] - theta))))
            history.append(Served(step.item_id, "ok" if correct else "ko"))
            served.append(i)
            answers.append(correct)
        est[j], ses[j] = estimate(history, bank, config)
        items.append(served)
        responses.append(answers)
    pool = int(bank.accessible.sum()) if accessible_only else len(bank)
    run = Run(accessible_only, np.asarray(thetas, dtype=float), est, ses, items, responses,
              np.array(step_ns), np.array(step_cpu), pool)
    run.summary = summarise(run, len(bank))
    return run


def exposure_counts(items: list[list[int]], n_items: int) -> np.ndarray:
    flat = [i for served in items for i in served]
    return np.bincount(np.array(flat, dtype=np.intp), minlength=n_items)


def summarise(run: Run, n_items: int) -> dict:
    n = len(run.true_theta)
    err = run.estimate - run.true_theta
    counts = exposure_counts(run.items, n_items)
    rate = counts / n
    lengths = np.array([len(s) for s in run.items])
    mean_len = float(lengths.mean())
    # Test overlap: expected share of a test's items that another random
    # candidate's test also holds, Σ c(c − 1) / (n(n − 1)·L).
    overlap = float((counts * (counts - 1.0)).sum() / (n * (n - 1) * mean_len)) if n > 1 else 0.0
    return {
        "population": "accessible-only" if run.accessible_only else "all",
        "examinees": n,
        "mean_length": mean_len,
        "rmse": float(np.sqrt(np.mean(err**2))),
        "bias": float(err.mean()),
        "mean_se": float(run.se.mean()),
        "max_exposure": float(rate.max()),
        "mean_exposure": float(counts.sum() / n / run.pool),
        "items_over_0.20": int((rate > 0.20).sum()),
        "test_overlap": overlap,
        "never_used": float(1.0 - (counts > 0).sum() / run.pool),
        "ms_per_step": float(run.step_ns.mean() / 1e6),
        "ms_per_step_p99": float(np.percentile(run.step_ns, 99) / 1e6),
        "cpu_ms_per_step": float(run.step_cpu_ns.mean() / 1e6),
    }


def format_table(summaries: list[dict]) -> str:
    cols = [("population", "{}"), ("examinees", "{}"), ("rmse", "{:.3f}"), ("bias", "{:+.3f}"),
            ("mean_se", "{:.3f}"), ("max_exposure", "{:.3f}"), ("mean_exposure", "{:.3f}"),
            ("test_overlap", "{:.3f}"), ("never_used", "{:.3f}"), ("ms_per_step", "{:.4f}"),
            ("ms_per_step_p99", "{:.4f}"), ("cpu_ms_per_step", "{:.4f}")]
    head = "| " + " | ".join(c for c, _ in cols) + " |"
    rule = "|" + "|".join("---" for _ in cols) + "|"
    rows = ["| " + " | ".join(f.format(s[c]) for c, f in cols) + " |" for s in summaries]
    return "\n".join([head, rule, *rows])


def read_thetas(path: str) -> np.ndarray:
    with open(path, newline="", encoding="utf-8") as f:
        return np.array([float(r["theta"]) for r in csv.DictReader(f)])


def to_json(runs: list[Run], bank: ItemBank, config: EngineConfig) -> dict:
    return {
        "config_version": config.version,
        "bank_items": len(bank),
        "summary": [r.summary for r in runs],
        "examinees": [
            {"population": r.summary["population"], "true_theta": float(r.true_theta[j]),
             "estimate": float(r.estimate[j]), "se": float(r.se[j]),
             "items": [bank.ids[i] for i in r.items[j]], "responses": r.responses[j]}
            for r in runs for j in range(len(r.true_theta))
        ],
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m engine.simulate",
                                description=(__doc__ or "").split("\n")[0])
    p.add_argument("--bank", help="CSV: id,a,b,competence,tube,skill,accessible")
    p.add_argument("--thetas", help="CSV with a 'theta' column")
    p.add_argument("--config", help="engine configuration JSON (default: reference.json for the "
                   "reference bank, else the production default without exposure table)")
    p.add_argument("--examinees", type=int, default=1000, help="reference population size")
    p.add_argument("--tubes", type=int, default=13,
                   help="tubes per competence of the reference bank (130: 10,400 items)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--accessible-only", action="store_true", help="only adjusted candidates")
    p.add_argument("--method", choices=EXPOSURE_METHODS,
                   help="override the configuration's exposure method (for comparisons)")
    p.add_argument("--json", help="write every simulated examinee and the summary here")
    args = p.parse_args(argv)

    bank = ItemBank.from_csv(args.bank) if args.bank else reference_bank(tubes=args.tubes)
    thetas = read_thetas(args.thetas) if args.thetas else reference_thetas(args.examinees)
    if args.config:
        config = load_config(args.config)
    elif not args.bank and args.tubes == 13 and REFERENCE_CONFIG.exists():
        config = load_config(REFERENCE_CONFIG)
    else:
        config = DEFAULT_CONFIG
    if args.method:
        config = config.with_changes(exposure_method=args.method)
    populations = [True] if args.accessible_only else [False, True]
    runs = [simulate(bank, thetas, config, accessible_only=acc, seed=args.seed)
            for acc in populations]
    print(f"bank: {len(bank)} items ({int(bank.accessible.sum())} accessible), "
          f"config {config.version}, exposure {config.exposure_method}, "
          f"length {config.length}, seed {args.seed}")
    print(format_table([r.summary for r in runs]))
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(runs, bank, config)), encoding="utf-8")


if __name__ == "__main__":
    main()
