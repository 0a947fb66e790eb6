"""The shipment form's contents: order lines with what is left to ship, and containers.

Kept beside ``orders.py`` so the shipment view only asks for the prefill and the input.
"""

from __future__ import annotations

from app.models import Order, OrderLine
from app.services.fulfilment import actions
from app.services.fulfilment.shipment_contents import (
    ContainerInput,
    LineInput,
)
from app.services.orders.shipped import remaining_quantities
from app.web.forms import as_choices
from app.web.seller.order_forms import ShipmentForm, ShipmentLineRowForm


def _fit_to_unit(row: ShipmentLineRowForm, line: OrderLine | None) -> None:
    """Hold a line row's quantity box to its order line's unit and show the rule beside it;
    a row naming no line of the order keeps the finest rule (the service refuses it)."""
    if line is not None:
        row.quantity.for_unit(line.unit)


def offer_lines(form: ShipmentForm, order: Order) -> None:
    """The order lines a package row may hold (choices of every row's select), and each
    line row held to its unit's rule (whole pieces, tonnes to the kilogram)."""
    choices = as_choices(
        [("", "—")]
        + [(str(line.line_no), f"{line.line_no} · {line.title}") for line in order.lines]
    )
    for row in form.packages:
        row.form.line_no.choices = choices
    by_no = {str(line.line_no): line for line in order.lines}
    for entry in form.lines:
        _fit_to_unit(entry.form, by_no.get(str(entry.form.line_no.data or "").strip()))


def prefill_contents(form: ShipmentForm, order: Order) -> None:
    """One line row per order line with the quantity still to ship; package rows point at
    the order lines in turn, so a seller with one row per line only counts and marks."""
    remaining = remaining_quantities(order)
    while len(form.lines):
        form.lines.pop_entry()
    for line in order.lines:
        entry = form.lines.append_entry()
        entry.form.line_no.data = str(line.line_no)
        _fit_to_unit(entry.form, line)
        # Exact and without trailing zeros ("200", "2480.35"): the field reads it back so.
        entry.form.quantity.data = remaining[line.id]
    for row, line in zip(form.packages, order.lines, strict=False):
        row.form.line_no.data = str(line.line_no)


def _line_no(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 9 else None


def contents_input(form: ShipmentForm, data: actions.ShipmentInput) -> actions.ShipmentInput:
    """``data`` with the lines, containers and package places the form gives."""
    # A line row whose number was tampered with counts as line 0, which the service refuses.
    data.lines = [
        LineInput(_line_no(row.form.line_no.data) or 0, row.form.quantity.data)
        for row in form.lines
    ]
    data.containers = [
        ContainerInput(
            container_number=row.form.container_number.data or "",
            container_type=row.form.container_type.data or "",
            seal_number=row.form.seal_number.data,
            packed_by=row.form.packed_by.data,
            packed_at=row.form.packed_at.data,
            packed_on=row.form.packed_on.data,
        )
        for row in form.containers
        if (row.form.container_number.data or "").strip()
    ]
    for package, row in zip(data.packages, form.packages, strict=True):
        package.line_no = _line_no(row.form.line_no.data)
        package.container_number = row.form.container_number.data
    data.last_lot = bool(form.last_lot.data)
    return data
