"""`make run`'s demo data (web.seed): what it prints lets a person in, at the address served."""

from __future__ import annotations

import html
import io

from web.seed import print_demo, seed_demo


def test_the_printed_demo_opens_the_proctor_view_at_the_served_address(settings, client) -> None:
    info = seed_demo(settings)
    assert seed_demo(settings)["session"] == info["session"]  # `make run` twice: one session
    out = io.StringIO()
    print_demo(info, out, base_url="http://127.0.0.1:8123")
    printed = out.getvalue()
    assert "Open http://127.0.0.1:8123\n" in printed
    assert "Espace centre, http://127.0.0.1:8123/centre" in printed
    assert "8000" not in printed
    assert "http://127.0.0.1:8123/certificats/verification" in printed

    # The printed session number and proctor password sign the proctor in.
    signed_in = client.post("/surveillant", data={"session": str(info["session"]),
                                                  "password": str(info["proctor_password"])},
                            follow_redirects=False)
    assert signed_in.status_code == 303
    live = client.get(signed_in.headers["location"])
    assert live.status_code == 200
    first, last, *_ = info["candidates"][0]  # type: ignore[index]
    assert last.upper() in html.unescape(live.text).upper()


def test_the_printed_jury_account_reaches_the_sessions_to_review(settings, client) -> None:
    from web.seed import DEMO_JURY_EMAIL, DEMO_JURY_PASSWORD

    info = seed_demo(settings)
    out = io.StringIO()
    print_demo(info, out)
    assert f"e-mail {DEMO_JURY_EMAIL}   password {DEMO_JURY_PASSWORD}" in out.getvalue()
    signed_in = client.post("/centre/connexion", data={"email": DEMO_JURY_EMAIL,
                                                       "password": DEMO_JURY_PASSWORD})
    assert signed_in.url.path == "/jury/sessions"
    assert "Sessions à examiner" in html.unescape(signed_in.text)
