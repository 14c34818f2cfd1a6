"""The end screen: after question 32, or when the proctor or the clock ended the test."""

from __future__ import annotations

from starlette.responses import Response

from web.candidate.access import current_course, handles_leave
from web.course.lifecycle import end_course
from web.course.timing import is_overdue
from web.handler import Ctx, endpoint
from web.models import Course
from web.models.course import COURSE_STARTED, END_TIME_EXPIRED


def render_end(ctx: Ctx, course: Course) -> Response:
    if course.end_screen_seen_at is None:
        # The centre's finalisation form asks whether the candidate saw the end screen.
        course.end_screen_seen_at = ctx.now
        ctx.db.add(course)
        ctx.db.commit()
    return end_screen(ctx, course.end_reason)


def end_screen(ctx: Ctx, reason: str | None) -> Response:
    """The end screen of a course whose `end_screen_seen_at` is already recorded."""
    return ctx.render("candidate/end.html", {"reason": reason},
                      partial="candidate/_end.html", no_store=True)


@endpoint
@handles_leave
def end_page(ctx: Ctx) -> Response:
    return show_end(ctx)


def show_end(ctx: Ctx) -> Response:
    """What GET /candidat/fin answers; also the htmx answer to the last answer (no 303)."""
    course = current_course(ctx)
    if course.state == COURSE_STARTED:
        if not is_overdue(course, ctx.now):
            return ctx.redirect("/candidat/test")
        end_course(ctx.db, course, END_TIME_EXPIRED, ctx.now)
        ctx.db.commit()
    return render_end(ctx, course)
