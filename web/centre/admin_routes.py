"""Platform administration: centres, invitations of their administrators, overdue
finalisations across centres."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web.centre import auth, centre_list, invitations, overdue, reported_items, time_zones
from web.centre.forms import path_int
from web.centre.paging import page_number
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.inputs import has_control
from web.models import Centre, StaffInvitation, StaffUser


def invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + f"/centre/invitation/{token}"


def _time_zone(ctx: Ctx, errors: dict[str, str]) -> str:
    """The zone chosen in the form (absent: the default one, preselected in the list)."""
    zone = ctx.field("time_zone", time_zones.DEFAULT_TIME_ZONE)
    if not time_zones.is_allowed(zone):
        errors["time_zone"] = _("Choisissez le fuseau horaire du centre dans la liste.")
    return zone


@endpoint
def centres(ctx: Ctx) -> Response:
    user = auth.require_platform_admin(ctx)
    errors: dict[str, str] = {}
    name = ""
    zone = time_zones.DEFAULT_TIME_ZONE
    if ctx.request.method == "POST":
        name = " ".join(ctx.field("name").split())
        if not name or len(name) > 200:
            errors["name"] = _("Indiquez le nom du centre (200 caractères au plus).")
        elif has_control(name):
            errors["name"] = _("Caractères non valides.")
        zone = _time_zone(ctx, errors)
        if not errors:
            centre = Centre(name=name, time_zone=zone, created_at=ctx.now)
            ctx.db.add(centre)
            ctx.db.commit()
            return ctx.redirect(f"/admin/centres/{centre.id}")
    params = ctx.request.query_params
    listing = centre_list.read(ctx.db, params.get("q", ""), page_number(params.get("page")))
    # A page past the end says so (and links back) with the status a missing page has.
    status = 422 if errors else 404 if listing.page.missing else 200
    return ctx.render("admin/centres.html", {"user": user, "listing": listing,
                                             "errors": errors, "name": name, "time_zone": zone,
                                             "zones": time_zones.zone_labels(),
                                             "overdue": overdue.count(ctx.db, ctx.now)},
                      status=status, no_store=True)


@endpoint
def overdue_finalisations(ctx: Ctx) -> Response:
    """Sessions of every centre past their finalisation deadline, most overdue first."""
    user = auth.require_platform_admin(ctx)
    listing = overdue.read(ctx.db, ctx.now, page_number(ctx.request.query_params.get("page")))
    return ctx.render("admin/overdue.html", {"user": user, "listing": listing},
                      status=404 if listing.page.missing else 200, no_store=True)


@endpoint
def reported_questions(ctx: Ctx) -> Response:
    """The questions candidates reported a problem with, across every session."""
    user = auth.require_platform_admin(ctx)
    listing = reported_items.read(ctx.db, page_number(ctx.request.query_params.get("page")))
    return ctx.render("admin/reported_items.html", {
        "user": user, "listing": listing, "items": ctx.state.content.bank.items},
        status=404 if listing.page.missing else 200, no_store=True)


def _centre(ctx: Ctx) -> Centre:
    centre = ctx.db.get(Centre, path_int(ctx, "centre_id"))
    if centre is None:
        raise HTTPException(404)
    return centre


def _centre_page(ctx: Ctx, user: StaffUser, centre: Centre, *, link: str | None = None,
                 email: str = "", errors: dict[str, str] | None = None,
                 zone_errors: dict[str, str] | None = None) -> Response:
    staff = ctx.db.exec(select(StaffUser).where(StaffUser.centre_id == centre.id)).all()
    pending = ctx.db.exec(select(StaffInvitation).where(
        StaffInvitation.centre_id == centre.id, col(StaffInvitation.used_at).is_(None),
        StaffInvitation.expires_at > ctx.now)).all()
    return ctx.render("admin/centre.html", {
        "user": user, "centre": centre, "staff": staff, "pending": pending, "link": link,
        "errors": errors or {}, "email": email, "zone_errors": zone_errors or {},
        "time_zone": centre.time_zone, "zones": time_zones.zone_labels(),
        "zone_changed": ctx.request.query_params.get("fuseau") == "1"},
        status=422 if errors or zone_errors else 200, no_store=True)


@endpoint
def centre_detail(ctx: Ctx) -> Response:
    user = auth.require_platform_admin(ctx)
    centre = _centre(ctx)
    errors: dict[str, str] = {}
    link = None
    email = ""
    if ctx.request.method == "POST":
        email = ctx.field("email")
        try:
            token = invitations.invite(ctx.db, centre.id, email, ctx.now)  # type: ignore[arg-type]
            ctx.db.commit()
            link = invitation_link(str(ctx.request.base_url), token)
            email = ""
        except invitations.InvitationError as exc:
            errors["email"] = str(exc)
    return _centre_page(ctx, user, centre, link=link, email=email, errors=errors)


@endpoint
def centre_time_zone(ctx: Ctx) -> Response:
    """Changes the zone the centre's sessions are read in, those already planned included: their
    typed date and start time stay, their instant in UTC moves with the zone."""
    user = auth.require_platform_admin(ctx)
    centre = _centre(ctx)
    errors: dict[str, str] = {}
    zone = _time_zone(ctx, errors)
    if errors:
        return _centre_page(ctx, user, centre, zone_errors=errors)  # its zone stays selected
    centre.time_zone = zone
    ctx.db.add(centre)
    ctx.db.commit()
    return ctx.redirect(f"/admin/centres/{centre.id}?fuseau=1")


routes = [
    Route("/admin/centres", centres, methods=["GET", "POST"], name="admin_centres"),
    Route("/admin/centres/{centre_id:int}", centre_detail, methods=["GET", "POST"],
          name="admin_centre"),
    Route(overdue.PATH, overdue_finalisations, methods=["GET"], name="admin_overdue"),
    Route(reported_items.PATH, reported_questions, methods=["GET"], name="admin_reported_items"),
    Route("/admin/centres/{centre_id:int}/fuseau-horaire", centre_time_zone, methods=["POST"],
          name="admin_centre_time_zone"),
]
