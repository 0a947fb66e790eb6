"""Pooled database connections: idle ones are checked before use, busy ones are not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from app import extensions
from app.extensions import ping_idle_connections


def _pool_of_one(isolated_app: Flask) -> Engine:
    """An engine on the test database whose pool holds a single connection."""
    engine = create_engine(isolated_app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1)
    ping_idle_connections(engine)
    return engine


def _kill(engine: Engine, dbapi_connection: Any) -> None:
    """End the pooled connection behind the pool's back, as a server restart would."""
    if engine.dialect.name == "postgresql":
        pid = dbapi_connection.info.backend_pid
        killer = create_engine(engine.url, poolclass=NullPool)
        with killer.connect() as other:
            other.execute(select(func.pg_terminate_backend(pid)))
    else:
        dbapi_connection.close()


def test_a_connection_that_died_while_idle_is_replaced_before_use(
    isolated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0.0)
    engine = _pool_of_one(isolated_app)
    try:
        with engine.connect() as connection:
            dead = connection.connection.dbapi_connection
        _kill(engine, dead)

        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
            assert connection.connection.dbapi_connection is not dead
    finally:
        engine.dispose()


def test_a_connection_used_a_moment_ago_is_not_pinged(
    isolated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _pool_of_one(isolated_app)
    pings: list[object] = []
    real_ping = engine.dialect.do_ping

    def counted_ping(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted_ping)
    try:
        for _ in range(3):
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        assert pings == []  # the first was new, the others back within the limit

        monkeypatch.setattr(extensions, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert len(pings) == 1
    finally:
        engine.dispose()
