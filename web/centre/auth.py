"""Who is signed in: the staff session kept in the signed cookie.

The cookie holds the staff id, the account's `session_version` at sign-in, the sign-in time and
the last activity time. Every request re-reads the account: a password change, signing out or
"sign out everywhere" bumps the version and every older cookie stops working at once (a copy of
a signed-out cookie included); a deactivated
account is out at its next click.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import quote

from sqlmodel import select
from starlette.exceptions import HTTPException

from web import ratelimit
from web.centre import passwords
from web.handler import Ctx
from web.i18n import gettext_ as _
from web.inputs import has_control
from web.models import StaffUser
from web.models.staff import ROLE_CENTRE_ADMIN, ROLE_JURY, ROLE_PLATFORM_ADMIN

IDLE_TIMEOUT = dt.timedelta(hours=2)
ABSOLUTE_TIMEOUT = dt.timedelta(hours=10)  # a school day; then sign in again
LOGIN_WINDOW = dt.timedelta(minutes=15)
LOGIN_LIMIT_PER_EMAIL = 5
LOGIN_LIMIT_PER_IP = 30  # a school behind one NAT address: several staff may sign in at once
KEYS = ("staff_id", "staff_v", "staff_login", "staff_seen")


def _ts(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds")


def _parse(value: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def sign_in(ctx: Ctx, user: StaffUser) -> None:
    clear(ctx)
    ctx.session.update({"staff_id": user.id, "staff_v": user.session_version,
                        "staff_login": _ts(ctx.now), "staff_seen": _ts(ctx.now)})


def clear(ctx: Ctx) -> None:
    for key in KEYS:
        ctx.session.pop(key, None)


def current_staff(ctx: Ctx) -> StaffUser | None:
    session = ctx.session
    if "staff_id" not in session:
        return None
    login, seen = _parse(session.get("staff_login")), _parse(session.get("staff_seen"))
    if (login is None or seen is None or ctx.now - seen > IDLE_TIMEOUT
            or ctx.now - login > ABSOLUTE_TIMEOUT):
        clear(ctx)
        return None
    user = ctx.db.get(StaffUser, session["staff_id"])
    if user is None or not user.active or user.session_version != session.get("staff_v"):
        clear(ctx)
        return None
    # Refreshing the timestamp re-signs the cookie; once a minute is enough.
    if ctx.now - seen > dt.timedelta(minutes=1):
        session["staff_seen"] = _ts(ctx.now)
    return user


def _login_redirect(ctx: Ctx) -> HTTPException:
    target = "/centre/connexion?suite=" + quote(ctx.request.url.path)
    if ctx.htmx:
        # htmx follows a 303 silently; HX-Redirect makes it load the sign-in page instead.
        return HTTPException(401, _("Votre session a expiré : reconnectez-vous."),
                             headers={"HX-Redirect": target})
    return HTTPException(303, _("Connexion requise."), headers={"Location": target})


def require_centre_admin(ctx: Ctx) -> StaffUser:
    user = current_staff(ctx)
    if user is None:
        raise _login_redirect(ctx)
    if user.role != ROLE_CENTRE_ADMIN or user.centre_id is None:
        raise HTTPException(403)
    return user


def _require_national(ctx: Ctx, role: str) -> StaffUser:
    """A signed-in account of a national role (no centre)."""
    user = current_staff(ctx)
    if user is None:
        raise _login_redirect(ctx)
    if user.role != role:
        raise HTTPException(403)
    return user


def require_platform_admin(ctx: Ctx) -> StaffUser:
    return _require_national(ctx, ROLE_PLATFORM_ADMIN)


def require_jury(ctx: Ctx) -> StaffUser:
    return _require_national(ctx, ROLE_JURY)


def authenticate(ctx: Ctx, email: str, password: str) -> StaffUser | None:
    """The account if the password matches; raises 429 when too many attempts were made.

    Counted per e-mail (guessing one account's password) and per address (trying many accounts).
    """
    email = email.strip().lower()
    # Hashed: whatever was typed, the key fits its column (200 characters) and holds no NUL.
    email_key = "staff-login:email:" + hashlib.sha256(email.encode()).hexdigest()
    ip_key = f"staff-login:ip:{ratelimit.client_address(ctx.request)}"
    allowed_email = ratelimit.hit(ctx.db, email_key, limit=LOGIN_LIMIT_PER_EMAIL,
                                  window=LOGIN_WINDOW, now=ctx.now)
    allowed_ip = ratelimit.hit(ctx.db, ip_key, limit=LOGIN_LIMIT_PER_IP, window=LOGIN_WINDOW,
                               now=ctx.now)
    if not (allowed_email and allowed_ip):
        raise HTTPException(429, _("Trop de tentatives de connexion. Réessayez dans 15 "
                                   "minutes."))
    profile = passwords.profile_of(ctx.state.settings)
    user = None if has_control(email) else ctx.db.exec(  # NUL: refused by PostgreSQL
        select(StaffUser).where(StaffUser.email == email)).first()
    if user is None or not user.active:
        passwords.burn_time(password, profile)
        return None
    ok, new_hash = passwords.verify_password(user.password_hash, password, profile)
    if not ok:
        return None
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = ctx.now
    ctx.db.add(user)
    ctx.db.commit()
    ratelimit.reset(ctx.db, email_key)
    return user


def home_for(user: StaffUser) -> str:
    return {ROLE_PLATFORM_ADMIN: "/admin/centres",
            ROLE_JURY: "/jury/sessions"}.get(user.role, "/centre/sessions")
