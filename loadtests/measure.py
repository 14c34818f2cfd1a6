"""CPU accounting from the processes' own counters (/proc/<pid>/stat utime + stime).

A snapshot is taken at the start and at the end of the measurement window (by the Locust
master, from the load shape); the difference divided by the answers stored in between gives
CPU milliseconds per answer cycle, for the app processes and for PostgreSQL separately.

PostgreSQL: the client backends connected to the load-test database, plus the server's
auxiliary processes (WAL writer, checkpointer, background writer, autovacuum), which do work
the load causes, plus the CPU of backends that exited inside the window (the postmaster's
cutime + cstime, which also counts exits from other databases on the same server: nothing else
should run during `make loadtest`).
"""

from __future__ import annotations

import os
import time
from typing import Any

import psycopg

TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # Fields after the command name (which may contain spaces): utime is the 14th field overall.
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def _reaped_ticks() -> int | None:
    """cutime + cstime of the postmaster (the oldest `postgres` process whose parent is 1)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if name == "postgres" and fields[1] == "1":
            return int(fields[13]) + int(fields[14])
    return None


def core_times() -> dict[str, tuple[int, int, int]]:
    """Per core: (busy, total, stolen) clock ticks since boot, from /proc/stat. Stolen: time
    the hypervisor gave to another guest while this one had work (counted in busy too)."""
    result = {}
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                name, *values = line.split()
                numbers = [int(v) for v in values]
                idle = numbers[3] + numbers[4]  # idle + iowait
                result[name] = (sum(numbers[:8]) - idle, sum(numbers[:8]), numbers[7])
    return result


def snapshot(app_pids: list[int], database_url: str) -> dict[str, Any]:
    """CPU ticks of every app process and PostgreSQL process, and the answers stored so far."""
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        pg_pids = [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
            "(datname = current_database() OR backend_type <> 'client backend')")]
        row = conn.execute("SELECT count(*) FROM answer").fetchone()
        answers = row[0] if row else 0
        pg: dict[int | str, int | None] = {pid: cpu_ticks(pid) for pid in pg_pids}
        # Backends that exit are reaped by the postmaster: their CPU lands in its cutime+cstime.
        pg["reaped"] = _reaped_ticks()
    return {"time": time.time(), "answers": answers, "cores": core_times(),
            "app": {str(pid): cpu_ticks(pid) for pid in app_pids},
            "pg": {str(pid): ticks for pid, ticks in pg.items() if ticks is not None}}


def window(start: dict[str, Any], end: dict[str, Any]) -> dict[str, Any]:
    """What happened between two snapshots."""
    seconds = end["time"] - start["time"]
    answers = end["answers"] - start["answers"]
    app_ms = sum((end["app"][p] or 0) - (start["app"].get(p) or 0) for p in end["app"]) * TICK_MS
    pg_ms = sum(ticks - start["pg"].get(p, 0) for p, ticks in end["pg"].items()) * TICK_MS
    cores = {name: round(100 * (end["cores"][name][0] - start["cores"][name][0])
                         / max(1, end["cores"][name][1] - start["cores"][name][1]), 1)
             for name in end["cores"]}
    steal = {name: round(100 * (end["cores"][name][2] - start["cores"][name][2])
                         / max(1, end["cores"][name][1] - start["cores"][name][1]), 1)
             for name in end["cores"] if len(end["cores"][name]) > 2}
    per = answers or None  # no answer in the window: no per-answer figure
    return {"seconds": round(seconds, 2), "from": start["time"], "to": end["time"],
            "answers": answers,
            "answers_per_second": round(answers / seconds, 1) if seconds else 0.0,
            "app_cpu_ms": round(app_ms), "pg_cpu_ms": round(pg_ms),
            "app_ms_per_answer": round(app_ms / per, 3) if per else None,
            "pg_ms_per_answer": round(pg_ms / per, 3) if per else None,
            "app_cores_busy": round(app_ms / 1000 / seconds, 2) if seconds else 0.0,
            "pg_cores_busy": round(pg_ms / 1000 / seconds, 2) if seconds else 0.0,
            "core_busy_percent": cores, "core_steal_percent": steal or None}
