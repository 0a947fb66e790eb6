"""Placing orders and what each party does to them, at the service level."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CartLine,
    CompanyRole,
    Incoterm,
    Order,
    OrderStatus,
    OutboxEmail,
    PaymentStatus,
    PriceTier,
    Product,
    ProductIncoterm,
    ProposalState,
    TrustedBuyer,
)
from app.services.audit.recording import Actor
from app.services.claims import window as claims_window
from app.services.errors import CompanyNotVerified, NotAllowed, ValidationFailed
from app.services.fulfilment import actions, proposals
from app.services.listings.editing import ListingInput, update_listing
from app.services.orders import cart
from app.services.orders.placing import OrderTerms, place_order
from app.services.orders.stock import InsufficientStock
from app.services.payments import milestones as payments
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.usefixtures("exchange_rates")


TERMS = OrderTerms(
    incoterm="FOB",
    incoterm_place="Karachi",
    destination_country="CN",
    destination_port="Shanghai",
    consignee="MCCT International, Pudong, Shanghai",
    payment_terms="deposit_30_balance_70_bl",
    buyer_po_number="PO-7781",
)


@pytest.fixture
def purchaser(app_ctx: None) -> Actor:
    buyer = CompanyFactory(chinese_buyer=True)
    return Actor(UserFactory(company=buyer, company_role=CompanyRole.PURCHASER, locale="zh_Hans"))


def _tiered(**kwargs: object) -> Product:
    product = ProductFactory(moq=100, price_from_minor=200, stock_quantity=10_000, **kwargs)
    product.price_tiers.clear()
    db.session.flush()
    product.price_tiers = [
        PriceTier(min_quantity=100, unit_price_minor=250),
        PriceTier(min_quantity=1000, unit_price_minor=220),
        PriceTier(min_quantity=5000, unit_price_minor=200),
    ]
    db.session.flush()
    return product


def _key(product: Product) -> str:
    return f"{product.seller.public_id}-{product.currency}"


@pytest.mark.parametrize(
    ("quantity", "unit_price"), [(100, 250), (999, 250), (1000, 220), (4999, 220), (5000, 200)]
)
def test_price_comes_from_the_matching_tier(
    purchaser: Actor, quantity: int, unit_price: int
) -> None:
    product = _tiered()
    cart.set_cart_quantity(purchaser, product, quantity)
    order = place_order(purchaser, _key(product), TERMS)
    (line,) = order.lines
    assert (line.unit_price_minor, line.line_total_minor) == (unit_price, unit_price * quantity)
    assert order.goods_total_minor == order.total_minor == unit_price * quantity
    assert product.stock_quantity is not None
    db.session.refresh(product)
    assert product.stock_quantity == 10_000 - quantity


# 150.5 KGM is a quantity now (issue #20); a fourth decimal is not.
@pytest.mark.parametrize(
    "quantity", [99, 0, -1, 10**13, "abc", Decimal("150.0005"), "150.0005", 1.5, True]
)
def test_bad_quantities_are_refused(purchaser: Actor, quantity: object) -> None:
    product = _tiered()
    if quantity == 0:
        assert cart.set_cart_quantity(purchaser, product, 0) is None
    else:
        with pytest.raises(ValidationFailed):
            cart.set_cart_quantity(purchaser, product, quantity)
    assert db.session.scalar(select(func.count(CartLine.id))) == 0


def test_a_placed_order_never_changes_when_the_listing_does(purchaser: Actor) -> None:
    category = CategoryFactory(slug="commercial-explosives")
    seller_user = UserFactory(company_role=CompanyRole.SALES)
    product = _tiered(seller=seller_user.company, category=category, title="Emulsion 32 mm")
    cart.set_cart_quantity(purchaser, product, 1000)
    order = place_order(purchaser, _key(product), TERMS)
    update_listing(
        Actor(seller_user),
        product,
        ListingInput(
            title="Emulsion 32 mm (new grade)", category_slug="commercial-explosives", hs_code="360200",
            unit="KGM", moq=100, currency="USD", price_tiers=[(100, Decimal("9.99"))],
            origin_country="PK", incoterms=[("FOB", "Karachi")], stock_quantity=500,
        ),
    )  # fmt: skip
    db.session.expire_all()
    (line,) = db.session.get(Order, order.id).lines  # type: ignore[union-attr]
    assert (line.title, line.unit_price_minor, line.quantity) == ("Emulsion 32 mm", 220, 1000)


def test_shortfall_names_the_line_and_writes_nothing(purchaser: Actor) -> None:
    product = ProductFactory(moq=1, stock_quantity=3, title="Detonators 1.1B")
    cart.set_cart_quantity(purchaser, product, 5)
    with db.session.begin_nested() as savepoint:
        with pytest.raises(InsufficientStock) as caught:
            place_order(purchaser, _key(product), TERMS)
        savepoint.rollback()
    assert "Detonators 1.1B" in str(caught.value)
    db.session.refresh(product)
    assert product.stock_quantity == 3
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_made_to_order_lines_reserve_nothing(purchaser: Actor) -> None:
    product = ProductFactory(made_to_order=True, moq=10)
    cart.set_cart_quantity(purchaser, product, 50)
    (line,) = place_order(purchaser, _key(product), TERMS).lines
    assert (line.reserved_quantity, line.lead_time_days) == (0, 30)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"incoterm": "CIF"}, "delivery"),
        ({"incoterm_place": "Port Qasim"}, "delivery"),
        ({"destination_country": "ZZ"}, "destination_country"),
        ({"destination_port": ""}, "destination_port"),
        ({"consignee": ""}, "consignee"),
        ({"payment_terms": "net_30"}, "payment_terms"),
        ({"payment_terms": "cash_on_delivery"}, "payment_terms"),
        ({"requested_delivery_date": date.today() - timedelta(days=1)}, "requested_delivery_date"),
        ({"expected_total_minor": 1}, None),
    ],
)
def test_terms_must_be_what_the_seller_offers(
    purchaser: Actor, changes: dict[str, object], field: str | None
) -> None:
    product = ProductFactory(moq=10)
    cart.set_cart_quantity(purchaser, product, 10)
    with pytest.raises(ValidationFailed) as caught:
        place_order(purchaser, _key(product), replace(TERMS, **changes))  # type: ignore[arg-type]
    assert caught.value.field == field
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_net_30_only_for_trusted_buyers(purchaser: Actor) -> None:
    product = ProductFactory(moq=10)
    db.session.add(TrustedBuyer(seller_id=product.seller_id, buyer_id=purchaser.company_id))
    cart.set_cart_quantity(purchaser, product, 10)
    order = place_order(purchaser, _key(product), replace(TERMS, payment_terms="net_30"))
    assert order.payment_terms.value == "net_30"


def test_only_verified_buyers_order(app_ctx: None) -> None:
    pending = Actor(
        UserFactory(
            company=CompanyFactory(chinese_buyer=True, pending=True),
            company_role=CompanyRole.PURCHASER,
        )
    )
    product = ProductFactory(moq=10)
    cart.set_cart_quantity(pending, product, 10)
    with pytest.raises(CompanyNotVerified):
        place_order(pending, _key(product), TERMS)


def test_sellers_staff_and_finance_cannot_order(app_ctx: None) -> None:
    product = ProductFactory(moq=10)
    for actor in (
        Actor(UserFactory(company_role=CompanyRole.SALES)),
        Actor(
            UserFactory(
                company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.FINANCE
            )
        ),
    ):
        with pytest.raises(NotAllowed):
            cart.set_cart_quantity(actor, product, 10)


def test_placing_tells_the_seller_in_their_language(purchaser: Actor) -> None:
    product = ProductFactory(moq=10)
    UserFactory(
        company=product.seller,
        company_role=CompanyRole.SALES,
        locale="ur",
        email="sales@seller.example",
    )
    UserFactory(
        company=product.seller, company_role=CompanyRole.FINANCE, email="finance@seller.example"
    )
    cart.set_cart_quantity(purchaser, product, 10)
    order = place_order(purchaser, _key(product), TERMS)
    mails = db.session.scalars(select(OutboxEmail)).all()
    assert [m.to_address for m in mails] == ["sales@seller.example"]
    assert order.reference in mails[0].subject
    assert "Order" not in mails[0].subject  # written in Urdu
    assert f"/seller/orders/{order.public_id}" in mails[0].body_text


def _pay_deposit(order: Order) -> None:
    """The seller's finance records the 30 % deposit: production and shipment wait for it."""
    finance = UserFactory(company=order.seller, company_role=CompanyRole.FINANCE)
    deposit = order.milestones[0]
    payments.record_receipt(
        Actor(finance),
        deposit,
        payments.ReceiptInput(str(deposit.amount.amount), date.today(), "TT-DEPOSIT"),
    )


