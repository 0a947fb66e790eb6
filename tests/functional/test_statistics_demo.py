"""The demo's generated trade fills the statistics page, with some figures confidential."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.demo.statistics import seed_statistics
from app.extensions import db
from app.models import Document, DocumentStatus, TradeFlowFact
from app.services.accounts import clock


def test_generated_trade_publishes_a_populated_page_once(
    app_ctx: None, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2026, 6, 15, 9, 0, tzinfo=UTC))
    written = seed_statistics(today=date(2026, 6, 15))
    db.session.commit()
    assert written > 500
    facts = db.session.scalar(select(func.count(TradeFlowFact.id)))
    assert facts == written  # one heading per generated order
    # Every generated invoice is issued with stored bytes (nothing left for the renderer).
    assert (
        db.session.scalar(
            select(func.count(Document.id)).where(Document.status != DocumentStatus.ISSUED)
        )
        == 0
    )
    data = client.get("/statistics/download.json?year=2026").get_json()
    cells = [
        cell
        for row in data["monthly"]["rows"]
        for period, cell in row["cells"].items()
        if period != "total" and row["key"] is not None
    ]
    hidden = [cell for cell in cells if cell.get("status") == "confidential"]
    shown = [cell for cell in cells if "value_usd" in cell and cell["shipments"]]
    assert data["monthly"]["periods"] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert hidden and len(shown) >= 5
    # Seeded once: a second run adds nothing.
    assert seed_statistics(today=date(2026, 6, 15)) == 0
