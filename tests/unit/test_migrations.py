"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db


def test_models_and_migrations_agree(app_ctx: None) -> None:
    connection = db.session.connection()
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "render_as_batch": True,
            # The full-text index tables are made by their migration, not the models.
            "include_name": lambda name, type_, parents: (
                not (type_ == "table" and name.startswith("product_search"))
            ),
        },
    )
    differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_audit_log_triggers_exist(app_ctx: None) -> None:
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        names = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        assert {"audit_events_no_update", "audit_events_no_delete"} <= names
    else:
        names = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        }
        assert "audit_events_append_only" in names
