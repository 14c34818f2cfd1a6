"""The bound study: the engine choosing at the true θ (engine.bound), never the production path."""

import numpy as np
import pytest

from engine import Served, irt, load_config, next_step
from engine import bound as bound_cli
from engine.history import parse
from engine.reference import reference_thetas
from engine.selection import information_table, rule_mask, step_from
from engine.simulate import REFERENCE_CONFIG, simulate


def test_an_oracle_step_chooses_at_the_given_theta_and_reports_the_estimate(bank, config):
    history = [Served(bank.ids[0], "ok"), Served(bank.ids[400], "ko")]
    state = parse(history, bank)
    real = next_step(history, bank, config, accessible_only=False, seed=4)
    for truth in (-2.0, 2.5):
        oracle = step_from(state, None, bank, config, False, 4, select_at=truth)
        assert (oracle.theta, oracle.se) == (real.theta, real.se)
        mask = rule_mask(state, bank, config, False)
        info = np.where(mask, information_table(bank).at(truth), -np.inf)
        assert oracle.item_id == bank.ids[int(np.argmax(info))]
    # Far apart, the two truths cannot share their best item.
    assert (step_from(state, None, bank, config, False, 4, select_at=-2.0).item_id
            != step_from(state, None, bank, config, False, 4, select_at=2.5).item_id)


def test_the_simulation_chooses_its_first_oracle_items_at_the_true_theta(small, config):
    thetas = np.array([-1.5, 0.3, 2.0])
    plain = simulate(small, thetas, config, seed=2)
    oracle = simulate(small, thetas, config, seed=2, oracle_items=3)
    for j, theta in enumerate(thetas):
        served = oracle.items[j]
        for k in range(3):
            history = [Served(small.ids[i], "ok" if ok else "ko")
                       for i, ok in zip(served[:k], oracle.responses[j][:k], strict=True)]
            mask = rule_mask(parse(history, small), small, config, False)
            info = np.where(mask, information_table(small).at(theta), -np.inf)
            assert served[k] == int(np.argmax(info))
    # From then on it is the production engine again, and without the oracle it is unchanged.
    assert oracle.summary["mean_length"] == plain.summary["mean_length"] == 32
    assert plain.items == simulate(small, thetas, config, seed=2).items


def test_the_study_fits_prices_for_the_oracle_engine_and_prints_its_table(capsys):
    rows = bound_cli.study(oracle_items=16, cap=0.17, steps=1, examinees=60, samples=40,
                           seeds=[1, 2], accessible_only=False, log=lambda _: None)
    assert [(r["selection"], r["seed"]) for r in rows] == [
        ("engine, first 16 at the true θ", 1), ("engine, first 16 at the true θ", 2)]
    assert all(0.1 < r["mean_se"] < 0.6 and 0 < r["max_exposure"] <= 1 for r in rows)
    bound_cli.main(["--oracle-items", "0", "--steps", "0", "--samples", "30", "--seeds", "3",
                    "--accessible-only"])
    printed = capsys.readouterr().out
    assert "| accessible-only | engine | 0.17 | 3 |" in printed


def test_without_steps_the_control_is_the_configurations_prices_without_the_trim(bank):
    earlier = REFERENCE_CONFIG.with_name("reference-2026.3.json")
    trimmed = load_config(earlier)
    assert trimmed.exposure_price and trimmed.exposure  # prices, and the trim left out
    untrimmed = trimmed.with_changes(exposure={}, exposure_accessible={})
    expected = simulate(bank, reference_thetas(40), untrimmed, seed=3).summary
    [row] = bound_cli.study(oracle_items=0, cap=0.17, steps=0, examinees=0, samples=40,
                            seeds=[3], accessible_only=False, config_path=earlier,
                            log=lambda _: None)
    assert (row["mean_se"], row["max_exposure"]) == (expected["mean_se"],
                                                     expected["max_exposure"])


def information_at(bank, theta, items):
    return float(irt.information(theta, bank.a[items], bank.b[items]).sum())


