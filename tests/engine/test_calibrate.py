"""Calibration from collected answers (engine.calibrate): known parameters are recovered from
simulated answers, given at random or chosen adaptively, and the standard errors it reports
are the size of its errors."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from engine.calibrate import calibrate, main

ITEMS = 40


def _bank(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return np.exp(rng.normal(0.0, 0.3, ITEMS)), rng.normal(0.0, 1.0, ITEMS)


def _answers_at_random(a: np.ndarray, b: np.ndarray, persons: int, per_person: int,
                       seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, 1.0, persons)
    item = np.concatenate([rng.choice(ITEMS, per_person, replace=False) for _ in range(persons)])
    person = np.repeat(np.arange(persons), per_person)
    p = 1.0 / (1.0 + np.exp(-a[item] * (theta[person] - b[item])))
    return person, item, rng.random(len(item)) < p


def _answers_adaptively(a: np.ndarray, b: np.ndarray, persons: int, per_person: int,
                        seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each next item is the unused one whose b is nearest the EAP of the answers so far, as a
    CAT chooses: who sees which item then depends on θ, through the answers only."""
    rng = np.random.default_rng(seed)
    nodes = np.linspace(-5, 5, 61)
    theta = rng.normal(0.0, 1.0, persons)
    log_post = np.tile(-0.5 * nodes**2, (persons, 1))
    used = np.zeros((persons, ITEMS), bool)
    person, item, correct = [], [], []
    for _ in range(per_person):
        post = np.exp(log_post - log_post.max(axis=1, keepdims=True))
        eap = (post * nodes).sum(1) / post.sum(1)
        distance = np.abs(b[None, :] - eap[:, None]) + np.where(used, np.inf, 0.0)
        chosen = distance.argmin(axis=1)
        used[np.arange(persons), chosen] = True
        right = rng.random(persons) < 1.0 / (1.0 + np.exp(-a[chosen] * (theta - b[chosen])))
        z = a[chosen][:, None] * (nodes[None, :] - b[chosen][:, None])
        log_post += np.where(right[:, None], -np.logaddexp(0, -z), -np.logaddexp(0, z))
        person.append(np.arange(persons))
        item.append(chosen)
        correct.append(right)
    return np.concatenate(person), np.concatenate(item), np.concatenate(correct)


def _rmse(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


def test_known_parameters_are_recovered_from_answers_given_at_random() -> None:
    a, b = _bank(1)
    person, item, correct = _answers_at_random(a, b, 4000, 15, seed=2)  # ~1,500 per item
    result = calibrate(person, item, correct, [f"i{k}" for k in range(ITEMS)])
    assert result.converged and result.estimated.all()
    assert _rmse(result.a, a) < 0.12
    assert _rmse(result.b, b) < 0.18
    # the standard errors are the size of the errors (z-scores spread about 1)
    for estimate, truth, se in ((result.a, a, result.se_a), (result.b, b, result.se_b)):
        spread = float(np.std((estimate - truth) / se))
        assert 0.7 < spread < 1.45, spread


def test_answers_chosen_adaptively_give_the_same_parameters() -> None:
    # Selection on the answers is ignorable for this likelihood: b comes out unbiased. Each
    # item is seen by candidates of about its level only, so a is less precise than from
    # answers at random, and the standard errors say so.
    a, b = _bank(3)
    person, item, correct = _answers_adaptively(a, b, 2500, 12, seed=4)
    result = calibrate(person, item, correct, [f"i{k}" for k in range(ITEMS)])
    fitted = result.estimated
    assert result.converged and fitted.sum() >= 30  # the extreme items are seldom chosen
    assert _rmse(result.b[fitted], b[fitted]) < 0.12
    assert abs(float(np.mean(result.b[fitted] - b[fitted]))) < 0.05  # the scale did not move
    z = (result.a[fitted] - a[fitted]) / result.se_a[fitted]
    assert 0.6 < float(np.std(z)) < 1.45 and float(np.abs(z).max()) < 4.0


def test_items_with_too_few_answers_are_listed_not_estimated() -> None:
    a, b = _bank(5)
    person, item, correct = _answers_at_random(a, b, 600, 10, seed=6)  # ~150 per item
    rare = item == 7
    keep = ~rare | (np.cumsum(rare) <= 40)  # item 7: 40 answers only
    result = calibrate(person[keep], item[keep], correct[keep],
                       [f"i{k}" for k in range(ITEMS)], min_answers=100)
    assert result.answers[7] == 40
    assert not result.estimated[7] and np.isnan(result.a[7]) and np.isnan(result.se_b[7])
    assert result.estimated.sum() == ITEMS - 1 and np.isfinite(result.b[result.estimated]).all()


def test_an_item_everyone_got_right_stays_finite() -> None:
    a, b = _bank(7)
    person, item, correct = _answers_at_random(a, b, 1000, 10, seed=8)
    correct = np.where(item == 3, True, correct)
    result = calibrate(person, item, correct, [f"i{k}" for k in range(ITEMS)])
    assert np.isfinite(result.a).all() and np.isfinite(result.b).all()
    assert result.b[3] < -2.5  # far easier than the others, within the bounds


def test_the_command_reads_answers_and_writes_item_parameters(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture
                                                              ) -> None:
    a, b = _bank(9)
    person, item, correct = _answers_at_random(a, b, 1500, 12, seed=10)
    answers = tmp_path / "answers.csv"
    with answers.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["course", "item", "result"])
        for p, i, ok in zip(person, item, correct, strict=True):
            writer.writerow([f"c{p}", f"item-{i:02d}", "ok" if ok else "ko"])
        writer.writerow(["c0", "item-00", "skipped"])  # left out: not an answer on the item
        writer.writerow(["c1", "item-99", "withdrawn"])
    out = tmp_path / "items.csv"
    assert main(["--answers", str(answers), "--out", str(out), "--min-answers", "100"]) == 0
    assert "40 of 40 items estimated from 18,000 answers of 1,500 courses" in \
        capsys.readouterr().out
    with out.open(encoding="utf-8") as handle:
        rows = {row["item"]: row for row in csv.DictReader(handle)}
    assert len(rows) == ITEMS and "item-99" not in rows
    estimated_b = np.array([float(rows[f"item-{k:02d}"]["b"]) for k in range(ITEMS)])
    assert _rmse(estimated_b, b) < 0.25
    assert all(float(row["se_b"]) > 0 for row in rows.values())
