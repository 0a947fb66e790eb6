"""A download while another process writes (the render job storing a PDF, a colleague
recording a payment) waits its turn instead of failing with "database is locked".

A download writes its audit row. On SQLite a transaction that has read cannot then write
if another connection committed in between: the upgrade fails at once, whatever the busy
timeout. So the download takes the write lock before its first read, as POSTs do.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from app.database import commit
from app.extensions import db
from app.models import DocumentKind, Order, OrderStatus
from app.services.documents import downloads
from tests.builders.documents import render_pending
from tests.builders.orders import order_in
from tests.builders.trade import make_trade
from tests.factories.rates import this_weeks_rates
from tests.support.auth import AuthActions


def _another_process_writes(app: Flask, order_id: int, done: threading.Event) -> None:
    """Another connection changes a row and commits, as the render job does."""
    try:
        with app.app_context():
            db.session.execute(update(Order).where(Order.id == order_id).values(notes="Noted."))
            commit()
            db.session.remove()
    finally:
        done.set()


def test_a_download_while_another_connection_writes_is_served(
    isolated_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with isolated_app.app_context():
        this_weeks_rates()
        trade = make_trade()
        commit()
        email = trade.purchaser.email
        order = order_in(isolated_app, trade, OrderStatus.ACCEPTED)
        order_id = order.id
        (proforma,) = [
            document
            for document in render_pending(isolated_app, DocumentKind.PROFORMA_INVOICE)
            if document.order_id == order_id
        ]
        url = f"/documents/{proforma.public_id}.pdf"
        db.session.remove()

    real_record_audit = downloads.record_audit
    other_done = threading.Event()
    other = threading.Thread(
        target=_another_process_writes, args=(isolated_app, order_id, other_done)
    )

    def audit_after_another_write(*args: Any, **kwargs: Any) -> Any:
        # Between the download's read and its audit row, another process writes. Holding
        # the write lock, the download makes it wait (it finishes after the commit);
        # without it, the other commits at once and the audit row cannot be written.
        other.start()
        other_done.wait(timeout=2)
        return real_record_audit(*args, **kwargs)

    monkeypatch.setattr(downloads, "record_audit", audit_after_another_write)
    client = isolated_app.test_client()
    AuthActions(client).login(email)
    response = client.get(url)
    if not other.is_alive() and not other_done.is_set():
        # PostgreSQL reads the document and writes the audit row in one statement
        # (downloads.download_issued_pdf): there is no moment between them to write in,
        # so the other write comes after, and both must still be kept.
        other.start()

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert other_done.wait(timeout=30), "the other write went through after the download"
    with isolated_app.app_context():
        assert db.session.scalar(select(Order.notes).where(Order.id == order_id)) == "Noted."
        db.session.remove()
