"""The test itself: the current question, answering, skipping, reporting a problem.

Hot path: POST /candidat/test/repondre and /candidat/test/passer (one SELECT of the course with
its served items and answers, then on PostgreSQL one statement inserting the answer and the next
item and returning that item, both in autocommit: two round trips; one when this process
remembers the course and its current item and the guarded write finds them unchanged,
web.course.hint). Without JavaScript → 303 →
GET /candidat/test (the same SELECT, render: one round trip); with htmx the POST answers that
next question itself (status 200, rendered from the view the write returned): one request per
answer cycle instead of two. The GET writes only when the proctor has withdrawn the current item
(a replacement is served) or the time is up, in a transaction on `ctx.db`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from web.candidate import question_frame
from web.candidate.access import (
    current_course,
    current_course_view,
    handles_leave,
    remembered_course_view,
)
from web.candidate.end import end_screen, show_end
from web.candidate.item_markup import item_markup
from web.candidate.messages import check_message
from web.course.answering import Invalid, Refused, Submitted, submit, submit_guarded
from web.course.incidents import record_focus_out, report_problem
from web.course.lifecycle import end_course
from web.course.serving import serve_replacement
from web.course.state import CourseData, CourseView, Entry, load_view
from web.course.timing import (
    WARNINGS_MINUTES,
    is_overdue,
    item_deadline,
    item_remaining_seconds,
    item_seconds,
    remaining_seconds,
)
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.inputs import whole_number
from web.models import Course, pk
from web.models.course import COURSE_STARTED, END_COMPLETED, END_TIME_EXPIRED

POLL_STOP = 286  # htmx stops polling on this status


def _served_id(ctx: Ctx, value: str) -> int:
    served_id = whole_number(value, max_digits=18)
    if served_id is None:
        raise HTTPException(400, _("La demande est incomplète ou mal formée."))
    return served_id


def _refuse(ctx: Ctx, status: int, message: str) -> Response:
    """htmx: the message goes to the status region; without JS: a page with a way back."""
    if ctx.htmx:
        raise HTTPException(status, message)
    return ctx.render("candidate/refused.html", {"message": message}, status=status,
                      no_store=True)


def _ensure_current(ctx: Ctx, course: Course | CourseData,
                    view: CourseView | None = None) -> tuple[CourseView, Entry] | Response:
    """The current item, serving a replacement for a withdrawn one; a redirect once ended.

    `view`: already read with the course (the hot path), else read here."""
    if course.state == COURSE_STARTED and is_overdue(course, ctx.now):
        end_course(ctx.db, course, END_TIME_EXPIRED, ctx.now)
        ctx.db.commit()
    if course.state != COURSE_STARTED:
        return ctx.redirect("/candidat/fin")
    if view is None:
        view = load_view(ctx.db, pk(course))
    current = view.current
    if current is None or current.withdrawn:
        try:
            if serve_replacement(ctx.db, course, view, ctx.state.content, ctx.now) is None:
                end_course(ctx.db, course, END_COMPLETED, ctx.now)
            ctx.db.commit()
        except IntegrityError:  # another tab served it first
            ctx.db.rollback()
        if course.state != COURSE_STARTED:
            return ctx.redirect("/candidat/fin")
        view = load_view(ctx.db, pk(course))
        current = view.current
        if current is None or current.withdrawn:
            raise HTTPException(409, _("La question suivante n'a pas pu être préparée. "
                                       "Rechargez la page."))
    return view, current


def render_question(ctx: Ctx, course: Course | CourseData, view: CourseView, entry: Entry, *,
                    error: str = "", status: int = 200, announce: str = "",
                    form: dict[str, list[str]] | None = None) -> Response:
    content = ctx.state.content
    item = content.bank.items[entry.item_id]
    length = content.config_for(course.config_version).length
    number = view.answered + 1
    deadline = item_deadline(entry.timer_started_at, entry.served_at, item.timer,
                             course.extra_time_percent)
    text = item.text(ctx.lang)
    context: dict[str, Any] = {
        "entry": entry, "item": item, "text": text, "number": number,
        "length": length, "remaining": remaining_seconds(course, ctx.now),
        "warnings": ",".join(str(m) for m in WARNINGS_MINUTES),
        "item_seconds": item_seconds(item.timer, course.extra_time_percent) if item.timer else 0,
        "item_remaining": item_remaining_seconds(deadline, ctx.now),
        "focus_mode": item.focus, "focused_out": entry.focused_out_at is not None,
        "accessibility": course.accessibility, "error": error, "announce": announce,
        "submitted": form or {},
        # The item's own markup, rendered once per item and language (item_markup.py).
        **item_markup(ctx.state, ctx.lang, entry.item_id, item, text, error=error,
                      submitted=form),
    }

    def render() -> Response:
        return ctx.render("candidate/question.html", context,
                          partial="candidate/_question.html", status=status, no_store=True)

    if ctx.htmx and not error and form is None:  # the hot path: from a cached frame
        return question_frame.fragment(ctx, context, status, render)
    return render()


@endpoint(on_loop=True)  # hot and short: see web/handler.py
@handles_leave
def question_page(ctx: Ctx) -> Response:
    return _current_question(ctx)


def _current_question(ctx: Ctx) -> Response:
    course, view = current_course_view(ctx)
    found = _ensure_current(ctx, course, view)
    if isinstance(found, Response):
        return found
    return render_question(ctx, course, *found)


def _after_submit(ctx: Ctx, course: CourseData, submitted: Submitted) -> Response:
    """Without JavaScript: 303 to the next page (POST/redirect/GET, so reloading does not
    resend). With htmx the form's XHR would follow that 303 with a GET at once and swap in its
    fragment: answer that fragment directly instead, exactly what the GET would show — from
    the view the write returned (the course is unchanged by it), else read again (a
    resubmitted identical answer gets the current question, as the redirect did)."""
    outcome = submitted.outcome
    if submitted.ended is not None:  # the last answer ended the test in its own statement
        ctx.state.course_hints.forget(course.id)
        ctx.state.settled_entries.forget(course.id)  # never read on the hot path again
        if not ctx.htmx:
            return ctx.redirect("/candidat/fin")
        return end_screen(ctx, submitted.ended.end_reason)  # its end_screen_seen_at is set
    if submitted.view is not None:  # the next read of this course fetches the new item alone
        ctx.state.settled_entries.remember(course.id, submitted.view)
        ctx.state.course_hints.remember(course, submitted.view.current)  # the next answer too
    if not ctx.htmx:
        return ctx.redirect("/candidat/fin" if outcome == "ended" else "/candidat/test")
    if outcome != "ended":
        view = submitted.view
        if view is None:
            course, view = current_course_view(ctx)
        found = _ensure_current(ctx, course, view)
        if not isinstance(found, Response):
            return render_question(ctx, course, *found)
    # Ended (the last answer, the clock, the proctor): where the redirects would have led.
    return show_end(ctx)


def _submit_remembered(ctx: Ctx, form: dict[str, list[str]] | None) -> Response | None:
    """The answer (a skip when `form` is None) to the current item in one round trip, from the
    course and item this process remembers (web.course.hint), when it holds them and the
    guarded write finds them unchanged; None: take the ordinary path (read, then write)."""
    if ctx.conn.dialect.name != "postgresql":
        return None
    found = remembered_course_view(ctx)
    if found is None:
        return None
    course, view = found
    served = whole_number(ctx.field("served"), max_digits=18)
    current = view.current
    if current is None or served is None or served != current.id:
        return None  # another item, or a malformed number: the ordinary path explains
    hints = ctx.state.course_hints
    submitted = submit_guarded(course, view, form, ctx.lang, ctx.state.content, ctx.now,
                               ctx.conn)
    if submitted is None:
        hints.refused += 1
        hints.forget(course.id)
        return None
    hints.used += 1
    return _after_submit(ctx, course, submitted)


@endpoint(on_loop=True)  # hot and short: see web/handler.py
@handles_leave
def answer(ctx: Ctx) -> Response:
    form = ctx.form_dict()
    guarded = _submit_remembered(ctx, form)
    if guarded is not None:
        return guarded
    course, view = current_course_view(ctx)
    served_id = _served_id(ctx, ctx.field("served"))
    try:
        submitted = submit(lambda: ctx.db, course, view, served_id, form, ctx.lang,
                           ctx.state.content, ctx.now, autocommit=ctx.conn,
                           shows_end=ctx.htmx)
    except Refused as refused:
        return _refuse(ctx, refused.status, refused.message)
    except Invalid as invalid:
        return render_question(ctx, course, view, invalid.entry, error=check_message(invalid.error),
                               status=422, form=form)
    return _after_submit(ctx, course, submitted)


@endpoint(on_loop=True)  # hot and short: see web/handler.py
@handles_leave
def skip_confirm(ctx: Ctx) -> Response:
    course, view = current_course_view(ctx)
    found = _ensure_current(ctx, course, view)
    if isinstance(found, Response):
        return found
    view, entry = found
    return ctx.render("candidate/skip.html",
                      {"entry": entry, "number": view.answered + 1,
                       "length": ctx.state.content.config_for(course.config_version).length},
                      partial="candidate/_skip.html", no_store=True)


@endpoint(on_loop=True)  # hot and short: see web/handler.py
@handles_leave
def skip(ctx: Ctx) -> Response:
    guarded = _submit_remembered(ctx, None)
    if guarded is not None:
        return guarded
    course, view = current_course_view(ctx)
    served_id = _served_id(ctx, ctx.field("served"))
    try:
        submitted = submit(lambda: ctx.db, course, view, served_id, None, ctx.lang,
                           ctx.state.content, ctx.now, autocommit=ctx.conn,
                           shows_end=ctx.htmx)
    except Refused as refused:
        return _refuse(ctx, refused.status, refused.message)
    return _after_submit(ctx, course, submitted)


@endpoint
@handles_leave
def report(ctx: Ctx) -> Response:
    course = current_course(ctx)
    served_id = _served_id(ctx, ctx.field("served"))
    if course.state != COURSE_STARTED:
        return ctx.redirect("/candidat/fin")
    try:
        report_problem(ctx.db, course, load_view(ctx.db, pk(course)), served_id, ctx.now)
    except Refused as refused:
        return _refuse(ctx, refused.status, refused.message)
    return ctx.redirect("/candidat/test")


@endpoint(on_loop=True)  # hot and short: see web/handler.py
@handles_leave
def status(ctx: Ctx) -> Response:
    """Polled while a problem report is pending: 204 while nothing changed, else the page."""
    course, view = current_course_view(ctx)
    served_id = _served_id(ctx, ctx.request.query_params.get("served", ""))
    if course.state == COURSE_STARTED and not is_overdue(course, ctx.now):
        current = view.current
        if (current is not None and current.id == served_id and current.pending
                and not current.withdrawn):
            return Response(status_code=204, headers={"cache-control": "no-store"})
    found = _ensure_current(ctx, course, view)
    if isinstance(found, Response):
        return found
    view, entry = found
    if entry.id != served_id:
        message = _("Le surveillant a retiré la question signalée : voici une nouvelle question.")
    else:
        message = _("Le surveillant a examiné votre signalement : "
                    "vous pouvez répondre à la question.")
    return render_question(ctx, course, view, entry, announce=message, status=POLL_STOP)


@endpoint
@handles_leave
def focus_out(ctx: Ctx) -> Response:
    course = current_course(ctx)
    served_id = _served_id(ctx, ctx.field("served"))
    if course.state == COURSE_STARTED:
        record_focus_out(ctx.db, course, load_view(ctx.db, pk(course)), served_id, ctx.now)
    return Response(status_code=204, headers={"cache-control": "no-store"})
