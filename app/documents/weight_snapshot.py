"""What the two invoices of weight terms print: the provisional one on the loading weight,
the final one on the outturn with the provisional deducted.

The provisional invoice carries the lot's lines at full value and withholds the rest of
the percent as a document allowance, so its lines, its XML and its total agree; the final
invoice carries the lot's lines as the surveyor found them (dry quantity, price after the
grade adjustment) and deducts what the provisional asked. Each line rounds once, half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.documents.snapshot_values import Snapshot, quantity_data
from app.models import Order, WeightSettlement
from app.money import line_amount_minor, price_json


def provisional_amounts(amounts: Snapshot, percent: int) -> Snapshot:
    """``amounts`` of the lot at full value, asking ``percent`` of it (half up)."""
    value = int(amounts["total_minor"])
    asked = int((Decimal(value) * percent / 100).to_integral_value(rounding=ROUND_HALF_UP))
    return {
        **amounts,
        "value_minor": value,
        "provisional_percent": percent,
        "withheld_minor": value - asked,
        "total_minor": asked,
    }


def outturn_prices(settlement: WeightSettlement) -> dict[int, tuple[Decimal, Decimal]]:
    """order_line_id → (quantity invoiced, unit price after the grade adjustment)."""
    return {
        line.order_line_id: (
            line.settled_quantity,
            line.order_line.unit_price_minor + line.price_adjustment_minor,
        )
        for line in settlement.lines
    }


def final_lines(lines: list[Snapshot], settlement: WeightSettlement) -> list[Snapshot]:
    """The lot's printed lines (``order_lines``' rows) as the outturn settles them."""
    by_no = {line.order_line.line_no: line for line in settlement.lines}
    settled = []
    for row in lines:
        outturn = by_no.get(int(row["no"]))
        if outturn is None:
            continue
        price = outturn.order_line.unit_price_minor + outturn.price_adjustment_minor
        settled.append(
            {
                **row,
                "quantity": quantity_data(outturn.settled_quantity),
                "unit_price_minor": price_json(price),
                "line_total_minor": line_amount_minor(outturn.settled_quantity, price),
            }
        )
    return settled


def final_amounts(amounts: Snapshot, settlement: WeightSettlement) -> Snapshot:
    """``amounts`` of the settled lot, less what its provisional invoice asked."""
    prepaid = settlement.provisional_minor
    total = int(amounts["total_minor"])
    return {**amounts, "prepaid_minor": prepaid, "due_minor": total - prepaid}


def outturn_data(order: Order, settlement: WeightSettlement) -> Snapshot:
    """The surveyor's findings as the final invoice prints them."""
    survey = settlement.survey_file
    return {
        "surveyor": settlement.surveyor,
        "certificate_sha256": survey.sha256 if survey is not None else None,
        "provisional_invoice": settlement.provisional_invoice.number,
        "lines": [
            {
                "no": line.order_line.line_no,
                "unit": line.order_line.unit,
                "outturn": quantity_data(line.outturn_quantity),
                "moisture_percent": (
                    None if line.moisture_percent is None else format(line.moisture_percent, "f")
                ),
                "settled": quantity_data(line.settled_quantity),
                "price_adjustment_minor": price_json(line.price_adjustment_minor),
            }
            for line in sorted(settlement.lines, key=lambda line: line.order_line.line_no)
        ],
        "currency": order.currency,
    }
