"""The 70 % phase's size, from what the capacity phase measured (loadtests.run.candidates_for)."""

from loadtests.run import SEATS, candidates_for


def test_candidates_who_were_answered_at_once_are_scaled_as_they_are() -> None:
    # 600 candidates gave 265 answers/s with answer cycles of a few ms: 70 % of the rate is
    # 70 % of the candidates.
    stats = [{"name": "answer cycle", "mean": 4.0}]
    assert candidates_for(0.7 * 265, 600, 265, stats) == 419  # 0.7 × 600 = 420, less 4 ms each


def test_the_queueing_of_a_saturated_phase_is_not_counted_as_the_candidates_own_time() -> None:
    # 1,100 candidates gave 460 answers/s, each answer cycle taking 0.3 s of queueing: each
    # candidate's own time per answer is 1,100 / 460 − 0.3 s, so 70 % of 460 answers/s needs
    # fewer than 70 % of 1,100 candidates.
    stats = [{"name": "answer", "mean": 250.0}, {"name": "answer cycle", "mean": 300.0}]
    n = candidates_for(0.7 * 460, 1100, 460, stats)
    assert n == round(0.7 * 460 * (1100 / 460 - 0.3)) == 673
    assert n < 0.7 * 1100


def test_never_fewer_than_one_session_of_candidates() -> None:
    assert candidates_for(1.0, 40, 400.0, []) == SEATS
