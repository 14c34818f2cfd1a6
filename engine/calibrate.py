"""Item calibration from collected answers: 2PL marginal maximum likelihood (Bock–Aitkin EM).

The bank starts with provisional a and b derived from each item's level (content/FORMAT.md).
Once items have been answered in real tests, their a and b can be estimated from those answers:
ability is integrated out on a grid under the N(0, 1) prior the engine uses (which also fixes
the scale), so each item's estimate uses every candidate who saw it, whatever else they were
given. Answers chosen adaptively (each item picked from the answers before it) are fine for
this likelihood: the selection depends only on observed answers, so it is ignorable.

Usage: ``python -m engine.calibrate --answers answers.csv --out items.csv`` where answers.csv
has the columns ``course,item,result`` (as ``python -m web.answers_export`` writes them). Only
``ok`` (1) and ``ko`` (0) answers are used: a skip, a timer run out or a focus-mode exit says
something about the test's rules as much as about the item, so they stay out of its
parameters. Items with fewer than ``--min-answers`` answers are listed but not estimated.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import math
import sys
from collections.abc import Sequence

import numpy as np

MIN_ANSWERS = 200  # fewer, and the standard error of b is typically above 0.2
A_BOUNDS = (0.2, 4.0)
B_BOUNDS = (-6.0, 6.0)


@dataclasses.dataclass(frozen=True)
class Calibration:
    """Per item (in the order of `items`): estimates, standard errors, answers used."""

    items: list[str]
    a: np.ndarray
    b: np.ndarray
    se_a: np.ndarray
    se_b: np.ndarray
    answers: np.ndarray
    estimated: np.ndarray  # False: too few answers, a and b are NaN
    iterations: int
    converged: bool


def _grid(points: int = 61, low: float = -5.0,
          high: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    nodes = np.linspace(low, high, points)
    weights = np.exp(-0.5 * nodes**2)
    return nodes, weights / weights.sum()


def _log_p(a: np.ndarray, b: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """log P(correct) and log P(wrong), items × nodes, without overflow."""
    z = a[:, None] * (nodes[None, :] - b[:, None])
    return -np.logaddexp(0.0, -z), -np.logaddexp(0.0, z)


def calibrate(person: np.ndarray, item: np.ndarray, correct: np.ndarray, items: Sequence[str], *,
              a0: np.ndarray | None = None, b0: np.ndarray | None = None,
              min_answers: int = MIN_ANSWERS, max_iterations: int = 500,
              tolerance: float = 1e-4) -> Calibration:
    """Estimate a and b of `items` from answers: `person[k]` (0 … P−1) answered `item[k]`
    (an index into `items`), right when `correct[k]`."""
    person, item = np.asarray(person, np.int64), np.asarray(item, np.int64)
    y = np.asarray(correct, np.float64)
    n_items = len(items)
    counts = np.bincount(item, minlength=n_items)
    estimated = counts >= min_answers
    keep = estimated[item]
    person, item, y = person[keep], item[keep], y[keep]
    # answers sorted by person and by item once: sums per person and per item are then
    # np.add.reduceat over contiguous runs (np.add.at is ~20 times slower)
    person = np.unique(person, return_inverse=True)[1]
    by_person = np.argsort(person, kind="stable")
    person_starts = np.flatnonzero(np.r_[True, np.diff(person[by_person]) != 0])
    by_item = np.argsort(item, kind="stable")
    item_starts = np.flatnonzero(np.r_[True, np.diff(item[by_item]) != 0])
    seen = item[by_item][item_starts]
    nodes, prior = _grid()
    a = np.ones(n_items) if a0 is None else np.asarray(a0, np.float64).copy()
    b = np.zeros(n_items) if b0 is None else np.asarray(b0, np.float64).copy()
    a, b = np.clip(a, *A_BOUNDS), np.clip(b, *B_BOUNDS)
    if max_iterations < 1:
        raise ValueError("max_iterations must be at least 1")
    converged, iteration = False, 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported
        # E step: each person's posterior over the nodes, then expected counts per item
        weight = _posterior_per_answer(a, b, nodes, prior, person, item, y, by_person,
                                       person_starts)
        n = np.zeros((n_items, len(nodes)))
        r = np.zeros((n_items, len(nodes)))
        if len(y):
            n[seen] = np.add.reduceat(weight[by_item], item_starts, axis=0)
            r[seen] = np.add.reduceat((weight * y[:, None])[by_item], item_starts, axis=0)
        # M step: a weighted logistic regression of each item on the nodes (Newton, a few steps)
        new_a, new_b = _maximise(n, r, nodes, a, b)
        change = np.max(np.abs(np.r_[new_a - a, new_b - b])[np.r_[estimated, estimated]],
                        initial=0.0)
        a, b = new_a, new_b
        if change < tolerance:
            converged = True
            break
    se_a, se_b = _standard_errors(a, b, nodes, weight, item, y, n_items)
    nan = np.full(n_items, np.nan)
    return Calibration(items=list(items), a=np.where(estimated, a, nan),
                       b=np.where(estimated, b, nan), se_a=np.where(estimated, se_a, nan),
                       se_b=np.where(estimated, se_b, nan), answers=counts,
                       estimated=estimated, iterations=iteration, converged=converged)


def _posterior_per_answer(a: np.ndarray, b: np.ndarray, nodes: np.ndarray, prior: np.ndarray,
                          person: np.ndarray, item: np.ndarray, y: np.ndarray,
                          by_person: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each answer, its person's posterior over the nodes (answers × nodes)."""
    log_ok, log_ko = _log_p(a, b, nodes)
    rows = np.where(y[:, None] > 0, log_ok[item], log_ko[item])
    if not len(y):
        return rows
    log_post = np.add.reduceat(rows[by_person], starts, axis=0) + np.log(prior)
    log_post -= log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post)
    post /= post.sum(axis=1, keepdims=True)
    return post[person]


