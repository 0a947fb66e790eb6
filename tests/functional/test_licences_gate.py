"""The controlled-goods gate: publish, order, award, accept and ship, each allowed with the
right licence and refused by a missing, expired, rejected, wrong-UN-number or exhausted
one; drawdowns racing on the last kilograms of a licence.

The trade: Wah Nobel (Pakistan) sells emulsion explosive UN0241 1.5D, 1 kg NEM per kg, to
Shanghai Minmetals (China), 500 kg at a time: 500 kg NEM.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.database import commit
from app.extensions import db
from app.models import AuditEvent, Order, OrderStatus, ProductStatus, User
from app.models.licence import (
    Licence,
    LicenceAttachment,
    LicenceDrawdown,
    LicenceKind,
    ReviewStatus,
)
from app.services.audit.recording import Actor
from app.services.fulfilment import actions
from app.services.licences import gate
from app.services.licences.needs import LicenceRefused
from app.services.listings.editing import publish_listing
from tests.builders.licences import licence
from tests.builders.orders import (
    accept,
    place_for,
    record_shipment,
    release_if_held,
    sea_shipment,
    start_production,
)
from tests.builders.quotations import award_input, quoted_rfq
from tests.builders.trade import Trade, make_trade
from tests.factories import this_weeks_rates
from tests.support.auth import AuthActions
from tests.support.races import race

K = LicenceKind
TODAY = date.today()


@pytest.fixture(autouse=True)
def _rates(app: Flask) -> None:
    # Shipping issues the commercial invoice, which needs this week's exchange rates.
    this_weeks_rates()


def _trade() -> Trade:
    trade = make_trade(
        un_number="UN0241",
        proper_shipping_name="EXPLOSIVE, BLASTING, TYPE E",
        hazard_class="1.5D",
        net_explosive_mass_g=1000,
        moq=100,
        stock_quantity=10_000,
    )
    # Dangerous goods ship only with a 24-hour emergency contact on the declaration.
    trade.seller.emergency_contact_phone = "+92 51 111 222 333"
    db.session.flush()
    return trade


def _buyer_papers(trade: Trade, **import_fields: object) -> None:
    licence(trade.buyer, K.IMPORT, number="IMP-1", **import_fields)  # type: ignore[arg-type]
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-1")


def _place(app: Flask, trade: Trade, quantity: int = 500) -> Order:
    return place_for(app, trade.purchaser, [(trade.product, quantity)])


def _refusal(app: Flask, call: Callable[[], object]) -> str:
    with app.test_request_context(), pytest.raises(LicenceRefused) as caught:
        call()
    return str(caught.value)


# --- order ---------------------------------------------------------------------------------


def test_an_order_with_the_buyers_import_licence_and_certificate_is_placed_and_binds_it(
    app: Flask,
) -> None:
    trade = _trade()
    _buyer_papers(trade, limit_kg=1000)
    order = _place(app, trade)
    assert order.status is OrderStatus.PLACED
    attached = db.session.scalars(
        select(Licence.number)
        .join(LicenceAttachment, LicenceAttachment.licence_id == Licence.id)
        .where(LicenceAttachment.order_id == order.id)
        .order_by(Licence.number)
    ).all()
    assert list(attached) == ["EUC-1", "IMP-1"]
    # Both serve later orders too (neither names this order): they stay unbound.
    assert db.session.scalars(select(Licence.order_id)).all() == [None, None]


def test_a_per_shipment_approval_used_to_order_is_bound_to_that_order(app: Flask) -> None:
    trade = _trade()
    approval = licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-1")
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-1")
    order = _place(app, trade)
    assert approval.order_id == order.id


def test_an_order_without_an_import_licence_is_refused_naming_the_document(app: Flask) -> None:
    trade = _trade()
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-1")
    message = _refusal(app, lambda: _place(app, trade))
    assert message == (
        "Shanghai Minmetals Trading Co., Ltd. has no accepted import licence or per-shipment"
        " approval (MIIT 审批单) covering UN0241 for 500 kg NEM."
    )
    assert db.session.scalar(select(Order).where(Order.buyer_id == trade.buyer.id)) is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"valid_from": TODAY - timedelta(days=400), "valid_to": TODAY - timedelta(days=1)},
            f"Shanghai Minmetals Trading Co., Ltd.'s import licence IMP-1 expired on"
            f" {(TODAY - timedelta(days=1)).isoformat()}: UN0241 needs 500 kg NEM.",
        ),
        (
            {"status": ReviewStatus.REJECTED},
            "Shanghai Minmetals Trading Co., Ltd.'s import licence IMP-1 was rejected (Scan"
            " unreadable.): UN0241 needs 500 kg NEM.",
        ),
        (
            {"status": ReviewStatus.PENDING},
            "Shanghai Minmetals Trading Co., Ltd.'s import licence IMP-1 waits for the"
            " operator's review: UN0241 needs 500 kg NEM.",
        ),
        (
            {"goods": ("UN0360",)},
            "Shanghai Minmetals Trading Co., Ltd.'s import licence IMP-1 does not cover"
            " UN0241: UN0241 needs 500 kg NEM.",
        ),
        (
            {"limit_kg": 499},
            "Shanghai Minmetals Trading Co., Ltd.'s import licence IMP-1 has 499 kg NEM left"
            " of 499 kg NEM: UN0241 needs 500 kg NEM.",
        ),
    ],
    ids=["expired", "rejected", "pending", "wrong-un-number", "exhausted"],
)
def test_an_order_is_refused_by_an_unusable_import_licence(
    app: Flask, fields: dict[str, object], expected: str
) -> None:
    trade = _trade()
    _buyer_papers(trade, **fields)
    assert _refusal(app, lambda: _place(app, trade)) == expected


def test_an_order_without_an_end_user_certificate_is_refused(app: Flask) -> None:
    trade = _trade()
    licence(trade.buyer, K.IMPORT, number="IMP-1")
    assert _refusal(app, lambda: _place(app, trade)) == (
        "Shanghai Minmetals Trading Co., Ltd. has no accepted end-user certificate covering"
        " UN0241 for 500 kg NEM."
    )


def test_goods_that_are_not_controlled_need_no_licence(app: Flask) -> None:
    trade = make_trade()  # HS 360200, no class, not flagged
    order = _place(app, trade)
    assert order.status is OrderStatus.PLACED


def test_a_listing_flagged_controlled_needs_licences_too(app: Flask) -> None:
    trade = make_trade(export_licence_required=True, hs_code="310230")
    assert _refusal(app, lambda: _place(app, trade)) == (
        "Shanghai Minmetals Trading Co., Ltd. has no accepted import licence or per-shipment"
        " approval (MIIT 审批单) covering 310230 for 500 kg. Shanghai Minmetals Trading Co.,"
        " Ltd. has no accepted end-user certificate covering 310230 for 500 kg."
    )
    licence(trade.buyer, K.IMPORT, number="IMP-AN", goods=("3102",))
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-AN", goods=("3102",))
    order = _place(app, trade)
    assert [line.controlled for line in order.lines] == [True]


def test_a_licence_by_division_and_group_covers_the_un_number(app: Flask) -> None:
    trade = _trade()
    licence(trade.buyer, K.IMPORT, number="IMP-1", goods=("1.5D",))
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-1", goods=("1.5",))
    assert _place(app, trade).status is OrderStatus.PLACED


# --- award ---------------------------------------------------------------------------------


def _award(trade: Trade) -> Order:
    _, revision = quoted_rfq(trade, product_public_id=trade.product.public_id, quantity="500")
    from app.services.quotations.award import award

    return award(Actor(trade.purchaser), revision, award_input())


def test_an_award_needs_both_sides_licences(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade)
    with app.test_request_context():
        message = _refusal(app, lambda: _award(trade))
    assert message == (
        "Wah Nobel Chemicals (Pvt) Ltd has no accepted export licence or per-shipment"
        " approval (MIIT 审批单) covering UN0241 for 500 kg NEM."
    )


def test_an_award_with_both_sides_licences_becomes_an_accepted_order(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade)
    licence(trade.seller, K.EXPORT, number="EXP-1")
    with app.test_request_context():
        order = _award(trade)
    assert order.status is OrderStatus.ACCEPTED


def test_an_award_is_refused_by_a_buyer_licence_for_another_un_number(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade, goods=("UN0360",))
    licence(trade.seller, K.EXPORT, number="EXP-1")
    with app.test_request_context():
        message = _refusal(app, lambda: _award(trade))
    assert message == (
        "Shanghai Minmetals Trading Co., Ltd.'s import licence IMP-1 does not cover UN0241:"
        " UN0241 needs 500 kg NEM."
    )


# --- accept --------------------------------------------------------------------------------


def test_accepting_needs_the_sellers_export_licence(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade)
    order = _place(app, trade)
    message = _refusal(app, lambda: accept(app, trade, order))
    assert message == (
        "Wah Nobel Chemicals (Pvt) Ltd has no accepted export licence or per-shipment"
        " approval (MIIT 审批单) covering UN0241 for 500 kg NEM."
    )
    db.session.rollback()
    assert db.session.get(Order, order.id).status is OrderStatus.PLACED  # type: ignore[union-attr]


def test_an_export_licence_expiring_before_the_ship_date_blocks_acceptance(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade)
    licence(trade.seller, K.EXPORT, number="EXP-1", valid_to=TODAY + timedelta(days=5))
    order = _place(app, trade)
    message = _refusal(app, lambda: accept(app, trade, order, ship_in_days=10))
    assert message == (
        f"Wah Nobel Chemicals (Pvt) Ltd's export licence EXP-1 expires on"
        f" {(TODAY + timedelta(days=5)).isoformat()}, before the confirmed ship date"
        f" {(TODAY + timedelta(days=10)).isoformat()}: UN0241 needs 500 kg NEM."
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"status": ReviewStatus.REJECTED}, "export licence EXP-1 was rejected"),
        ({"goods": ("UN0360",)}, "export licence EXP-1 does not cover UN0241"),
        ({"limit_kg": 100}, "export licence EXP-1 has 100 kg NEM left of 100 kg NEM"),
        (
            {"valid_from": TODAY - timedelta(days=90), "valid_to": TODAY - timedelta(days=2)},
            "export licence EXP-1 expired on",
        ),
    ],
    ids=["rejected", "wrong-un-number", "exhausted", "expired"],
)
def test_acceptance_is_refused_by_an_unusable_export_licence(
    app: Flask, fields: dict[str, object], words: str
) -> None:
    trade = _trade()
    _buyer_papers(trade)
    licence(trade.seller, K.EXPORT, number="EXP-1", **fields)  # type: ignore[arg-type]
    order = _place(app, trade)
    assert words in _refusal(app, lambda: accept(app, trade, order))


def test_accepting_with_the_export_licence_succeeds(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade)
    licence(trade.seller, K.EXPORT, number="EXP-1", limit_kg=2000)
    order = _place(app, trade)
    accept(app, trade, order)
    assert order.status is OrderStatus.ACCEPTED


# --- ship ----------------------------------------------------------------------------------


def _accepted(app: Flask, trade: Trade, *, export_limit_kg: int | None = 2000) -> Order:
    _buyer_papers(trade)
    licence(trade.seller, K.EXPORT, number="EXP-1", limit_kg=export_limit_kg)
    order = _place(app, trade)
    accept(app, trade, order)
    start_production(app, trade, order)
    return order


def test_a_shipment_to_china_waits_for_the_miit_approval_bound_to_the_order(app: Flask) -> None:
    trade = _trade()
    order = _accepted(app, trade)
    release_if_held(app, trade, order)
    message = _refusal(
        app, lambda: actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    )
    assert message == (
        "Shanghai Minmetals Trading Co., Ltd. has no accepted per-shipment approval (MIIT"
        " 审批单) for this order covering UN0241 for 500 kg NEM."
    )
    db.session.rollback()
    # An approval for another order does not count either.
    licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-2")  # one per order
    other = _place(app, trade, 100)
    licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-OTHER", order=other)
    assert "for this order" in _refusal(
        app, lambda: actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    )


def test_a_shipment_draws_its_nem_down_from_each_licence(app: Flask) -> None:
    trade = _trade()
    order = _accepted(app, trade)
    approval = licence(
        trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-1", order=order, limit_kg=500
    )
    record_shipment(app, trade, order)
    assert order.status is OrderStatus.SHIPPED
    export = db.session.scalar(select(Licence).where(Licence.number == "EXP-1"))
    assert export is not None
    assert (export.drawn_quantity, approval.drawn_quantity) == (500_000, 500_000)
    rows = db.session.execute(
        select(LicenceDrawdown.licence_id, LicenceDrawdown.quantity).order_by(
            LicenceDrawdown.licence_id
        )
    ).all()
    assert sorted(rows) == sorted([(export.id, 500_000), (approval.id, 500_000)])


def test_a_shipment_of_part_of_a_kilogram_draws_its_exact_nem(app: Flask) -> None:
    # Issue 20: 500.25 kg of emulsion (1 kg NEM a kilogram) draws 500,250 g, not 500 kg;
    # the export licence limits 500.5 kg, so 250 g are left after it.
    trade = _trade()
    _buyer_papers(trade)
    export = licence(trade.seller, K.EXPORT, number="EXP-1", limit_kg=2000)
    export.quantity_limit = Decimal("500500")  # 500.5 kg NEM, kept in grams
    order = place_for(app, trade.purchaser, [(trade.product, Decimal("500.25"))])
    accept(app, trade, order)
    start_production(app, trade, order)
    licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-1", order=order, limit_kg=501)
    record_shipment(app, trade, order)
    assert order.status is OrderStatus.SHIPPED
    db.session.expire_all()
    drawn = db.session.scalars(select(LicenceDrawdown.quantity)).all()
    assert drawn == [Decimal("500250"), Decimal("500250")]
    assert export.quantity_limit - export.drawn_quantity == Decimal("250")
    audited = db.session.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "licence.drawn_down")
    ).all()
    assert [details["quantity"] for details in audited] == ["500250", "500250"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"limit_kg": 499}, "approval (MIIT 审批单) MIIT-1 has 499 kg NEM left"),
        ({"per_shipment_kg": 400}, "MIIT-1 allows 400 kg NEM per shipment"),
        ({"status": ReviewStatus.REJECTED}, "MIIT-1 was rejected"),
        ({"goods": ("UN0360",)}, "MIIT-1 does not cover UN0241"),
        (
            {"valid_from": TODAY - timedelta(days=30), "valid_to": TODAY - timedelta(days=1)},
            "MIIT-1 expired on",
        ),
    ],
    ids=["exhausted", "per-shipment-limit", "rejected", "wrong-un-number", "expired"],
)
def test_a_shipment_is_refused_by_an_unusable_approval(
    app: Flask, fields: dict[str, object], words: str
) -> None:
    trade = _trade()
    order = _accepted(app, trade)
    licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-1", order=order, **fields)  # type: ignore[arg-type]
    release_if_held(app, trade, order)
    assert words in _refusal(
        app, lambda: actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    )


def test_a_revoked_licence_stops_at_once(app: Flask) -> None:
    trade = _trade()
    order = _accepted(app, trade)
    licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number="MIIT-1", order=order)
    export = db.session.scalar(select(Licence).where(Licence.number == "EXP-1"))
    assert export is not None
    from app.models.base import utcnow

    export.revoked_at = utcnow()
    export.revoked_reason = "Licence suspended pending inspection."
    db.session.flush()
    release_if_held(app, trade, order)
    assert "export licence EXP-1 was revoked by its issuing authority" in _refusal(
        app, lambda: actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    )


def test_what_each_side_still_needs_is_listed_on_the_order(app: Flask) -> None:
    trade = _trade()
    _buyer_papers(trade)
    order = _place(app, trade)
    with app.test_request_context():
        needs = [
            (s.side.value, s.gate.value, s.message) for s in gate.outstanding(db.session, order)
        ]
    assert needs == [
        (
            "seller",
            "accept",
            "Wah Nobel Chemicals (Pvt) Ltd has no accepted export licence or per-shipment"
            " approval (MIIT 审批单) covering UN0241 for 500 kg NEM.",
        ),
        (
            "seller",
            "ship",
            "Wah Nobel Chemicals (Pvt) Ltd has no accepted export licence or per-shipment"
            " approval (MIIT 审批单) covering UN0241 for 500 kg NEM.",
        ),
        (
            "buyer",
            "ship",
            "Shanghai Minmetals Trading Co., Ltd. has no accepted per-shipment approval (MIIT"
            " 审批单) for this order covering UN0241 for 500 kg NEM.",
        ),
    ]


# --- publish -------------------------------------------------------------------------------


def test_a_class_1_listing_is_published_only_with_a_manufacture_or_sale_licence(
    app: Flask,
) -> None:
    trade = _trade()
    product = trade.product
    product.status = ProductStatus.DRAFT
    db.session.flush()
    with app.test_request_context():
        message = _refusal(app, lambda: publish_listing(Actor(trade.sales), product))
    assert message == (
        "Wah Nobel Chemicals (Pvt) Ltd has no accepted manufacture licence (EL-01) or sale"
        " licence covering UN0241."
    )
    licence(trade.seller, K.MANUFACTURE, number="EL-01/2024/17")
    with app.test_request_context():
        publish_listing(Actor(trade.sales), product)
    assert product.status is ProductStatus.PUBLISHED


# --- refusals are audited -------------------------------------------------------------------


def test_a_refusal_over_http_is_audited_while_the_order_stays_placed(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _trade()
    _buyer_papers(trade)
    order = _place(app, trade)
    auth.login(trade.sales.email)
    response = client.post(
        f"/seller/orders/{order.public_id}/accept",
        data={
            "confirmed_ship_date": (TODAY + timedelta(days=10)).isoformat(),
            "seen_status": "placed",
        },
    )
    assert response.status_code in (200, 409, 422)
    db.session.expire_all()
    assert db.session.get(Order, order.id).status is OrderStatus.PLACED  # type: ignore[union-attr]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "licence.refused.accept")
    )
    assert event is not None
    assert event.object_id == order.public_id
    assert event.details["shortfalls"][0]["un_number"] == "UN0241"
    assert event.details["shortfalls"][0]["quantity"] == "500 kg NEM"


# --- drawdowns racing -----------------------------------------------------------------------


def test_two_shipments_racing_for_the_last_kilograms_never_pass_the_limit(
    isolated_app: Flask,
) -> None:
    app = isolated_app
    with app.app_context():
        trade = _trade()
        _buyer_papers(trade)
        # 800 kg left on the export licence: one 500 kg shipment fits, two do not.
        licence(trade.seller, K.EXPORT, number="EXP-1", limit_kg=800)
        this_weeks_rates()
        commit()
        orders = []
        for n in range(2):
            if n:
                licence(trade.buyer, K.END_USER_CERTIFICATE, number="EUC-2")  # one per order
            order = _place(app, trade)
            accept(app, trade, order)
            start_production(app, trade, order)
            licence(trade.buyer, K.PER_SHIPMENT_APPROVAL, number=f"MIIT-{order.id}", order=order)
            release_if_held(app, trade, order)
            orders.append(order.id)
        commit()
        sales_id = trade.sales.id

    def ship(order_id: int) -> Callable[[], str]:
        def job() -> str:
            order = db.session.get(Order, order_id)
            user = db.session.get(User, sales_id)
            assert order is not None
            actions.record_shipment(Actor(user), order, sea_shipment())
            return "shipped"

        return job

    with app.test_request_context():
        results = race(app, [ship(orders[0]), ship(orders[1])])
    assert sorted(r.split(":")[0] for r in results) == ["refused", "shipped"], results
    with app.app_context():
        export = db.session.scalar(select(Licence).where(Licence.number == "EXP-1"))
        assert export is not None
        assert export.drawn_quantity == 500_000
        drawn = db.session.scalars(
            select(LicenceDrawdown.quantity).where(LicenceDrawdown.licence_id == export.id)
        ).all()
        assert list(drawn) == [500_000]