def _placed(
    purchaser: Actor, incoterm: Incoterm = Incoterm.FOB, place: str = "Karachi"
) -> tuple[Order, Actor, Product]:
    product = ProductFactory(moq=10, stock_quantity=100)
    product.incoterms.clear()
    db.session.flush()
    product.incoterms = [ProductIncoterm(rule=incoterm, named_place=place)]
    db.session.flush()
    cart.set_cart_quantity(purchaser, product, 40)
    order = place_order(
        purchaser, _key(product), replace(TERMS, incoterm=incoterm.value, incoterm_place=place)
    )
    seller = Actor(UserFactory(company=product.seller, company_role=CompanyRole.SALES))
    return order, seller, product


def test_freight_and_insurance_only_where_the_incoterm_puts_them_on_the_seller(
    purchaser: Actor,
) -> None:
    tomorrow = date.today() + timedelta(days=1)
    fob, seller, _ = _placed(purchaser)
    with pytest.raises(ValidationFailed):
        actions.accept(seller, fob, confirmed_ship_date=tomorrow, freight=Decimal("100"))
    cif, seller, _ = _placed(purchaser, Incoterm.CIF, "Shanghai")
    actions.accept(
        seller,
        cif,
        confirmed_ship_date=tomorrow,
        freight=Decimal("1250.50"),
        insurance=Decimal("30"),
    )
    # The charges wait for the buyer's consent, then reach the total.
    assert (cif.freight_minor, cif.total_minor) == (0, cif.goods_total_minor)
    proposal = proposals.open_proposal(cif)
    assert proposal is not None
    proposals.move_proposal(purchaser, proposal, ProposalState.ACCEPTED)
    assert (cif.freight_minor, cif.insurance_minor) == (125_050, 3_000)
    assert cif.total_minor == cif.goods_total_minor + 128_050
    cfr, seller, _ = _placed(purchaser, Incoterm.CFR, "Shanghai")
    with pytest.raises(ValidationFailed):
        actions.accept(seller, cfr, confirmed_ship_date=tomorrow, insurance=Decimal("30"))