def _maximise(n: np.ndarray, r: np.ndarray, nodes: np.ndarray, a: np.ndarray, b: np.ndarray,
              steps: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Newton steps on (a, c = −a·b) for every item at once."""
    c = -a * b
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a[:, None] * nodes[None, :] + c[:, None])))
        resid = r - n * p
        g = np.stack([(resid * nodes).sum(1), resid.sum(1)], axis=1)
        w = n * p * (1.0 - p)
        info = np.empty((len(a), 2, 2))
        info[:, 0, 0] = (w * nodes**2).sum(1) + 1e-9
        info[:, 0, 1] = info[:, 1, 0] = (w * nodes).sum(1)
        info[:, 1, 1] = w.sum(1) + 1e-9
        delta = np.linalg.solve(info, g[:, :, None])[:, :, 0]
        scale = np.minimum(1.0, 1.0 / np.maximum(np.abs(delta).max(axis=1), 1e-12))  # ≤ 1 a step
        a = np.clip(a + scale * delta[:, 0], *A_BOUNDS)
        c = c + scale * delta[:, 1]
    return a, np.clip(-c / a, *B_BOUNDS)


def _standard_errors(a: np.ndarray, b: np.ndarray, nodes: np.ndarray, weight: np.ndarray,
                     item: np.ndarray, y: np.ndarray,
                     n_items: int) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors from the cross-product of each answer's score in (a, c = −a·b) (the
    EM's own expected counts would ignore what is not known of θ, and understate them), then
    the delta method to (a, b = −c/a)."""
    p = 1.0 / (1.0 + np.exp(-a[item, None] * (nodes[None, :] - b[item, None])))
    resid = weight * (y[:, None] - p)  # the marginal score, per answer and node
    score = np.stack([(resid * nodes).sum(1), resid.sum(1)], axis=1)
    info = np.zeros((n_items, 2, 2))
    np.add.at(info, item, score[:, :, None] * score[:, None, :])
    info[:, 0, 0] += 1e-9
    info[:, 1, 1] += 1e-9
    cov = np.linalg.inv(info)
    c = -a * b
    db_da, db_dc = c / a**2, -1.0 / a
    var_b = db_da**2 * cov[:, 0, 0] + db_dc**2 * cov[:, 1, 1] + 2 * db_da * db_dc * cov[:, 0, 1]
    return np.sqrt(np.maximum(cov[:, 0, 0], 0.0)), np.sqrt(np.maximum(var_b, 0.0))


def read_answers(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """answers.csv (course,item,result) → person and item indices, right/wrong, item ids."""
    courses: dict[str, int] = {}
    ids: dict[str, int] = {}
    person, item, correct = [], [], []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["result"] not in ("ok", "ko"):
                continue
            person.append(courses.setdefault(row["course"], len(courses)))
            item.append(ids.setdefault(row["item"], len(ids)))
            correct.append(row["result"] == "ok")
    return np.array(person), np.array(item), np.array(correct), list(ids)


def write_items(calibration: Calibration, out: str) -> None:
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["item", "answers", "a", "b", "se_a", "se_b"])
        for k, item_id in enumerate(calibration.items):
            values = [calibration.a[k], calibration.b[k], calibration.se_a[k],
                      calibration.se_b[k]]
            writer.writerow([item_id, int(calibration.answers[k]),
                             *("" if math.isnan(v) else f"{v:.4f}" for v in values)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", required=True, help="CSV: course,item,result")
    parser.add_argument("--out", required=True, help="CSV: item,answers,a,b,se_a,se_b")
    parser.add_argument("--min-answers", type=int, default=MIN_ANSWERS)
    args = parser.parse_args(argv)
    person, item, correct, ids = read_answers(args.answers)
    if not len(person):
        print("no ok/ko answer in", args.answers, file=sys.stderr)
        return 1
    result = calibrate(person, item, correct, ids, min_answers=args.min_answers)
    write_items(result, args.out)
    print(f"{int(result.estimated.sum())} of {len(ids)} items estimated from "
          f"{len(person):,} answers of {int(person.max()) + 1:,} courses; "
          f"{result.iterations} EM iterations, "
          f"{'converged' if result.converged else 'NOT converged'}")
    return 0 if result.converged else 2


if __name__ == "__main__":
    raise SystemExit(main())
