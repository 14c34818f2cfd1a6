"""The markup of an item that is the same for every candidate, rendered once per process.

A question page is mostly the item: instruction paragraphs, code, image, table and the answer
fields (proposals, text fields). None of it depends on the course, and items never change
while the process runs (the bank is loaded at start), so it is rendered once per (item id,
language) and the question template only fills in the per-course values around it (position,
time left, the served id). The answer fields are rendered afresh when they must show an error
or the values a candidate submitted (the 422 re-render): that is rare, and caching it would
key on user input.

The cache hangs on the app's state and is tied to the loaded content object: another app in
the same process (the tests build one per bank) or a reloaded bank starts an empty one.
Bounded by the bank's size × the languages; a race between threads renders twice, harmlessly.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

import content

STATIC = "candidate/_item_static.html"
INPUTS = "candidate/_item_inputs.html"
_EMPTY: dict[str, list[str]] = {}


def render(env: Any, name: str, item: content.Item, text: content.ItemText, *,
           error: str = "", submitted: dict[str, list[str]] | None = None) -> Markup:
    """One part (STATIC or INPUTS), uncached. Needs the candidate's language active
    (web.i18n.activate): the templates' own strings are translated while rendering."""
    values = {"item": item, "text": text, "error": error, "submitted": submitted or _EMPTY}
    # Safe: the output of an autoescaping template, every value in it already escaped.
    return Markup(env.get_template(name).render(values))  # noqa: S704


def item_markup(state: Any, lang: str, item_id: str, item: content.Item,
                text: content.ItemText, *, error: str = "",
                submitted: dict[str, list[str]] | None = None) -> dict[str, Markup]:
    """The template values `item_static` and `item_inputs` for this item in `lang`."""
    loaded = state.content
    cache = getattr(state, "item_markup", None)
    if cache is None or cache[0] is not loaded:
        cache = (loaded, dict[tuple[str, str], tuple[Markup, Markup]]())
        state.item_markup = cache
    key = (item_id, lang)
    found = cache[1].get(key)
    env = state.templates.env
    if found is None:
        found = cache[1][key] = (render(env, STATIC, item, text), render(env, INPUTS, item, text))
    static, inputs = found
    if error or submitted:
        inputs = render(env, INPUTS, item, text, error=error, submitted=submitted)
    return {"item_static": static, "item_inputs": inputs}
