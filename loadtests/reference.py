"""A fixed CPU workload that measures the machine, not Passation: `python -m loadtests.reference`.

The load test's figures are CPU milliseconds per answer cycle, and the VMs they ran on differed
by up to 1.5 × in speed (loadtests/README.md, rounds 6 and 7) — more than most code changes. This
workload (no Passation code, so a change to the app never moves it) resembles the app's work:
the interpreter on small objects (dicts, strings, a template with a loop, JSON) and small numpy
calls. `make loadtest` runs it on the app's CPU before the phases and prints it with the
summary, so figures from two machines can be compared through their ratio.

Its figure is the median, over `repeats` runs, of this thread's CPU time for one run.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import jinja2
import numpy as np

_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<table>{% for row in rows %}<tr id=\"r-{{ row.id }}\"><th>{{ row.name }}</th>"
    "<td>{{ row.state }}</td><td>{{ '%d / %d' % (row.n, 32) }}</td></tr>{% endfor %}</table>")
_ROWS = [{"id": i, "name": f"Nom <{i}> & Prénom", "state": "running", "n": i % 32}
         for i in range(20)]


def _one_run() -> None:
    grid = np.linspace(-6.0, 6.0, 81)
    table = np.random.default_rng(1).random((2081, 81))
    rows = np.arange(0, 2048, 64)
    for i in range(200):
        _TEMPLATE.render(rows=_ROWS)
        json.loads(json.dumps({"rows": _ROWS, "i": i}))
        logpost = table[rows].sum(axis=0)
        w = np.exp(logpost - logpost.max())
        float(w @ grid) / float(w.sum())
        {f"k{j}": str(j) for j in range(50)}.get("k7")


def measure(repeats: int = 15) -> float:
    """Median CPU milliseconds of one run of the workload (after one warm-up run)."""
    _one_run()
    times = []
    for _ in range(repeats):
        start = time.thread_time_ns()
        _one_run()
        times.append((time.thread_time_ns() - start) / 1e6)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    repeats = int(argv[0]) if argv else 15
    print(f"{measure(repeats):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
