"""Enrolling a class from a spreadsheet export: the files real schools send, good and bad."""
# ruff: noqa: E501 - the corpus reads best one file per line, as a spreadsheet would write it

from __future__ import annotations

import datetime as dt
import html

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from tests.web.centre_support import Admin, make_staff
from web.centre import csv_import
from web.db import session_scope
from web.models import Candidate

HEADER = "Nom de naissance;Prénom;Date de naissance;Lieu de naissance;Temps majoré (%);Aménagement;Identifiant externe"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def session_id(client: TestClient, db_engine, clock) -> int:  # noqa: ANN001
    make_staff(db_engine, clock.now(), "chef@college.fr", centre="Collège")
    admin = Admin(client, "chef@college.fr")
    admin.sign_in()
    return admin.create_session()


def upload(client: TestClient, session_id: int, data: bytes, name: str = "classe.csv"):  # noqa: ANN201
    return client.post(f"/centre/sessions/{session_id}/candidats/import",
                       files={"file": (name, data, "text/csv")})


def enrolled(db_engine, session_id: int) -> list[Candidate]:  # noqa: ANN001
    with session_scope(db_engine) as db:
        return list(db.exec(select(Candidate).where(Candidate.session_id == session_id)
                            .order_by(col(Candidate.id))).all())


