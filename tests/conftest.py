"""Test fixtures: one database per worker, migrations applied once, a rollback per test.

``TEST_DATABASE_URL`` picks the server: unset means a SQLite file per worker; a
``postgresql+psycopg://.../`` URL means a fresh PostgreSQL database per worker, dropped
at the end. Each test runs inside an outer transaction that is rolled back; the app's
own commits become savepoint releases inside it.

Only tests that use the app get any of this: a test whose fixtures never reach ``app``
(``app_ctx``, ``client``, ``auth``, ``isolated_app`` and the like all do) starts no app,
migrates no database and opens no transaction, so the tests of pure code (``Money``, the
e-invoice XML, ...) run on their own. Helpers live in ``tests.support`` (signing in,
reading pages), ``tests.builders`` (states reached through the real services) and
``tests.factories`` (rows).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig
from tests.support.auth import AuthActions

# The Flask-SQLAlchemy session the per-test fixture swaps out (for the isolated app).
_REAL_SESSION: list[scoped_session] = []  # type: ignore[type-arg]


def _postgres_database(base_url: str, name: str) -> str:
    url = make_url(base_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(base_url: str, name: str) -> None:
    url = make_url(base_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
        name = f"corridor_test_{uuid.uuid4().hex[:8]}_{worker}"
        url = _postgres_database(base, name)
        yield url
        _drop_postgres_database(base, name)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "corridor.sqlite3"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("instance")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        HUEY_SQLITE_PATH = str(instance / "queue.sqlite3")
        MEDIA_ROOT = str(instance / "media")
        EXPORT_ROOT = str(instance / "exports")

    application = create_app(Config)
    application.instance_path = str(instance)
    with application.app_context():
        flask_migrate.upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


class _RequestScopedTestSession(scoped_session):  # type: ignore[type-arg]
    """One session for the whole test; each request's teardown expires it instead of closing.

    Flask-SQLAlchemy removes the session when a request's app context ends; closing ours
    would detach every object the test holds. Expiring keeps them, reloaded on next use,
    and drops any change a view made without flushing it, as closing would.
    """

    def remove(self) -> None:
        if self.registry.has():
            self.registry().expire_all()

    def close_for_good(self) -> None:
        super().remove()


@pytest.fixture(autouse=True)
def _rolled_back_if_the_app_is_used(request: pytest.FixtureRequest) -> None:
    """Run every test that uses the app, directly or through any fixture, in ``db_session``.

    Tests that never reach the ``app`` fixture (pure functions) start no app and touch no
    database. Set up before the test's other function-scoped fixtures, so the rows they
    make are rolled back with the test.
    """
    if "app" in request.fixturenames:
        request.getfixturevalue("db_session")


@pytest.fixture
def db_session(app: Flask) -> Iterator[scoped_session]:  # type: ignore[type-arg]
    """Swap the app's session for one joined to a per-test transaction (then rolled back)."""
    with app.app_context():
        engine = db.engine
    connection = engine.connect()
    transaction = connection.begin()
    session = _RequestScopedTestSession(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )
    original = db.session
    _REAL_SESSION[:] = [original]
    db.session = session
    limiter.reset()
    try:
        yield session
    finally:
        session.close_for_good()
        transaction.rollback()
        connection.close()
        db.session = original


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    """An app context for calling services directly (not held during client requests)."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def isolated_app(app: Flask, db_session: scoped_session, tmp_path: Path) -> Iterator[Flask]:  # type: ignore[type-arg]
    """An app on a fresh database of its own, with real sessions and commits.

    For tests that need several threads, each with its own app context, session and
    connection: committed rows there never leak into the rolled-back tests.
    """
    from app.tasks import configure_queue

    base = os.environ.get("TEST_DATABASE_URL", "")
    name = f"corridor_iso_{uuid.uuid4().hex[:10]}"
    url = (
        _postgres_database(base, name)
        if base.startswith("postgresql")
        else f"sqlite:///{tmp_path / 'isolated.sqlite3'}"
    )

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url
        SQLALCHEMY_ENGINE_OPTIONS = (
            {"pool_size": 12, "max_overflow": 4} if base.startswith("postgresql") else {}
        )
        MEDIA_ROOT = str(tmp_path / "media")

    isolated = create_app(Config)
    db.session = _REAL_SESSION[0]
    try:
        with isolated.app_context():
            flask_migrate.upgrade()
        yield isolated
    finally:
        with isolated.app_context():
            db.session.remove()
            db.engine.dispose()
        db.session = db_session
        configure_queue(app)
        if base.startswith("postgresql"):
            _drop_postgres_database(base, name)


@pytest.fixture
def exchange_rates(app: Flask) -> None:
    """The daily rates the operator would have entered this week (USD, CNY, EUR)."""
    from tests.factories.rates import this_weeks_rates

    with app.app_context():
        this_weeks_rates()
