"""A small, fast simulation: precision and exposure within loose, stable bounds."""

import json

import numpy as np
import pytest

from engine import exposure as exposure_cli
from engine import load_config
from engine import simulate as simulate_cli
from engine.reference import reference_thetas
from engine.simulate import REFERENCE_CONFIG, simulate


@pytest.fixture(scope="module")
def reference_config():
    return load_config(REFERENCE_CONFIG)


@pytest.mark.parametrize(("accessible_only", "rmse_max"), [(False, 0.31), (True, 0.32)])
def test_precision_and_exposure_on_the_reference_bank(bank, reference_config, accessible_only,
                                                      rmse_max):
    # 300 candidates: RMSE's sampling SD is ~0.011 here, max exposure's ~0.03,
    # so the bounds sit ~4 SD above the 1,000-candidate benchmark figures.
    run = simulate(bank, reference_thetas(300, seed=99), reference_config,
                   accessible_only=accessible_only, seed=5)
    s = run.summary
    assert s["mean_length"] == 32
    assert s["rmse"] < rmse_max
    assert abs(s["bias"]) < 0.06
    assert s["max_exposure"] < 0.30
    assert s["ms_per_step"] < 2.0  # generous: CI machines vary; the benchmark measures it


def test_exposure_control_lowers_the_maximum(bank, reference_config):
    thetas = reference_thetas(200, seed=98)
    free = simulate(bank, thetas, reference_config.with_changes(exposure_method="none"), seed=4)
    controlled = simulate(bank, thetas, reference_config, seed=4)
    assert controlled.summary["max_exposure"] < free.summary["max_exposure"] - 0.3
    assert controlled.summary["test_overlap"] < free.summary["test_overlap"]


def test_simulate_cli_writes_every_examinee(tmp_path, small, capsys):
    bank_csv, thetas_csv, out = tmp_path / "bank.csv", tmp_path / "t.csv", tmp_path / "o.json"
    small.to_csv(bank_csv)
    thetas_csv.write_text("theta\n" + "\n".join(str(t) for t in np.linspace(-2, 2, 12)) + "\n")
    simulate_cli.main(["--bank", str(bank_csv), "--thetas", str(thetas_csv), "--seed", "3",
                       "--json", str(out)])
    printed = capsys.readouterr().out
    assert "| all |" in printed and "| accessible-only |" in printed
    data = json.loads(out.read_text())
    assert len(data["examinees"]) == 24 and len(data["summary"]) == 2
    first = data["examinees"][0]
    assert set(first) >= {"true_theta", "estimate", "se", "items", "responses"}
    assert len(first["items"]) == len(first["responses"]) == 32


def test_exposure_cli_writes_a_loadable_config(tmp_path, small, capsys):
    bank_csv, out = tmp_path / "bank.csv", tmp_path / "config.json"
    small.to_csv(bank_csv)
    exposure_cli.main(["--bank", str(bank_csv), "--out", str(out), "--version", "t-1",
                       "--examinees", "60", "--iterations", "2"])
    config = load_config(out)
    assert config.version == "t-1" and config.exposure_method == "eligibility"
    assert config.exposure and set(config.exposure) <= set(small.ids)
    assert config.exposure_price and set(config.exposure_price) <= set(small.ids)
    assert "wrote" in capsys.readouterr().out


def test_exposure_cli_fits_for_the_selection_settings_it_is_given(tmp_path, small):
    # The prices are fitted for the engine that will serve them: the settings changed on the
    # command line are the ones written next to the prices.
    bank_csv, out = tmp_path / "bank.csv", tmp_path / "config.json"
    small.to_csv(bank_csv)
    exposure_cli.main(["--bank", str(bank_csv), "--out", str(out), "--version", "t-2",
                       "--examinees", "60", "--iterations", "0", "--price-steps", "2",
                       "--start-spread", "0", "--noise", "0.005", "--information", "posterior"])
    config = load_config(out)
    assert (config.start_spread, config.exposure_noise, config.information) == (
        0.0, 0.005, "posterior")
    assert config.exposure_price and not config.exposure


def test_the_adjusted_candidates_can_be_aimed_apart(small):
    # Each population's prices are fitted on that population alone: aiming the adjusted
    # candidates lower (engine.exposure --price-cap-accessible) leaves the standard prices as
    # they were and raises theirs.
    from engine.config import DEFAULT_CONFIG
    fit = dict(examinees=60, iterations=0, price_cap=0.2, price_steps=2, log=lambda _: None)
    same = exposure_cli.calibrate(small, DEFAULT_CONFIG, **fit)
    apart = exposure_cli.calibrate(small, DEFAULT_CONFIG, price_cap_accessible=0.1, **fit)
    assert apart.exposure_price == same.exposure_price
    assert sum(apart.exposure_price_accessible.values()) > \
        sum(same.exposure_price_accessible.values())


def test_prices_refined_on_the_engine_lower_the_exposure_they_aim_at(bank):
    from engine.config import DEFAULT_CONFIG
    config = DEFAULT_CONFIG.with_changes(exposure_noise=0.01)
    start = exposure_cli.fit_prices(bank, config, accessible_only=False, cap=0.17)
    config = config.with_changes(exposure_price=start)
    thetas = reference_thetas(200, seed=97)
    before = simulate(bank, thetas, config, seed=6).summary["max_exposure"]
    refined = exposure_cli.fit_prices_on_engine(
        bank, config, accessible_only=False, cap=0.17, examinees=200, iterations=4, step=0.3,
        seed=3, log=lambda _: None)
    assert set(refined) <= set(bank.ids) and all(v > 0 for v in refined.values())
    after = simulate(bank, thetas, config.with_changes(exposure_price=refined),
                     seed=6).summary["max_exposure"]
    assert after < before - 0.1  # the idealised prices leave the first items over-exposed


def test_round_exposure_splits_the_first_round_from_the_rest():
    first, rest = exposure_cli.round_exposure([[0, 1, 2], [1, 3]], 5, early=1)
    assert first.tolist() == [1, 1, 0, 0, 0] and rest.tolist() == [0, 1, 1, 1, 0]


@pytest.mark.parametrize("split", [False, True])
def test_stage_prices_fit_on_the_engine(bank, split):
    from engine.config import DEFAULT_CONFIG
    config = DEFAULT_CONFIG.with_changes(exposure_noise=0.01)
    config = config.with_changes(exposure_price=exposure_cli.fit_prices(
        bank, config, accessible_only=False, cap=0.17))
    late, early = exposure_cli.fit_stage_prices_on_engine(
        bank, config, accessible_only=False, cap=0.17, early_cap=0.05, examinees=100,
        iterations=2, step=0.3, seed=3, split=split, log=lambda _: None)
    assert late and early and set(late) | set(early) <= set(bank.ids)
    if not split:  # early prices are the total's plus a non-negative surcharge
        assert all(early.get(i, 0.0) >= v - 1e-5 for i, v in late.items())
    run = simulate(bank, reference_thetas(50, seed=96), config.with_changes(
        exposure_price=late, exposure_price_early=early), seed=2)
    assert run.summary["mean_length"] == 32


def test_first_round_eligibility_is_calibrated_on_the_first_round(bank, reference_config):
    config = reference_config.with_changes(exposure={}, eligibility_early_only=True)
    table = exposure_cli.calibrate_population(
        bank, config, accessible_only=False, examinees=150, iterations=2, margin=0.045, seed=3,
        log=lambda _: None)
    assert table and set(table) <= set(bank.ids) and all(0 < k < 1 for k in table.values())
