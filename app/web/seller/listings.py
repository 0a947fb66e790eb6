"""Listings: list, create, edit, duplicate, publish, archive (routes on the seller blueprint)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.i18n import current_locale_code
from app.models import Incoterm, Product, ProductStatus
from app.money import Money
from app.reference.trade_codes import PACKAGE_TYPES, PACKING_GROUPS, UNIT_CODES
from app.services.catalog.categories import indented_category_names
from app.services.listings import editing as listings
from app.web.boundary import Outcome, attempt
from app.web.forms import as_choices, country_choices
from app.web.guards import acting, signed_in_user
from app.web.seller.blueprint import bp, own_listing
from app.web.seller.forms import LISTING_CURRENCIES, ListingActionForm, ListingForm
from app.web.seller.images import ListingImageForm

T = TypeVar("T")


def _prepare(form: ListingForm) -> ListingForm:
    blank = ("", "")
    form.category.choices = as_choices(
        [("", gettext("Choose…")), *indented_category_names(current_locale_code())]
    )
    form.unit.choices = as_choices([(code, str(label)) for code, label in UNIT_CODES.items()])
    form.currency.choices = as_choices([(code, code) for code in LISTING_CURRENCIES])
    form.origin_country.choices = country_choices()
    form.package_type.choices = as_choices(
        [blank, *((code, str(label)) for code, label in PACKAGE_TYPES.items())]
    )
    form.packing_group.choices = as_choices([blank, *((group, group) for group in PACKING_GROUPS)])
    for row in form.incoterms:
        row.form.rule.choices = as_choices(
            [blank, *((rule.value, rule.value) for rule in Incoterm)]
        )
    form.hold_quantities_to_unit()
    return form


def _listing_input(form: ListingForm) -> listings.ListingInput:
    made_to_order = form.availability.data == "made_to_order"
    return listings.ListingInput(
        title=form.title.data or "",
        description=form.description.data or "",
        category_slug=form.category.data or "",
        hs_code=form.hs_code.data or "",
        unit=form.unit.data or "",
        moq=form.moq.data,
        currency=form.currency.data or "",
        price_tiers=[
            (row.form.min_quantity.data, row.form.unit_price.data) for row in form.price_tiers
        ],
        stock_quantity=None if made_to_order else (form.stock_quantity.data or 0),
        lead_time_days=form.lead_time_days.data,
        origin_country=form.origin_country.data or "",
        origin_port=form.origin_port.data or "",
        incoterms=[
            (row.form.rule.data or "", row.form.named_place.data or "") for row in form.incoterms
        ],
        package_type=form.package_type.data or None,
        units_per_package=form.units_per_package.data,
        net_weight_kg=form.net_weight_kg.data,
        gross_weight_kg=form.gross_weight_kg.data,
        length_cm=form.length_cm.data,
        width_cm=form.width_cm.data,
        height_cm=form.height_cm.data,
        un_number=form.un_number.data,
        proper_shipping_name=form.proper_shipping_name.data,
        hazard_class=form.hazard_class.data,
        packing_group=form.packing_group.data or None,
        net_explosive_mass_kg=form.net_explosive_mass_kg.data,
        subsidiary_risk=form.subsidiary_risk.data,
        ems=form.ems.data,
        export_licence_required=bool(form.export_licence_required.data),
        specifications=[
            (row.form.name.data or "", row.form.value.data or "") for row in form.specifications
        ],
        title_zh=form.title_zh.data or "",
        title_ur=form.title_ur.data or "",
        description_zh=form.description_zh.data or "",
        description_ur=form.description_ur.data or "",
        specification_labels=[
            (row.form.name_zh.data or "", row.form.name_ur.data or "")
            for row in form.specifications
        ],
    )


def _fill(form: ListingForm, product: Product) -> None:
    """Put a stored listing into the form (GET of the edit page)."""

    def kg(grams: int | None) -> Decimal | None:
        return None if grams is None else Decimal(grams).scaleb(-3)

    def cm(millimetres: int | None) -> Decimal | None:
        return None if millimetres is None else Decimal(millimetres).scaleb(-1)

    form.title.data = product.title
    form.description.data = product.description
    form.title_zh.data = product.title_zh or ""
    form.description_zh.data = product.description_zh or ""
    form.title_ur.data = product.title_ur or ""
    form.description_ur.data = product.description_ur or ""
    form.category.data = product.category.slug
    form.hs_code.data = product.hs_code
    form.unit.data = product.unit
    form.moq.data = product.moq
    form.currency.data = product.currency
    for row, tier in zip(form.price_tiers, product.price_tiers, strict=False):
        row.form.min_quantity.data = tier.min_quantity
        row.form.unit_price.data = Money.from_minor(tier.unit_price_minor, product.currency).amount
    form.availability.data = "made_to_order" if product.made_to_order else "stock"
    form.stock_quantity.data = product.stock_quantity
    form.lead_time_days.data = product.lead_time_days
    form.origin_country.data = product.origin_country
    form.origin_port.data = product.origin_port or ""
    for row, offer in zip(form.incoterms, product.incoterms, strict=False):
        row.form.rule.data = offer.rule.value
        row.form.named_place.data = offer.named_place
    form.package_type.data = product.package_type or ""
    form.units_per_package.data = product.units_per_package
    form.net_weight_kg.data = kg(product.net_weight_g)
    form.gross_weight_kg.data = kg(product.gross_weight_g)
    form.length_cm.data = cm(product.length_mm)
    form.width_cm.data = cm(product.width_mm)
    form.height_cm.data = cm(product.height_mm)
    form.un_number.data = product.un_number
    form.proper_shipping_name.data = product.proper_shipping_name
    form.hazard_class.data = product.hazard_class
    form.packing_group.data = product.packing_group or ""
    form.net_explosive_mass_kg.data = kg(product.net_explosive_mass_g)
    form.subsidiary_risk.data = product.subsidiary_risk
    form.ems.data = product.ems
    form.export_licence_required.data = product.export_licence_required
    for row, spec in zip(form.specifications, product.specifications, strict=False):
        row.form.name.data = spec.name
        row.form.value.data = spec.value
        row.form.name_zh.data = spec.name_zh or ""
        row.form.name_ur.data = spec.name_ur or ""


def _show_listing_errors(form: ListingForm, errors: dict[str, object]) -> None:
    """Put each service error on its field, rows included (``price_tiers-1-unit_price``)."""
    for name, message in errors.items():
        parts = name.split("-")
        target = getattr(form, parts[0], None)
        if target is not None and len(parts) == 3 and parts[1].isdigit():
            rows = list(target)
            index = int(parts[1])
            target = getattr(rows[index].form, parts[2], None) if index < len(rows) else None
        if target is None or not hasattr(target, "errors") or len(parts) == 2:
            flash(str(message), "danger")
            continue
        target.errors = [*target.errors, str(message)]


@bp.get("/listings", endpoint="listings")
def listing_index() -> ResponseReturnValue:
    raw = request.args.get("status", "")
    status = ProductStatus(raw) if raw in ProductStatus._value2member_map_ else None
    company_id = signed_in_user().company_id or 0
    return render_template(
        "seller/listings.html",
        products=listings.seller_products(company_id, status),
        status=status,
        statuses=list(ProductStatus),
        action_form=ListingActionForm(),
    )


def _save(form: ListingForm, save: Callable[[], T]) -> Outcome[T]:
    """Run a create or update; a refusal is rolled back and shown on the form.

    ``ListingInvalid`` names many fields at once, rows included, so each problem goes on
    its own field rather than its one summary being flashed; a refusal naming no field
    on the form is flashed. ``NotAllowed`` (a viewer) reaches the boundary: 403.
    """
    saved = attempt(save, flash_refusal=False)
    error = saved.error
    if isinstance(error, listings.ListingInvalid):
        _show_listing_errors(form, dict(error.errors))
    elif error is not None:
        _show_listing_errors(form, {error.field or "": error})
    return saved


@bp.route("/listings/new", methods=["GET", "POST"])
def new_listing() -> ResponseReturnValue:
    form = _prepare(ListingForm())
    if form.validate_on_submit():
        product = _save(form, lambda: listings.create_listing(acting(), _listing_input(form))).value
        if product is not None:
            flash(gettext("Draft saved. Add images, then publish it."), "success")
            return redirect(url_for("seller.edit_listing", public_id=product.public_id))
    elif request.method == "GET":
        company = signed_in_user().company
        form.origin_country.data = company.country if company else "PK"
    return render_template("seller/listing_form.html", form=form, product=None)


@bp.route("/listings/<public_id>/edit", methods=["GET", "POST"])
def edit_listing(public_id: str) -> ResponseReturnValue:
    product = own_listing(public_id)
    form = _prepare(ListingForm())
    if form.validate_on_submit():
        if _save(form, lambda: listings.update_listing(acting(), product, _listing_input(form))).ok:
            flash(gettext("Listing saved."), "success")
            return redirect(url_for("seller.edit_listing", public_id=product.public_id))
    elif request.method == "GET":
        _fill(form, product)
        form.hold_quantities_to_unit()
    return render_template(
        "seller/listing_form.html",
        form=form,
        product=product,
        action_form=ListingActionForm(),
        image_form=ListingImageForm(),
    )


def _action(public_id: str, act: str) -> ResponseReturnValue:
    product = own_listing(public_id)
    if not ListingActionForm().validate_on_submit():
        abort(400)
    messages = {
        "publish": gettext("Published: buyers can find it in the catalogue now."),
        "archive": gettext("Archived: it no longer shows in the catalogue."),
        "duplicate": gettext("Copy saved as a draft."),
    }

    def run() -> Product:
        if act == "publish":
            listings.publish_listing(acting(), product)
            return product
        if act == "archive":
            listings.archive_listing(acting(), product)
            return product
        return listings.duplicate_listing(acting(), product)

    # A refusal (publishing an incomplete listing) is flashed on the edit page it came from.
    done = attempt(run).value
    if done is None:
        return redirect(url_for("seller.edit_listing", public_id=public_id))
    flash(messages[act], "success")
    return redirect(url_for("seller.edit_listing", public_id=done.public_id))


@bp.post("/listings/<public_id>/publish")
def publish_listing(public_id: str) -> ResponseReturnValue:
    return _action(public_id, "publish")


@bp.post("/listings/<public_id>/archive")
def archive_listing(public_id: str) -> ResponseReturnValue:
    return _action(public_id, "archive")


@bp.post("/listings/<public_id>/duplicate")
def duplicate_listing(public_id: str) -> ResponseReturnValue:
    return _action(public_id, "duplicate")
