"""The live list's HTML, assembled from pieces rendered once per process.

- Each row (`proctor/_live_row.html`) is rendered again only when what it shows changes (state,
  alerts, names…); the values that change on every poll (time left) or every answer (question
  number) are slots filled at each request.
- The frame around the rows (`proctor/_live.html`: notices, caption, headings) is rendered once
  per language and pending-alert count, with slots for the version and the rows; a list with a
  flash message (after an action, rare) is rendered in full.

The output is the same as rendering the templates every time (tests/web/test_proctor_live.py).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any

import jinja2
from markupsafe import Markup

from web.proctor.live import CandidateRow

ROW_TEMPLATE = "proctor/_live_row.html"
FRAME_TEMPLATE = "proctor/_live.html"
# Sessions whose rendered rows are kept per process (least recently used dropped first):
# ~2.5 kB a row, ~50 kB a session of 20, so about 50 MB at most; a dropped session only costs
# one render of each row (~30 µs) when it is shown again.
SESSION_CACHE_SIZE = 1_000
# Where the per-request values go in a cached piece: NUL never occurs in rendered text, and
# autoescaping leaves it as it is.
_SLOT = re.compile("\x00(remaining|remaining_s|question_n|version|rows_html)\x00")
_ROW_SLOTS = {name: f"\x00{name}\x00" for name in ("remaining", "remaining_s", "question_n")}
_FRAME_SLOTS = {name: f"\x00{name}\x00" for name in ("version", "rows_html")}


def _format(html: str) -> str:
    """A rendered piece as a %-format string with its slots as named fields: filling it is
    then one C-level operation (a poll fills twenty rows and a frame)."""
    parts = _SLOT.split(html.replace("%", "%%"))  # literal, slot name, literal, …
    return "".join(f"%({part})s" if i % 2 else part for i, part in enumerate(parts))


class ListRenderer:
    """Per process: rows as format strings (per template, language and session, then per
    candidate) and list frames (per template, language, alert count, empty or not)."""

    def __init__(self, size: int = SESSION_CACHE_SIZE) -> None:
        self.size = size
        self.sessions: OrderedDict[tuple[Any, ...], dict[int, tuple[Any, str]]] = OrderedDict()
        self.frames: dict[tuple[Any, ...], str] = {}
        self.stamps: dict[tuple[int, int], str] = {}
        self.lock = threading.Lock()  # requests run in the thread pool

    def stamp(self, env: jinja2.Environment) -> str:
        """A digest of the two templates, part of the list's version: after a deployment that
        changes them, every browser gets the new markup at its next poll."""
        row, frame = env.get_template(ROW_TEMPLATE), env.get_template(FRAME_TEMPLATE)
        key = (id(row), id(frame))
        stamp = self.stamps.get(key)
        if stamp is None:
            # Their text, not their path: every server of a deployment gives the same stamp.
            digest = hashlib.blake2b(digest_size=6)
            for template in (row, frame):
                digest.update((template.name or "").encode())
                if template.filename:
                    with open(template.filename, "rb") as handle:
                        digest.update(handle.read())
            stamp = self.stamps[key] = digest.hexdigest()
        return stamp

    def render(self, env: jinja2.Environment, lang: str, exam_id: int, rows: list[CandidateRow],
               *, version: str, flash: str | None) -> Markup:
        """The list fragment (what `proctor/_live.html` renders)."""
        self.render_rows(env, lang, exam_id, rows)
        # Safe markup: see render_rows.
        rows_html = Markup("\n".join([row.html for row in rows]))  # noqa: S704
        pending = sum(len(row.alerts) for row in rows)
        template = env.get_template(FRAME_TEMPLATE)
        context = {"flash": flash, "pending_alerts": pending, "has_rows": bool(rows)}
        if flash:
            return Markup(template.render(**context, version=version,  # noqa: S704
                                          rows_html=rows_html))
        key = (id(template), lang, pending, bool(rows))
        frame = self.frames.get(key)
        if frame is None:
            frame = _format(template.render(**context, **_FRAME_SLOTS))
            with self.lock:
                if len(self.frames) > 1000:  # alert counts are small: never in practice
                    self.frames.clear()
                self.frames[key] = frame
        # Safe markup: the literals come from the autoescaped template, the version is hex
        # digits, the rows are safe markup.
        return Markup(frame % {"version": version, "rows_html": rows_html})  # noqa: S704

    def render_rows(self, env: jinja2.Environment, lang: str, exam_id: int,
                    rows: list[CandidateRow]) -> None:
        """Set `row.html` on each row."""
        # The template object is part of the key: an edited template (auto-reload in
        # development) is a new object, so no stale row is ever served.
        template = env.get_template(ROW_TEMPLATE)
        slot = (id(template), lang, exam_id)
        with self.lock:
            cached = self.sessions.get(slot)
            if cached is None:
                cached = self.sessions[slot] = {}
                if len(self.sessions) > self.size:
                    self.sessions.popitem(last=False)
            else:
                self.sessions.move_to_end(slot)
        # Two proctors of the same session may fill `cached` at once: each entry is a whole
        # (key, format) pair, set in one assignment.
        for row in rows:
            key = row.key()
            entry = cached.get(row.id)
            if entry is None or entry[0] != key:
                entry = (key, _format(template.render(row=row, exam_id=exam_id, **_ROW_SLOTS)))
                cached[row.id] = entry
            # Safe once wrapped (render): the literals come from the autoescaped template, the
            # slot values are digits and unit words (format_duration, str(int)).
            row.html = entry[1] % row.slots()

    def row_html(self, env: jinja2.Environment, lang: str, exam_id: int,
                 row: CandidateRow) -> str:
        """One row's markup (`proctor/_live_row.html`), from the same cache."""
        self.render_rows(env, lang, exam_id, [row])
        return row.html
