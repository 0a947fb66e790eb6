"""What a seller's ERP sends to answer an order: accept, decline, produce, ship."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field, StrictBool, StrictInt

from app.services.fulfilment.actions import MAX_PACKAGES
from app.web.api.contract import Amount, RequestModel, Text

Day = Annotated[date, Field(strict=False, examples=["2027-02-15"])]


class AcceptOrder(RequestModel):
    confirmed_ship_date: Day
    freight: Amount | None = Field(
        default=None, description="Proposed to the buyer when the Incoterm puts it on you."
    )
    insurance: Amount | None = None
    note: Text | None = Field(default=None, max_length=2000)


class DeclineOrder(RequestModel):
    reason: Text = Field(max_length=2000, description="Told to the buyer.")


class StartProduction(RequestModel):
    note: Text | None = Field(default=None, max_length=2000)


class CloseBalance(RequestModel):
    note: Text | None = Field(default=None, max_length=2000)


class PackageRow(RequestModel):
    count: StrictInt = Field(ge=1, le=MAX_PACKAGES)
    marks: Text = Field(max_length=1000)
    package_type: Text | None = Field(default=None, max_length=40)
    contents: Text | None = Field(default=None, max_length=200)
    net_weight_kg: Amount | None = None
    gross_weight_kg: Amount | None = None
    line_no: StrictInt | None = Field(default=None, ge=1, le=50)
    container_number: Text | None = Field(default=None, max_length=11)


class ShippedLine(RequestModel):
    line_no: StrictInt = Field(ge=1, le=50)
    # A decimal string ("2480.350") or a whole number, by the line's unit: whole for
    # pieces and sets, up to 3 decimals for tonnes, kilograms, cubic metres; never a float.
    quantity: StrictInt | Text = Field(examples=["2480.350", 40])


class RecordShipment(RequestModel):
    mode: Text = Field(max_length=10, examples=["sea"])
    carrier: Text = Field(max_length=100)
    transport_document_number: Text = Field(max_length=60, description="B/L or AWB number.")
    port_of_loading: Text = Field(max_length=100, examples=["Karachi (PKKHI)"])
    port_of_discharge: Text = Field(max_length=100, examples=["Shanghai (CNSHG)"])
    etd: Day
    eta: Day
    net_weight_kg: Amount
    gross_weight_kg: Amount
    vessel: Text | None = Field(default=None, max_length=100)
    voyage: Text | None = Field(default=None, max_length=40)
    flight: Text | None = Field(default=None, max_length=40)
    container_numbers: Text | None = Field(default=None, max_length=1000)
    packages: list[PackageRow] = Field(min_length=1, max_length=200)
    lines: list[ShippedLine] = Field(
        default_factory=list,
        max_length=50,
        description="Blank: every order line ships what is left of it.",
    )
    last_lot: StrictBool = Field(
        default=False,
        description="On an order allowing partial shipments: this lot closes the order "
        "(every line must then have shipped within its tolerance).",
    )
