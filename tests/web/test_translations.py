"""Every French message of the code and templates has an English translation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from tests.web.centre_support import Admin, add_session, make_course, make_staff, use_test_bank
from tests.web.flows import enrolled
from tests.web.pages import text as page_text
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


def test_messages_built_outside_templates_reach_english_pages(
        app, client, db_engine, clock) -> None:  # noqa: ANN001
    """Error pages (translated by the error handler, not the endpoint), the cross-site refusal
    page, a form error kept in a constant and the results export speak English too."""
    exam, candidate, _flow = enrolled(client, app, db_engine, clock)
    exam.proctor.post("/langue", data={"lang": "en", "next": "/"})
    grant = exam.proctor.post(
        f"/surveillant/session/{exam.session_id}/candidats/{candidate.id}/temps",
        data={"minutes": "99", "granted": "0"})
    assert "Enter a number of minutes between 1 and 60." in page_text(grant)
    assert "Indiquez" not in page_text(grant)

    client.post("/langue", data={"lang": "en", "next": "/"})
    missing = page_text(client.get("/nulle-part"))
    assert "This page does not exist." in missing and "Cette page" not in missing
    refused = client.post("/langue", data={"lang": "fr"}, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403
    assert '<html lang="en">' in refused.text and "Request refused" in refused.text
    assert "Requête" not in refused.text

    bank = use_test_bank(app)
    centre_id, _user = make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège")
    session_id, ids = add_session(db_engine, centre_id, clock.now() - dt.timedelta(hours=2),
                                  start=dt.time(6, 0), candidates=1)
    make_course(db_engine, bank, app.state.content.config.version, session_id, ids[0],
                clock.now(), ["ok", "ko"] * 16, end_screen=True)
    Admin(client, "chef@college.fr").sign_in()
    base = f"/centre/sessions/{session_id}"
    twice = {"last_name": "NomA", "first_name": "Léa", "birth_date": "2011-01-01",
             "extra_time_percent": "0", "accessibility": "non"}
    duplicate = page_text(client.post(f"{base}/candidats/nouveau", data=twice))
    assert "This candidate is already enrolled in this session" in duplicate
    assert "déjà inscrit" not in duplicate

    assert client.post(f"{base}/finalisation",
                       data={f"end_screen_{ids[0]}": "1", "comment": ""}).status_code == 200
    export = client.get(f"{base}/resultats.csv").content.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(export), delimiter=";"))
    assert header[:10] == ["Session number", "Last name", "First name", "Birth date",
                           "Birth place", "External id", "Status", "Score (pix)",
                           "Global level", "Reason"]
    assert header[10] == "Competence 1.1"
