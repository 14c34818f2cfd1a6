"""Centre staff space (issue 5)."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
