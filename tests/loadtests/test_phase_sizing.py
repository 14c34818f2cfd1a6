"""The 70 % phase's size, from what the capacity phase measured (loadtests.run.candidates_for)."""

from loadtests.run import SEATS, candidates_for


def stat(name: str, count: int, mean_ms: float, kind: str = "POST") -> dict:
    return {"type": kind, "name": name, "count": count, "mean": mean_ms}


def test_candidates_who_were_answered_at_once_are_scaled_as_they_are() -> None:
    # 600 candidates gave 265 answers/s with answers of a few ms: 70 % of the rate is about
    # 70 % of the candidates.
    stats = [stat("answer", 1000, 4.0), stat("answer cycle", 1000, 4.0, "CYCLE")]
    assert candidates_for(0.7 * 265, 600, 265, stats) == 419  # 0.7 × 600 = 420, less 4 ms each


def test_the_waiting_of_a_saturated_phase_is_not_counted_as_the_candidates_own_time() -> None:
    # 1,100 candidates gave 460 answers/s; per answer cycle they waited 0.3 s for the answer
    # and 0.1 s on other pages (joining, rules…); the proctors' waiting is theirs. So each
    # candidate's own time per answer is 1,100 / 460 − 0.4 s, and 70 % of 460 answers/s needs
    # fewer than 70 % of 1,100 candidates.
    stats = [stat("answer", 1000, 300.0), stat("answer cycle", 1000, 300.0, "CYCLE"),
             stat("join page", 100, 1000.0, "GET"), stat("live list", 500, 2000.0, "GET"),
             stat("Aggregated", 1600, 800.0, "")]
    n = candidates_for(0.7 * 460, 1100, 460, stats)
    assert n == round(0.7 * 460 * (1100 / 460 - 0.4)) == 641
    assert n < 0.7 * 1100


def test_never_fewer_than_one_session_of_candidates() -> None:
    assert candidates_for(1.0, 40, 400.0, []) == SEATS
