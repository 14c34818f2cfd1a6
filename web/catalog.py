"""Keep the English catalog in step with the French messages of the code and templates.

`python -m web.catalog` extracts every message and merges new ones into
web/translations/en/LC_MESSAGES/messages.po (existing translations are kept); the tests check
that none is left untranslated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO_FILE = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "ngettext_": (1, 2),
}


def extract() -> Catalog:
    catalog = Catalog(project="passation", locale="en")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read_catalog() -> Catalog:
    with PO_FILE.open("rb") as handle:
        return read_po(handle, locale="en")


def untranslated(catalog: Catalog, template: Catalog) -> list[str]:
    """Messages the code uses that have no English translation."""
    missing = []
    for message in template:
        if not message.id:
            continue
        existing = catalog.get(message.id)
        if (
            existing is None
            or not existing.string
            or (isinstance(existing.string, tuple) and not all(existing.string))
        ):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update() -> int:
    catalog = read_catalog()
    template = extract()
    catalog.update(template, no_fuzzy_matching=True)
    with PO_FILE.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, ignore_obsolete=True)
    missing = untranslated(catalog, template)
    print(f"{len(template)} messages, {len(missing)} without English translation")
    for message in missing:
        print("  -", message)
    return 0


if __name__ == "__main__":
    sys.exit(update())
