"""The purchaser's cart: listings and quantities, grouped by seller and currency at checkout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from flask_babel import lazy_gettext
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import CartLine, Company, Product, ProductStatus, User
from app.money import Money, line_amount_minor
from app.numbers import NumberProblem
from app.reference.units import MAX_QUANTITY, parse_quantity, unit_word
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed

MAX_CART_LINES = 50


def require_purchaser(actor: Actor) -> User:
    """The owner or a purchaser of a buying company; others may not order."""
    return require(actor.user, Action.BUY)


def unit_price_minor(product: Product, quantity: Decimal) -> Decimal:
    """The price of the highest tier whose minimum ``quantity`` reaches."""
    price = None
    for tier in product.price_tiers:  # ordered by min_quantity
        if quantity >= tier.min_quantity:
            price = tier.unit_price_minor
    if price is None:
        raise ValidationFailed(
            lazy_gettext(
                "Order at least %(moq)s %(unit)s of %(title)s.",
                moq=product.moq,
                unit=unit_word(product.unit, plural=True),
                title=product.title,
            ),
            "quantity",
        )
    return price


def check_quantity(product: Product, quantity: object) -> Decimal:
    """A quantity the listing's unit allows (whole pieces, tonnes to the kilogram) at or
    above the MOQ, or ``ValidationFailed`` naming the rule or the listing."""
    try:
        # No lower bound here: anything below the MOQ (negatives too) is worded by the MOQ.
        quantity = parse_quantity(quantity, product.unit, minimum=-MAX_QUANTITY, maximum=None)
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, "quantity") from None
    if quantity < product.moq or quantity <= 0:
        raise ValidationFailed(
            lazy_gettext(
                "Order at least %(moq)s %(unit)s of %(title)s.",
                moq=product.moq,
                unit=unit_word(product.unit, plural=True),
                title=product.title,
            ),
            "quantity",
        )
    if quantity > MAX_QUANTITY:
        raise ValidationFailed(lazy_gettext("This quantity is too large."), "quantity")
    return quantity


def orderable_product(public_id: str) -> Product | None:
    """A published listing of a verified seller, with its tiers."""
    return db.session.scalar(
        select(Product)
        .join(Company, Company.id == Product.seller_id)
        .where(Product.public_id == public_id, Product.status == ProductStatus.PUBLISHED)
        .where(Company.verification_status == "verified")
        .options(selectinload(Product.price_tiers))
    )


def orderable_products(public_ids: Sequence[str]) -> dict[str, Product]:
    """The published listings of verified sellers among ``public_ids``, with what pricing and
    delivery terms need, by public id."""
    products = db.session.scalars(
        select(Product)
        .join(Company, Company.id == Product.seller_id)
        .where(Product.public_id.in_(public_ids), Product.status == ProductStatus.PUBLISHED)
        .where(Company.verification_status == "verified")
        .options(
            joinedload(Product.seller),
            selectinload(Product.price_tiers),
            selectinload(Product.incoterms),
        )
    )
    return {product.public_id: product for product in products}


def set_cart_quantity(actor: Actor, product: Product, quantity: object) -> CartLine | None:
    """Put ``quantity`` of ``product`` in the cart (replacing what was there); 0 removes it."""
    user = require_purchaser(actor)
    if product.seller_id == user.company_id:
        raise ValidationFailed(lazy_gettext("You cannot order your own company's listing."))
    line = db.session.scalar(
        select(CartLine).where(CartLine.user_id == user.id, CartLine.product_id == product.id)
    )
    if quantity == 0:
        if line is not None:
            db.session.delete(line)
        return None
    checked = check_quantity(product, quantity)
    if line is not None:
        line.quantity = checked
        db.session.flush()
        return line
    held = db.session.scalar(select(func.count()).where(CartLine.user_id == user.id)) or 0
    if held >= MAX_CART_LINES:
        raise ValidationFailed(lazy_gettext("The cart holds at most 50 lines."))
    try:
        # Two tabs adding the same listing at once: the second finds the first's line.
        with db.session.begin_nested():
            line = CartLine(user_id=user.id, product_id=product.id, quantity=checked)
            db.session.add(line)
    except IntegrityError:
        line = db.session.scalar(
            select(CartLine).where(CartLine.user_id == user.id, CartLine.product_id == product.id)
        )
        assert line is not None
        line.quantity = checked
        db.session.flush()
    return line


def cart_lines(user: User) -> list[CartLine]:
    return list(
        db.session.scalars(
            select(CartLine)
            .where(CartLine.user_id == user.id)
            .options(
                joinedload(CartLine.product).joinedload(Product.seller),
                joinedload(CartLine.product).selectinload(Product.price_tiers),
                joinedload(CartLine.product).selectinload(Product.incoterms),
            )
            .order_by(CartLine.id)
        ).unique()
    )


class WantedLine(Protocol):
    """A listing and a quantity to order: a cart line, or a line an ERP sent."""

    @property
    def product(self) -> Product: ...

    @property
    def product_id(self) -> int: ...

    @property
    def quantity(self) -> Decimal: ...


@dataclass(frozen=True)
class RequestedLine:
    """A line of an order sent through the API, with its listing already loaded."""

    product: Product
    quantity: Decimal

    @property
    def product_id(self) -> int:
        return self.product.id


@dataclass
class CartGroup:
    """The lines that become one order: one seller, one currency."""

    seller: Company
    currency: str
    lines: list[WantedLine]

    @property
    def key(self) -> str:
        return f"{self.seller.public_id}-{self.currency}"

    @property
    def goods_total(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            price = unit_price_minor(line.product, line.quantity)
            total += Money.from_minor(line_amount_minor(line.quantity, price), self.currency)
        return total


def cart_groups(lines: Sequence[WantedLine]) -> list[CartGroup]:
    """Cart lines grouped by seller and currency, in the order they were added."""
    groups: dict[tuple[int, str], CartGroup] = {}
    for line in lines:
        product = line.product
        key = (product.seller_id, product.currency)
        if key not in groups:
            groups[key] = CartGroup(product.seller, product.currency, [])
        groups[key].lines.append(line)
    return list(groups.values())


def clear_lines(user: User, product_ids: Sequence[int]) -> None:
    db.session.execute(
        delete(CartLine).where(CartLine.user_id == user.id, CartLine.product_id.in_(product_ids))
    )
