"""Checkout: one order per seller and currency, priced by tier, stock reserved exactly.

Stock is taken with one conditional UPDATE per stocked line (``stock >= quantity``),
checked by its row count, in the order's own transaction and in product-id order, so two
buyers racing for the last units never oversell and never deadlock. Any shortfall raises
``InsufficientStock`` naming the line (``stock``); the caller rolls the whole order back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pycountry
from flask_babel import lazy_gettext, lazy_ngettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Company,
    Incoterm,
    Order,
    OrderLine,
    OrderStatus,
    PaymentTerms,
    Product,
    TrustedBuyer,
    User,
)
from app.money import line_amount_minor
from app.services.accounts.clock import company_today
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.licences import gate as licence_gate
from app.services.licences.rules import is_controlled
from app.services.orders.cart import (
    MAX_CART_LINES,
    CartGroup,
    RequestedLine,
    WantedLine,
    cart_groups,
    cart_lines,
    check_quantity,
    clear_lines,
    orderable_products,
    require_purchaser,
    unit_price_minor,
)
from app.services.orders.lifecycle import record_event
from app.services.orders.lots import allowed_partial_shipments
from app.services.orders.notifications import notify_counterparty
from app.services.orders.stock import reserve_stock
from app.services.orders.tolerance import Tolerance, parse_tolerance
from app.services.orders.weight_terms import parse_provisional_percent
from app.services.places import offered_place

# Line totals live in signed 64-bit integers; stay well inside them.
MAX_LINE_TOTAL_MINOR = 10**17


@dataclass(frozen=True)
class OrderTerms:
    """What the buyer chose at checkout; prices and lines come from the cart, never the form."""

    incoterm: str
    incoterm_place: str
    destination_country: str
    destination_port: str
    consignee: str
    payment_terms: str
    notify_party: str | None = None
    buyer_po_number: str | None = None
    requested_delivery_date: date | None = None
    notes: str | None = None
    # The total the buyer saw on the review page; a changed price refuses the order.
    expected_total_minor: int | None = None
    # "More or less N %" on the quantities, as typed (``tolerance.parse_tolerance``).
    tolerance_percent: object = None
    tolerance_option: object = None
    # Partial shipments allowed (``lots.allowed_partial_shipments``).
    partial_shipments: object = False
    # Weight terms: the provisional invoice's percent (``weight_terms``), blank for none.
    provisional_percent: object = None


def common_incoterms(group: CartGroup) -> list[tuple[Incoterm, str]]:
    """The (rule, named place) pairs every listing of the group offers."""
    offers: set[tuple[Incoterm, str]] | None = None
    for line in group.lines:
        mine = {(offer.rule, offer.named_place) for offer in line.product.incoterms}
        offers = mine if offers is None else offers & mine
    return sorted(offers or set(), key=lambda pair: (list(Incoterm).index(pair[0]), pair[1]))


OFFERED_TO_EVERYONE = (
    PaymentTerms.ADVANCE,
    PaymentTerms.DEPOSIT_BALANCE_BL,
    PaymentTerms.LC_AT_SIGHT,
)


def offered_payment_terms(seller_id: int, buyer_id: int) -> list[PaymentTerms]:
    """Advance, deposit/balance and L/C for everyone; net 30 for buyers the seller trusts."""
    terms = list(OFFERED_TO_EVERYONE)
    trusted = db.session.scalar(
        select(TrustedBuyer.id).where(
            TrustedBuyer.seller_id == seller_id, TrustedBuyer.buyer_id == buyer_id
        )
    )
    if trusted is not None:
        terms.append(PaymentTerms.NET_30)
    return terms


def find_group(actor: Actor, group_key: str) -> CartGroup | None:
    user = require_purchaser(actor)
    for group in cart_groups(cart_lines(user)):
        if group.key == group_key:
            return group
    return None


# The longest each optional text of the terms may be: the checkout form's limits.
TEXT_LIMITS = {"notify_party": 1000, "buyer_po_number": 50, "notes": 2000}


def _optional_text(value: str | None, field: str) -> str | None:
    """The text stripped (None when blank); too long is refused, never cut short: a PO
    number cut to 50 characters would match no PO in the buyer's books."""
    text = (value or "").strip()
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        raise ValidationFailed(
            lazy_ngettext(
                "Field cannot be longer than %(max)d character.",
                "Field cannot be longer than %(max)d characters.",
                limit,
                max=limit,
            ),
            field,
        )
    return text or None


