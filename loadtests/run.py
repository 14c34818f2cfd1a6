"""`make loadtest`: K app processes on PostgreSQL, Locust distributed and headless, a summary.

`python -m loadtests.run [--workers K] [--candidates N] [--compression C] ...`

1. (Re)creates the database `passation_loadtest`, migrates it, seeds the sessions.
2. Starts K uvicorn processes (httptools + uvloop, no access log, a large backlog) on K ports,
   pinned to the app CPUs; Locust spreads the simulated people over them (round robin).
3. Phase "capacity": many candidates, enough to saturate the app → the sustained rate R.
   Phase "70 %": as many candidates as offer 0.7 R → latency at 70 % of the sustained rate.
   Each phase: a Locust master and workers (pinned to the Locust CPUs), a ramp-then-hold shape,
   CSV + HTML reports under var/loadtest/.
4. Prints and writes the summary (var/loadtest/summary.md). Everything stops by itself: each
   phase is bounded (ramp + hold + a grace period), then the processes are terminated.
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from loadtests import report
from loadtests.seed import SEATS, seed
from web.migrate import upgrade
from web.settings import ROOT

PY = sys.executable
LOCUST = str(Path(PY).with_name("locust"))
ADMIN_URL = os.environ.get("LOADTEST_ADMIN_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DB_NAME = "passation_loadtest"


def recreate_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


def pinned(cpus: str, command: list[str]) -> list[str]:
    return ["taskset", "-c", cpus, *command] if cpus and shutil.which("taskset") else command


def start_app(port: int, database_url: str, cpus: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "PASSATION_ENV": "production",
           "SECRET_KEY": secrets.token_urlsafe(36), "SWEEP_INTERVAL_SECONDS": "5"}
    command = [PY, "-m", "uvicorn", "--factory", "web.app:asgi_app", "--host", "127.0.0.1",
               "--port", str(port), "--http", "httptools", "--loop", "uvloop",
               "--no-access-log", "--backlog", "8192", "--timeout-keep-alive", "60",
               # X-Forwarded-For is trusted from 127.0.0.1 only (the default), as behind a proxy.
               "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    return subprocess.Popen(pinned(cpus, command), env=env, cwd=ROOT,  # noqa: S603 - our argv
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def machine_reference(cpus: str) -> float | None:
    """loadtests/reference.py's figure on the app's CPUs (ms, lower is faster)."""
    command = pinned(cpus.split(",")[0] if cpus else "", [PY, "-m", "loadtests.reference"])
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,  # noqa: S603
                              timeout=120, check=True)
        return float(done.stdout.strip())
    except (subprocess.SubprocessError, ValueError) as error:
        print(f"machine reference not measured: {error}", file=sys.stderr)
        return None


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app on port {port} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/sante", timeout=2) as r:  # noqa: S310 - local
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"app on port {port} not ready after {timeout} s")


def stop(processes: list[subprocess.Popen], timeout: float = 10) -> None:
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for p in processes:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run_phase(name: str, args: argparse.Namespace, database_url: str,
              apps: list[subprocess.Popen], candidates: int) -> dict[str, Any]:
    out: Path = args.out
    prefix = name
    for stale in out.glob(f"{prefix}[-_]*"):
        stale.unlink()
    sessions = math.ceil(candidates / SEATS)
    manifest = seed(database_url, sessions)
    manifest_path = out / f"{prefix}-manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    hosts = ",".join(f"http://127.0.0.1:{args.port + i}" for i in range(args.workers))
    env = {**os.environ, "LOADTEST_MANIFEST": str(manifest_path), "LOADTEST_HOSTS": hosts,
           "LOADTEST_COMPRESSION": str(args.compression), "LOADTEST_CANDIDATES": str(candidates),
           "LOADTEST_QUESTION_SECONDS": str(report.PACES[args.pace]),
           "LOADTEST_RAMP": str(args.ramp), "LOADTEST_HOLD": str(args.hold),
           "LOADTEST_SETTLE": str(args.settle), "LOADTEST_DIR": str(out),
           "LOADTEST_PREFIX": prefix, "LOADTEST_DATABASE_URL": database_url,
           "LOADTEST_APP_PIDS": ",".join(str(p.pid) for p in apps),
           "PYTHONPATH": str(ROOT)}
    locustfile = str(ROOT / "loadtests" / "locustfile.py")
    common = [LOCUST, "-f", locustfile, "--host", f"http://127.0.0.1:{args.port}"]
    master_cmd = [*common, "--master", "--master-bind-host", "127.0.0.1",
                  "--master-bind-port", str(args.master_port), "--headless", "--only-summary",
                  "--expect-workers", str(args.locust_workers),
                  "--csv", str(out / prefix), "--html", str(out / f"{prefix}.html"),
                  "--stop-timeout", "2", "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    # The host's slow spells inflate every CPU figure without showing as steal (round 10):
    # a small fixed workload sampled on the app's CPU tells them apart.
    probe_path = out / f"{prefix}-probe.txt"
    probe = subprocess.Popen(  # noqa: S603 - our own argv
        pinned(args.app_cpus.split(",")[0], [PY, "-m", "loadtests.reference", "--probe",
                                             str(probe_path)]), cwd=ROOT)
    log = (out / f"{prefix}-locust.log").open("ab")
    master = subprocess.Popen(pinned(args.locust_cpus, master_cmd), env=env, cwd=ROOT,  # noqa: S603
                              stdout=log, stderr=subprocess.STDOUT)
    time.sleep(1.0)
    workers = [subprocess.Popen(  # noqa: S603 - our own argv
        pinned(args.locust_cpus, [*common, "--worker", "--master-host", "127.0.0.1",
                                  "--master-port", str(args.master_port),
                                  "--loglevel", "WARNING"]),
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(args.locust_workers)]
    bound = args.ramp + args.hold + 45
    try:
        master.wait(timeout=bound)
    except subprocess.TimeoutExpired:
        print(f"  {name}: Locust still running after {bound} s, stopping it", file=sys.stderr)
    stop([master])
    try:  # workers write their ledgers when the master tells them the test stopped
        for w in workers:
            w.wait(timeout=15)
    except subprocess.TimeoutExpired:
        print(f"  {name}: a Locust worker did not stop by itself", file=sys.stderr)
    finally:
        stop([*workers, probe])
    window_path = out / f"{prefix}-window.json"
    window = json.loads(window_path.read_text()) if window_path.exists() else {}
    if window.get("from") and probe_path.exists():
        window["speed_probe"] = report.probe_summary(probe_path.read_text().splitlines(),
                                                     window["from"], window["to"])
    stats = report.read_stats(out / prefix)
    check = report.exactly_once(database_url, [s["id"] for s in manifest["sessions"]], out, prefix)
    params = {"candidates": candidates, "proctors": sessions, "compression": args.compression,
              "pace": args.pace,
              "workers": args.workers, "app_cpus": args.app_cpus or "any",
              "locust_cpus": args.locust_cpus or "any", "seed_seconds": manifest["seconds"]}
    text_ = report.format_phase(f"{name} ({args.workers} app worker(s))", params, window,
                                stats, check, out / prefix)
    print(text_, flush=True)
    return {"params": params, "window": window, "stats": stats,
            "check": {k: v for k, v in check.items() if k != "examples"}, "text": text_}


def candidates_for(target: float, candidates: int, rate: float,
                   stats: list[dict[str, Any]]) -> int:
    """Candidates that offer `target` answers/s when the server answers at once, from a phase
    where `candidates` gave `rate`. Each of them answered every candidates / rate seconds: its
    own time (thinking, timed items, skips…) plus its time waiting on the server, queueing
    included — the candidates' requests' total time (Locust's count × mean of each, the
    proctors' excepted) per answer cycle. Without that waiting, this is what a candidate
    takes at a lower load. (The nominal pace alone — a question every PACES[pace] /
    compression s — put the "70 %" phase at ≈ 87 % of the capacity phase's rate: timed items
    and skips go faster than the pace.)"""
    cycles = sum(s["count"] for s in stats if s["name"] == "answer cycle")
    waiting = sum(s["count"] * s["mean"] for s in stats
                  if s["type"] not in {"CYCLE", ""} and s["name"] not in report.PROCTOR_REQUESTS)
    per_answer = waiting / 1000 / cycles if cycles else 0.0
    own_time = max(candidates / rate - per_answer, 1e-3)
    return max(SEATS, round(target * own_time))


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Passation load test (see loadtests/README.md)")
    p.add_argument("--workers", type=int, default=1, help="app worker processes (K)")
    p.add_argument("--candidates", type=int, default=1100,
                   help="simulated candidates in the capacity phase: more than the app sustains "
                   "(1,100 saturate one worker on the VMs of December 2026: the answer "
                   "cycle's latency rises; 600 offered only ≈ 55 %% of its capacity)")
    p.add_argument("--compression", type=float, default=20.0,
                   help="think times are divided by this factor (20 at the peak pace: a test "
                   "lasts 30 min / 20 = 90 s, longer than a phase, so nobody finishes inside "
                   "the measurement window; rounds 1-3 used 40 at the mean pace)")
    p.add_argument("--pace", choices=sorted(report.PACES), default="peak",
                   help="time per question: peak = 32 answers in 30 min (the design point's "
                   "750 answers/s), mean = in an hour (rounds 1-3)")
    p.add_argument("--ramp", type=float, default=20.0)
    p.add_argument("--hold", type=float, default=60.0, help="seconds, ramp included")
    p.add_argument("--settle", type=float, default=10.0,
                   help="seconds after the ramp before the measurement window opens")
    p.add_argument("--phases", default="capacity,70",
                   help="capacity, 70 (needs capacity first), or fixed")
    p.add_argument("--port", type=int, default=8101)
    p.add_argument("--master-port", type=int, default=5557)
    p.add_argument("--locust-workers", type=int, default=1)
    p.add_argument("--app-cpus", default="0", help="taskset list for the app ('' = any)")
    p.add_argument("--locust-cpus", default="1", help="taskset list for Locust ('' = any)")
    p.add_argument("--database-url", default="",
                   help="use this database as is (e.g. SQLite for the smoke test)")
    p.add_argument("--out", type=Path, default=ROOT / "var" / "loadtest")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    if args.database_url:
        database_url = args.database_url
        upgrade(database_url)
    else:
        database_url = recreate_database(ADMIN_URL, DB_NAME)
    reference = [machine_reference(args.app_cpus)]
    apps = [start_app(args.port + i, database_url, args.app_cpus, args.out / "app.log")
            for i in range(args.workers)]
    results: dict[str, Any] = {}
    try:
        for i, app in enumerate(apps):
            wait_ready(args.port + i, app)
        for phase in args.phases.split(","):
            if phase == "70":
                capacity = results.get("capacity", {})
                rate = capacity.get("window", {}).get("answers_per_second")
                if not rate:
                    print("70 % phase skipped: no capacity measured", file=sys.stderr)
                    continue
                candidates = candidates_for(0.7 * rate, args.candidates, rate,
                                            capacity.get("stats", []))
                results["70"] = phase = run_phase(f"w{args.workers}-70pct", args, database_url,
                                                  apps, candidates)
                achieved = phase.get("window", {}).get("answers_per_second") or 0.0
                share = (f"- this phase's rate: **{100 * achieved / rate:.0f} % of the capacity "
                         f"phase's** ({achieved} against {rate} answer cycles/s)\n")
                print(share, flush=True)
                phase["text"] += share
            else:
                results[phase] = run_phase(f"w{args.workers}-{phase}", args, database_url, apps,
                                           args.candidates)
    finally:
        stop(apps)
    reference.append(machine_reference(args.app_cpus))
    interpreter = report.interpreter()
    machine = report.format_reference(reference, args.app_cpus, interpreter)
    print(machine)
    summary = ("# Load test summary\n\n" + machine + "\n\n"
               + "\n".join(r["text"] for r in results.values()))
    summary += f"\nTotal wall time: {time.monotonic() - started:.0f} s\n"
    (args.out / f"summary-w{args.workers}.md").write_text(summary)
    (args.out / f"summary-w{args.workers}.json").write_text(
        json.dumps({"machine_reference_ms": reference, "interpreter": interpreter,
                    **{k: {kk: vv for kk, vv in v.items() if kk != "text"}
                       for k, v in results.items()}}, indent=1))
    # On PostgreSQL a phase without a measurement window (Locust did not start, the run was
    # cut short) measured nothing: that is a failed run, not a clean one.
    measured = database_url.startswith("sqlite") or all(r["window"] for r in results.values())
    ok = bool(results) and measured and all(
        r["check"].get("ok") and not any(s["failures"] for s in r["stats"])
        for r in results.values())
    print(f"Summary written to {args.out}/summary-w{args.workers}.md — "
          f"{'no failure, exactly-once OK' if ok else 'FAILURES or exactly-once violations'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
