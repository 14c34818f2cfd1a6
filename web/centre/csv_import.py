"""Reading a class list exported from a spreadsheet: all or nothing, every error with its line.

French spreadsheets save "CSV" as Windows-1252 with semicolons; others as UTF-8 (with or without
a byte-order mark) with commas. Headers are matched without case, accents or punctuation.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from web.centre.enrolment import CandidateData, validate
from web.i18n import gettext_ as _

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000

# Normalised header → field. Normalised: casefold, no accents, letters and digits only.
HEADERS = {
    "nomdenaissance": "last_name", "nom": "last_name", "nomdefamille": "last_name",
    "lastname": "last_name",
    "prenom": "first_name", "firstname": "first_name",
    "datedenaissance": "birth_date", "datenaissance": "birth_date", "birthdate": "birth_date",
    "lieudenaissance": "birth_place", "communedenaissance": "birth_place",
    "birthplace": "birth_place",
    "tempsmajore": "extra_time_percent", "tempsmajore%": "extra_time_percent",
    "extratime": "extra_time_percent",
    "amenagement": "accessibility", "amenagementaccessibilite": "accessibility",
    "accessibilite": "accessibility", "accessibility": "accessibility",
    "identifiantexterne": "external_id", "externalid": "external_id", "ine": "external_id",
}
REQUIRED = ("last_name", "first_name", "birth_date")


def column_label(name: str) -> str:
    return {"last_name": _("Nom de naissance"), "first_name": _("Prénom"),
            "birth_date": _("Date de naissance"), "birth_place": _("Lieu de naissance"),
            "extra_time_percent": _("Temps majoré"), "accessibility": _("Aménagement"),
            "external_id": _("Identifiant externe")}[name]


class ImportRefused(Exception):
    """The file cannot be read at all (size, encoding, no header)."""


@dataclass
class ImportResult:
    rows: list[tuple[int, CandidateData]] = field(default_factory=list)  # (line, candidate)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)

    def sort(self) -> None:
        self.errors.sort(key=lambda error: error[0])


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\(.*?\)", "", text)  # "Temps majoré (%)"
    return re.sub(r"[^a-z0-9]", "", text)


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("Le fichier dépasse 1 Mo : découpez la liste en plusieurs fichiers."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        # UTF-16 ("Unicode text") or a binary file such as an .xlsx workbook.
        raise ImportRefused(_("Ce fichier n'est pas un CSV lisible. Dans le tableur, "
                              "enregistrez-le au format « CSV UTF-8 » ou « CSV (point-virgule) »."))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ImportRefused(_("Encodage du fichier non reconnu : enregistrez-le au format "
                              "« CSV UTF-8 ».")) from exc


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def parse(data: bytes, today: dt.date) -> ImportResult:
    text = decode(data)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip(" ;,\t")), None)
    if first is None:
        raise ImportRefused(_("Le fichier est vide."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[first]))
    result = ImportResult()
    columns: dict[int, str] | None = None
    rows = 0
    try:
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines, and lines of only separators
            if columns is None:
                columns = _columns(cells, line, result)
                if result.errors:
                    return result
                continue
            rows += 1
            if rows > MAX_ROWS:
                raise ImportRefused(_("Le fichier contient plus de 1000 candidats : découpez-le "
                                      "en plusieurs sessions."))
            raw = {name: (cells[i] if i < len(cells) else "") for i, name in columns.items()}
            candidate = validate(raw, today)
            for name, message in candidate.errors.items():
                result.errors.append((line, f"{column_label(name)} : {message}"))
            if not candidate.errors:
                result.rows.append((line, candidate))
    except csv.Error:
        result.errors.append((reader.line_num, _("Ligne mal formée (guillemets ?).")))
    if columns is None:
        raise ImportRefused(_("Le fichier est vide."))
    if not result.rows and not result.errors:
        result.errors.append((reader.line_num, _("Aucun candidat dans le fichier.")))
    return result


def _columns(cells: list[str], line: int, result: ImportResult) -> dict[int, str]:
    columns: dict[int, str] = {}
    for i, cell in enumerate(cells):
        name = HEADERS.get(normalise_header(cell))
        if name is not None and name not in columns.values():
            columns[i] = name
    for name in REQUIRED:
        if name not in columns.values():
            result.errors.append((line, _("Colonne manquante : « %(c)s ».") % {
                "c": column_label(name)}))
    return columns


def mark_duplicates(result: ImportResult, existing: set[tuple]) -> None:
    """Report rows already enrolled in the session, or present twice in the file."""
    seen: dict[tuple, int] = {}
    for line, data in result.rows:
        key = data.key()
        if key in existing:
            result.errors.append((line, _("%(n)s %(p)s est déjà inscrit(e) à cette session.")
                                  % {"n": data.last_name, "p": data.first_name}))
        elif key in seen:
            result.errors.append((line, _("Doublon de la ligne %(l)s : %(n)s %(p)s.")
                                  % {"l": seen[key], "n": data.last_name, "p": data.first_name}))
        else:
            seen[key] = line
    result.sort()
