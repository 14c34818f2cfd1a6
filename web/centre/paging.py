"""Long staff lists, a page at a time: which page was asked for, and the links to the others.

The page number comes from the query string (GET: a link or a bookmark works without
JavaScript); whatever is typed there gives a page, never an error: not a number, the first
page; past the end, a page that says so and links back to the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from web.inputs import whole_number


@dataclass(frozen=True)
class Page:
    number: int  # asked for, from 1 (may be past the end: see `missing`)
    size: int
    total: int  # rows in the whole list
    path: str  # the list's URL, without query string
    params: tuple[tuple[str, str], ...] = ()  # kept in every link (e.g. the search)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def missing(self) -> bool:
        """A page past the end of the list (a stale bookmark, a typed number)."""
        return self.number > self.pages

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first_row(self) -> int:
        return self.offset + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.offset + self.size)

    def url(self, number: int) -> str:
        params = [*self.params, *((("page", str(number)),) if number > 1 else ())]
        return self.path + ("?" + urlencode(params) if params else "")

    def links(self) -> list[int | None]:
        """Page numbers to link to: the first, the last, and two either side of this one;
        None where numbers are left out."""
        current = min(self.number, self.pages)
        shown = sorted({1, self.pages, *range(max(1, current - 2), min(self.pages, current + 2)
                                              + 1)})
        out: list[int | None] = []
        for number in shown:
            if out and number - (out[-1] or 0) > 1:
                out.append(None)
            out.append(number)
        return out


def page_number(raw: str | None) -> int:
    """The page asked for: 1 unless `raw` is a whole number from 1 (a few digits at most)."""
    number = whole_number((raw or "").strip(), max_digits=6)
    return number if number is not None and number >= 1 else 1
