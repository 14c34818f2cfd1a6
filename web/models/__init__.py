"""Database tables. Importing this package registers every table on SQLModel.metadata."""

from web.models.centre import Candidate, Centre, ExamSession
from web.models.course import Answer, Course, LiveAlert, ServedItem
from web.models.finalisation import (
    CandidateReport,
    CertificationResult,
    IncidentReport,
    SessionReport,
)
from web.models.proctor import ProctorLogin
from web.models.ratelimit import RateLimitHit
from web.models.staff import StaffInvitation, StaffUser


def pk(row: object) -> int:
    """The primary key of a stored row. SQLModel types `id` as optional (None until the row is
    flushed); every caller here holds a row read from, or flushed to, the database."""
    value = getattr(row, "id", None)
    if not isinstance(value, int):
        raise ValueError(f"{type(row).__name__} has no primary key yet")
    return value

__all__ = [
    "Answer",
    "Candidate",
    "CandidateReport",
    "CertificationResult",
    "Centre",
    "Course",
    "ExamSession",
    "IncidentReport",
    "LiveAlert",
    "ProctorLogin",
    "RateLimitHit",
    "ServedItem",
    "SessionReport",
    "StaffInvitation",
    "StaffUser",
    "pk",
]
