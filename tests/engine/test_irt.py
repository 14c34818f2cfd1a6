"""The mathematics: 2PL probability, information, EAP against brute-force integration."""

import numpy as np
import pytest

from engine import Served, estimate, irt
from engine.selection import derived, information_table


def brute_force_eap(a, b, correct, mean=0.0, sd=1.0):
    """Posterior mean and SD by trapezoidal integration on a very fine, wide grid."""
    t = np.linspace(-12, 12, 48001)
    p = 1 / (1 + np.exp(a[None, :] * (b[None, :] - t[:, None])))
    lik = np.prod(np.where(correct[None, :], p, 1 - p), axis=1)
    post = lik * np.exp(-0.5 * ((t - mean) / sd) ** 2)
    z = np.trapezoid(post, t)
    m = np.trapezoid(t * post, t) / z
    return m, np.sqrt(np.trapezoid((t - m) ** 2 * post, t) / z)


def test_probability_is_the_2pl_formula():
    assert irt.probability(0.0, np.array([1.0]), np.array([0.0]))[0] == pytest.approx(0.5)
    p = irt.probability(1.0, np.array([2.0]), np.array([0.5]))[0]
    assert p == pytest.approx(1 / (1 + np.exp(2.0 * (0.5 - 1.0))))


def test_information_is_a2_p_q_and_the_fisher_information():
    a, b = np.array([0.7, 1.3, 2.1]), np.array([-1.0, 0.2, 1.5])
    for theta in (-2.0, 0.0, 0.9):
        p = irt.probability(theta, a, b)
        assert irt.information(theta, a, b) == pytest.approx(a * a * p * (1 - p))
        h = 1e-6  # Fisher information of a Bernoulli: P'² / (P(1 − P))
        dp = (irt.probability(theta + h, a, b) - irt.probability(theta - h, a, b)) / (2 * h)
        assert irt.information(theta, a, b) == pytest.approx(dp**2 / (p * (1 - p)), rel=1e-6)
        assert irt.information_rank(theta, a * a, a, b) == pytest.approx(
            4 * irt.information(theta, a, b))


def test_information_peaks_at_b_with_a2_over_4():
    a, b = np.array([1.7]), np.array([0.3])
    assert irt.information(0.3, a, b)[0] == pytest.approx(1.7**2 / 4)
    assert irt.information(0.3, a, b)[0] > irt.information(0.5, a, b)[0]


def test_information_table_matches_exact_values(bank):
    table = information_table(bank)
    for theta in (-3.21, -0.5, 0.0, 0.777, 2.5):
        exact = irt.information(theta, bank.a, bank.b)
        assert np.max(np.abs(table.at(theta) - exact)) < 2e-3 * exact.max()
        # the ranking that selection uses is preserved where it matters: the best item
        assert np.argmax(table.at(theta)) == np.argmax(exact)


@pytest.mark.parametrize("seed", range(8))
def test_eap_matches_brute_force_integration(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 33))
    a, b = rng.lognormal(0, 0.3, n), rng.normal(0, 1.2, n)
    correct = rng.random(n) < 0.5
    nodes = irt.grid(-6, 6, 81)
    m, s = irt.eap(a, b, correct, nodes, irt.log_prior(nodes, 0.0, 1.0))
    bm, bs = brute_force_eap(a, b, correct)
    assert m == pytest.approx(bm, abs=2e-3)
    assert s == pytest.approx(bs, abs=2e-3)


def test_engine_estimate_matches_brute_force(bank, config):
    rng = np.random.default_rng(11)
    idx = rng.choice(len(bank), 32, replace=False)
    correct = rng.random(32) < 0.6
    history = [Served(bank.ids[i], "ok" if c else "ko") for i, c in zip(idx, correct, strict=True)]
    theta, se = estimate(history, bank, config)
    bm, bs = brute_force_eap(bank.a[idx], bank.b[idx], correct)
    assert theta == pytest.approx(bm, abs=2e-3)
    assert se == pytest.approx(bs, abs=2e-3)


def test_recorded_parameters_override_the_bank(bank, config):
    item = bank.ids[0]
    default = estimate([Served(item, "ok")], bank, config)
    recorded = estimate([Served(item, "ok", a=2.0, b=1.5)], bank, config)
    bm, bs = brute_force_eap(np.array([2.0]), np.array([1.5]), np.array([True]))
    assert recorded == pytest.approx((bm, bs), abs=2e-3)
    assert recorded != pytest.approx(default)


def test_no_answer_gives_the_prior(bank, config):
    assert estimate([], bank, config) == pytest.approx((0.0, 1.0), abs=1e-3)


@pytest.mark.parametrize("result", ["ok", "ko"])
def test_all_correct_and_all_wrong_are_finite_and_sensible(bank, config, result):
    history = [Served(i, result) for i in bank.ids[:: len(bank) // 32][:32]]
    theta, se = estimate(history, bank, config)
    assert np.isfinite(theta) and np.isfinite(se) and 0 < se < 1
    assert (theta > 1.0) if result == "ok" else (theta < -1.0)
    assert config.grid_min < theta < config.grid_max


def test_wrong_kinds_count_as_incorrect_and_withdrawn_is_ignored(bank, config):
    ids = bank.ids[:5]
    ko = estimate([Served(i, "ko") for i in ids], bank, config)
    for kind in ("skipped", "timedout", "focusedOut"):
        assert estimate([Served(i, kind) for i in ids], bank, config) == ko
    with_withdrawn = [Served(bank.ids[9], "withdrawn"), *[Served(i, "ko") for i in ids]]
    assert estimate(with_withdrawn, bank, config) == ko
    assert estimate([*[Served(i, "ko") for i in ids], Served(bank.ids[9], None)], bank,
                    config) == ko


def test_unknown_result_is_an_error(bank, config):
    with pytest.raises(ValueError):
        estimate([Served(bank.ids[0], "maybe")], bank, config)


def test_table_and_direct_likelihoods_agree(bank, config):
    d = derived(bank, config)
    rng = np.random.default_rng(5)
    idx = rng.choice(len(bank), 20, replace=False)
    correct = rng.random(20) < 0.5
    rows = [int(i) + len(bank) * bool(c) for i, c in zip(idx, correct, strict=True)]
    direct = irt.loglik(bank.a[idx], bank.b[idx], correct, d.nodes)
    assert d.loglik[rows].sum(axis=0) == pytest.approx(direct)
