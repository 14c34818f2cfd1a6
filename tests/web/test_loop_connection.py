"""The handlers that run on the event loop share one autocommit connection per process
(web.db.LoopConnection), on PostgreSQL; SQLite keeps one connection per request."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.web.factories import make_session
from tests.web.test_proctor_live import PollingProctor

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def backend_pid(app) -> int:  # noqa: ANN001
    conn = app.state.loop_connection.conn
    return conn.connection.dbapi_connection.info.backend_pid


def test_polls_share_one_connection_and_leave_no_transaction_open(client, app, db_engine,  # noqa: ANN001
                                                                   clock) -> None:
    session_id, _ = make_session(db_engine, clock.now())
    proctor = PollingProctor(client, session_id)
    proctor.sign_in()
    proctor.shows()  # the page, then its polls: all on the loop
    first = backend_pid(app)
    for _ in range(3):
        proctor.poll()
    assert backend_pid(app) == first
    held = app.state.loop_connection.conn
    assert not held.in_transaction()  # nothing carried over to the next request
    # A statement through SQLAlchemy opens an implicit transaction: the release ends it.
    held.execute(text("SELECT 1"))
    app.state.loop_connection.release(held)
    assert not held.in_transaction()


def test_a_lost_connection_is_replaced_at_the_next_request(client, app, db_engine,  # noqa: ANN001
                                                           clock) -> None:
    session_id, _ = make_session(db_engine, clock.now())
    proctor = PollingProctor(client, session_id)
    proctor.sign_in()
    proctor.shows()
    first = backend_pid(app)
    with db_engine.connect() as admin:  # the server ends that backend (a restart, a failover)
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    # The poll that meets the dead connection fails (a 500; the test client raises it) and
    # invalidates it, the next one works on a new connection: as with a pooled connection
    # (web.db.make_engine: no pre-ping).
    with pytest.raises(OperationalError):
        client.get(proctor.base, headers={"HX-Request": "true"})
    assert proctor.poll().status_code == 204  # read on a new connection: nothing changed
    assert backend_pid(app) != first


def test_a_recycled_connection_goes_back_to_the_pool(client, app, db_engine, clock) -> None:  # noqa: ANN001
    session_id, _ = make_session(db_engine, clock.now())
    proctor = PollingProctor(client, session_id)
    proctor.sign_in()
    proctor.shows()
    held = app.state.loop_connection
    before = held.conn
    held.since -= held.recycle + 1  # served longer than `recycle`
    proctor.poll()
    assert held.conn is not before and before.closed
