"""PostgreSQL's single statements for an answer: each stores the answer and what follows it in
one round trip, in autocommit (a statement is a transaction). web.course.answering runs them.

The three share their fragments — the answer's columns and the count-and-serve-next tail — so
that a column added to `answer` or `served_item` is added once. Only constant text is spliced
into them (the fragments below and the model's own column names), never a value.
"""

from __future__ import annotations

from sqlalchemy import text

from web.models import Course

_course = Course.__table__  # type: ignore[attr-defined]

_ANSWER_COLUMNS = ("course_id, served_item_id, item_id, value, result, time_spent_ms,"
                   " focused_out, answered_at")
_ANSWER_VALUES = (":course_id, :served_item_id, :item_id, :value, :result, :time_spent_ms,"
                  " :focused_out, :answered_at")
# Every answer statement first updates the course's row, which locks it, and stores the answer
# only if that update found the course not ended by the session's finalisation (`:finalised`):
# the finalisation ends each running course under the same row lock and computes its result
# in the same transaction, so an answer whose statement waited for it must not be stored after
# that result (it would not count). An answer read while the course ran and written after the
# proctor or the clock ended it is stored all the same (web.course.lifecycle: the first reason
# to end wins): its result is computed later, at finalisation.
_NOT_FINALISED = "end_reason IS DISTINCT FROM :finalised"
# After `counted` (the course's row updated, RETURNING its id): store the answer, serve the
# next item, return that item's id — its other columns are the statement's own parameters
# (web.course.answering._served_next builds the Entry; converting them back cost client CPU).
_STORE_AND_SERVE_NEXT = (
    f" stored AS (INSERT INTO answer ({_ANSWER_COLUMNS}) SELECT {_ANSWER_VALUES} FROM counted"  # noqa: S608
    " RETURNING course_id)"
    " INSERT INTO served_item (course_id, position, item_id, a, b, served_at, timer_started_at,"
    " focused_out_at, withdrawn)"
    " SELECT :course_id, :position, :next_item_id, :a, :b, :answered_at, :answered_at, NULL,"
    " false FROM stored"
    " RETURNING id")
_COURSE_COLUMNS = ", ".join(f"c.{column.name}" for column in _course.c)  # CourseData's order

# The answer and the next served item — one round trip instead of BEGIN, two INSERTs and
# COMMIT, and just as atomic (the next item is inserted only with the answer). Committed
# (synchronous_commit on) before the candidate gets the response. No row back: the session was
# finalised meanwhile, nothing written.
ANSWER_AND_NEXT = text(
    "WITH counted AS (UPDATE certification_course SET answered_count = answered_count + 1"  # noqa: S608
    f" WHERE id = :course_id AND {_NOT_FINALISED} RETURNING id),{_STORE_AND_SERVE_NEXT}")

# The same write from a remembered course and current item (web.course.hint): the answer is
# inserted only if, at this statement's snapshot, every mutable column the decision was taken
# on still has the value remembered — the course still running, with the same token and extra
# time; the item not withdrawn, its timer and focus-out unchanged, no report pending on it. The
# other columns used are immutable, and a later item cannot exist while this one is unanswered
# and not withdrawn (an answer's unique constraint, a withdrawal's flag). No row back: nothing
# written, the caller takes the ordinary path.
# The guard's comparisons sit inside one `(…) IS TRUE`, which no index can serve, so that the
# rows are found by the two primary keys alone: with `c.state = $n` as a plain condition the
# prepared statement's generic plan walked the index on (state, started_at) through every
# running course (814 buffers against 7, EXPLAIN on the load test's database, round 6).
GUARDED_ANSWER_AND_NEXT = text(
    "WITH current_item AS ("  # noqa: S608
    " SELECT s.id FROM certification_course c JOIN served_item s ON s.course_id = c.id"
    " WHERE c.id = :course_id AND s.id = :served_item_id"
    " AND (c.state = :started AND c.client_token = :client_token"
    " AND c.granted_minutes = :granted_minutes AND NOT s.withdrawn"
    " AND s.timer_started_at IS NOT DISTINCT FROM :timer_started_at"
    " AND s.focused_out_at IS NOT DISTINCT FROM :focused_out_at) IS TRUE"
    " AND NOT EXISTS (SELECT 1 FROM live_alert l WHERE l.course_id = c.id"
    " AND l.served_item_id = s.id AND l.status = 'pending')),"
    " counted AS (UPDATE certification_course SET answered_count = answered_count + 1"
    f" WHERE id = :course_id AND {_NOT_FINALISED} AND EXISTS (SELECT 1 FROM current_item)"
    f" RETURNING id),{_STORE_AND_SERVE_NEXT}")

# The test's last answer and the end of the test — it was eight round trips through the ORM
# (insert, count, end, dismiss, reload, commit, then the end screen's read and its own commit),
# 4.1 ms of app CPU against 0.64 for any other answer (loadtests/README.md, round 6). As
# web.course.lifecycle.end_course: the first reason to end wins (a course the proctor or the
# clock ended meanwhile keeps its reason, and the answer is stored all the same), pending
# reports are dismissed by the end that ends it; after a finalisation, nothing is written and
# no row comes back (see `_NOT_FINALISED`). The course is found by its primary key alone
# (see the guarded write above about generic plans). `end_screen_seen_at`: the end screen is
# this request's response (htmx), else NULL (the end page records it).
ANSWER_AND_END = text(
    "WITH prior AS (SELECT state FROM certification_course WHERE id = :course_id),"  # noqa: S608
    " ended AS (UPDATE certification_course c SET answered_count = c.answered_count + 1,"
    " end_reason = CASE WHEN c.state = :started THEN :completed ELSE c.end_reason END,"
    " end_comment = CASE WHEN c.state = :started THEN NULL ELSE c.end_comment END,"
    " ended_at = CASE WHEN c.state = :started THEN :answered_at ELSE c.ended_at END,"
    " end_screen_seen_at = COALESCE(c.end_screen_seen_at, :end_screen_seen_at),"
    f" state = :ended WHERE c.id = :course_id AND c.{_NOT_FINALISED}"
    f" RETURNING {_COURSE_COLUMNS}),"
    f" stored AS (INSERT INTO answer ({_ANSWER_COLUMNS}) SELECT {_ANSWER_VALUES} FROM ended"
    " RETURNING course_id),"
    " dismissed AS (UPDATE live_alert SET status = 'dismissed', resolved_at = :answered_at"
    " WHERE course_id = (SELECT course_id FROM stored) AND status = 'pending'"
    " AND (SELECT state FROM prior) = :started)"
    " SELECT * FROM ended")
