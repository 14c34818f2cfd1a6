"""The bound study: the engine choosing at the true θ (engine.bound), never the production path."""

import numpy as np

from engine import Served, load_config, next_step
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
    assert [(r["oracle_items"], r["seed"]) for r in rows] == [(16, 1), (16, 2)]
    assert all(0.1 < r["mean_se"] < 0.6 and 0 < r["max_exposure"] <= 1 for r in rows)
    bound_cli.main(["--oracle-items", "0", "--steps", "0", "--samples", "30", "--seeds", "3",
                    "--accessible-only"])
    printed = capsys.readouterr().out
    assert "| accessible-only | 0 | 0.17 | 3 |" in printed


def test_without_steps_the_control_is_the_shipped_prices_without_the_trim(bank):
    shipped = load_config(REFERENCE_CONFIG)
    assert shipped.exposure_price and shipped.exposure  # prices, and the trim left out
    untrimmed = shipped.with_changes(exposure={}, exposure_accessible={})
    expected = simulate(bank, reference_thetas(40), untrimmed, seed=3).summary
    [row] = bound_cli.study(oracle_items=0, cap=0.17, steps=0, examinees=0, samples=40,
                            seeds=[3], accessible_only=False, log=lambda _: None)
    assert (row["mean_se"], row["max_exposure"]) == (expected["mean_se"],
                                                     expected["max_exposure"])
