"""The question fragment filled into a cached frame (web/candidate/question_frame.py) is the
template's, byte for byte: every shape in both languages, values that need escaping, every item
of the real bank; and the app does use the frames (checked, none set aside)."""

from __future__ import annotations

import itertools
import types

import pytest
from sqlalchemy.engine import Engine
from starlette.testclient import TestClient

from tests.web.flows import CandidateFlow, Exam, synthetic_content
from web import i18n
from web.candidate import item_markup as im
from web.candidate import question_frame as qf
from web.clock import FrozenClock
from web.content_state import load_content
from web.templating import make_templates

HTMX = {"HX-Request": "true"}


def _context(entry, item, parts, *, number=3, length=32, remaining=100, item_remaining=7,
             item_seconds=40, announce="", focus_mode=False, accessibility=False,
             focused_out=False) -> dict:
    return {"entry": entry, "item": item, "text": None, "number": number, "length": length,
            "remaining": remaining, "warnings": "15,5,1", "item_seconds": item_seconds,
            "item_remaining": item_remaining, "focus_mode": focus_mode,
            "focused_out": focused_out, "accessibility": accessibility, "error": "",
            "announce": announce, "submitted": {}, **parts}


def _both(state, lang: str, context: dict) -> tuple[str, str]:
    template = state.templates.env.get_template(qf.PARTIAL).render(
        {"lang": lang, "now": None, "is_htmx": True, **context})
    shape = qf._shape(lang, context, context["entry"], context["item"])
    frame = qf._build(state, lang, shape, context)
    return qf._fill(frame, context, context["entry"].id), template


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_shape_fills_to_the_template_output(lang: str) -> None:
    loaded = load_content()
    state = types.SimpleNamespace(content=loaded, templates=make_templates(auto_reload=False))
    items = list(loaded.bank.items.items())[:3]
    i18n.activate(lang)
    try:
        for (item_id, item), pending, timer, announce, focus, access, out in itertools.product(
                items, (False, True), (0, 45), ("", "Le surveillant <a> & \"b\" 'c'"),
                (False, True), (False, True), (False, True)):
            parts = im.item_markup(state, lang, item_id, item, item.text(lang))
            entry = types.SimpleNamespace(id=123456789012, pending=pending)
            for number, remaining, left in ((1, 0, 0), (17, 3599, 59), (32, 7300, 61)):
                context = _context(entry, types.SimpleNamespace(timer=timer), parts,
                                   number=number, remaining=remaining, item_remaining=left,
                                   announce=announce, focus_mode=focus, accessibility=access,
                                   focused_out=out)
                filled, template = _both(state, lang, context)
                assert filled == template, (item_id, pending, timer, announce, focus, access)
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_item_fills_to_the_template_output(lang: str) -> None:
    loaded = load_content()
    state = types.SimpleNamespace(content=loaded, templates=make_templates(auto_reload=False))
    i18n.activate(lang)
    try:
        for item_id, item in loaded.bank.items.items():
            parts = im.item_markup(state, lang, item_id, item, item.text(lang))
            context = _context(types.SimpleNamespace(id=42, pending=False), item, parts,
                               focus_mode=item.focus, item_remaining=item.timer)
            filled, template = _both(state, lang, context)
            assert filled == template, item_id
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


def test_a_frame_the_template_does_not_match_is_set_aside() -> None:
    state = types.SimpleNamespace(templates=make_templates(auto_reload=False))
    ctx = types.SimpleNamespace(state=state, lang="fr")
    parts = {"item_static": "", "item_inputs": ""}
    context = _context(types.SimpleNamespace(id=5, pending=False),
                       types.SimpleNamespace(timer=0), parts)
    rendered = []

    def render():  # a template that disagrees with the frame
        rendered.append(1)
        return types.SimpleNamespace(body=b"other")

    assert qf.fragment(ctx, context, 200, render).body == b"other"
    assert list(state.question_frames.values()) == [None]
    assert qf.fragment(ctx, context, 200, render).body == b"other" and len(rendered) == 2


def test_the_app_answers_from_checked_frames(client: TestClient, app, db_engine: Engine,
                                             clock: FrozenClock) -> None:
    exam = Exam(app, db_engine, clock)
    flow = CandidateFlow(client, exam, exam.enrol())
    flow.start()
    first = client.get("/candidat/test", headers=HTMX)  # checked against the template
    second = client.get("/candidat/test", headers=HTMX)  # from the frame
    assert first.status_code == second.status_code == 200 and second.text == first.text
    assert first.headers["cache-control"] == second.headers["cache-control"] == "no-store"
    assert first.headers["vary"] == second.headers["vary"]
    frames = app.state.question_frames
    assert frames and all(frame is not None and frame.verified for frame in frames.values())


@pytest.mark.parametrize("timer", [0, 90])
def test_each_htmx_answer_shows_what_the_get_shows(client: TestClient, app, db_engine: Engine,
                                                   clock: FrozenClock, timer: int) -> None:
    """On PostgreSQL the POST renders the next question from the view its write returned (no
    second read): the same bytes as the GET after it, answer after answer, skips included."""
    exam = Exam(app, db_engine, clock, synthetic_content(timer=timer, focus=True))
    flow = CandidateFlow(client, exam, exam.enrol())
    flow.start()
    for n in range(1, 9):
        clock.advance(seconds=37)
        if n % 4 == 0:
            response = client.post("/candidat/test/passer", data={"served": str(flow.served_id())},
                                   headers=HTMX, follow_redirects=False)
        else:
            response = flow.post_answer(flow.answer_form(correct=n % 3 != 0), headers=HTMX,
                                        follow_redirects=False)
        assert response.status_code == 200, response.text
        assert f"Question {n + 1} / 32" in response.text
        again = client.get("/candidat/test", headers=HTMX)
        assert again.text == response.text
        flow.page = again
    assert len(exam.answers(flow.candidate)) == 8
