"""The summary of one load-test phase: rates, latencies, failures, CPU, exactly-once check."""

from __future__ import annotations

import csv
import os
import platform
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, text

from loadtests.pages import load_ledgers

# Seconds a candidate spends per question, before time compression, by pace (--pace):
# "peak": 32 answers in 30 min — the first half-hour of a slot, when everyone has started and
# the fast are still answering: the design point's 750 answers/s from 40,000 candidates
# (loadtests/README.md); "mean": 32 answers in an hour, the whole slot's average (rounds 1–3).
PACES = {"peak": 1800 / 32, "mean": 3600 / 32}


# The ProctorUser's requests (locustfile.py, which checks each against this list); every
# other request is a candidate's.
PROCTOR_REQUESTS = frozenset({
    "proctor login page", "proctor login", "live page", "live list", "live list after action",
    "confirm presence", "authorise resume", "alert valider", "alert rejeter"})


def read_stats(csv_prefix: Path) -> list[dict[str, Any]]:
    path = Path(f"{csv_prefix}_stats.csv")
    if not path.exists():
        return []
    rows = []
    with path.open() as f:
        for row in csv.DictReader(f):
            rows.append({"type": row["Type"], "name": row["Name"],
                         "count": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                         "rps": float(row["Requests/s"]),
                         "mean": float(row["Average Response Time"] or 0),
                         "p50": row["50%"], "p95": row["95%"],
                         "p99": row["99%"], "max": row["100%"]})
    return rows


def exactly_once(database_url: str, session_ids: list[int], directory: Path,
                 prefix: str) -> dict[str, Any]:
    """Every answer Locust saw acknowledged is stored exactly once; nothing stored unsent."""
    ledger = load_ledgers(directory, prefix)
    acknowledged: list[int] = ledger["acknowledged"]  # type: ignore[assignment]
    sent: set[int] = ledger["sent"]  # type: ignore[assignment]
    query = text("SELECT a.served_item_id, count(*) FROM answer a "
                 "JOIN certification_course c ON c.id = a.course_id "
                 "WHERE c.session_id IN :ids GROUP BY a.served_item_id"
                 ).bindparams(bindparam("ids", expanding=True))
    engine = create_engine(database_url)
    with engine.connect() as conn:
        stored = {row[0]: row[1] for row in conn.execute(query, {"ids": session_ids})}
    engine.dispose()
    acked_set = set(acknowledged)
    lost = sorted(s for s in acked_set if stored.get(s, 0) == 0)
    duplicated = sorted(s for s, n in stored.items() if n > 1)
    acked_twice = len(acknowledged) - len(acked_set)
    unsent = sorted(s for s in stored if s not in sent)
    in_flight = sorted(s for s in stored if s in sent and s not in acked_set)
    return {"acknowledged": len(acknowledged), "stored": sum(stored.values()),
            "lost": len(lost), "duplicated": len(duplicated), "acknowledged_twice": acked_twice,
            "stored_but_never_sent": len(unsent),
            "stored_not_acknowledged": len(in_flight),  # in flight when the run stopped
            "ok": not (lost or duplicated or acked_twice or unsent),
            "completed_tests": ledger["completed_tests"], "resumes": ledger["resumes"],
            "reports": ledger["reports"], "examples": {"lost": lost[:5], "unsent": unsent[:5]}}


def read_failures(csv_prefix: Path | None) -> list[tuple[int, str]]:
    """Locust's failures file: (occurrences, "METHOD name: error"), so a summary says why."""
    path = Path(f"{csv_prefix}_failures.csv")
    if csv_prefix is None or not path.exists():
        return []
    with path.open() as f:
        return [(int(row["Occurrences"]), f"{row['Method']} {row['Name']}: {row['Error']}")
                for row in csv.DictReader(f)]


def format_reference(reference: list[float | None], cpus: str, interpreter: str) -> str:
    """The machine's speed before and after the phases (loadtests/reference.py), and the
    interpreter that ran it and the app: an optimised build runs both faster (README, round 10)."""
    shown = " / ".join("not measured" if r is None else f"{r:.1f} ms" for r in reference)
    return (f"Interpreter of the app, Locust and the reference: {interpreter}.\n\n"
            f"Machine reference (`python -m loadtests.reference` on CPU "
            f"{(cpus or 'any').split(',')[0]}, before / after the phases; lower is faster, "
            f"compare the figures of two machines, on the same interpreter, through its "
            f"ratio): {shown}")


def interpreter() -> str:
    """This Python, by version and the executable behind the venv's link (e.g. a distribution's
    /usr/bin/python3.11 or a pyenv source build)."""
    return (f"{platform.python_implementation()} {platform.python_version()} "
            f"({os.path.realpath(sys.executable)})")


