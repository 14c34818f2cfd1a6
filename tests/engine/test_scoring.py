"""θ → score, levels and every outcome rule."""

import numpy as np
import pytest

from engine import (
    DEFAULT_CONFIG,
    EngineConfig,
    Served,
    estimate,
    level_names,
    load_config,
    next_step,
    score_course,
    score_from_theta,
)
from engine.scoring import level_from_score

STARTS = [0, 64, 128, 256, 384, 512, 640, 768]
BOUNDS = DEFAULT_CONFIG.score_bounds


@pytest.mark.parametrize("i", range(8))
def test_each_interval_starts_at_its_bound_and_grows_linearly(i):
    lo, hi = BOUNDS[i], BOUNDS[i + 1]
    width = (STARTS + [896])[i + 1] - STARTS[i]
    assert score_from_theta(lo, DEFAULT_CONFIG) == STARTS[i]
    assert score_from_theta(lo + (hi - lo) / 2, DEFAULT_CONFIG) == STARTS[i] + width // 2
    just_below = score_from_theta(np.nextafter(hi, -np.inf), DEFAULT_CONFIG)
    assert just_below == min(STARTS[i] + width - 1, 895)


def test_ends_and_cap():
    assert score_from_theta(-8.0, DEFAULT_CONFIG) == 0
    assert score_from_theta(-20.0, DEFAULT_CONFIG) == 0
    assert score_from_theta(float("nan"), DEFAULT_CONFIG) == 0
    assert score_from_theta(8.0, DEFAULT_CONFIG) == 895
    assert score_from_theta(50.0, DEFAULT_CONFIG) == 895
    assert score_from_theta(7.9999, DEFAULT_CONFIG) == 895  # 768 + 127.99 → 895, never 896
    assert score_from_theta(-1.4, DEFAULT_CONFIG) == 64
    assert score_from_theta(0.0, DEFAULT_CONFIG) == 128 + int(0.519 / 1.119 * 128)


def test_scores_never_decrease_with_theta():
    thetas = np.linspace(-10, 10, 4001)
    scores = [score_from_theta(float(t), DEFAULT_CONFIG) for t in thetas]
    assert scores == sorted(scores) and scores[0] == 0 and scores[-1] == 895


def test_levels_and_names():
    assert [level_from_score(s, DEFAULT_CONFIG) for s in (0, 63, 64, 127, 128, 255, 256, 895)] \
        == [0, 0, 1, 1, 2, 2, 3, 7]
    assert level_names(0) == ("Pré-débutant", "Pre-beginner")
    assert level_names(3) == ("Indépendant 3", "Independent 3")
    assert level_names(7) == ("Expert 7", "Expert 7")


def test_configurable_bounds_change_the_score():
    shifted = DEFAULT_CONFIG.with_changes(
        version="x", score_bounds=(-9.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 9.0))
    assert score_from_theta(0.0, shifted) == 256
    with pytest.raises(ValueError):
        DEFAULT_CONFIG.with_changes(score_bounds=(0.0, 1.0))


def test_config_json_round_trip(tmp_path):
    config = DEFAULT_CONFIG.with_changes(
        version="2026.2", exposure={"a": 0.5},
        competence_level_bounds={"1.1": (0, 1, 2, 3, 4, 5, 6)})
    again = EngineConfig.from_json(config.to_json())
    assert again == config
    path = tmp_path / "c.json"
    path.write_text(config.to_json())
    assert load_config(path) == config
    assert (DEFAULT_CONFIG.length, DEFAULT_CONFIG.min_answers, DEFAULT_CONFIG.duration_minutes) \
        == (32, 20, 105)
    with pytest.raises(ValueError):
        EngineConfig.from_json('{"version": "1", "nonsense": 1}')


def full_test(bank, config, seed=1, theta=0.5, accessible_only=False):
    rng = np.random.default_rng(seed)
    history: list[Served] = []
    while (step := next_step(history, bank, config, accessible_only=accessible_only,
                             seed=seed)).item_id:
        i = bank.index_of(step.item_id)
        p = 1 / (1 + np.exp(bank.a[i] * (bank.b[i] - theta)))
        history.append(Served(step.item_id, "ok" if rng.random() < p else "ko"))
    return history


