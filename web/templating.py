"""The Jinja2 environment: autoescaped, with gettext and a few filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from starlette.templating import Jinja2Templates

from web import i18n
from web.centre.time_zones import local_time

TEMPLATES_DIR = Path(__file__).parent / "templates"


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_local_datetime(value: dt.datetime | None, zone_name: str) -> str:
    """A stored naive-UTC datetime, as the wall-clock time of `zone_name` (a centre's zone)."""
    return local_time(value, zone_name).strftime("%d/%m/%Y %H:%M") if value else ""


def format_duration(seconds: float | int) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {secs:02d} s"


def make_templates(*, auto_reload: bool = True, source_url: str = "") -> Jinja2Templates:
    """auto_reload re-reads changed template files: handy while developing, a stat() per
    render in production. source_url: the footer's link to the running version's source."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
    )
    env.install_gettext_callables(i18n.gettext_, i18n.ngettext_, newstyle=True)  # type: ignore[attr-defined]
    env.filters["date_fr"] = format_date
    env.filters["duration"] = format_duration
    env.filters["local_datetime"] = format_local_datetime
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["SOURCE_URL"] = source_url
    return Jinja2Templates(env=env)
