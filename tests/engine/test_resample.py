"""engine.resample: the benchmark over fresh populations, pooled."""

import math

import numpy as np
import pytest

from engine import load_config
from engine import resample as resample_cli
from engine.reference import reference_thetas
from engine.simulate import REFERENCE_CONFIG, simulate


def test_pooled_figures_are_those_of_each_fresh_population(bank):
    config = load_config(REFERENCE_CONFIG)
    row = resample_cli.resample(bank, config, accessible_only=True, samples=2, examinees=30,
                                first_sample=5, rmse_target=0.27)
    runs = [simulate(bank, reference_thetas(30, seed=s), config, accessible_only=True,
                     seed=resample_cli.RESPONSE_SEED_OFFSET + s) for s in (5, 6)]
    mse = [np.mean((r.estimate - r.true_theta) ** 2) for r in runs]
    assert row["pooled_rmse"] == pytest.approx(np.sqrt(np.mean(mse)))
    assert row["root_mean_variance"] == pytest.approx(
        np.sqrt(np.mean([np.mean(r.se ** 2) for r in runs])))
    assert (row["rmse_min"], row["rmse_max"]) == pytest.approx((min(np.sqrt(mse)),
                                                                max(np.sqrt(mse))))
    assert row["share_rmse_met"] == np.mean(np.sqrt(mse) <= 0.27)
    tops = [r.summary["max_exposure"] for r in runs]
    assert row["max_exposure_max"] == max(tops)
    assert row["share_over_ceiling"] == np.mean(np.array(tops) > config.exposure_target)
    pooled = np.bincount(np.concatenate([i for r in runs for i in r.items]), minlength=len(bank))
    assert row["pooled_max_exposure"] == pytest.approx(pooled.max() / 60)
    assert row["pooled_max_exposure"] <= row["max_exposure_max"]
    assert row["binomial_risk"] == pytest.approx(resample_cli.binomial_risk(
        pooled / 60, 30, config.exposure_target))
    # Fresh populations: none of them is the benchmark's reference sample.
    assert not np.allclose(reference_thetas(30, seed=5), reference_thetas(30))


def _over(n: int, p: float, top: int) -> float:
    """P(B(n, p) > top), term by term."""
    return 1 - sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(top + 1))


def test_the_binomial_risk_is_the_chance_that_some_item_goes_over():
    # One item: P(count > 2) among 10 at p = 0.2, ceiling 0.2.
    assert resample_cli.binomial_risk(np.array([0.2]), 10, 0.2) == pytest.approx(_over(10, 0.2, 2))
    # Independent items: 1 − the product of each staying under; an unused item changes nothing.
    both = 1 - (1 - _over(1000, 0.17, 200)) * (1 - _over(1000, 0.185, 200))
    assert resample_cli.binomial_risk(np.array([0.17, 0.185, 0.0]), 1000, 0.2) == \
        pytest.approx(both, rel=1e-9)
    # Far over or far under: certain, or nil, without underflow at 1,000 candidates.
    assert resample_cli.binomial_risk(np.array([0.6]), 1000, 0.2) == pytest.approx(1.0)
    assert resample_cli.binomial_risk(np.full(1000, 0.05), 1000, 0.2) < 1e-30
    assert resample_cli.binomial_risk(np.array([0.9]), 5, 1.0) == 0.0


def test_the_cli_prints_one_row_per_population_with_its_own_target(capsys):
    resample_cli.main(["--samples", "1", "--examinees", "20", "--first-sample", "3"])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("config reference-") and "exposure eligibility" in lines[0]
    assert lines[3].startswith("| all | 1 × 20 |") and "(≤ 0.25)" in lines[3]
    assert lines[4].startswith("| accessible-only | 1 × 20 |") and "(≤ 0.27)" in lines[4]
    resample_cli.main(["--samples", "1", "--examinees", "20", "--method", "none",
                       "--accessible-only"])
    free = capsys.readouterr().out.splitlines()
    assert "exposure none" in free[0] and len(free) == 4
    assert float(free[3].split(" | ")[7].split(",")[0]) > 0.5  # without control, far over


def test_the_cli_refuses_an_empty_run(capsys):
    with pytest.raises(SystemExit) as exit_:
        resample_cli.main(["--samples", "0"])
    assert exit_.value.code == 2
    assert "--samples must be at least 1" in capsys.readouterr().err


def test_the_cli_takes_a_bank_and_its_configuration(tmp_path, small, capsys):
    bank_csv = tmp_path / "bank.csv"
    small.to_csv(bank_csv)
    resample_cli.main(["--bank", str(bank_csv), "--config", str(REFERENCE_CONFIG),
                       "--samples", "2", "--examinees", "10"])
    lines = capsys.readouterr().out.splitlines()
    assert f"{bank_csv} ({len(small)} items)" in lines[0]
    assert lines[3].startswith("| all | 2 × 10 |")
