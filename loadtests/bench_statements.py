"""PostgreSQL's CPU per hot statement, and the app's client CPU for it.

`python -m loadtests.bench_statements [--database-url URL] [--statements 4000] [--rounds 4]`

Runs the hot paths' statements, prepared, on one autocommit connection against a database a
previous run left (default: `passation_bench`, from `python -m loadtests.bench_requests`; the
load test's `passation_loadtest` has longer courses), and reads the CPU of the PostgreSQL
backend serving that connection from /proc/<pid>/stat — so PostgreSQL must run on this machine.
The statement kinds alternate round by round; the median and the minimum of the rounds are
printed (a shared VM is noisy). Figures in loadtests/README.md, round 5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.dialects import postgresql

from loadtests.measure import TICK_MS, cpu_ticks
from web.course.state import _COURSE_AND_VIEW
from web.proctor.live import _QUERY as LIVE_LIST


def backend_cpu_us(pid: int) -> float:
    ticks = cpu_ticks(pid)
    assert ticks is not None, "the backend's /proc entry: PostgreSQL must run on this machine"
    return ticks * TICK_MS * 1000


def compiled(statement: Any) -> tuple[str, dict[str, Any]]:
    sql = statement.compile(dialect=postgresql.dialect())
    return str(sql), dict(sql.params)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        default="postgresql://postgres@127.0.0.1:5432/passation_bench")
    parser.add_argument("--statements", type=int, default=4000, help="per kind and round")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    conn = psycopg.connect(args.database_url.replace("+psycopg", ""), autocommit=True)
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
    courses = conn.execute(
        "SELECT c.id, max(s.position) FROM certification_course c"
        " JOIN served_item s ON s.course_id = c.id GROUP BY c.id HAVING count(*) >= 5").fetchall()
    # The list is read for a proctor still signed in (web.proctor.logins): the sign-ins the
    # run left, whatever their age (`since` far back), so the list comes back whole.
    logins = conn.execute("SELECT session_id, token_hash FROM proctor_login"
                          " WHERE signed_out_at IS NULL").fetchall()
    if not courses or not logins:
        print("no courses with five items or more, or no proctor signed in:"
              " run loadtests.bench_requests first")
        return 1
    read, read_defaults = compiled(_COURSE_AND_VIEW)
    live, live_defaults = compiled(LIVE_LIST)

    def full_read() -> tuple[str, dict[str, Any]]:
        course_id, _ = random.choice(courses)
        return read, {**read_defaults, "course_id": course_id, "known": 0}

    def after_settled() -> tuple[str, dict[str, Any]]:  # the current item only
        course_id, last = random.choice(courses)
        return read, {**read_defaults, "course_id": course_id, "known": last - 1}

    def live_list() -> tuple[str, dict[str, Any]]:
        session_id, login = random.choice(logins)
        return live, {**live_defaults, "session_id": session_id, "login": login,
                      "since": dt.datetime(2000, 1, 1)}

    kinds: dict[str, Callable[[], tuple[str, Any]]] = {
        "SELECT 1 (protocol floor)": lambda: ("SELECT 1", None),
        "course read, all items (known = 0)": full_read,
        "course read after the settled items": after_settled,
        "proctor's live list (20 rows)": live_list,
    }
    cursor = conn.cursor()
    results: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(args.rounds):
        for name, make in kinds.items():
            calls = [make() for _ in range(args.statements)]
            for sql, params in calls[:100]:  # warm: prepared, cached
                cursor.execute(sql, params, prepare=True)
                cursor.fetchall()
            server, client = backend_cpu_us(pid), time.process_time()
            for sql, params in calls:
                cursor.execute(sql, params, prepare=True)
                cursor.fetchall()
            results[name].append(((backend_cpu_us(pid) - server) / len(calls),
                                  1e6 * (time.process_time() - client) / len(calls)))
    print(f"{'statement':<40}{'PostgreSQL µs':>16}{'client µs':>14}   median (min) of "
          f"{args.rounds} rounds × {args.statements}")
    for name, rounds in results.items():
        pg = sorted(r[0] for r in rounds)
        app = sorted(r[1] for r in rounds)
        print(f"{name:<40}{pg[len(pg) // 2]:>9.0f} ({pg[0]:>4.0f}){app[len(app) // 2]:>8.0f} "
              f"({app[0]:>4.0f})")
    conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