def test_completed_course_is_validated(bank, config):
    history = full_test(bank, config)
    result = score_course(history, bank, config)
    theta, se = estimate(history, bank, config)
    assert result.status == "validated" and result.reason is None and not result.lowered
    assert (result.theta, result.se) == (theta, se)
    assert result.score == score_from_theta(theta, config) == result.computed_score
    assert result.level == level_from_score(result.score, config)
    assert (result.level_name_fr, result.level_name_en) == level_names(result.level)
    assert set(result.competence_levels) == set(bank.competences)
    assert all(0 <= v <= 7 for v in result.competence_levels.values())
    assert result.answered == 32 and result.config_version == config.version


def test_competence_levels_use_per_competence_bounds(bank):
    config = DEFAULT_CONFIG.with_changes(
        competence_level_bounds={"1.1": (-5, -4, -3, -2, -1, 0, 1)})
    result = score_course(full_test(bank, config, theta=0.5), bank, config)
    assert result.competence_levels["1.1"] == 7 if result.theta >= 1 else 6
    assert result.competence_levels["1.2"] == result.level  # default: the global bounds


def test_candidate_abandon_between_20_and_31_lowers_the_score(bank, config):
    history = full_test(bank, config, theta=1.0)[:25]
    unlowered = score_course(history, bank, config, ended_by="technical")
    lowered = score_course(history, bank, config, ended_by="candidate")
    assert unlowered.status == lowered.status == "validated"
    assert not unlowered.lowered and unlowered.reason is None
    assert lowered.lowered and lowered.reason == "lowered" and len(lowered.filled) == 7
    assert lowered.theta < unlowered.theta and lowered.score <= unlowered.score
    assert lowered.answered == unlowered.answered == 25
    # the filled items follow the rules: not served before, blueprint completed
    served = {s.item_id for s in history}
    assert not served & set(lowered.filled)
    all_items = [*served, *lowered.filled]
    assert len({bank.tube[bank.index_of(i)] for i in all_items}) == 32


def test_served_but_unanswered_counts_as_skipped_when_lowered(bank, config):
    history = full_test(bank, config, theta=1.0)[:26]
    history[-1] = Served(history[-1].item_id, None)
    result = score_course(history, bank, config, ended_by="candidate")
    assert result.answered == 25 and result.lowered and len(result.filled) == 6


def test_completed_with_missing_answers_is_lowered_like_an_abandon(bank, config):
    history = full_test(bank, config)[:30]
    assert score_course(history, bank, config).lowered


@pytest.mark.parametrize(("ended_by", "status"), [("candidate", "rejected"),
                                                  ("technical", "cancelled"),
                                                  ("completed", "rejected")])
def test_fewer_than_20_answers(bank, config, ended_by, status):
    history = full_test(bank, config)[:19]
    result = score_course(history, bank, config, ended_by=ended_by)
    assert result.status == status and result.reason == "too_few_answers"
    assert result.score == 0 and result.level == 0 and result.computed_score > 0
    assert set(result.competence_levels.values()) == {0}


def test_withdrawn_answers_do_not_count_as_answers(bank, config):
    history = full_test(bank, config)[:20]
    history[3] = Served(history[3].item_id, "withdrawn")
    result = score_course(history, bank, config, ended_by="candidate")
    assert result.answered == 19 and result.status == "rejected"


def test_fraud_is_rejected_whatever_the_answers(bank, config):
    result = score_course(full_test(bank, config), bank, config, ended_by="fraud")
    assert result.status == "rejected" and result.reason == "fraud" and result.score == 0


def test_zero_score_is_rejected(bank, config):
    strict = config.with_changes(score_bounds=(-1.0, 0.0, 0.5, 1.0, 1.5, 2.25, 3.1, 4.0, 8.0))
    history = full_test(bank, strict, theta=-3.0)
    result = score_course(history, bank, strict)
    assert result.theta < -1.0
    assert result.status == "rejected" and result.reason == "zero_score"


def test_recomputation_uses_the_parameters_recorded_when_served(bank, config):
    history = full_test(bank, config)
    recorded = [Served(s.item_id, s.result, a=float(bank.a[bank.index_of(s.item_id)]) * 1.5,
                       b=float(bank.b[bank.index_of(s.item_id)]) + 0.5) for s in history]
    assert score_course(recorded, bank, config).theta != score_course(history, bank, config).theta


def test_bad_ending_is_an_error(bank, config):
    with pytest.raises(ValueError):
        score_course([], bank, config, ended_by="aliens")
