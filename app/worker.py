"""Entry point for the job consumer: ``huey_consumer app.worker.huey``."""

from app import create_app
from app.tasks import email, huey

app = create_app()

# Importing a task module registers its tasks with the consumer.
TASK_MODULES = (email,)

__all__ = ["app", "huey"]
