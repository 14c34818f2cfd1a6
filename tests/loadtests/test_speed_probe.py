"""The host's speed during a measurement window, from the probe's samples
(loadtests.reference.probe, summarised by loadtests.report.probe_summary)."""

import pytest

from loadtests.reference import probe
from loadtests.report import format_probe, probe_summary


def test_samples_count_inside_the_window_only() -> None:
    lines = ["99.0 9.000",  # before the window: the ramp
             "100.0 2.000", "101.0 2.200", "102.0 2.400", "103.0 4.000", "104.0 2.100",
             "106.0 8.000"]  # after it
    summary = probe_summary(lines, 100.0, 104.0)
    assert summary == {"samples": 5, "median_ms": 2.2, "p90_ms": 4.0, "max_ms": 4.0}
    text = format_probe(summary, "0")
    assert "on CPU 0" in text and "median 2.20 ms, p90 4.00, max 4.00 (5 samples)" in text


def test_a_line_cut_short_when_the_probe_was_stopped_is_ignored() -> None:
    summary = probe_summary(["10.0 3.0", "11.0 3."[:5]], 0.0, 20.0)
    assert summary == {"samples": 1, "median_ms": 3.0, "p90_ms": 3.0, "max_ms": 3.0}


def test_no_summary_without_a_sample_in_the_window() -> None:
    assert probe_summary([], 0.0, 10.0) is None
    assert probe_summary(["30.0 3.0"], 0.0, 20.0) is None


class Stopped(Exception):
    pass


def test_the_probe_writes_timed_samples_at_its_pace(tmp_path, monkeypatch) -> None:
    # Stopped from outside in the load test (SIGTERM); here after its third sample, and
    # without its pauses.
    import loadtests.reference as reference

    pauses: list[float] = []
    real = reference._after

    def counted(pause: float, iterations: int) -> float:
        pauses.append(pause)
        if len(pauses) > 3:
            raise Stopped
        return real(0.0, iterations)

    monkeypatch.setattr(reference, "_after", counted)
    path = tmp_path / "probe.txt"
    with pytest.raises(Stopped):
        probe(path, interval=1.0)
    samples = [line.split() for line in path.read_text().splitlines()]
    assert len(samples) == 3 and all(float(at) > 0 and float(ms) > 0 for at, ms in samples)
    assert pauses == [1.0] * 4  # paced as configured
