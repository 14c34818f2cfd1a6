"""A fixed CPU workload that measures the machine, not Passation: `python -m loadtests.reference`.

The load test's figures are CPU milliseconds per answer cycle, and the VMs they ran on differed
by up to 1.5 × in speed (loadtests/README.md, rounds 6 and 7) — more than most code changes. This
workload (no Passation code, so a change to the app never moves it) resembles the app's work:
the interpreter on small objects (dicts, strings, a template with a loop, JSON) and small numpy
calls. `make loadtest` runs it on the app's CPU before the phases and prints it with the
summary, so figures from two machines can be compared through their ratio.

Its figure is the median, over `repeats` runs, of this thread's CPU time for one run.
`python -m loadtests.reference --probe FILE [SECONDS]` samples a small run instead, every
SECONDS (1 by default; see `probe`).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import jinja2
import numpy as np

# A probe sample: a tenth of a reference run, ≈ 3 ms of CPU (≈ 0.3 % of a core each second).
PROBE_ITERATIONS = 20

_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    "<table>{% for row in rows %}<tr id=\"r-{{ row.id }}\"><th>{{ row.name }}</th>"
    "<td>{{ row.state }}</td><td>{{ '%d / %d' % (row.n, 32) }}</td></tr>{% endfor %}</table>")
_ROWS = [{"id": i, "name": f"Nom <{i}> & Prénom", "state": "running", "n": i % 32}
         for i in range(20)]


def _one_run(iterations: int = 200) -> None:
    grid = np.linspace(-6.0, 6.0, 81)
    table = np.random.default_rng(1).random((2081, 81))
    rows = np.arange(0, 2048, 64)
    for i in range(iterations):
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


def _after(pause: float, iterations: int) -> float:
    time.sleep(pause)
    start = time.thread_time_ns()
    _one_run(iterations)
    return (time.thread_time_ns() - start) / 1e6


def probe(path: Path, interval: float = 1.0, iterations: int = PROBE_ITERATIONS) -> None:
    """Until killed: a small run of the workload (≈ 3 ms of CPU) every `interval` seconds,
    appended to `path` as "epoch-seconds cpu-ms" lines. The load test runs it on the app's CPU
    during each phase: on this kind of VM the host's slow spells inflate every process's CPU
    time without showing as steal, and the probe's figures tell those spells apart. Its figure
    depends on what shares the core (an idle core sleeps between samples and reads slower than
    a busy one): compare it between runs of the same load and interpreter."""
    _one_run(iterations)
    with path.open("w", buffering=1) as out:
        while True:
            out.write(f"{time.time():.3f} {_after(interval, iterations):.3f}\n")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--probe"]:  # --probe FILE [INTERVAL]
        probe(Path(argv[1]), float(argv[2]) if len(argv) > 2 else 1.0)
        return 0
    repeats = int(argv[0]) if argv else 15
    print(f"{measure(repeats):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
