"""Attempt counters for rate limiting, kept in the database so every app process shares them."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from web.models.types import Timestamp


class RateLimitHit(SQLModel, table=True):
    __tablename__ = "rate_limit"

    key: str = Field(primary_key=True, max_length=200)
    window_start: dt.datetime = Field(sa_type=Timestamp)
    count: int = 0
