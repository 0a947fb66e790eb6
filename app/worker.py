"""Entry point for the job consumer: ``huey_consumer app.worker.huey``."""

from app import create_app
from app.tasks import huey

app = create_app()

__all__ = ["app", "huey"]
