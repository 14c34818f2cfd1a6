"""Candidate pages (issue 2): join, rules, questions, end screen."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
