"""Forms of the licence vault, its review and the authority's revocation."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.models.base import QUANTITY_PLACES
from app.models.licence import LicenceKind, LimitBasis
from app.reference.units import MAX_QUANTITY
from app.web.forms import CorridorForm, ExactDecimalField, as_choices

_LEAST_LIMIT = Decimal(1).scaleb(-QUANTITY_PLACES)

KIND_CHOICES = [
    (LicenceKind.MANUFACTURE.value, _l("Manufacture licence (Pakistan: form EL-01)")),
    (LicenceKind.SALE.value, _l("Sale licence")),
    (LicenceKind.EXPORT.value, _l("Export licence")),
    (LicenceKind.IMPORT.value, _l("Import licence")),
    (
        LicenceKind.PER_SHIPMENT_APPROVAL.value,
        _l("Per-shipment approval (China: MIIT 民用爆炸物品进/出口审批单)"),
    ),
    (LicenceKind.END_USER_CERTIFICATE.value, _l("End-user certificate")),
]

BASIS_CHOICES = [
    (LimitBasis.NET_EXPLOSIVE_MASS.value, _l("Net explosive mass (kg)")),
    (LimitBasis.UNITS.value, _l("Units")),
]


class LicenceForm(CorridorForm):
    kind = SelectField(_l("Kind of document"), choices=as_choices(KIND_CHOICES))
    number = StringField(
        _l("Number"), validators=[InputRequired(_l("Give the document's number.")), Length(max=80)]
    )
    authority = SelectField(_l("Issued by"), choices=[])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()])
    valid_to = DateField(_l("Valid to"), validators=[InputRequired()])
    goods = StringField(
        _l("Goods covered"),
        description=_l(
            "UN numbers (UN0360), divisions with their compatibility group (1.1D) or HS codes"
            " (360200), separated by commas."
        ),
        validators=[InputRequired(), Length(max=500)],
    )
    limit_basis = RadioField(
        _l("Quantities counted in"),
        choices=as_choices(BASIS_CHOICES),
        default=LimitBasis.NET_EXPLOSIVE_MASS.value,
    )
    # Up to 3 decimals: kilograms of NEM to the gram, or the goods' unit (tonnes to the kg).
    quantity_limit = ExactDecimalField(
        _l("Overall limit (blank: none)"),
        validators=[Optional()],
        places=QUANTITY_PLACES,
        minimum=_LEAST_LIMIT,
        maximum=MAX_QUANTITY,
    )
    per_shipment_limit = ExactDecimalField(
        _l("Limit per shipment (blank: none)"),
        validators=[Optional()],
        places=QUANTITY_PLACES,
        minimum=_LEAST_LIMIT,
        maximum=MAX_QUANTITY,
    )
    counterparty_name = StringField(
        _l("Counterparty named on it (optional)"), validators=[Optional(), Length(max=200)]
    )
    port = StringField(_l("Port named on it (optional)"), validators=[Optional(), Length(max=100)])
    order = SelectField(_l("For the order (per-shipment approvals and certificates)"), choices=[])
    scan = FileField(
        _l("Scan of the document (PDF or picture)"),
        validators=[FileRequired(_l("Attach the scan of the document."))],
    )


class AmendmentForm(CorridorForm):
    description = TextAreaField(
        _l("What the amendment changes"), validators=[InputRequired(), Length(max=4000)]
    )
    sanction_reference = StringField(
        # The hint depends on the licence's kind and jurisdiction: set by the view
        # from rules.amendment_hint.
        _l("Sanction reference"),
        validators=[InputRequired(), Length(max=120)],
    )
    amended_on = DateField(_l("Date of the amendment"), validators=[InputRequired()])


class ReviewForm(CorridorForm):
    decision = RadioField(
        _l("Decision"),
        choices=as_choices([("accept", _l("Accept")), ("reject", _l("Reject"))]),
        validators=[InputRequired(_l("Choose accept or reject."))],
    )
    reason = TextAreaField(_l("Reason (required to reject)"), validators=[Length(max=2000)])


class RevokeForm(CorridorForm):
    reason = TextAreaField(
        _l("Reason for the revocation"),
        validators=[InputRequired(_l("Give the reason for the revocation.")), Length(max=2000)],
    )


class AuthorityForm(CorridorForm):
    name = StringField(
        _l("Name of the licensing body"), validators=[InputRequired(), Length(max=200)]
    )
    name_local = StringField(
        _l("Name in its own language"), validators=[Optional(), Length(max=200)]
    )
    country = SelectField(
        _l("Country"), choices=as_choices([("PK", _l("Pakistan")), ("CN", _l("China"))])
    )


class AuthorityUserForm(CorridorForm):
    authority = SelectField(_l("Authority"), choices=[])
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = StringField(
        _l("First password (the person changes it)"),
        validators=[InputRequired(), Length(min=12, max=200)],
    )
    demo = BooleanField(_l("Demo"))


EVIDENCE_CHOICES = [
    ("registration_certificate", _l("Registration certificate")),
    ("tax_registration", _l("Tax registration (NTN/STRN or USCC)")),
    ("authorised_signatory", _l("Authorised signatory")),
]


class EvidenceForm(CorridorForm):
    kind = SelectField(_l("Document"), choices=as_choices(EVIDENCE_CHOICES))
    scan = FileField(
        _l("Scan (PDF or picture)"),
        validators=[FileRequired(_l("Attach the scan of the document."))],
    )


class VerifyForm(CorridorForm):
    checked = SelectMultipleField(
        _l("Documents checked"),
        choices=as_choices(EVIDENCE_CHOICES),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    note = TextAreaField(
        _l("What you checked them against (optional)"), validators=[Length(max=2000)]
    )
    expires_on = DateField(_l("Verification holds until (optional)"), validators=[Optional()])


class WithdrawForm(CorridorForm):
    reason = TextAreaField(
        _l("Reason for the withdrawal"),
        validators=[InputRequired(_l("Give the reason for the withdrawal.")), Length(max=2000)],
    )
