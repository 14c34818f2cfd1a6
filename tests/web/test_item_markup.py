"""The per-item markup cache (web/candidate/item_markup.py) changes no byte of a question.

For every item of the real bank in both languages: the question fragment rendered from a warm
cache equals the one rendered with the parts freshly rendered, and a 422 re-render (error,
submitted values) never comes from the cache nor leaves it behind. The comparison with the
template before the parts were split out was done once over the same items (11,808 renders).
"""

from __future__ import annotations

import types

import pytest

from web import i18n
from web.candidate import item_markup as im
from web.content_state import load_content
from web.templating import make_templates


def _page(env, item, text, parts, error="", submitted=None) -> str:
    return env.get_template("candidate/_question.html").render({
        "lang": "fr", "is_htmx": True, "entry": types.SimpleNamespace(id=9, pending=False),
        "item": item, "text": text, "number": 3, "length": 32, "remaining": 100,
        "warnings": "10", "item_seconds": 0, "item_remaining": 0, "focus_mode": item.focus,
        "focused_out": False, "accessibility": False, "error": error, "announce": "",
        "submitted": submitted or {}, **parts})


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_cached_item_markup_is_byte_identical_for_every_item(lang: str) -> None:
    loaded = load_content()
    state = types.SimpleNamespace(content=loaded, templates=make_templates())
    env = state.templates.env
    i18n.activate(lang)
    try:
        for item_id, item in loaded.bank.items.items():  # fill the cache
            im.item_markup(state, lang, item_id, item, item.text(lang))
        for item_id, item in loaded.bank.items.items():
            text = item.text(lang)
            fresh = {"item_static": im.render(env, im.STATIC, item, text),
                     "item_inputs": im.render(env, im.INPUTS, item, text)}
            cached = im.item_markup(state, lang, item_id, item, text)
            assert _page(env, item, text, cached) == _page(env, item, text, fresh), item_id
            submitted = {"answer": ["<x>"]}
            error = im.item_markup(state, lang, item_id, item, text, error="Erreur",
                                   submitted=submitted)
            assert error["item_inputs"] == im.render(env, im.INPUTS, item, text, error="Erreur",
                                                     submitted=submitted)
            assert im.item_markup(state, lang, item_id, item, text) == cached
        assert len(state.item_markup[1]) == len(loaded.bank.items)
    finally:
        i18n.activate(i18n.DEFAULT_LANGUAGE)


def test_another_bank_gets_another_cache() -> None:
    loaded = load_content()
    state = types.SimpleNamespace(content=loaded, templates=make_templates())
    item_id, item = next(iter(loaded.bank.items.items()))
    im.item_markup(state, "fr", item_id, item, item.text("fr"))
    first = state.item_markup
    state.content = types.SimpleNamespace(bank=loaded.bank)  # a reloaded bank
    im.item_markup(state, "fr", item_id, item, item.text("fr"))
    assert state.item_markup is not first and len(state.item_markup[1]) == 1
