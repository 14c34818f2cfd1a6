"""Column types shared by the tables."""

from sqlalchemy import BigInteger, DateTime, Integer

# 64-bit ids for the high-volume tables (answers, served items); SQLite only auto-increments an
# INTEGER PRIMARY KEY, so the variant keeps the rowid alias there.
BigId = BigInteger().with_variant(Integer(), "sqlite")

# Naive UTC everywhere (see web.clock): SQLite keeps no time zone, so PostgreSQL must not either,
# or the two backends would hand back different kinds of datetime.
Timestamp = DateTime(timezone=False)
