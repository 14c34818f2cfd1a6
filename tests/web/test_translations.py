"""Every French message of the code and templates has an English translation."""

from __future__ import annotations

import re

from web.catalog import extract, read_catalog, untranslated

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_every_message_has_an_english_translation() -> None:
    missing = untranslated(read_catalog(), extract())
    assert missing == [], "run `python -m web.catalog` and translate:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for message in read_catalog():
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= expected | {"num"}, (message.id, text)
