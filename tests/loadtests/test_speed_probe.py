"""The host's speed during a measurement window, from the probe's samples
(loadtests.reference.probe, summarised by loadtests.report.probe_summary)."""

import pytest

from loadtests.reference import probe
from loadtests.report import format_probe, probe_summary


def test_samples_count_inside_the_window_only_relative_to_the_quiet_figure() -> None:
    lines = ["quiet 2.000",
             "99.0 9.000",  # before the window: the ramp
             "100.0 2.000", "101.0 2.200", "102.0 2.400", "103.0 4.000", "104.0 2.100",
             "106.0 8.000"]  # after it
    summary = probe_summary(lines, 100.0, 104.0)
    assert summary == {"quiet_ms": 2.0, "samples": 5, "median": 1.1, "p90": 2.0, "max": 2.0,
                       "slow_share": 0.2}  # 4.0 ms is twice the quiet figure: one slow sample
    text = format_probe(summary, "0")
    assert "on CPU 0" in text and "median ×1.10" in text and "20 % of 5 samples over ×1.5" in text


def test_a_line_cut_short_when_the_probe_was_stopped_is_ignored() -> None:
    summary = probe_summary(["quiet 3.0", "10.0 3.0", "11.0 3."[:5]], 0.0, 20.0)
    assert summary is not None and summary["samples"] == 1 and summary["median"] == 1.0


def test_no_summary_without_a_quiet_figure_or_a_sample_in_the_window() -> None:
    assert probe_summary([], 0.0, 10.0) is None
    assert probe_summary(["10.0 3.0"], 0.0, 20.0) is None  # the quiet line never came
    assert probe_summary(["quiet 3.0", "30.0 3.0"], 0.0, 20.0) is None


class Stopped(Exception):
    pass


def test_the_probe_writes_its_quiet_figure_then_timed_samples(tmp_path, monkeypatch) -> None:
    # Stopped from outside in the load test (SIGTERM); here after its third sample, and
    # without its pauses.
    import loadtests.reference as reference

    written: list[float] = []
    real = reference._after

    def counted(pause: float, iterations: int) -> float:
        written.append(pause)
        if len(written) > 13:  # ten quiet runs, then three samples
            raise Stopped
        return real(0.0, iterations)

    monkeypatch.setattr(reference, "_after", counted)
    path = tmp_path / "probe.txt"
    with pytest.raises(Stopped):
        probe(path, interval=1.0)
    lines = path.read_text().splitlines()
    assert lines[0].startswith("quiet ") and float(lines[0].split()[1]) > 0
    assert len(lines) == 4 and all(float(ms) > 0 for _, ms in (line.split() for line in lines[1:]))
    assert written[:10] == [0.2] * 10 and written[10:13] == [1.0] * 3  # paced as configured