def _checked_terms(terms: OrderTerms, group: CartGroup, buyer: Company) -> dict[str, object]:
    offers = common_incoterms(group)
    rule_code = (terms.incoterm or "").strip().upper()
    place = (terms.incoterm_place or "").strip()
    if rule_code in Incoterm.__members__ and (Incoterm(rule_code), place) not in offers:
        # "PKKHI" or "Karachi" for the seller's "Karachi (PKKHI)": the place it names.
        rule = Incoterm(rule_code)
        place = offered_place(place, [p for r, p in offers if r == rule]) or place
    if rule_code not in Incoterm.__members__ or (Incoterm(rule_code), place) not in offers:
        raise ValidationFailed(
            lazy_gettext(
                "Choose one of the delivery terms the seller offers: %(offers)s.",
                offers="; ".join(f"{rule.value} {named}" for rule, named in offers),
            ),
            "delivery",
        )
    country = (terms.destination_country or "").strip().upper()
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        raise ValidationFailed(
            lazy_gettext("Choose the destination country."), "destination_country"
        )
    port = (terms.destination_port or "").strip()
    if not 2 <= len(port) <= 100:
        raise ValidationFailed(
            lazy_gettext("Name the destination port or place."), "destination_port"
        )
    consignee = (terms.consignee or "").strip()
    if not 5 <= len(consignee) <= 1000:
        raise ValidationFailed(lazy_gettext("Give the consignee's name and address."), "consignee")
    # Only net 30 depends on the seller trusting this buyer: ask the database only then.
    if terms.payment_terms not in {t.value for t in OFFERED_TO_EVERYONE} and (
        terms.payment_terms
        not in {t.value for t in offered_payment_terms(group.seller.id, buyer.id)}
    ):
        raise ValidationFailed(
            lazy_gettext("Choose payment terms the seller offers you."), "payment_terms"
        )
    requested = terms.requested_delivery_date
    if requested is not None and requested < company_today(buyer):
        raise ValidationFailed(
            lazy_gettext("The requested delivery date is in the past."), "requested_delivery_date"
        )
    return {
        "incoterm": Incoterm(rule_code),
        "incoterm_place": place,
        "destination_country": country,
        "destination_port": port,
        "consignee": consignee,
        "notify_party": _optional_text(terms.notify_party, "notify_party"),
        "buyer_po_number": _optional_text(terms.buyer_po_number, "buyer_po_number"),
        "requested_delivery_date": terms.requested_delivery_date,
        "payment_terms": PaymentTerms(terms.payment_terms),
        "notes": _optional_text(terms.notes, "notes"),
        **_tolerance_columns(parse_tolerance(terms.tolerance_percent, terms.tolerance_option)),
        "partial_shipments": allowed_partial_shipments(
            terms.partial_shipments, terms.payment_terms
        ),
        "provisional_percent": parse_provisional_percent(
            terms.provisional_percent, terms.payment_terms
        ),
    }


def _tolerance_columns(tolerance: Tolerance) -> dict[str, object]:
    return {
        "tolerance_percent": tolerance.percent,
        "tolerance_at_buyers_option": tolerance.at_buyers_option,
    }


def _snapshot(line_no: int, product: Product, quantity: Decimal) -> OrderLine:
    # The listing may have changed since the line went into the cart: check again.
    quantity = check_quantity(product, quantity)
    return snapshot_line(line_no, product, quantity, unit_price_minor(product, quantity))


def snapshot_line(line_no: int, product: Product, quantity: Decimal, price: Decimal) -> OrderLine:
    """A line frozen from the listing at ``price`` (the tier's, or an accepted quote's);
    stock is reserved for it unless the listing is made to order."""
    line_total = line_amount_minor(quantity, price)
    if line_total > MAX_LINE_TOTAL_MINOR:
        raise ValidationFailed(lazy_gettext("This quantity is too large."), "quantity")
    return OrderLine(
        line_no=line_no,
        product_id=product.id,
        title=product.title,
        hs_code=product.hs_code,
        origin_country=product.origin_country,
        unit=product.unit,
        quantity=quantity,
        unit_price_minor=price,
        line_total_minor=line_total,
        reserved_quantity=0 if product.made_to_order else quantity,
        lead_time_days=product.lead_time_days,
        units_per_package=product.units_per_package,
        net_weight_g=product.net_weight_g,
        gross_weight_g=product.gross_weight_g,
        length_mm=product.length_mm,
        width_mm=product.width_mm,
        height_mm=product.height_mm,
        un_number=product.un_number,
        proper_shipping_name=product.proper_shipping_name,
        hazard_class=product.hazard_class,
        packing_group=product.packing_group,
        net_explosive_mass_g=product.net_explosive_mass_g,
        subsidiary_risk=product.subsidiary_risk,
        ems=product.ems,
        controlled=is_controlled(product.hazard_class, product.export_licence_required),
    )


def place_order(
    actor: Actor, group_key: str, terms: OrderTerms, *, group: CartGroup | None = None
) -> Order:
    """Turn one cart group into a placed order, or raise and write nothing.

    ``group`` is the actor's cart group the caller has just read with ``find_group`` (the
    checkout page needs it for its choices); without it the cart is read here.
    """
    user = require_purchaser(actor)
    if group is None or group.key != group_key:
        group = find_group(actor, group_key)
    if group is None or not group.lines:
        raise ValidationFailed(
            lazy_gettext("This part of your cart is empty or changed. Review it again.")
        )
    order = _place(actor, user, group, terms)
    clear_lines(user, [line.product_id for line in group.lines])
    return order


