"""Staff sign-in, sign-out, password change and invitation acceptance."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from web import ratelimit
from web.centre import auth, invitations, passwords
from web.centre.forms import raw
from web.handler import Ctx, endpoint
from web.i18n import gettext_ as _
from web.public import safe_next

INVITATION_FAILURES_PER_IP = 20


@endpoint
def centre_home(ctx: Ctx) -> Response:
    user = auth.current_staff(ctx)
    return ctx.redirect(auth.home_for(user) if user else "/centre/connexion")


@endpoint
def login(ctx: Ctx) -> Response:
    user = auth.current_staff(ctx)
    if ctx.request.method == "GET":
        if user is not None:
            return ctx.redirect(auth.home_for(user))
        return ctx.render("centre/login.html", {"email": "", "next": ctx.request.query_params.get(
            "suite", ""), "errors": {}}, no_store=True)
    email = ctx.field("email")
    user = auth.authenticate(ctx, email, raw(ctx, "password"))
    if user is None:
        return ctx.render("centre/login.html", {
            "email": email, "next": ctx.field("next"),
            "errors": {"password": _("E-mail ou mot de passe incorrect.")}},
            status=400, no_store=True)
    auth.sign_in(ctx, user)
    target = safe_next(ctx.field("next")) if ctx.field("next") else "/"
    return ctx.redirect(target if target != "/" else auth.home_for(user))


@endpoint
def logout(ctx: Ctx) -> Response:
    # The cookie is a signed blob: clearing it in this browser does not stop a copy of it
    # (stolen, or left in another profile) from working until it expires. Bumping the version
    # does, at the price of signing out the account's other browsers too.
    _end_every_session(ctx)
    return ctx.redirect("/centre/connexion?deconnecte=1")


def _end_every_session(ctx: Ctx) -> None:
    user = auth.current_staff(ctx)
    if user is not None:
        user.session_version += 1
        ctx.db.add(user)
        ctx.db.commit()
    auth.clear(ctx)


@endpoint
def logout_everywhere(ctx: Ctx) -> Response:
    _end_every_session(ctx)
    return ctx.redirect("/centre/connexion?deconnecte=1")


@endpoint
def change_password(ctx: Ctx) -> Response:
    user = auth.current_staff(ctx)
    if user is None:
        return ctx.redirect("/centre/connexion?suite=/centre/mot-de-passe")
    context = {"user": user, "errors": {}, "done": ctx.request.query_params.get("ok") == "1"}
    if ctx.request.method == "GET":
        return ctx.render("centre/password.html", context, no_store=True)
    current, new = raw(ctx, "current_password"), raw(ctx, "new_password")
    confirm = raw(ctx, "confirm_password")
    profile = passwords.profile_of(ctx.state.settings)
    errors: dict[str, str] = {}
    if not passwords.verify_password(user.password_hash, current, profile)[0]:
        errors["current_password"] = _("Mot de passe actuel incorrect.")
    problems = passwords.password_problems(new, user.email)
    if problems:
        errors["new_password"] = " ".join(problems)
    elif new != confirm:
        errors["confirm_password"] = _("Les deux mots de passe ne correspondent pas.")
    if errors:
        context["errors"] = errors
        return ctx.render("centre/password.html", context, status=422, no_store=True)
    user.password_hash = passwords.hash_password(new, profile)
    user.password_changed_at = ctx.now
    user.session_version += 1  # every other signed-in browser is signed out
    ctx.db.add(user)
    ctx.db.commit()
    auth.sign_in(ctx, user)
    return ctx.redirect("/centre/mot-de-passe?ok=1")


@endpoint
def accept_invitation(ctx: Ctx) -> Response:
    token = ctx.request.path_params["token"]
    # Failed look-ups only, per address: a token cannot be guessed (256 bits), but nobody gets
    # to try millions; a valid link keeps working from a school's shared address.
    failures = f"invitation:ip:{ratelimit.client_address(ctx.request)}"
    if ratelimit.reached(ctx.db, failures, limit=INVITATION_FAILURES_PER_IP,
                         window=auth.LOGIN_WINDOW, now=ctx.now):
        raise HTTPException(429, _("Trop de liens d'invitation non valides depuis cette "
                                   "adresse. Réessayez dans 15 minutes."))
    invitation = invitations.find(ctx.db, token, ctx.now)
    if invitation is None:
        ratelimit.hit(ctx.db, failures, limit=INVITATION_FAILURES_PER_IP,
                      window=auth.LOGIN_WINDOW, now=ctx.now)
        raise HTTPException(404, _("Ce lien d'invitation n'est pas valide ou a expiré. "
                                   "Demandez une nouvelle invitation."))
    context = {"invitation": invitation, "token": token, "errors": {}}
    if ctx.request.method == "GET":
        return ctx.render("centre/invitation.html", context, no_store=True)
    new = raw(ctx, "new_password")
    problems = passwords.password_problems(new, invitation.email)
    if problems:
        context["errors"] = {"new_password": " ".join(problems)}
    elif new != raw(ctx, "confirm_password"):
        context["errors"] = {"confirm_password": _("Les deux mots de passe ne correspondent pas.")}
    if context["errors"]:
        return ctx.render("centre/invitation.html", context, status=422, no_store=True)
    profile = passwords.profile_of(ctx.state.settings)
    try:
        user = invitations.accept(ctx.db, invitation, passwords.hash_password(new, profile),
                                  ctx.now)
        ctx.db.commit()
    except (invitations.InvitationError, IntegrityError) as exc:
        ctx.db.rollback()
        raise HTTPException(409, _("Cette invitation a déjà été utilisée.")) from exc
    auth.sign_in(ctx, user)
    return ctx.redirect("/centre/sessions")


routes = [
    Route("/centre", centre_home, name="centre_home"),
    Route("/centre/connexion", login, methods=["GET", "POST"], name="centre_login"),
    Route("/centre/deconnexion", logout, methods=["POST"], name="centre_logout"),
    Route("/centre/deconnexion-partout", logout_everywhere, methods=["POST"],
          name="centre_logout_everywhere"),
    Route("/centre/mot-de-passe", change_password, methods=["GET", "POST"],
          name="centre_password"),
    Route("/centre/invitation/{token}", accept_invitation, methods=["GET", "POST"],
          name="centre_invitation"),
]
