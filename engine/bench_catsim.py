"""Side-by-side speed: ``python -m engine.bench_catsim [--examinees N]``.

Times one CAT step — estimate θ from the answers so far, then choose the next
item — with this engine (the whole ``next_step`` call, production rules and
exposure control included) and with catsim's ``NumericalSearchEstimator`` +
``MaxInfoSelector`` (no rules at all), on the same banks and simulated
candidates. catsim is a development dependency only; this module is the only
place that imports it.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from .bank import ItemBank
from .config import DEFAULT_CONFIG
from .history import Served
from .reference import reference_bank, reference_thetas
from .selection import next_step

# CPU time of this thread, not wall time: on a shared machine the wall clock
# also counts the time other processes held the core.
_clock = time.thread_time_ns


def _p(theta: float, a: float, b: float) -> float:
    return 1.0 / (1.0 + np.exp(a * (b - theta)))


def time_engine(bank: ItemBank, thetas: np.ndarray, length: int) -> float:
    # Eligibility and prices on a tenth of the items so the exposure path is timed too.
    config = DEFAULT_CONFIG.with_changes(exposure={i: 0.5 for i in bank.ids[::10]},
                                         exposure_price={i: 0.05 for i in bank.ids[::10]})
    rng = np.random.default_rng(1)
    total, steps = 0, 0
    for j, theta in enumerate(thetas):
        history: list[Served] = []
        for _ in range(length):
            t0 = _clock()
            step = next_step(history, bank, config, accessible_only=False, seed=j)
            total += _clock() - t0
            steps += 1
            i = bank.index_of(step.item_id)  # type: ignore[arg-type]
            ok = rng.random() < _p(theta, bank.a[i], bank.b[i])
            history.append(Served(step.item_id, "ok" if ok else "ko"))  # type: ignore[arg-type]
    return total / steps / 1e6


def time_catsim(bank: ItemBank, thetas: np.ndarray, length: int) -> float:
    from catsim.estimation import NumericalSearchEstimator
    from catsim.item_bank import ItemBank as CatsimBank
    from catsim.selection import MaxInfoSelector

    items = CatsimBank(np.column_stack([bank.a, bank.b, np.zeros(len(bank)), np.ones(len(bank))]))
    selector, estimator = MaxInfoSelector(), NumericalSearchEstimator()
    rng = np.random.default_rng(1)
    total, steps = 0, 0
    for theta in thetas:
        administered: list[int] = []
        responses: list[bool] = []
        est = 0.0
        for _ in range(length):
            t0 = _clock()
            if administered:
                est = estimator.estimate(item_bank=items, administered_items=administered,
                                         response_vector=responses, est_theta=est)
            i = selector.select(item_bank=items, administered_items=administered, est_theta=est)
            total += _clock() - t0
            steps += 1
            administered.append(int(i))  # type: ignore[arg-type]
            responses.append(bool(rng.random() < _p(theta, float(bank.a[i]), float(bank.b[i]))))
    return total / steps / 1e6


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m engine.bench_catsim", description=__doc__)
    p.add_argument("--examinees", type=int, default=100)
    p.add_argument("--length", type=int, default=32)
    args = p.parse_args(argv)
    thetas = reference_thetas(args.examinees, seed=3)
    print("| items | passation ms/step | catsim ms/step | speed-up |")
    print("|---|---|---|---|")
    for tubes in (13, 130):
        bank = reference_bank(tubes=tubes)
        ours = time_engine(bank, thetas, args.length)
        theirs = time_catsim(bank, thetas, args.length)
        print(f"| {len(bank):,} | {ours:.4f} | {theirs:.4f} | {theirs / ours:.0f}× |")


if __name__ == "__main__":
    main()
