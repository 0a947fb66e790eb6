"""Entry point for the job consumer: ``python -m app.worker [huey_consumer options]``.

``huey_consumer app.worker.huey`` works too, but adds a plain-text handler of its own to
the "huey" logger after loading the app, so every huey line would be written twice: once
plain, once as our JSON line. ``main`` is huey's consumer start without that handler.
"""

import logging
import sys

from huey.consumer_options import ConsumerConfig, OptionParserHandler

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

__all__ = ["app", "huey", "main"]


def main(argv: list[str] | None = None) -> None:
    options, _ = OptionParserHandler().get_option_parser().parse_args(argv)
    config = ConsumerConfig(**{k: v for k, v in vars(options).items() if v is not None})
    config.validate()
    # Our handler (app.operations.logs) already writes huey's lines; only the level is huey's.
    logging.getLogger("huey").setLevel(config.loglevel)
    huey.create_consumer(**config.values).run()


if __name__ == "__main__":
    main(sys.argv[1:])
