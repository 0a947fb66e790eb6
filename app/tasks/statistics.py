"""The trade-flow cube: refreshed for an order when it ships or is credited, and nightly."""

from __future__ import annotations

from huey import crontab

from app.models.base import utcnow
from app.services.statistics import cube
from app.tasks import huey, job


@job(retries=3, retry_delay=60)
def refresh_trade_flows(order_id: int) -> None:
    """Replace one order's facts (idempotent: a retry writes the same facts)."""
    cube.refresh_order(order_id)


@job(retries=2, retry_delay=300)
def refresh_trade_flows_nightly() -> None:
    """Every order with an invoice or credit note issued since the last run."""
    cube.refresh_nightly(utcnow())


@huey.periodic_task(crontab(hour="2", minute="35"))
def refresh_trade_flow_cube() -> None:
    """Nightly, in the job consumer: queue the incremental refresh."""
    refresh_trade_flows_nightly()
