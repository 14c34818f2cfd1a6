"""A few-second load test: real app process, Locust master + worker, a handful of people.

On this run's PostgreSQL database; where PostgreSQL is unreachable, on SQLite outside CI (the
harness is what is tested here) and a failure in CI.
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import IN_CI, skip_or_fail
from web.settings import ROOT

pytestmark = pytest.mark.loadtest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smoke_run_has_no_failure_and_no_lost_answer(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    url = request.getfixturevalue("pg_database")
    if url is None:
        reason = "PostgreSQL unreachable: " + request.getfixturevalue("pg_unreachable_reason")
        if IN_CI:
            skip_or_fail(reason)
        url = f"sqlite:///{tmp_path / 'smoke.sqlite3'}"
    out = tmp_path / "loadtest"
    command = [sys.executable, "-m", "loadtests.run", "--database-url", url, "--phases", "fixed",
               "--candidates", "6", "--compression", "600", "--ramp", "2", "--hold", "12",
               "--settle", "1", "--port", str(free_port()), "--master-port", str(free_port()),
               "--app-cpus", "", "--locust-cpus", "", "--out", str(out)]
    env = {**os.environ, "LOADTEST_FORCE_INCIDENTS": "1"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summary = json.loads((out / "summary-w1.json").read_text())
    # The machine's speed, measured before and after the phases on the app's CPU.
    assert all(ms > 0 for ms in summary["machine_reference_ms"])
    assert "Machine reference" in (out / "summary-w1.md").read_text()
    # And the interpreter that ran it and the app: an optimised build changes both figures.
    python = f"{platform.python_version()} ({os.path.realpath(sys.executable)})"
    assert summary["interpreter"].endswith(python)
    assert f"Interpreter of the app, Locust and the reference: CPython {python}" in (
        out / "summary-w1.md").read_text()
    phase = summary["fixed"]
    check, stats = phase["check"], phase["stats"]
    assert check["ok"] and check["lost"] == 0 and check["duplicated"] == 0
    assert check["acknowledged"] >= 6 * 20  # most of the six tests went through
    assert check["resumes"] >= 1 and check["reports"] >= 1 and check["completed_tests"] >= 1
    assert sum(s["failures"] for s in stats) == 0
    names = {s["name"] for s in stats}
    assert {"answer", "answer cycle", "live list", "authorise resume", "report problem"} <= names
    if url.startswith("postgresql"):  # the tests run into the measurement window
        window = phase["window"]
        assert window["answers"] > 0 and window["app_ms_per_answer"] > 0
        assert all(0 <= share <= 100 for share in window["core_steal_percent"].values())
        # The host's speed during the window, sampled on the app's CPU about once a second.
        probe = window["speed_probe"]
        assert probe["samples"] >= 3 and probe["max_ms"] >= probe["median_ms"] > 0
        assert "VM speed during the window" in (out / "summary-w1.md").read_text()
        # PostgreSQL's CPU per hot statement, on what the run left (loadtests.bench_statements).
        bench = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "loadtests.bench_statements", "--database-url", url,
             "--statements", "40", "--rounds", "1"],
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
        assert bench.returncode == 0, bench.stdout + bench.stderr
        rows = [line for line in bench.stdout.splitlines()[1:] if line.strip()]
        assert [row.split("  ")[0] for row in rows] == [
            "SELECT 1 (protocol floor)", "course read, all items (known = 0)",
            "course read after the settled items", "proctor's live list (20 rows)"]


def test_the_window_tells_the_time_stolen_by_the_hypervisor() -> None:
    from loadtests.measure import window

    def snap(t: float, answers: int, cores: dict, app: int) -> dict:
        return {"time": t, "answers": answers, "cores": cores, "app": {"1": app}, "pg": {}}

    # 1,000 ticks of cpu0 between the snapshots: 600 busy, 50 of them stolen.
    start = snap(0.0, 0, {"cpu0": [100, 1000, 10]}, 0)
    end = snap(10.0, 100, {"cpu0": [700, 2000, 60]}, 50)
    result = window(start, end)
    assert result["core_busy_percent"] == {"cpu0": 60.0}
    assert result["core_steal_percent"] == {"cpu0": 5.0}
    assert result["answers_per_second"] == 10.0
