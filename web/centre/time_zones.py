"""Centres' time zones: France and its overseas territories.

A centre types its sessions' date and start time in its local wall-clock time; the app stores and
compares naive UTC (web.clock). The zone names are IANA's, read by `zoneinfo`: from the system's
database (/usr/share/zoneinfo) where there is one, else from the `tzdata` package.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from web.i18n import gettext_ as _
from web.models.centre import DEFAULT_TIME_ZONE as DEFAULT_TIME_ZONE  # the preselected zone

# The order of the administrator's list; labels in zone_labels().
ZONES = ("Europe/Paris", "America/Guadeloupe", "America/Martinique", "America/Cayenne",
         "America/Miquelon", "Indian/Reunion", "Indian/Mayotte", "Pacific/Noumea",
         "Pacific/Wallis", "Pacific/Tahiti", "Pacific/Marquesas", "Pacific/Gambier")


def zone_labels() -> dict[str, str]:
    """In the request's language (built per call: the language is known only then)."""
    return {
        "Europe/Paris": _("France métropolitaine, Corse"),
        "America/Guadeloupe": _("Guadeloupe, Saint-Martin, Saint-Barthélemy"),
        "America/Martinique": _("Martinique"),
        "America/Cayenne": _("Guyane"),
        "America/Miquelon": _("Saint-Pierre-et-Miquelon"),
        "Indian/Reunion": _("La Réunion"),
        "Indian/Mayotte": _("Mayotte"),
        "Pacific/Noumea": _("Nouvelle-Calédonie"),
        "Pacific/Wallis": _("Wallis-et-Futuna"),
        "Pacific/Tahiti": _("Polynésie française — îles de la Société (Tahiti), "
                            "Tuamotu, Australes"),
        "Pacific/Marquesas": _("Polynésie française — îles Marquises"),
        "Pacific/Gambier": _("Polynésie française — îles Gambier"),
    }


def is_allowed(name: str) -> bool:
    return name in ZONES


def zone_label(name: str) -> str:
    return zone_labels().get(name, name)


def session_start_utc(session_date: dt.date, start_time: dt.time, zone_name: str) -> dt.datetime:
    """The start of a session typed as local time in `zone_name`, in naive UTC.

    A time that does not exist (skipped when clocks go forward, e.g. 02:30 on the last Sunday of
    March in Paris) or occurs twice (when they go back) is read with fold=0, i.e. with the offset
    in force before the change: a skipped 02:30 is 03:30 summer time, a repeated 02:30 is the
    first one. Sessions do not start in the middle of the night; this only has to be defined.
    """
    local = dt.datetime.combine(session_date, start_time.replace(tzinfo=None, fold=0),
                                tzinfo=ZoneInfo(zone_name))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def local_time(utc: dt.datetime, zone_name: str) -> dt.datetime:
    """A stored naive-UTC datetime as the wall-clock time of `zone_name` (aware)."""
    return utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone_name))
