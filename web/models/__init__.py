"""Database tables. Importing this package registers every table on SQLModel.metadata."""

from web.models.centre import Candidate, Centre, ExamSession
from web.models.course import Answer, Course, LiveAlert, ServedItem
from web.models.finalisation import (
    CandidateReport,
    CertificationResult,
    IncidentReport,
    SessionReport,
)
from web.models.ratelimit import RateLimitHit
from web.models.staff import StaffInvitation, StaffUser

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
    "RateLimitHit",
    "ServedItem",
    "SessionReport",
    "StaffInvitation",
    "StaffUser",
]
