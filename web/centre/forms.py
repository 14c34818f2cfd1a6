"""Small helpers shared by the centre's route modules."""

from __future__ import annotations

from web.handler import Ctx


def flat(ctx: Ctx) -> dict[str, str]:
    """The posted form as {name: first value, stripped}."""
    return {key: (values[0].strip() if values else "") for key, values in ctx.form_dict().items()}


def path_int(ctx: Ctx, name: str) -> int:
    return int(ctx.request.path_params[name])


def raw(ctx: Ctx, name: str) -> str:
    """A field exactly as typed (passwords: spaces count)."""
    value = ctx.form.get(name, "") if ctx.form is not None else ""
    return value if isinstance(value, str) else ""
