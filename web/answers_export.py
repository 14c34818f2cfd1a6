"""Export the answers of finished tests, for calibrating the items (engine.calibrate).

    python -m web.answers_export --out answers.csv [--since 2026-09-01]
    python -m engine.calibrate --answers answers.csv --out items.csv

One row per answer: the course's number, the item and its result (ok, ko, skipped, timedout,
focusedOut), and nothing about the person. Tests a proctor ended (fraud, illness), and tests
whose result was rejected (the centre reported fraud, or the jury rejected it), are left out:
what was answered there may not reflect the candidate. Rows are streamed from the
database, so the export of a national year (tens of millions of answers) holds a few thousand
rows in memory at a time.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from typing import TextIO

from sqlalchemy import exists
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from web.db import make_engine
from web.models import Answer, CertificationResult, Course
from web.models.course import COURSE_ENDED, END_BY_PROCTOR
from web.settings import Settings

BATCH = 5_000


def export(engine: Engine, out: TextIO, since: dt.date | None = None) -> int:
    """Write the answers of finished tests (started on or after `since`) to `out`; returns the
    number of answers written."""
    rejected = exists().where(
        col(CertificationResult.course_id) == col(Course.id),
        (col(CertificationResult.ended_by) == "fraud")
        | (col(CertificationResult.jury_decision) == "rejected"))
    statement = (select(Answer.course_id, Answer.item_id, Answer.result)
                 .join(Course, col(Course.id) == col(Answer.course_id))
                 .where(Course.state == COURSE_ENDED, col(Course.end_reason) != END_BY_PROCTOR,
                        ~rejected)
                 .order_by(col(Answer.course_id), col(Answer.id)))
    if since is not None:
        statement = statement.where(col(Course.started_at) >= dt.datetime.combine(
            since, dt.time()))
    writer = csv.writer(out)
    writer.writerow(["course", "item", "result"])
    written = 0
    with engine.connect() as conn:
        rows = conn.execution_options(yield_per=BATCH).execute(statement)
        for batch in rows.partitions():
            writer.writerows(batch)
            written += len(batch)
    return written


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.answers_export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the CSV file to write")
    parser.add_argument("--since", type=dt.date.fromisoformat,
                        help="only tests started on or after this date (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    try:
        with open(args.out, "w", newline="", encoding="utf-8") as out:
            written = export(engine, out, args.since)
    finally:
        engine.dispose()
    print(f"{written:,} answers written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
