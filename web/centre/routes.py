"""Centre staff space (issue 5): every route of the centre and platform-admin pages."""

from starlette.routing import BaseRoute

from web.centre import (
    account_routes,
    admin_routes,
    candidate_routes,
    finalisation_routes,
    session_routes,
)

routes: list[BaseRoute] = [
    *account_routes.routes,
    *session_routes.routes,
    *candidate_routes.routes,
    *finalisation_routes.routes,
    *admin_routes.routes,
]
