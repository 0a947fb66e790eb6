"""Corridor: a marketplace for cross-border industrial trade."""

from __future__ import annotations

import gc
from pathlib import Path

from flask import Flask

import config as config_module

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[config_module.Config] | str | None = None) -> Flask:
    """Build the application; ``config`` is a config class or its name."""
    config_class = config if isinstance(config, type) else config_module.resolve(config)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(config_module.INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    if not app.config.get("SECRET_KEY"):
        if config_class is not config_module.DevelopmentConfig:
            raise config_module.ConfigError("SECRET_KEY is not set.")
        app.config["SECRET_KEY"] = config_module.development_secret(Path(app.instance_path))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from app import i18n, security
    from app.extensions import csrf, db, limiter, migrate, ping_idle_connections
    from app.reference.text import printed

    db.init_app(app)
    with app.app_context():
        ping_idle_connections(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    # What every {{ ... }} prints, pages and documents alike: no bidirectional controls.
    app.jinja_env.finalize = printed

    from app.cli import register_cli
    from app.web import register_blueprints

    register_blueprints(app)
    register_cli(app)

    from app.database import bind_job_queue
    from app.tasks import configure_queue, dispatch

    configure_queue(app)
    bind_job_queue(dispatch)

    if not app.testing:
        from app.operations.logs import configure_logging

        configure_logging(json_lines=bool(app.config.get("LOG_JSON")))
    return app


def settle_for_serving() -> None:
    """Once a server process has built the app: keep what exists from the collector.

    The app, its libraries and their tables (about 180,000 objects) live as long as the
    process; a full garbage collection walking them all took over 100 ms, a pause that
    landed on whichever request triggered it. Frozen, they are never walked again.
    """
    gc.collect()
    gc.freeze()
