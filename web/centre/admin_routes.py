"""Platform administration: centres and invitations of their administrators."""

from __future__ import annotations

from sqlmodel import col, select
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web.centre import auth, invitations
from web.centre.forms import path_int
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.inputs import has_control
from web.models import Centre, StaffInvitation, StaffUser


def invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + f"/centre/invitation/{token}"


@endpoint
def centres(ctx: Ctx) -> Response:
    user = auth.require_platform_admin(ctx)
    errors: dict[str, str] = {}
    name = ""
    if ctx.request.method == "POST":
        name = " ".join(ctx.field("name").split())
        if not name or len(name) > 200:
            errors["name"] = _("Indiquez le nom du centre (200 caractères au plus).")
        elif has_control(name):
            errors["name"] = _("Caractères non valides.")
        else:
            centre = Centre(name=name, created_at=ctx.now)
            ctx.db.add(centre)
            ctx.db.commit()
            return ctx.redirect(f"/admin/centres/{centre.id}")
    rows = ctx.db.exec(select(Centre).order_by(col(Centre.name))).all()
    return ctx.render("admin/centres.html", {"user": user, "centres": rows, "errors": errors,
                                             "name": name}, status=422 if errors else 200,
                      no_store=True)


@endpoint
def centre_detail(ctx: Ctx) -> Response:
    user = auth.require_platform_admin(ctx)
    centre = ctx.db.get(Centre, path_int(ctx, "centre_id"))
    if centre is None:
        raise HTTPException(404)
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
    staff = ctx.db.exec(select(StaffUser).where(StaffUser.centre_id == centre.id)).all()
    pending = ctx.db.exec(select(StaffInvitation).where(
        StaffInvitation.centre_id == centre.id, col(StaffInvitation.used_at).is_(None),
        StaffInvitation.expires_at > ctx.now)).all()
    return ctx.render("admin/centre.html", {
        "user": user, "centre": centre, "staff": staff, "pending": pending, "link": link,
        "errors": errors, "email": email}, status=422 if errors else 200, no_store=True)


routes = [
    Route("/admin/centres", centres, methods=["GET", "POST"], name="admin_centres"),
    Route("/admin/centres/{centre_id:int}", centre_detail, methods=["GET", "POST"],
          name="admin_centre"),
]
