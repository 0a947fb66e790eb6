"""Column types and model invariants that every later table relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError

from app.extensions import db
from app.models import AuditEvent, Company, User
from tests.factories import CompanyFactory, UserFactory


def test_times_come_back_aware_in_utc(app_ctx: None) -> None:
    karachi = timezone(timedelta(hours=5))
    event = AuditEvent(action="test", occurred_at=datetime(2026, 5, 1, 17, 0, tzinfo=karachi))
    db.session.add(event)
    db.session.flush()
    db.session.expire_all()
    stored = db.session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.id == event.id))
    assert stored == datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    assert stored is not None and stored.utcoffset() == timedelta(0)


def test_naive_times_are_refused(app_ctx: None) -> None:
    db.session.add(AuditEvent(action="test", occurred_at=datetime(2026, 5, 1, 12, 0)))
    with pytest.raises(StatementError):
        db.session.flush()
    db.session.rollback()


def test_default_times_are_taken_per_row_not_at_import(app_ctx: None) -> None:
    first = CompanyFactory()
    second = CompanyFactory()
    assert first.created_at.tzinfo is not None
    assert second.created_at >= first.created_at
    assert abs(datetime.now(UTC) - second.created_at) < timedelta(minutes=1)


def test_public_ids_are_random_and_distinct(app_ctx: None) -> None:
    ids = {UserFactory().public_id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(public_id) >= 16 and not public_id.isdigit() for public_id in ids)


def test_a_company_must_sell_or_buy(app_ctx: None) -> None:
    with db.session.begin_nested():
        db.session.add(
            Company(
                legal_name="Nothing Ltd", country="PK", sells=False, buys=False, address="x",
                city="y", tax_id="1234567-8", contact_email="a@example.com",
                reporting_currency="PKR",
            )
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_a_user_is_staff_or_operator_never_both(app_ctx: None) -> None:
    company = CompanyFactory()
    with db.session.begin_nested():
        db.session.add(
            User(email="both@example.com", full_name="Both", password_hash="x", company=company,
                 company_role=None, is_operator=True)
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.flush()
