"""Entry point for the job consumer: ``huey_consumer app.worker.huey``."""

from app import create_app, settle_for_serving
from app.documents.pdf import warm_up
from app.documents.render import check_subsetting
from app.tasks import documents, email, exports, huey, reminders

app = create_app()

# Importing a task module registers its tasks with the consumer.
TASK_MODULES = (documents, email, exports, reminders)

# Workers render PDFs: say at start-up when fonts would be subset the slow way, and warm the
# caches once here so that process workers and render children start with them.
check_subsetting()
with app.app_context():
    warm_up()
# Then keep everything built so far (app, fonts, warmed caches) out of the collector's
# walks; forked process workers inherit the frozen state.
settle_for_serving()

__all__ = ["app", "huey"]