def follows_the_blueprint(bank, items, per_competence=2):
    counts = np.bincount(bank.competence[items], minlength=len(bank.competences))
    return (counts == per_competence).all() and len(set(bank.tube[items].tolist())) == len(items)


def test_without_a_cap_the_best_allocation_is_each_candidates_best_items(small):
    thetas = np.array([-2.0, -0.4, 0.0, 1.1, 2.7])
    chosen = bound_cli.best_allocation(small, thetas, cap=1.0)
    for theta, items in zip(thetas, chosen, strict=True):
        assert follows_the_blueprint(small, items)
        best = 0.0
        for c in range(len(small.competences)):
            idx = np.flatnonzero(small.competence == c)
            value = {int(i): information_at(small, theta, [i]) for i in idx}
            first = max(value, key=value.__getitem__)
            second = max((i for i in value if small.tube[i] != small.tube[first]),
                         key=value.__getitem__)
            best += value[first] + value[second]
        assert information_at(small, theta, items) == pytest.approx(best)


def test_the_best_allocation_keeps_every_item_under_the_cap(bank):
    thetas = reference_thetas(60, seed=5)
    free = bound_cli.best_allocation(bank, thetas, cap=1.0)
    capped = bound_cli.best_allocation(bank, thetas, cap=0.2, accessible_only=True)
    counts = np.bincount(np.concatenate(capped), minlength=len(bank))
    assert counts.max() <= 0.2 * len(thetas)
    assert np.bincount(np.concatenate(free), minlength=len(bank)).max() > 0.2 * len(thetas)
    for items in capped:
        assert follows_the_blueprint(bank, items) and bank.accessible[items].all()
    total = sum(information_at(bank, t, i) for t, i in zip(thetas, capped, strict=True))
    assert total < sum(information_at(bank, t, i) for t, i in zip(thetas, free, strict=True))


def test_an_impossible_cap_is_refused(small):
    with pytest.raises(ValueError, match="no allocation under the cap"):
        bound_cli.best_allocation(small, np.zeros(10), cap=0.01)


def test_the_exact_study_prints_the_allocation_at_its_cap(capsys):
    bound_cli.main(["--exact", "--cap", "0.3", "--samples", "40", "--seeds", "1"])
    row = capsys.readouterr().out.splitlines()[-1].strip("| ").split(" | ")
    assert row[:4] == ["all", "best allocation at the true θ (LP)", "0.30", "1"]
    assert 0.15 < float(row[4]) < 0.4 and float(row[6]) <= 0.3


def test_weights_give_the_contested_items_to_the_candidate_who_counts_more(small):
    thetas = np.zeros(2)  # the same θ: each wants the same items, and the cap allows one each
    alone = bound_cli.best_allocation(small, thetas[:1], cap=1.0)[0]
    for heavy in (0, 1):
        weights = np.where(np.arange(2) == heavy, 3.0, 1.0)
        chosen = bound_cli.best_allocation(small, thetas, cap=0.5, weights=weights)
        assert not set(chosen[0]) & set(chosen[1])
        assert information_at(small, 0.0, chosen[heavy]) == pytest.approx(
            information_at(small, 0.0, alone))
        assert information_at(small, 0.0, chosen[1 - heavy]) < information_at(small, 0.0, alone)


def test_the_variance_objective_keeps_the_cap_and_the_rules(bank, capsys):
    thetas = reference_thetas(60, seed=5)
    plain = bound_cli.best_allocation(bank, thetas, cap=0.2)
    assert bound_cli.variance_allocation(bank, thetas, cap=0.2, reweight=0) == plain
    again = bound_cli.variance_allocation(bank, thetas, cap=0.2, reweight=2)
    counts = np.bincount(np.concatenate(again), minlength=len(bank))
    assert counts.max() <= 0.2 * len(thetas)
    assert all(follows_the_blueprint(bank, items) for items in again)
    bound_cli.main(["--exact", "--cap", "0.3", "--samples", "40", "--seeds", "1",
                    "--reweight", "1"])
    row = capsys.readouterr().out.splitlines()[-1].strip("| ").split(" | ")
    assert row[1] == "best allocation at the true θ (LP, variance objective, re-weighted 1×)"
