"""Entry point for the job consumer: ``huey_consumer app.worker.huey``."""

from app import create_app
from app.documents.render import check_subsetting
from app.tasks import documents, email, huey

app = create_app()

# Importing a task module registers its tasks with the consumer.
TASK_MODULES = (documents, email)

# Workers render PDFs: say at start-up when fonts would be subset the slow way.
check_subsetting()

__all__ = ["app", "huey"]
