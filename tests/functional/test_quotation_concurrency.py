"""Two awards of the same RFQ at once make exactly one order (own connections, real commits).

Runs on a file SQLite database, or a fresh PostgreSQL database under ``make test-pg``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import (
    CompanyRole,
    Order,
    QuoteRevision,
    QuoteStatus,
    Rfq,
    RfqInvitation,
    RfqStatus,
    User,
)
from app.services.audit.recording import Actor
from app.services.quotations.award import award
from app.services.quotations.quotes import submit_quote
from tests.builders.quotations import award_input, quote_input, quoted_rfq
from tests.builders.trade import make_trade
from tests.factories import UserFactory, this_weeks_rates
from tests.support.races import race


def _accept(user_id: int, revision_id: int) -> Callable[[], str]:
    def job() -> str:
        user = db.session.get(User, user_id)
        revision = db.session.get(QuoteRevision, revision_id)
        assert user is not None and revision is not None
        return f"order {award(Actor(user), revision, award_input()).id}"

    return job


def test_two_purchasers_accepting_the_same_quote_make_one_order(isolated_app: Flask) -> None:
    with isolated_app.app_context():
        this_weeks_rates()
        trade = make_trade()
        colleague = UserFactory(company=trade.buyer, company_role=CompanyRole.PURCHASER)
        rfq, revision = quoted_rfq(trade)
        ids = (trade.purchaser.id, colleague.id, revision.id, rfq.id)
        commit()
    first, second, revision_id, rfq_id = ids
    results = race(isolated_app, [_accept(first, revision_id), _accept(second, revision_id)])
    assert not [r for r in results if r.startswith("crashed")], results
    assert sum(r.startswith("order") for r in results) == 1, results
    with isolated_app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1
        assert db.session.get(Rfq, rfq_id).status is RfqStatus.AWARDED  # type: ignore[union-attr]


def test_accepting_two_sellers_quotes_at_once_awards_one(isolated_app: Flask) -> None:
    """Two revisions of the same RFQ (two sellers): the RFQ's move decides, one order."""
    with isolated_app.app_context():
        this_weeks_rates()
        trade = make_trade()
        rival = make_trade()
        rfq, mine = quoted_rfq(trade)
        rfq.invitations.append(RfqInvitation(seller_id=rival.seller.id))
        db.session.flush()
        theirs = submit_quote(Actor(rival.sales), rfq, quote_input(unit_price="530.00"))
        colleague = UserFactory(company=trade.buyer, company_role=CompanyRole.PURCHASER)
        ids = (trade.purchaser.id, colleague.id, mine.id, theirs.id)
        commit()
    first, second, mine_id, theirs_id = ids
    results = race(isolated_app, [_accept(first, mine_id), _accept(second, theirs_id)])
    assert not [r for r in results if r.startswith("crashed")], results
    assert sum(r.startswith("order") for r in results) == 1, results
    with isolated_app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1
        statuses = sorted(
            db.session.get(QuoteRevision, i).status.value  # type: ignore[union-attr]
            for i in (mine_id, theirs_id)
        )
        assert statuses == sorted([QuoteStatus.ACCEPTED.value, QuoteStatus.DECLINED.value])
