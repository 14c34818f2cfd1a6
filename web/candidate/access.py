"""Who the candidate is, from the signed session cookie, checked against the database.

Two cookie entries:
- `cand_join`: the identity was found (and, once `code` is true, the access code was right);
  `nonce` becomes the client token of the course this browser starts.
- `cand_course`: the course id and its current client token. Every test request compares both
  with the database: a resume elsewhere rotates the token, so a stale tab or another device
  gets a clear page instead of the test.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlmodel import select
from starlette.responses import Response

from web.course.state import CourseData, CourseView, load_course_and_view
from web.handler import Ctx
from web.models import Candidate, Course

_course = Course.__table__  # type: ignore[attr-defined]
_COURSE_BY_ID = core_select(_course).where(_course.c.id == bindparam("id"))
JOIN_KEY = "cand_join"
COURSE_KEY = "cand_course"


class Leave(Exception):
    """Stop handling the request and answer this response instead."""

    def __init__(self, response: Response) -> None:
        super().__init__("leave")
        self.response = response


def handles_leave(fn: Callable[[Ctx], Response]) -> Callable[[Ctx], Response]:
    @wraps(fn)
    def wrapper(ctx: Ctx) -> Response:
        try:
            return fn(ctx)
        except Leave as leave:
            return leave.response

    return wrapper


# --- joining -------------------------------------------------------------------------------

def set_join(ctx: Ctx, candidate: Candidate, *, code_ok: bool, nonce: str) -> None:
    ctx.session[JOIN_KEY] = {"c": candidate.id, "s": candidate.session_id, "code": code_ok,
                             "nonce": nonce}


def join_state(ctx: Ctx) -> dict[str, Any] | None:
    value = ctx.session.get(JOIN_KEY)
    return value if isinstance(value, dict) and isinstance(value.get("c"), int) else None


def joined_candidate(ctx: Ctx, *, code_required: bool = True) -> Candidate | None:
    state = join_state(ctx)
    if state is None or (code_required and not state.get("code")):
        return None
    return ctx.db.get(Candidate, state["c"])


# --- the course ----------------------------------------------------------------------------

def set_course(ctx: Ctx, course: Course) -> None:
    ctx.session[COURSE_KEY] = {"id": course.id, "t": course.client_token}


def cookie_matches(ctx: Ctx, course: Course) -> bool:
    value = ctx.session.get(COURSE_KEY)
    return (isinstance(value, dict) and value.get("id") == course.id
            and value.get("t") == course.client_token)


def current_course(ctx: Ctx) -> Course:
    """The course this browser may act on, or Leave with a page saying why not."""
    value = ctx.session.get(COURSE_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("id"), int):
        raise Leave(ctx.redirect("/candidat"))
    course = _load_course(ctx, value["id"])
    if course is None:
        ctx.session.pop(COURSE_KEY, None)
        raise Leave(ctx.redirect("/candidat"))
    if value.get("t") != course.client_token:
        raise Leave(ctx.render("candidate/stale.html", status=409, no_store=True))
    return course


def current_course_view(ctx: Ctx) -> tuple[CourseData, CourseView]:
    """current_course for the hot path (question page, answer): the course as a plain row and
    its view, in one SELECT on the autocommit connection (no BEGIN/ROLLBACK round trips)."""
    value = ctx.session.get(COURSE_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("id"), int):
        raise Leave(ctx.redirect("/candidat"))
    found = load_course_and_view(ctx.conn, value["id"], ctx.state.settled_entries)
    if found is None:
        ctx.session.pop(COURSE_KEY, None)
        raise Leave(ctx.redirect("/candidat"))
    if value.get("t") != found[0].client_token:
        raise Leave(ctx.render("candidate/stale.html", status=409, no_store=True))
    ctx.state.course_hints.remember(found[0], found[1].current)  # web.course.hint
    return found


def remembered_course_view(ctx: Ctx) -> tuple[CourseData, CourseView] | None:
    """This browser's course and view as the process last read or wrote them (web.course.hint
    and web.course.settled), without reading: only for a write whose guard re-checks them.
    None when the process holds no such hint, or not for this browser's token."""
    value = ctx.session.get(COURSE_KEY)
    if not isinstance(value, dict) or not isinstance(value.get("id"), int):
        return None
    hint = ctx.state.course_hints.get(value["id"])
    if hint is None:
        return None
    course, current = hint
    settled = ctx.state.settled_entries.get(course.id)
    if value.get("t") != course.client_token or current.position != len(settled) + 1:
        return None  # settled items run from position 1 without gaps: the current one follows
    return course, CourseView((*settled, current))


def _load_course(ctx: Ctx, course_id: int) -> Course | None:
    """The course by primary key, on every test request: a plain-column SELECT made into a
    session-attached Course without the ORM's per-query overhead (the hot path).

    A request that already holds the course (skipping the last question, then showing the
    end screen) gets that instance, re-read: a second one cannot join the same session."""
    if ctx.db.identity_map.get(identity_key(Course, course_id)) is not None:
        return ctx.db.get(Course, course_id, populate_existing=True)
    row = ctx.db.execute(_COURSE_BY_ID, {"id": course_id}).first()
    if row is None:
        return None
    course = Course(**row._mapping)
    make_transient_to_detached(course)
    ctx.db.add(course)
    return course


def course_of(ctx: Ctx, candidate: Candidate) -> Course | None:
    return ctx.db.exec(select(Course).where(Course.candidate_id == candidate.id)).first()
