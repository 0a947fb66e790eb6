"""The demo's weight-terms lots at discharge: SGS weighs (and for the copper concentrate
assays) each lot, and the seller's finance enters the outturn with the certificate, so
the demo shows provisional and final invoices side by side (issue #20)."""

from __future__ import annotations

from weasyprint import HTML  # type: ignore[import-untyped]

from app.models import Order
from app.services.audit.recording import Actor
from app.services.fulfilment import outturn

SURVEYOR = "SGS Pakistan (Pvt) Ltd, Karachi"


def _certificate(order: Order, lot: int, found: tuple[str, str | None, str | None]) -> bytes:
    weight, moisture, adjustment = found
    rows = [f"Outturn weight (wet): {weight} t"]
    if moisture:
        rows.append(f"Moisture: {moisture} %")
    if adjustment:
        rows.append(f"Grade adjustment: {adjustment} per tonne (assay above the contract basis)")
    body = "".join(f"<p>{row}</p>" for row in rows)
    html = (
        f"<h1>{SURVEYOR}</h1><h2>Certificate of weight and quality</h2>"
        f"<p>Order {order.reference}, lot {lot}, discharged at {order.destination_port}.</p>{body}"
    )
    return bytes(HTML(string=html).write_pdf())


def demo_outturn(
    order: Order, finance: Actor, lot: int, found: tuple[str, str | None, str | None]
) -> None:
    """Enter lot ``lot``'s outturn (one line: wet weight, moisture %, adjustment)."""
    settlement = outturn.settlement_of(order, lot)
    assert settlement is not None
    weight, moisture, adjustment = found
    outturn.record_outturn(
        finance,
        settlement,
        outturn.OutturnInput(
            surveyor=SURVEYOR,
            certificate=_certificate(order, lot, found),
            certificate_name=f"sgs-{order.reference}-lot-{lot}.pdf",
            lines=[outturn.OutturnLineInput(1, weight, moisture, adjustment)],
        ),
    )
