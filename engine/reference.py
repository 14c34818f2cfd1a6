"""Documented synthetic banks and populations for the benchmark and the tests.

Reference bank (issue 3): 16 competences × 13 tubes × 5 items = 1,040 items,
a ~ lognormal(0, 0.25), b ~ N(0, 1) sorted within each tube (a tube's items
rise in level), exactly 65 % of items accessible (chosen at random), one skill
per item. Population: θ ~ N(0, 1).

Small bank, shaped like the real content (~336–400 items): 16 competences × 6
tubes × 3–5 items (~4 on average), each item at a distinct level 1–7 of its
tube, provisional b = 0.75 · (level − 3) + N(0, 0.25), a ~ lognormal(0, 0.25),
65 % accessible.
"""

from __future__ import annotations

import numpy as np

from .bank import ItemBank, ItemRow

COMPETENCES = ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4",
               "4.1", "4.2", "4.3", "5.1", "5.2")
REFERENCE_SEED = 20261


def _accessible(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    flags = np.zeros(n, dtype=bool)
    flags[rng.choice(n, size=round(share * n), replace=False)] = True
    return flags


def reference_bank(seed: int = REFERENCE_SEED, tubes: int = 13, items: int = 5,
                   accessible_share: float = 0.65) -> ItemBank:
    rng = np.random.default_rng(seed)
    n = len(COMPETENCES) * tubes * items
    a = rng.lognormal(0.0, 0.25, n)
    b = np.sort(rng.normal(0.0, 1.0, (len(COMPETENCES) * tubes, items)), axis=1).ravel()
    acc = _accessible(rng, n, accessible_share)
    rows = []
    for c, code in enumerate(COMPETENCES):
        for t in range(tubes):
            for k in range(items):
                i = (c * tubes + t) * items + k
                tube = f"{code}-t{t + 1:02d}"
                rows.append(ItemRow(f"{tube}-i{k + 1}", float(a[i]), float(b[i]), code, tube,
                                    f"{tube}-s{k + 1}", bool(acc[i])))
    return ItemBank.from_rows(rows)


def small_bank(seed: int = REFERENCE_SEED, tubes: int = 6, accessible_share: float = 0.65,
               ) -> ItemBank:
    rng = np.random.default_rng(seed)
    specs = []
    for code in COMPETENCES:
        for t in range(tubes):
            levels = np.sort(rng.choice(np.arange(1, 8), size=int(rng.integers(3, 6)),
                                        replace=False))
            specs += [(code, t, int(level)) for level in levels]
    n = len(specs)
    a = rng.lognormal(0.0, 0.25, n)
    b = [0.75 * (level - 3) + rng.normal(0.0, 0.25) for _c, _t, level in specs]
    acc = _accessible(rng, n, accessible_share)
    rows = []
    for i, (code, t, level) in enumerate(specs):
        tube = f"{code}-t{t + 1}"
        rows.append(ItemRow(f"{tube}-l{level}", float(a[i]), float(b[i]), code, tube,
                            f"{tube}-s{level}", bool(acc[i])))
    return ItemBank.from_rows(rows)


def reference_thetas(n: int = 1000, seed: int = REFERENCE_SEED) -> np.ndarray:
    # A stream separate from the bank's, so changing n does not change the bank.
    return np.random.default_rng((seed, 1)).normal(0.0, 1.0, n)
