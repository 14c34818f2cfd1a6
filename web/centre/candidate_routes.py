"""Enrolling candidates in a session: the form, the CSV import, edit and removal."""

from __future__ import annotations

import datetime as dt

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from web.centre import auth, csv_import, enrolment, sessions
from web.centre.forms import flat, path_int
from web.centre.time_zones import local_time
from web.handler import Ctx, endpoint
from web.i18n import N_
from web.i18n import gettext_ as _
from web.models import Candidate, ExamSession, StaffUser

DUPLICATE = N_("Ce candidat est déjà inscrit à cette session (même nom, prénom et date de "
               "naissance).")


def _scoped(ctx: Ctx) -> tuple[StaffUser, ExamSession]:
    user = auth.require_centre_admin(ctx)
    session = sessions.load_session(ctx.db, path_int(ctx, "session_id"), user.centre_id)  # type: ignore[arg-type]
    return user, session


def _today(ctx: Ctx, session: ExamSession) -> dt.date:
    """The date at the centre (a birth date after it is refused): its zone's, not UTC's, which is
    a day behind in New Caledonia's mornings and a day ahead in Tahiti's evenings."""
    return local_time(ctx.now, sessions.centre_zone(ctx.db, session.centre_id)).date()


def _form_page(ctx: Ctx, session: ExamSession, values: dict[str, str], errors: dict[str, str],
               candidate: Candidate | None = None, status: int = 200) -> Response:
    return ctx.render("centre/candidate_form.html", {
        "session": session, "values": values, "errors": errors, "candidate": candidate,
        "user": auth.current_staff(ctx)}, status=status, no_store=True)


def _values_of(candidate: Candidate) -> dict[str, str]:
    return {"last_name": candidate.last_name, "first_name": candidate.first_name,
            "birth_date": candidate.birth_date.isoformat(), "birth_place": candidate.birth_place,
            "extra_time_percent": str(candidate.extra_time_percent),
            "accessibility": "oui" if candidate.accessibility else "non",
            "external_id": candidate.external_id or ""}


def _read(ctx: Ctx, session: ExamSession, except_id: int | None) -> enrolment.CandidateData:
    values = flat(ctx)
    values["accessibility"] = "oui" if values.get("accessibility") == "oui" else "non"
    data = enrolment.validate(values, _today(ctx, session))
    if not data.errors and data.key() in enrolment.existing_keys(ctx.db, session.id,  # type: ignore[arg-type]
                                                                 except_id=except_id):
        data.errors["last_name"] = _(DUPLICATE)
    return data


@endpoint
def candidate_new(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    sessions.ensure_open(session)
    if ctx.request.method == "GET":
        return _form_page(ctx, session, {"extra_time_percent": "0"}, {})
    data = _read(ctx, session, None)
    if data.errors:
        return _form_page(ctx, session, flat(ctx), data.errors, status=422)
    candidate = Candidate(session_id=session.id, last_name="", first_name="",  # type: ignore[arg-type]
                          birth_date=data.birth_date, created_at=ctx.now)  # type: ignore[arg-type]
    enrolment.apply(candidate, data)
    ctx.db.add(candidate)
    ctx.db.commit()
    if ctx.field("again") == "1":
        return ctx.redirect(f"/centre/sessions/{session.id}/candidats/nouveau?ajoute=1")
    return ctx.redirect(f"/centre/sessions/{session.id}?ajoute=1#candidats")


@endpoint
def candidate_edit(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    sessions.ensure_open(session)
    candidate = enrolment.load_candidate(ctx.db, session.id, path_int(ctx, "candidate_id"))  # type: ignore[arg-type]
    enrolment.ensure_not_started(ctx.db, candidate)
    if ctx.request.method == "GET":
        return _form_page(ctx, session, _values_of(candidate), {}, candidate)
    data = _read(ctx, session, candidate.id)
    if data.errors:
        return _form_page(ctx, session, flat(ctx), data.errors, candidate, status=422)
    enrolment.apply(candidate, data)
    ctx.db.add(candidate)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}?modifie=1#candidats")


@endpoint
def candidate_delete(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    sessions.ensure_open(session)
    candidate = enrolment.load_candidate(ctx.db, session.id, path_int(ctx, "candidate_id"))  # type: ignore[arg-type]
    enrolment.ensure_not_started(ctx.db, candidate)
    ctx.db.delete(candidate)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}?retire=1#candidats")


def _import_page(ctx: Ctx, session: ExamSession, errors: list[tuple[int, str]],
                 refused: str | None = None, status: int = 200) -> Response:
    return ctx.render("centre/import.html", {
        "session": session, "errors": errors, "refused": refused,
        "user": auth.current_staff(ctx)}, status=status, no_store=True)


# Starlette spools uploaded files to disk without a size limit (max_part_size only bounds plain
# fields); we read at most 1 MiB + 1 byte of it. The proxy in front should cap the body size.
@endpoint(max_files=1)
def candidate_import(ctx: Ctx) -> Response:
    _user, session = _scoped(ctx)
    sessions.ensure_open(session)
    if ctx.request.method == "GET":
        return _import_page(ctx, session, [])
    upload = ctx.form.get("file") if ctx.form is not None else None
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(ctx, session, [], _("Choisissez un fichier CSV."), status=422)
    data = upload.file.read(csv_import.MAX_BYTES + 1)
    try:
        result = csv_import.parse(data, _today(ctx, session))
    except csv_import.ImportRefused as exc:
        status = 413 if len(data) > csv_import.MAX_BYTES else 422
        return _import_page(ctx, session, [], str(exc), status=status)
    if not result.errors:
        csv_import.mark_duplicates(result, enrolment.existing_keys(ctx.db, session.id))  # type: ignore[arg-type]
    if result.errors:
        result.sort()
        return _import_page(ctx, session, result.errors, status=422)
    for _line, row in result.rows:
        candidate = Candidate(session_id=session.id, last_name="", first_name="",  # type: ignore[arg-type]
                              birth_date=row.birth_date, created_at=ctx.now)  # type: ignore[arg-type]
        enrolment.apply(candidate, row)
        ctx.db.add(candidate)
    ctx.db.commit()
    return ctx.redirect(f"/centre/sessions/{session.id}?importes={len(result.rows)}#candidats")


@endpoint
def import_template(ctx: Ctx) -> Response:
    _scoped(ctx)
    body = ("\ufeffNom de naissance;Prénom;Date de naissance;Lieu de naissance;Temps majoré (%);"
            "Aménagement;Identifiant externe\r\nMartin;Léa;14/03/2011;Paris;0;non;\r\n")
    return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="modele-candidats.csv"'})


S = "/centre/sessions/{session_id:int}/candidats"
routes = [
    Route(S + "/nouveau", candidate_new, methods=["GET", "POST"], name="centre_candidate_new"),
    Route(S + "/import", candidate_import, methods=["GET", "POST"], name="centre_import"),
    Route(S + "/modele.csv", import_template, name="centre_import_template"),
    Route(S + "/{candidate_id:int}/modifier", candidate_edit, methods=["GET", "POST"],
          name="centre_candidate_edit"),
    Route(S + "/{candidate_id:int}/supprimer", candidate_delete, methods=["POST"],
          name="centre_candidate_delete"),
]


