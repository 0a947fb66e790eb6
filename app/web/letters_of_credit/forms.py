"""The forms of the credit pages: the terms (MT700 fields), an upload with its fields, a
presentation and the bank's answer. Field names are the services' so a refusal lands on
the field it names."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.models import AvailableBy, CreditDocumentKind, PresentationState
from app.models.base import QUANTITY_PLACES
from app.models.letter_of_credit import UPLOADED_KINDS
from app.reference.units import MAX_QUANTITY
from app.services.letters_of_credit.findings import DOCUMENT_NAMES
from app.services.letters_of_credit.shipment_documents import ShipmentDocumentInput
from app.services.letters_of_credit.terms import CreditTermsInput
from app.web.forms import CorridorForm, ExactDecimalField, as_choices
from app.web.once import SubmissionKeyField

KIND_LABELS = DOCUMENT_NAMES
AVAILABLE_BY = [
    (AvailableBy.SIGHT_PAYMENT.value, _l("Sight payment")),
    (AvailableBy.DEFERRED_PAYMENT.value, _l("Deferred payment")),
    (AvailableBy.ACCEPTANCE.value, _l("Acceptance")),
    (AvailableBy.NEGOTIATION.value, _l("Negotiation")),
]
BANK_ANSWERS = [
    (PresentationState.COMPLYING.value, _l("Complying: the bank honours")),
    (PresentationState.DISCREPANT.value, _l("Discrepant")),
    (PresentationState.WAIVER_ASKED.value, _l("Waiver asked of the applicant")),
    (PresentationState.ACCEPTED.value, _l("Discrepancies waived: accepted")),
    (PresentationState.REFUSED.value, _l("Refused")),
]
_TEXT = [Optional(), Length(max=200)]
_LONG = [Optional(), Length(max=4000)]


class CreditTermsForm(CorridorForm):
    number = StringField(_l("Credit number (20)"), [InputRequired(), Length(max=40)])
    form_of_credit = StringField(
        _l("Form of credit (40A)"), [InputRequired(), Length(max=40)], default="IRREVOCABLE"
    )
    issue_date = DateField(_l("Date of issue (31C)"), [InputRequired()])
    expiry_date = DateField(_l("Expiry date (31D)"), [InputRequired()])
    expiry_place = StringField(_l("Place of expiry (31D)"), [InputRequired(), Length(max=100)])
    expiry_country = SelectField(
        _l("Country of the place of expiry"), choices=as_choices([("CN", "CN"), ("PK", "PK")])
    )
    applicant = TextAreaField(_l("Applicant (50)"), [InputRequired(), Length(max=1000)])
    beneficiary = TextAreaField(_l("Beneficiary (59)"), [InputRequired(), Length(max=1000)])
    issuing_bank = StringField(_l("Issuing bank (52A)"), [InputRequired(), Length(max=200)])
    advising_bank = StringField(_l("Advising bank (57A)"), _TEXT)
    confirming_bank = StringField(_l("Confirming bank (58A)"), _TEXT)
    currency = StringField(_l("Currency (32B)"), [InputRequired(), Length(min=3, max=3)])
    amount = StringField(_l("Amount (32B)"), [InputRequired(), Length(max=30)])
    tolerance_plus = IntegerField(_l("Tolerance plus, % (39A)"), [NumberRange(0, 10)], default=0)
    tolerance_minus = IntegerField(_l("Tolerance minus, % (39A)"), [NumberRange(0, 10)], default=0)
    available_with = StringField(_l("Available with (41a)"), [InputRequired(), Length(max=200)])
    available_by = SelectField(_l("Available by (41a)"), choices=as_choices(AVAILABLE_BY))
    usance_days = IntegerField(
        _l("Days after which the bank pays (42C)"), [Optional(), NumberRange(1, 360)]
    )
    partial_shipments = BooleanField(_l("Partial shipments allowed (43P)"))
    transhipment = BooleanField(_l("Transhipment allowed (43T)"))
    port_of_loading = StringField(_l("Port of loading (44E)"), [InputRequired(), Length(max=100)])
    port_of_discharge = StringField(
        _l("Port of discharge (44F)"), [InputRequired(), Length(max=100)]
    )
    latest_shipment_date = DateField(_l("Latest shipment date (44C)"), [InputRequired()])
    goods_description = TextAreaField(
        _l("Description of goods (45A)"), [InputRequired(), Length(max=4000)]
    )
    # As the credit states it: 5000 MT, 12.5 tonnes; the unit's own rule is the service's.
    quantity = ExactDecimalField(
        _l("Quantity"),
        [Optional()],
        places=QUANTITY_PLACES,
        minimum=Decimal(1).scaleb(-QUANTITY_PLACES),
        maximum=MAX_QUANTITY,
        description=_l("Up to 3 decimals for weights and volumes; whole pieces and sets."),
    )
    quantity_unit = StringField(_l("Unit"), [Optional(), Length(max=10)])
    incoterm = StringField(_l("Trade term (Incoterm)"), [InputRequired(), Length(max=3)])
    incoterm_place = StringField(_l("Named place"), [Optional(), Length(max=100)])
    consignee_wording = TextAreaField(
        _l("B/L consignee as required (46A)"), [Optional(), Length(max=1000)]
    )
    notify_wording = TextAreaField(
        _l("B/L notify party as required (46A)"), [Optional(), Length(max=1000)]
    )
    origin_issuer = StringField(_l("Certificate of origin issued by (46A)"), _TEXT)
    insurance_percent = IntegerField(
        _l("Insurance cover, percent of CIF value"), [NumberRange(100, 200)], default=110
    )
    additional_conditions = TextAreaField(_l("Additional conditions (47A)"), _LONG)
    presentation_days = IntegerField(
        _l("Presentation period, days (48)"), [NumberRange(1, 90)], default=21
    )
    charges = TextAreaField(_l("Charges (71D)"), [Optional(), Length(max=1000)])
    amendment_note = TextAreaField(_l("What the amendment changes"), [Optional(), Length(max=1000)])

    def required_documents(self, form_data: Any) -> list[dict[str, Any]]:
        """The ``originals_<kind>`` and ``copies_<kind>`` inputs (0 originals: not required)."""
        required = []
        for kind in CreditDocumentKind:
            originals = _count(form_data.get(f"originals_{kind.value}"))
            if originals:
                copies = _count(form_data.get(f"copies_{kind.value}"))
                required.append(
                    {"kind": kind.value, "originals": originals, "copies": copies, "wording": ""}
                )
        return required

    def to_input(self, form_data: Any) -> CreditTermsInput:
        names = {f.name for f in dataclass_fields(CreditTermsInput)}
        values = {name: field.data for name, field in self._fields.items() if name in names}
        for name in ("tolerance_plus", "tolerance_minus"):
            values[name] = values[name] or 0
        values["documents_required"] = self.required_documents(form_data)
        return CreditTermsInput(**values)


def _count(raw: object) -> int:
    text = str(raw or "0").strip()
    # ASCII digits only ("²" passes isdigit() but not int()), and never thousands of
    # them (int() refuses over 4300): anything over 10 is 10 anyway.
    if not (text.isascii() and text.isdigit()):
        return 0
    return min(int(text.lstrip("0")[:3] or "0"), 10)


class Mt700Form(CorridorForm):
    message = TextAreaField(_l("MT700 message"), [InputRequired(), Length(max=20000)])


class AmendmentDecisionForm(CorridorForm):
    pass


class ShipmentDocumentForm(CorridorForm):
    kind = SelectField(
        _l("Document"),
        choices=as_choices([(k.value, KIND_LABELS[k.value]) for k in UPLOADED_KINDS]),
    )
    file = FileField(_l("Scan (PDF or picture)"), [FileRequired()])
    issuer = StringField(_l("Issued by"), [InputRequired(), Length(max=200)])
    reference = StringField(_l("Number"), [InputRequired(), Length(max=60)])
    issued_on = DateField(_l("Date of issue"), [InputRequired()])
    originals = IntegerField(_l("Originals"), [NumberRange(0, 10)], default=1)
    copies = IntegerField(_l("Copies"), [NumberRange(0, 20)], default=0)
    amount = StringField(_l("Sum insured"), [Optional(), Length(max=30)])
    currency = StringField(_l("Currency of the sum insured"), [Optional(), Length(max=3)])
    on_board_date = DateField(_l("On-board date"), [Optional()])
    vessel = StringField(_l("Vessel"), _TEXT)
    port_of_loading = StringField(_l("Port of loading"), _TEXT)
    port_of_discharge = StringField(_l("Port of discharge"), _TEXT)
    consignee = TextAreaField(_l("Consignee"), [Optional(), Length(max=1000)])
    notify = TextAreaField(_l("Notify party"), [Optional(), Length(max=1000)])
    clean = BooleanField(_l("Clean on board (no clause on the goods or packing)"), default=True)
    clause = StringField(_l("Clause, if any"), _TEXT)
    freight = SelectField(
        _l("Freight"),
        choices=as_choices([("", "—"), ("prepaid", _l("Prepaid")), ("collect", _l("Collect"))]),
        default="",
    )
    gross_weight_kg = StringField(_l("Gross weight (kg)"), [Optional(), Length(max=30)])
    net_weight_kg = StringField(_l("Net weight (kg)"), [Optional(), Length(max=30)])
    packages = StringField(_l("Packages"), [Optional(), Length(max=30)])
    quantity = StringField(_l("Quantity"), [Optional(), Length(max=30)])
    marks = TextAreaField(_l("Shipping marks"), [Optional(), Length(max=1000)])
    container_numbers = StringField(_l("Containers"), _TEXT)
    seal_numbers = StringField(_l("Seals"), _TEXT)
    goods = TextAreaField(_l("Goods as described"), [Optional(), Length(max=1000)])
    cover_from = StringField(_l("Cover from (place)"), _TEXT)
    cover_effective_on = DateField(_l("Cover effective from (date)"), [Optional()])
    cover_to = StringField(_l("Cover to"), _TEXT)
    origin_country = StringField(_l("Country of origin"), [Optional(), Length(max=2)])

    def to_input(self) -> ShipmentDocumentInput:
        common = {
            "kind",
            "file",
            "issuer",
            "reference",
            "issued_on",
            "originals",
            "copies",
            "amount",
            "currency",
            "cover_effective_on",
            "csrf_token",
        }
        extra = {name: field.data for name, field in self._fields.items() if name not in common}
        return ShipmentDocumentInput(
            kind=self.kind.data or "",
            issuer=self.issuer.data or "",
            reference=self.reference.data or "",
            issued_on=self.issued_on.data,
            originals=self.originals.data or 0,
            copies=self.copies.data or 0,
            amount=self.amount.data,
            currency=self.currency.data,
            cover_effective_on=self.cover_effective_on.data,
            fields=extra,
        )


class CheckForm(CorridorForm):
    presented_on = DateField(_l("Presentation date to check for"), [InputRequired()])


class PresentationForm(CorridorForm):
    presented_on = DateField(_l("Date of presentation"), [InputRequired()])
    bank = StringField(_l("Bank presented to"), [InputRequired(), Length(max=200)])


class BankAnswerForm(CorridorForm):
    state = SelectField(_l("The bank's answer"), choices=as_choices(BANK_ANSWERS))
    answered_on = DateField(_l("Date of the answer"), [InputRequired()])
    discrepancies = TextAreaField(
        _l("The bank's list of discrepancies"), [Optional(), Length(max=4000)]
    )


class InvoiceUnderCreditForm(CorridorForm):
    submission_key = SubmissionKeyField()
