"""The htmx question fragment (candidate/_question.html) filled into a cached frame.

Once the item's own markup was cached (item_markup.py), rendering the rest of the fragment
through Jinja2 was still the largest piece of the answer cycle's Python: a dozen gettext calls,
escaping, the context machinery. Yet all of it but a few values (the question's number, the
served id, the time left, the item's markup) is the same for every candidate whose question has
the same shape: language, pending report, focus mode, accessibility, focus lost, timer,
announcement. So the fragment is rendered once per shape with markers in place of those values
and split on them; a request joins the pieces with its own values, escaped as the template
escapes them (markupsafe's `escape`, which `{{ }}` and gettext's `%` formatting both use).

Guards, so that a template edit can never change a byte unnoticed: a value the frame does not
know (a new variable, an expression on a marker) fails or differs, and the first fragment of
each shape in a process is also rendered by the template and compared; on any difference that
shape keeps rendering through the template (and an error is logged). Only the htmx fragment
without an error message uses frames (the hot path): full pages and 422 re-renders always go
through the template, and so does development (templates reloaded when edited).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape
from starlette.responses import HTMLResponse, Response

from web.htmx import vary_on_htmx
from web.templating import format_duration

log = logging.getLogger("passation")
PARTIAL = "candidate/_question.html"
MARK = "\x00"  # never in a template or a translation; values are only filled in afterwards
# The context entries that decide the fragment's shape (its {% if %}s); every other value the
# template shows is a slot.
SHAPE_KEYS = ("focus_mode", "accessibility", "focused_out")


class _Slot:
    """A marker standing for a value: rendered as MARK name MARK, escaped or not."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __html__(self) -> str:
        return f"{MARK}{self.name}{MARK}"

    __str__ = __html__


def _duration(value: Any) -> Any:
    """The `duration` filter, passing markers through as "name|duration" slots."""
    return _Slot(value.name + "|duration") if isinstance(value, _Slot) else format_duration(value)


_FILTERS = {"duration": format_duration}


@dataclass(frozen=True, slots=True)
class _Stand:
    """What the template reads of `entry` and `item`: the served id, the shape's flags."""

    id: Any = None
    pending: bool = False
    timer: int = 0


@dataclass(slots=True)
class Frame:
    parts: list[str]  # text, slot name, text, slot name, …, text
    slots: tuple[tuple[int, str, str], ...]  # (index in parts, context key, filter or "")
    verified: bool = False


def _shape(lang: str, context: dict[str, Any], entry: Any, item: Any) -> tuple[Any, ...]:
    return (lang, bool(entry.pending), bool(item.timer), bool(context["announce"]),
            *(bool(context[key]) for key in SHAPE_KEYS))


def _build(state: Any, lang: str, shape: tuple[Any, ...], context: dict[str, Any]) -> Frame:
    _, pending, timed, announced, *flags = shape
    env = getattr(state, "question_frame_env", None)
    if env is None:
        # Its own filters (markers through `duration`), its own compiled templates.
        env = state.templates.env.overlay(cache_size=10)
        env.filters = {**env.filters, "duration": _duration}
        state.question_frame_env = env
    values: dict[str, Any] = {key: _Slot(key) for key in context}
    values.update(dict(zip(SHAPE_KEYS, flags, strict=True)))
    values.update({
        "lang": lang, "is_htmx": True, "error": "", "submitted": {},
        "announce": _Slot("announce") if announced else "",
        "entry": _Stand(id=_Slot("served"), pending=pending), "item": _Stand(timer=timed)})
    for key in ("text", "now", "request"):  # not shown by the fragment: no marker for them
        values.pop(key, None)
    parts = env.get_template(PARTIAL).render(values).split(MARK)
    slots = []
    for index in range(1, len(parts), 2):
        name, _, flt = parts[index].partition("|")
        if (name != "served" and name not in context) or (flt and flt not in _FILTERS):
            raise LookupError(f"question frame: unknown slot {parts[index]!r}")
        slots.append((index, name, flt))
    return Frame(parts, tuple(slots))


def _html(value: Any) -> str:
    """`escape(value)` as text. Most slots hold numbers or ready markup, which escape would
    only wrap in a new Markup (a Python-level constructor, ~0.7 µs each on a dozen slots)."""
    if type(value) is int:
        return str(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(value)


def _fill(frame: Frame, context: dict[str, Any], served: int) -> str:
    out = frame.parts.copy()
    for index, name, flt in frame.slots:
        value = served if name == "served" else context[name]
        if flt:
            value = _FILTERS[flt](value)
        out[index] = _html(value)
    return "".join(out)


def fragment(ctx: Any, context: dict[str, Any], status: int,
             render: Callable[[], Response]) -> Response:
    """The htmx question fragment for render_question's context, as its response.

    `render()`: the same response through the template (ctx.render) — for the first fragment
    of each shape, to check the frame, and whenever a frame cannot be used."""
    state = ctx.state
    if state.templates.env.auto_reload:
        return render()
    entry = context["entry"]
    shape = _shape(ctx.lang, context, entry, context["item"])
    frames = getattr(state, "question_frames", None)
    if frames is None:
        frames = state.question_frames = {}
    frame = frames.get(shape, False)
    if frame is False:
        try:
            frame = frames[shape] = _build(state, ctx.lang, shape, context)
        except Exception:  # a template the markers do not cover: the template, always
            log.exception("question frame %r not built: rendered by the template", shape)
            frame = frames[shape] = None
    if frame is None:
        return render()
    body = _fill(frame, context, entry.id)
    if not frame.verified:
        response = render()
        if bytes(response.body) != body.encode():
            log.error("question frame %r differs from the template: template kept", shape)
            frames[shape] = None
        else:
            frame.verified = True
        return response
    return vary_on_htmx(HTMLResponse(body, status_code=status), no_store=True)
