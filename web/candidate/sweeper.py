"""Close tests past their deadline without waiting for the candidate's next request."""

from typing import Any


def close_overdue_courses(state: Any) -> None:
    return None
