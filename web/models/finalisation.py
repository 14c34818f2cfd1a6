"""What the centre records when it finalises a session, and the results computed then."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from web.models.types import Timestamp

# Why a candidate did not finish (product.md step 10).
REASON_CANDIDATE = "candidate"
REASON_TECHNICAL = "technical"
UNFINISHED_REASONS = (REASON_CANDIDATE, REASON_TECHNICAL)

# Incident report categories.
INCIDENT_CATEGORIES = ("candidate_information", "technical", "question", "fraud", "other")


class SessionReport(SQLModel, table=True):
    """The finalisation of one session: who, when, and the global comment."""

    __tablename__ = "session_report"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="exam_session.id", unique=True)
    finalised_by_id: int | None = Field(default=None, foreign_key="staff_user.id")
    global_comment: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(sa_type=Timestamp)


class CandidateReport(SQLModel, table=True):
    """Per candidate who started: whether the end screen was seen, and why an unfinished test
    stopped (None when the candidate answered every question)."""

    __tablename__ = "candidate_report"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", unique=True)
    unfinished_reason: str | None = Field(default=None, max_length=20)
    end_screen_seen: bool = False


class IncidentReport(SQLModel, table=True):
    """An incident about one candidate, entered by the centre before finalising."""

    __tablename__ = "incident_report"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    category: str = Field(max_length=30)
    question_number: int | None = None
    comment: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(sa_type=Timestamp)


class CertificationResult(SQLModel, table=True):
    """A course's result, computed once at finalisation so lists and exports never recompute.

    `ended_by` and `config_version` are what the engine was given: `rescore` recomputes from
    them and the a/b recorded on the served items, and must find the same result."""

    __tablename__ = "certification_result"

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(foreign_key="certification_course.id", unique=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    status: str = Field(max_length=20)  # validated | rejected | cancelled
    score: int = 0
    level: int = 0
    competence_levels: str = Field(default="{}", max_length=2000)  # JSON {code: level}
    answered: int = 0
    lowered: bool = False
    reason: str | None = Field(default=None, max_length=30)
    ended_by: str = Field(max_length=20)  # completed | candidate | technical | fraud
    config_version: str = Field(max_length=40)
    computed_at: dt.datetime = Field(sa_type=Timestamp)
    # The jury's decision, kept apart from what the engine computed (which `rescore` must
    # find again): None keeps the computed result; "cancelled" or "rejected" overrides it.
    jury_decision: str | None = Field(default=None, max_length=20)
    jury_comment: str = Field(default="", max_length=2000)
    jury_decided_at: dt.datetime | None = Field(default=None, sa_type=Timestamp)
    jury_decided_by_id: int | None = None  # an audit field, without a foreign key (0011)
    # Given at publication to every validated result: what the candidate shares and anyone
    # can check (web.jury.certificates).
    verification_code: str | None = Field(default=None, max_length=10, unique=True, index=True)

    @property
    def final_status(self) -> str:
        """The status the certificate and the lists show: the jury's, else the computed one."""
        return self.jury_decision or self.status

    @property
    def final_score(self) -> int:
        return self.score if self.final_status == "validated" else 0

    @property
    def final_level(self) -> int:
        return self.level if self.final_status == "validated" else 0