def place_listed_order(
    actor: Actor,
    wanted: Sequence[tuple[str, object]],
    terms: OrderTerms,
    *,
    idempotency_key: str | None = None,
) -> Order:
    """Place an order for ``(listing public id, quantity)`` pairs, as an ERP sends them.

    The same checks as checkout, without the cart: the lines must be listings of one seller
    in one currency, each once. The buyer's cart is left as it is.
    """
    user = require_purchaser(actor)
    if not wanted:
        raise ValidationFailed(lazy_gettext("An order needs at least one line."), "lines")
    if len(wanted) > MAX_CART_LINES:
        raise ValidationFailed(lazy_gettext("An order holds at most 50 lines."), "lines")
    public_ids = [public_id for public_id, _ in wanted]
    if len(set(public_ids)) != len(public_ids):
        raise ValidationFailed(lazy_gettext("Put each listing in one line only."), "lines")
    products = orderable_products(public_ids)
    lines: list[WantedLine] = []
    for index, (public_id, quantity) in enumerate(wanted):
        product = products.get(public_id)
        if product is None:
            refusal = ValidationFailed(
                lazy_gettext("Listing %(id)s is not on offer.", id=public_id[:40]), "lines"
            )
            refusal.path = f"lines[{index}].product"
            raise refusal
        if product.seller_id == user.company_id:
            raise ValidationFailed(lazy_gettext("You cannot order your own company's listing."))
        try:
            lines.append(RequestedLine(product, check_quantity(product, quantity)))
        except ValidationFailed as error:
            # The ERP needs the line as well as the field: "lines[2].quantity".
            error.path = f"lines[{index}].{error.field or 'quantity'}"
            raise
    groups = cart_groups(lines)
    if len(groups) != 1:
        raise ValidationFailed(
            lazy_gettext("One order takes listings of one seller in one currency."), "lines"
        )
    return _place(actor, user, groups[0], terms, idempotency_key=idempotency_key)


def order_by_idempotency_key(user: User, key: str) -> Order | None:
    """The order ``user`` already placed with this idempotency key, if any."""
    return db.session.scalar(
        select(Order).where(Order.placed_by_id == user.id, Order.idempotency_key == key)
    )


def _place(
    actor: Actor,
    user: User,
    group: CartGroup,
    terms: OrderTerms,
    *,
    idempotency_key: str | None = None,
) -> Order:
    buyer = user.company
    assert buyer is not None
    ensure_can_trade(buyer)
    if not group.seller.is_verified:
        raise ValidationFailed(lazy_gettext("This seller cannot take orders now."))
    for line in group.lines:
        if line.product.status.value != "published":
            raise ValidationFailed(
                lazy_gettext(
                    "%(title)s is no longer offered. Remove it from the cart.",
                    title=line.product.title,
                )
            )
    values = _checked_terms(terms, group, buyer)
    lines = [
        _snapshot(n, line.product, line.quantity) for n, line in enumerate(group.lines, start=1)
    ]
    goods = sum(line.line_total_minor for line in lines)
    if terms.expected_total_minor is not None and terms.expected_total_minor != goods:
        raise ValidationFailed(
            lazy_gettext(
                "Prices changed since you reviewed this order. Check the new figures and place it again."
            )
        )
    order = Order(
        buyer_id=buyer.id,
        seller_id=group.seller.id,
        placed_by_id=user.id,
        currency=group.currency,
        status=OrderStatus.PLACED,
        goods_total_minor=goods,
        freight_minor=0,
        insurance_minor=0,
        total_minor=goods,
        lines=lines,
        # In the INSERT itself: a second request with the same key fails on the unique
        # index (or on the stock the first took) and is answered with the first's order.
        idempotency_key=idempotency_key,
        **values,
    )
    return record_new_order(actor, order)


def record_new_order(actor: Actor, order: Order, kind: str = "placed") -> Order:
    """Reserve the stock of a new order's lines, add it with its first timeline entry and
    tell the other party; shared by checkout, the API and the award of a quote."""
    # Controlled goods: the buyer's licence and end-user certificate (and on an award the
    # seller's licence) before anything is written.
    to_bind = licence_gate.check_new_order(db.session, actor, order)
    # Stock first, while the new order is outside the session: the UPDATEs then trigger no
    # flush of their own, and the order, its lines and its first event go in one flush.
    reserve_stock(order.lines)
    db.session.add(order)
    record_event(actor, order, kind, to_status=order.status)
    notify_counterparty(actor, order, kind)
    db.session.flush()  # the order has its id and placing time for whoever reports it
    licence_gate.bind_to_order(actor, to_bind, order)
    return order