def probe_summary(lines: list[str], start: float, end: float) -> dict[str, Any] | None:
    """The speed probe's samples (loadtests/reference.py, `probe`) taken inside the measurement
    window [start, end]: their count, median, 90th percentile and maximum in CPU ms; None
    without a sample in the window."""
    samples = []
    for line in lines:
        try:
            at, ms = (float(v) for v in line.split())
        except ValueError:  # the line the probe was writing when it was stopped
            continue
        if start <= at <= end:
            samples.append(ms)
    if not samples:
        return None
    samples.sort()
    return {"samples": len(samples), "median_ms": round(samples[len(samples) // 2], 2),
            "p90_ms": round(samples[min(len(samples) - 1, int(0.9 * len(samples)))], 2),
            "max_ms": round(samples[-1], 2)}


def format_probe(probe: dict[str, Any], cpus: str) -> str:
    return (f"- VM speed during the window (`loadtests.reference --probe` on CPU "
            f"{cpus.split(',')[0]}: CPU time of a small fixed workload once a second, beside the "
            f"app; higher is slower, a slow spell of the host inflates it with every CPU figure "
            f"of the phase; compare runs of the same load and interpreter): median "
            f"{probe['median_ms']:.2f} ms, p90 {probe['p90_ms']:.2f}, max {probe['max_ms']:.2f} "
            f"({probe['samples']} samples)")


def format_phase(name: str, params: dict[str, Any], window: dict[str, Any],
                 stats: list[dict[str, Any]], check: dict[str, Any],
                 csv_prefix: Path | None = None) -> str:
    lines = [f"## {name}", ""]
    c = params["compression"]
    lines.append(
        f"{params['candidates']} simulated candidates + {params['proctors']} proctors, "
        f"time compression ×{c:g} → the request rate of {params['candidates'] * c:,.0f} real "
        f"candidates ({params['proctors'] * c:,.0f} proctors); {params['workers']} app "
        f"worker process(es) on CPU {params['app_cpus']}, Locust on CPU {params['locust_cpus']}; "
        f"pace: {params.get('pace', 'mean')} (a question every "
        f"{PACES[params.get('pace', 'mean')]:.0f} s of real time).")
    lines.append("")
    if window and window["answers"] == 0:
        lines.append(f"- measurement window: {window['seconds']} s, but no answer was stored in "
                     "it: no per-answer figure (lengthen --hold or lower --compression)")
    elif window:
        lines += [
            f"- measurement window: {window['seconds']} s (after ramp + settle)",
            f"- **answer cycles sustained: {window['answers_per_second']}/s** "
            f"({window['answers']} answers stored in the window)",
            f"- **app CPU: {window['app_ms_per_answer']} ms per answer cycle** "
            f"({window['app_cores_busy']} cores busy)",
            f"- **PostgreSQL CPU: {window['pg_ms_per_answer']} ms per answer cycle** "
            f"({window['pg_cores_busy']} cores busy)",
            f"- cores busy (all processes): {window['core_busy_percent']}",
        ]
        if window.get("core_steal_percent") is not None:
            lines.append(f"- stolen by the hypervisor (share of each core's time): "
                         f"{window['core_steal_percent']}")
        if window.get("speed_probe"):
            lines.append(format_probe(window["speed_probe"], params["app_cpus"]))
    else:
        lines.append("- no measurement window (not on PostgreSQL, or the run was cut short)")
    count = {r["name"]: r["count"] for r in stats}
    if count.get("answer cycle"):
        polls = count.get("live list", 0) + count.get("live list after action", 0)
        lines.append(f"- proctor list polls per answer cycle: "
                     f"{polls / count['answer cycle']:.2f} (whole phase)")
    failures = sum(r["failures"] for r in stats if r["name"] != "Aggregated")
    lines.append(f"- failures: **{failures}**")
    lines += [f"  - {n} × {message}" for n, message in read_failures(csv_prefix)]
    verdict = "OK" if check.get("ok") else "FAILED"
    lines.append(
        f"- exactly-once: **{verdict}** — {check.get('acknowledged', 0)} answers acknowledged, "
        f"{check.get('stored', 0)} stored; lost {check.get('lost', 0)}, duplicated "
        f"{check.get('duplicated', 0)}, acknowledged twice {check.get('acknowledged_twice', 0)}, "
        f"stored but never sent {check.get('stored_but_never_sent', 0)}, in flight at stop "
        f"(stored, not acknowledged) {check.get('stored_not_acknowledged', 0)}")
    lines.append(f"- tests completed {check.get('completed_tests', 0)}, disconnections resumed "
                 f"{check.get('resumes', 0)}, problems reported {check.get('reports', 0)}")
    lines += ["", "| request | count | fail | req/s | p50 ms | p95 ms | p99 ms | max ms |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in stats:
        lines.append(f"| {r['name']} | {r['count']} | {r['failures']} | {r['rps']:.1f} | "
                     f"{r['p50']} | {r['p95']} | {r['p99']} | {r['max']} |")
    return "\n".join(lines) + "\n"
