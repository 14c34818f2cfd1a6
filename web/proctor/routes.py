"""Proctor space (issue 2)."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