# Files that import: the encodings and separators spreadsheets produce.
GOOD = {
    "excel-fr-cp1252-semicolon": (HEADER + "\r\nLefèvre-Moreau;Chloé;30/05/2011;Besançon;33;oui;INE1\r\n"
                                  "Dupré;Zoé;01/02/2011;;;non;\r\n").encode("cp1252"),
    "utf8-bom-semicolon": ("\ufeff" + HEADER + "\nLefèvre-Moreau;Chloé;30/05/2011;Besançon;33;x;INE1\n"
                           "Dupré;Zoé;2011-02-01;;0;;\n").encode("utf-8"),
    "utf8-comma-short-headers": ("nom,prénom,date de naissance,AMENAGEMENT,temps majore\n"
                                 "Lefèvre-Moreau,Chloé,30/05/2011,1,33\n"
                                 '"Dupré",Zoé,01/02/2011,0,\n').encode(),
    "blank-lines-and-trailing-separators": (";;;\n" + HEADER + "\n\nLefèvre-Moreau;Chloé;30/05/2011;"
                                            "Besançon;33;oui;INE1\n;;;;;;\n\nDupré;Zoé;1/2/2011;;;;\n"
                                            "\n").encode("utf-8"),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_a_class_list_imports(client: TestClient, db_engine, session_id: int, name: str) -> None:  # noqa: ANN001
    page = upload(client, session_id, GOOD[name])
    assert page.status_code == 200, html.unescape(page.text)
    assert "2 candidat(s) importé(s)." in html.unescape(page.text)
    chloe, zoe = enrolled(db_engine, session_id)
    assert (chloe.last_name, chloe.first_name, chloe.birth_date) == (
        "Lefèvre-Moreau", "Chloé", dt.date(2011, 5, 30))
    assert chloe.extra_time_percent == 33 and chloe.accessibility is True
    assert (zoe.last_name, zoe.birth_date, zoe.extra_time_percent, zoe.accessibility) == (
        "Dupré", dt.date(2011, 2, 1), 0, False)


# Files that must import nothing, and the message for each.
BAD = {
    "missing-birth-date-column": ("Nom;Prénom;Lieu de naissance\nMartin;Léa;Paris\n".encode(),
                                  ["Ligne 1", "Colonne manquante : « Date de naissance »"]),
    "no-header": ("Martin;Léa;14/03/2011\n".encode(), ["Colonne manquante : « Nom de naissance »"]),
    "bad-dates": ((HEADER + "\nMartin;Léa;31/02/2011;;;;\nPetit;Inès;14-03;;;;\n"
                   "Durand;Noah;01/01/2031;;;;\nBon;Élève;01/01/2011;;;;\n").encode(),
                  ["Ligne 2 : Date de naissance : Date de naissance non valide (JJ/MM/AAAA) : « 31/02/2011 »",
                   "Ligne 3 : Date de naissance : Date de naissance non valide",
                   "Ligne 4 : Date de naissance : Date de naissance hors des limites"]),
    "bad-extra-time-and-flag": ((HEADER + "\nMartin;Léa;14/03/2011;;tiers;peut-être;\n").encode(),
                                ["Ligne 2 : Temps majoré", "Ligne 2 : Aménagement"]),
    "missing-names": ((HEADER + "\n;Léa;14/03/2011;;;;\nMartin;;14/03/2011;;;;\n").encode(),
                      ["Ligne 2 : Nom de naissance : Le nom est obligatoire.",
                       "Ligne 3 : Prénom : Le prénom est obligatoire."]),
    "duplicate-rows": ((HEADER + "\nMartin;Léa;14/03/2011;;;;\nMARTIN;lea;14/03/2011;;;;\n").encode(),
                       ["Ligne 3 : Doublon de la ligne 2 : MARTIN lea."]),
    "utf16-from-excel-unicode-text": (("Nom\tPrénom\tDate de naissance\r\nMartin\tLéa\t14/03/2011\r\n")
                                      .encode("utf-16"), ["n'est pas un CSV lisible"]),
    "xlsx-renamed": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(200),
                     ["n'est pas un CSV lisible"]),
    "undecodable-bytes": (b"Nom;Pr\x81nom;Date de naissance\nMartin;L\x8fa;14/03/2011\n",
                          ["Encodage du fichier non reconnu"]),
    "empty": (b"", ["Le fichier est vide."]),
    "only-blank-lines": (b"\r\n;;;\r\n\r\n", ["Le fichier est vide."]),
    "header-only": (HEADER.encode(), ["Aucun candidat dans le fichier."]),
    "unclosed-quote": ((HEADER + '\nMartin;"Léa;14/03/2011;;;;\n').encode(), ["Ligne"]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_file_imports_nothing_and_says_why(client: TestClient, db_engine, session_id: int,  # noqa: ANN001
                                                 name: str) -> None:
    data, messages = BAD[name]
    page = upload(client, session_id, data)
    assert page.status_code == 422
    body = html.unescape(page.text)
    for message in messages:
        assert message in body, (name, message)
    assert enrolled(db_engine, session_id) == []


def test_every_error_is_listed_with_its_line_and_nothing_is_imported(
        client: TestClient, db_engine, session_id: int) -> None:  # noqa: ANN001
    rows = [f"Élève{i};Léa;14/03/2011;;;;" for i in range(1, 6)]
    rows[1] = "Élève2;Léa;pas une date;;;;"
    rows[3] = ";Léa;14/03/2011;;250;;"
    page = upload(client, session_id, "\n".join([HEADER, *rows]).encode())
    body = html.unescape(page.text)
    assert "Aucun candidat n'a été importé" in body
    assert "Ligne 3 : Date de naissance" in body
    assert "Ligne 5 : Nom" in body and "Ligne 5 : Temps majoré" in body
    assert body.index("Ligne 3") < body.index("Ligne 5")
    assert enrolled(db_engine, session_id) == []


def test_candidates_already_enrolled_are_reported_as_duplicates(
        client: TestClient, db_engine, session_id: int) -> None:  # noqa: ANN001
    assert upload(client, session_id, GOOD["utf8-bom-semicolon"]).status_code == 200
    again = upload(client, session_id, (HEADER + "\nNouveau;Élève;01/01/2011;;;;\n"
                                        "LEFEVRE MOREAU;chloé;30/05/2011;;;;\n").encode())
    assert again.status_code == 422
    assert "Ligne 3 : LEFEVRE MOREAU chloé est déjà inscrit(e)" in html.unescape(again.text)
    assert len(enrolled(db_engine, session_id)) == 2


def test_too_big_and_too_long_files_are_refused_clearly(client: TestClient, db_engine,  # noqa: ANN001
                                                        session_id: int) -> None:
    big = (HEADER + "\n" + "Martin;Léa;14/03/2011;" + "x" * (csv_import.MAX_BYTES) + ";;;\n").encode()
    page = upload(client, session_id, big)
    assert page.status_code == 413 and "dépasse 1 Mo" in html.unescape(page.text)
    rows = "\n".join(f"Nom{i};Léa;14/03/2011;;;;" for i in range(csv_import.MAX_ROWS + 1))
    page = upload(client, session_id, (HEADER + "\n" + rows).encode())
    assert page.status_code == 422 and "plus de 1000 candidats" in html.unescape(page.text)
    assert enrolled(db_engine, session_id) == []


def test_no_file_chosen(client: TestClient, session_id: int) -> None:
    response = client.post(f"/centre/sessions/{session_id}/candidats/import",
                           files={"file": ("", b"", "application/octet-stream")})
    assert response.status_code == 422
    assert "Choisissez un fichier CSV." in html.unescape(response.text)


def test_formula_cells_are_kept_as_text_on_import(client: TestClient, db_engine,  # noqa: ANN001
                                                  session_id: int) -> None:
    data = (HEADER + '\n"=HYPERLINK(""http://evil.example"";""Martin"")";Léa;14/03/2011;@SUM(1);;;'
            '-2+3\n').encode()
    assert upload(client, session_id, data).status_code == 200
    (candidate,) = enrolled(db_engine, session_id)
    assert candidate.last_name.startswith("=HYPERLINK(")  # neutralised on export, see results
    assert candidate.external_id == "-2+3"


def test_the_template_file_imports(client: TestClient, session_id: int) -> None:
    template = client.get(f"/centre/sessions/{session_id}/candidats/modele.csv")
    assert template.headers["content-type"].startswith("text/csv")
    assert upload(client, session_id, template.content).status_code == 200


def test_parser_reads_cp1252_accents_and_semicolons() -> None:
    result = csv_import.parse("Nom;Prénom;Date de naissance\nŒuvray;Françoise;02/03/2010\n"
                              .encode("cp1252"), TODAY)
    assert result.errors == []
    assert [(d.last_name, d.first_name) for _, d in result.rows] == [("Œuvray", "Françoise")]
