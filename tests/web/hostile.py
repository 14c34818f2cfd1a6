"""A small crawler and form filler for the hostile-input stories (test_hostile_input.py).

It reads pages the way a browser does — links and forms, through the standard library's HTML
parser — so the stories reach every form a person can see without a hand-kept list of routes,
and a new form is covered the day it is written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit

# What people, careless or not, send in a form field. Each is sent in one field at a time, the
# others keeping what the page offered, so it reaches that field's own checks.
HOSTILE_VALUES = (
    "", "\x00", "a" * 5000, "-1", "1e400", "9223372036854775808",
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() reads 12
    "😀", "\r\nSet-Cookie: pris=1", "2026-02-30",
)
# A cookie's value, in place of what the server set (sent alone, as a browser that lost the
# others would).
HOSTILE_COOKIES = ("", "x", "a" * 4000, "eyJ4IjoxfQ==.Zm9v.YmFy", "fr%00", "%FF%FE", "en\\")
# Numbers in a path, in place of the real one.
HOSTILE_IDS = ("0", "9223372036854775807", "9223372036854775808", "99999999999999999999999")
DIGITS = re.compile(r"\d+")


@dataclasses.dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]]  # what a browser would send, in order (a button's last)
    page: str  # where the form was found
    files: frozenset[str] = frozenset()  # the names of its file inputs (a multipart form)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """The same form on another row or in another world: numbers do not count."""
        names = tuple(DIGITS.sub("#", name) for name, _ in self.fields)
        return self.method, DIGITS.sub("#", self.action), names


class _PageReader(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.polls: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._buttons: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href", "").startswith("/"):
            self.links.append(a["href"])
        if a.get("hx-get", "").startswith("/"):  # a poll, or a link htmx follows
            self.links.append(a["hx-get"])
            self.polls.append(a["hx-get"])
        if "data-served" in a:  # what candidate.js posts when the candidate leaves the page
            self.forms.append(Form("POST", "/candidat/test/sortie",
                                   [("served", a["data-served"])], self.page))
        elif tag == "form":
            self._form = Form(a.get("method", "get").upper(), a.get("action") or self.page, [],
                              self.page)
            self._buttons = []
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files = self._form.files | {a["name"]}
            if kind in ("submit", "image"):
                self._buttons.append((a["name"], a.get("value", "")))
            elif kind not in ("checkbox", "radio") or "checked" in a or not any(
                    name == a["name"] for name, _ in self._form.fields):
                # a radio group or a checkbox still sends one value, as if ticked
                self._form.fields.append((a["name"], a.get("value", "on" if kind in (
                    "checkbox", "radio") else "")))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._buttons.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None and (
                self._select_value is None or "selected" in a):
            self._select_value = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None
        elif tag == "form":
            self._form.fields.extend(self._buttons[:1])  # the first button submits
            self.forms.append(self._form)
            self._form = None


class Page(NamedTuple):
    links: list[str]  # htmx's included
    polls: list[str]  # what it asks for with htmx (`hx-get`): a poll, a link followed in place
    forms: list[Form]  # with what its scripts post


def read_page(path: str, html: str) -> Page:
    reader = _PageReader(path)
    reader.feed(html)
    reader.close()
    return Page(reader.links, reader.polls, reader.forms)


def normal(name: str) -> str:
    """A field's name without its numbers: `reason_12` in one world is `reason_40` in another."""
    return DIGITS.sub("#", name)


def operations(form: Form) -> Iterator[tuple[str, ...]]:
    """Each field in turn hostile, missing or twice; an unknown field, an empty form; then
    the form as offered (last: it is the one most likely to succeed and change the world).
    Applied by `apply` to the form as it is on the page at the time."""
    for name in dict.fromkeys(normal(name) for name, _ in form.fields):
        for value in HOSTILE_VALUES:
            yield ("set", name, value)
        yield ("drop", name)
        yield ("twice", name)
    yield ("unknown",)
    yield ("empty",)
    yield ("offered",)


def apply(operation: tuple[str, ...],
          fields: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """The fields to send, or None when this form has no field the operation names."""
    kind = operation[0]
    if kind == "offered":
        return list(fields)
    if kind == "unknown":
        return [*fields, ("inconnu", "1")]
    if kind == "empty":
        return []
    at = next((i for i, (name, _) in enumerate(fields) if normal(name) == operation[1]), None)
    if at is None:
        return None
    name = fields[at][0]
    if kind == "set":
        return [*fields[:at], (name, operation[2]), *fields[at + 1:]]
    if kind == "drop":
        return [*fields[:at], *fields[at + 1:]]
    return [*fields[:at + 1], (name, "1"), *fields[at + 1:]]  # twice


def describe(operation: tuple[str, ...]) -> str:
    return " ".join(part[:24] if len(part) <= 24 else part[:24] + "…" for part in operation)


def with_number(path: str, index: int, number: str) -> str:
    """`path` with its `index`-th number replaced (counting from 0)."""
    found = list(DIGITS.finditer(path))
    start, end = found[index].span()
    return path[:start] + number + path[end:]


def numbers_in(path: str) -> int:
    return len(DIGITS.findall(urlsplit(path).path))


def hostile_queries(link: str) -> Iterator[str]:
    """`link` with each of its query's values replaced by each hostile value."""
    parts = urlsplit(link)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (name, _) in enumerate(query):
        for value in HOSTILE_VALUES:
            yield parts.path + "?" + urlencode([*query[:i], (name, value), *query[i + 1:]])
