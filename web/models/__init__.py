"""Database tables. Importing this package registers every table on SQLModel.metadata."""

from web.models.centre import Candidate, Centre, ExamSession
from web.models.course import Answer, Course, LiveAlert, ServedItem
from web.models.ratelimit import RateLimitHit

__all__ = [
    "Answer",
    "Candidate",
    "Centre",
    "Course",
    "ExamSession",
    "LiveAlert",
    "RateLimitHit",
    "ServedItem",
]