def test_rejection_and_cancellation_release_the_stock(purchaser: Actor) -> None:
    order, seller, product = _placed(purchaser)
    db.session.refresh(product)
    assert product.stock_quantity == 60
    with pytest.raises(ValidationFailed):
        actions.reject(seller, order, " ")
    actions.reject(seller, order, "Licence expired")
    db.session.refresh(product)
    assert (order.status, product.stock_quantity, order.decision_reason) == (
        OrderStatus.REJECTED,
        100,
        "Licence expired",
    )
    again, _, product2 = _placed(purchaser)
    actions.cancel(purchaser, again)
    db.session.refresh(product2)
    assert (again.status, product2.stock_quantity) == (OrderStatus.CANCELLED, 100)


def _shipment(**changes: object) -> actions.ShipmentInput:
    data = actions.ShipmentInput(
        mode="sea", carrier="COSCO", transport_document_number="COSU6342117890",
        port_of_loading="Karachi", port_of_discharge="Shanghai",
        etd=date.today() + timedelta(days=3), eta=date.today() + timedelta(days=20),
        net_weight_kg=Decimal("1000"), gross_weight_kg=Decimal("1040"), vessel="COSCO Pride", voyage="042E",
        container_numbers="CSNU1234567, TGHU7654321",
        packages=[actions.PackageInput(count=40, marks="MCCT/SHA/CO-1 1-40", package_type="box")],
    )  # fmt: skip
    return replace(data, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mode": "teleport"}, "mode"),
        ({"vessel": ""}, "vessel"),
        ({"container_numbers": "ABC123"}, "container_numbers"),
        ({"eta": date.today()}, "eta"),
        ({"gross_weight_kg": Decimal("900")}, "gross_weight_kg"),
        ({"packages": []}, "packages"),
        ({"transport_document_number": ""}, "transport_document_number"),
    ],
)
def test_shipment_data_is_checked(purchaser: Actor, changes: dict[str, object], field: str) -> None:
    order, seller, _ = _placed(purchaser)
    actions.accept(seller, order, confirmed_ship_date=date.today() + timedelta(days=2))
    _pay_deposit(order)
    actions.start_production(seller, order)
    with pytest.raises(ValidationFailed) as caught:
        actions.record_shipment(seller, order, _shipment(**changes))
    assert caught.value.field == field
    assert order.status is OrderStatus.IN_PRODUCTION


def test_the_whole_lifecycle_completes_once_delivered_paid_and_past_the_claims_window(
    purchaser: Actor,
) -> None:
    order, seller, _ = _placed(purchaser)
    actions.accept(seller, order, confirmed_ship_date=date.today() + timedelta(days=2))
    _pay_deposit(order)
    actions.start_production(seller, order)
    shipment = actions.record_shipment(seller, order, _shipment())
    assert shipment.container_numbers == "CSNU1234567 TGHU7654321"
    assert order.shipment_status.value == "shipped"
    actions.confirm_delivery(purchaser, order)
    assert order.status is OrderStatus.DELIVERED  # not paid yet
    order.payment_status = PaymentStatus.PAID
    # Paid, but the claims window opened by the delivery is still open.
    opened = claims_window.window_of(order)
    assert opened is not None
    assert not actions.complete_if_settled(order, opened.closes_at - timedelta(seconds=1))
    assert actions.complete_if_settled(order, opened.closes_at)
    assert order.status is OrderStatus.COMPLETED
    kinds = [(e.kind, e.to_status) for e in order.events]
    assert kinds == [
        ("placed", "placed"),
        ("status", "accepted"),
        ("documents", None),
        ("payment", None),
        ("status", "in_production"),
        ("status", "shipped"),
        ("shipment", None),
        ("documents", None),
        ("status", "delivered"),
        ("status", "completed"),
    ]
