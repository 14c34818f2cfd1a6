"""What the simulated people read on the pages, and the bookkeeping the load test needs.

Parsing follows the real templates (web/templates/candidate/_question.html and
proctor/_live.html): regular expressions on the markup they emit, no DOM.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

_SERVED = re.compile(r'<input type="hidden" name="served" value="(\d+)">')
_AREA_SERVED = re.compile(r'data-served="(\d+)"')
_CHOICE = re.compile(
    r'<input type="(radio|checkbox)" id="answer-[^"]*" name="answer" value="([^"]*)"')
_TEXT = re.compile(r'<input type="text" id="[^"]*" name="(answer(?:-[^"]*)?)"')
_ITEM_TIMER = re.compile(r'data-item-countdown data-remaining-seconds="(\d+)"')
_QUESTION_NO = re.compile(r'id="progress-label">[^<]*?(\d+) / (\d+)<')

_ROW = re.compile(r'<tr id="candidat-(\d+)"[^>]*>(.*?)</tr>', re.S)  # out-of-band rows too
_ALERT = re.compile(r'/alertes/(\d+)/valider"')
_VERSION = re.compile(r'data-live-version="([^"]*)"')


@dataclass
class Question:
    served: int  # the served item's id: the idempotency key of the answer
    number: int
    pending: bool  # a problem report awaits the proctor: no answer form
    timer: int | None  # seconds left on a timed item
    fields: list[tuple[str, str]] = field(default_factory=list)  # a valid-looking answer

    def answer_body(self) -> str:
        return urlencode([("served", str(self.served)), *self.fields])


def parse_question(page: str) -> Question | None:
    """The question on a full page or htmx fragment; None if the page shows no question."""
    area = _AREA_SERVED.search(page)
    if area is None:
        return None
    number = _QUESTION_NO.search(page)
    timer = _ITEM_TIMER.search(page)
    fields: list[tuple[str, str]] = []
    choices = _CHOICE.findall(page)
    if choices:
        # The first proposal: right or wrong does not matter to the load.
        fields.append(("answer", html.unescape(choices[0][1])))
    else:
        # qroc: one text field; qrocm: one per field ("answer-<name>"), every one filled.
        fields = [(html.unescape(name), "reponse") for name in _TEXT.findall(page)]
    return Question(served=int(area.group(1)), number=int(number.group(1)) if number else 0,
                    pending=_SERVED.search(page) is None and 'id="pending-notice"' in page,
                    timer=int(timer.group(1)) if timer else None, fields=fields)


@dataclass
class LiveList:
    resume_requests: list[int]  # candidate ids
    unconfirmed: list[int]  # candidate ids whose presence is not confirmed
    alerts: list[int]  # pending alert ids
    version: str  # data-live-version: sent back by the next poll (X-Live-Version), as proctor.js


def parse_live_list(page: str) -> LiveList:
    resume, unconfirmed = [], []
    for candidate_id, row in _ROW.findall(page):
        if "Demande de reprise" in row:
            resume.append(int(candidate_id))
        if f'id="presence-{candidate_id}"' in row:
            unconfirmed.append(int(candidate_id))
    # Each alert appears twice (action= and hx-post=): keep the order, drop the repeat.
    alerts = list(dict.fromkeys(int(a) for a in _ALERT.findall(page)))
    version = _VERSION.search(page)
    return LiveList(resume, unconfirmed, alerts, version.group(1) if version else "")


def client_address(session_index: int) -> str:
    """One address per room (X-Forwarded-For, trusted from 127.0.0.1 by uvicorn): the rate
    limits keyed on the client address then see a school's room, not one machine."""
    return f"10.{(session_index >> 16) & 255}.{(session_index >> 8) & 255}.{session_index & 255}"


# --- seats, shared by every Locust worker process -------------------------------------------

def claim(path: Path) -> int:
    """The next integer from a counter file, under an exclusive lock: every simulated person
    takes a distinct seat even with several Locust worker processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.read(fd, 32).decode() or "0"
        value = int(raw)
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)
        os.write(fd, str(value + 1).encode())
        return value
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@dataclass
class Ledger:
    """What this Locust process sent and what the server acknowledged, by served item id."""

    sent: set[int] = field(default_factory=set)
    acknowledged: list[int] = field(default_factory=list)  # a list: a double ack would show
    completed_tests: int = 0
    resumes: int = 0
    reports: int = 0

    def dump(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"sent": sorted(self.sent), "acknowledged": self.acknowledged,
                                    "completed_tests": self.completed_tests,
                                    "resumes": self.resumes, "reports": self.reports}))


def load_ledgers(directory: Path, prefix: str) -> dict[str, object]:
    sent: set[int] = set()
    acknowledged: list[int] = []
    totals = {"completed_tests": 0, "resumes": 0, "reports": 0}
    for path in sorted(directory.glob(f"{prefix}-ledger-*.json")):
        data = json.loads(path.read_text())
        sent.update(data["sent"])
        acknowledged.extend(data["acknowledged"])
        for key in totals:
            totals[key] += data[key]
    return {"sent": sent, "acknowledged": acknowledged, **totals}
