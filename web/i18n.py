"""Translations: French is the source language of the templates, English comes from a catalog.

Catalogs are read from the .po files at start-up (no compile step to forget). The language of the
current request lives in a context variable, which Starlette's thread pool carries over.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"

_current: ContextVar[gettext.NullTranslations] = ContextVar("translations")
_catalogs: dict[str, gettext.NullTranslations] = {}


def load_catalogs() -> None:
    _catalogs["fr"] = gettext.NullTranslations()
    for lang in LANGUAGES[1:]:
        po = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            _catalogs[lang] = gettext.NullTranslations()
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        _catalogs[lang] = gettext.GNUTranslations(buffer)


def activate(lang: str) -> str:
    if not _catalogs:
        load_catalogs()
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    _current.set(_catalogs[lang])
    return lang


def _translations() -> gettext.NullTranslations:
    try:
        return _current.get()
    except LookupError:
        if not _catalogs:
            load_catalogs()
        return _catalogs[DEFAULT_LANGUAGE]


def gettext_(message: str) -> str:
    return _translations().gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message
