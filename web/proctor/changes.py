"""A poll's answer as the changes since the list the proctor's browser shows.

Every proctor re-reads the list every 5 s, and while candidates answer it changes at nearly
every poll — mostly the question number of a row or two. Sending the whole list each time
(≈ 2.5 kB a row, ≈ 50 kB for a session of 20) cost a full render and its bytes at every
poll, 400 polls/s at the design point, and replaced every row in the proctor's page,
including a number of minutes being typed. So each process remembers, for the versions of the
lists it sent recently, what each row showed; a poll that sends back one of those versions
gets only what changed, as htmx out-of-band swaps (the main swap is turned off by
`HX-Reswap: none`):

- the list's marker (`#live-meta`: the new version, the count of pending alerts);
- each row whose content or deadline changed (state, alerts, names, time granted…), whole,
  with its time left, inside a `<template>` as htmx wants table rows;
- each row whose question number alone changed: just that number (`#question-<id>`), so the
  row, its buttons and its fields stay as they are.

Anything else — a version this process did not send (another process, or forgotten), other
rows or another order, another count of alerts, a message to show, another language or
template — gets the whole list, as before. The result is the same page as the whole list
would give (tests/web/test_proctor_live.py), except the time left of unchanged rows, which the
browser counts down from the figure it already has.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from typing import Any

import jinja2
from markupsafe import Markup

from web.proctor.live import CandidateRow
from web.proctor.render import ListRenderer

# Per process, per session (least recently used session dropped first): the last few versions
# sent — the one on screen, and those of responses still in flight or lost, or of a second tab.
# For a session of 20, the first version costs ≈ 11 kB and each next one ≈ 3 kB (rows that did
# not change share the previous version's values): ≈ 17 kB a session, ≈ 34 MB for 2,000
# sessions (measured with tracemalloc) — what one process serves at the break point with sticky
# routing, several times over. A forgotten version only costs one whole list.
REMEMBERED_SESSIONS = 2_000
VERSIONS_PER_SESSION = 3

Frame = tuple[Any, ...]  # what the list's frame shows: language, stamp, rows in order, alerts
# candidate → (row key, question number, deadline): everything a row shows (the time left
# follows from the deadline).
Shown = dict[int, tuple[tuple[Any, ...], str, dt.datetime | None]]


def shown_state(lang: str, stamp: str, rows: list[CandidateRow]) -> tuple[Frame, Shown]:
    """What a list shows, as remembered and compared: computed once per poll."""
    frame = (lang, stamp, tuple(row.id for row in rows), sum(len(row.alerts) for row in rows))
    return frame, {row.id: (row.key(), row.question_number(), row.deadline) for row in rows}


class ShownLists:
    """Per process: what the versions of each session's list sent recently show."""

    def __init__(self, sessions: int = REMEMBERED_SESSIONS,
                 versions: int = VERSIONS_PER_SESSION) -> None:
        self.sessions = sessions
        self.versions = versions
        self.lists: OrderedDict[int, OrderedDict[str, tuple[Frame, Shown]]] = OrderedDict()
        self.lock = threading.Lock()

    def remember(self, exam_id: int, version: str, state: tuple[Frame, Shown]) -> None:
        with self.lock:
            kept = self.lists.get(exam_id)
            if kept is None:
                kept = self.lists[exam_id] = OrderedDict()
                if len(self.lists) > self.sessions:
                    self.lists.popitem(last=False)
            else:
                self.lists.move_to_end(exam_id)
                if kept:  # share the rows that did not change with the latest version
                    latest = next(reversed(kept.values()))[1]
                    shown = state[1]
                    for cid, row in shown.items():
                        before = latest.get(cid)
                        if before is not None and before == row:
                            shown[cid] = before
            kept[version] = state
            kept.move_to_end(version)
            if len(kept) > self.versions:
                kept.popitem(last=False)

    def version_state(self, exam_id: int, version: str) -> tuple[Frame, Shown] | None:
        with self.lock:
            kept = self.lists.get(exam_id)
            return None if kept is None else kept.get(version)

    def changes(self, env: jinja2.Environment, renderer: ListRenderer, exam_id: int,
                lang: str, shown_version: str | None, version: str, rows: list[CandidateRow],
                state: tuple[Frame, Shown]) -> Markup | None:
        """The out-of-band swaps that turn the list `shown_version` into this one (`rows`,
        whose `shown_state` is `state`), or None when this process does not know that list or
        the frame differs (send it whole)."""
        if not shown_version:
            return None
        before = self.version_state(exam_id, shown_version)
        frame, now = state
        if before is None or before[0] != frame:
            return None
        shown = before[1]
        # Plain strings, made safe markup once at the end: the version is hex digits, the
        # counts and ids ints, the rows markup rendered by the autoescaped template.
        parts = [f'<div id="live-meta" data-pending-alerts="{frame[3]}" data-live-version='
                 f'"{version}" hidden hx-swap-oob="true"></div>']
        for row in rows:
            key, number, deadline = shown[row.id]
            new_key, new_number, new_deadline = now[row.id]
            if key != new_key or deadline != new_deadline:  # a new deadline: new time left
                html = renderer.row_html(env, lang, exam_id, row).lstrip()
                # The row's own markup opens with `<tr id="candidat-N">`: mark it out-of-band.
                opening = f'<tr id="candidat-{row.id}">'
                if not html.startswith(opening):  # an edited row template: the whole list
                    return None
                parts.append(f'<template><tr id="candidat-{row.id}" hx-swap-oob="true">'
                             f"{html[len(opening):]}</template>")
            elif row.running and number != new_number:
                parts.append(f'<span id="question-{row.id}" hx-swap-oob="true">{new_number}'
                             "</span>")
        return Markup("\n".join(parts))  # noqa: S704 - see above
