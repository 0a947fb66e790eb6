"""The catalogue's kept facet counts, taken again after listings change."""

from __future__ import annotations

from huey import crontab

from app.services.catalog import search
from app.tasks import huey, job


@job(retries=0)
def refresh_catalogue_counts() -> None:
    """Group the public listings once into the kept counts (app/services/catalog/counts.py),
    if the catalogue changed since they were taken; one cheap statement when not."""
    search.refresh_catalogue_counts()


@huey.periodic_task(crontab(minute="*"))
def keep_catalogue_counts() -> None:
    """Every minute, in the job consumer. Pages never wait for it: until the counts catch
    up with a change, they count their first matches live (bounded)."""
    refresh_catalogue_counts()
