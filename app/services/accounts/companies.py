"""Companies: registration with their first owner, verification by the operator."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pycountry
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from stdnum import iban

from app.extensions import db
from app.models import Company, CompanyRole, User, VerificationStatus
from app.models.base import utcnow
from app.models.company import default_timezone
from app.money import InvalidCurrency, normalize_currency
from app.services.accounts.capabilities import Action, can, require
from app.services.accounts.passwords import hash_password, password_problem
from app.services.accounts.tax_ids import normalize_strn, normalize_tax_id
from app.services.audit.recording import Actor, record_audit
from app.services.errors import CompanyNotVerified, NotAllowed, ValidationFailed
from app.time_zones import valid_zone

# The currency a company keeps its books in, by country; others report in USD.
REPORTING_CURRENCY = {"PK": "PKR", "CN": "CNY"}


@dataclass(frozen=True, slots=True)
class CompanyRegistration:
    legal_name: str
    legal_name_local: str | None
    country: str
    sells: bool
    buys: bool
    address: str
    city: str
    postal_code: str | None
    tax_id: str
    sales_tax_registration: str | None
    contact_email: str
    contact_phone: str | None
    owner_name: str
    owner_email: str
    owner_password: str
    owner_locale: str | None = None


def email_taken(email: str) -> bool:
    return (
        db.session.scalar(select(func.count(User.id)).where(User.email == email.lower())) or 0
    ) > 0


def register_company(registration: CompanyRegistration, actor: Actor) -> User:
    """Create a pending company and its owner; raise ``ValidationFailed`` on bad input."""
    country = registration.country.upper()
    if pycountry.countries.get(alpha_2=country) is None:
        raise ValidationFailed(lazy_gettext("Choose a country from the list."), "country")
    if not (registration.sells or registration.buys):
        raise ValidationFailed(
            lazy_gettext("Choose whether the company sells, buys or both."), "trade_role"
        )
    tax_id = normalize_tax_id(country, registration.tax_id)
    strn = normalize_strn(registration.sales_tax_registration) if country == "PK" else None
    owner_email = registration.owner_email.strip().lower()
    if email_taken(owner_email):
        raise ValidationFailed(
            lazy_gettext("An account with this e-mail address exists already. Sign in instead."),
            "owner_email",
        )
    problem = password_problem(
        registration.owner_password,
        [owner_email, registration.owner_name, registration.legal_name],
    )
    if problem is not None:
        raise ValidationFailed(problem, "owner_password")

    company = Company(
        legal_name=registration.legal_name.strip(),
        legal_name_local=(registration.legal_name_local or "").strip() or None,
        country=country,
        sells=registration.sells,
        buys=registration.buys,
        address=registration.address.strip(),
        city=registration.city.strip(),
        postal_code=(registration.postal_code or "").strip() or None,
        tax_id=tax_id,
        sales_tax_registration=strn,
        contact_email=registration.contact_email.strip().lower(),
        contact_phone=(registration.contact_phone or "").strip() or None,
        reporting_currency=REPORTING_CURRENCY.get(country, "USD"),
        timezone=default_timezone(country),
    )
    owner = User(
        email=owner_email,
        full_name=registration.owner_name.strip(),
        password_hash=hash_password(registration.owner_password),
        company=company,
        company_role=CompanyRole.OWNER,
        locale=registration.owner_locale,
    )
    db.session.add_all([company, owner])
    db.session.flush()
    record_audit(
        Actor(owner, actor.address),
        "company.registered",
        company_id=company.id,
        object_type="company",
        object_id=company.public_id,
        details={"legal_name": company.legal_name, "country": country},
    )
    return owner


def decide_verification(
    actor: Actor, company: Company, decision: VerificationStatus, reason: str | None
) -> None:
    """The operator verifies or suspends ``company``; a suspension needs a reason."""
    if actor.user is None or not actor.user.is_operator:
        raise NotAllowed(lazy_gettext("Only the platform operator decides verification."))
    reason = (reason or "").strip() or None
    if decision is VerificationStatus.SUSPENDED and reason is None:
        raise ValidationFailed(lazy_gettext("Give the reason for the suspension."), "reason")
    if decision is VerificationStatus.PENDING:
        raise ValidationFailed(lazy_gettext("Choose verify or suspend."), "decision")
    previous = company.verification_status
    company.verification_status = decision
    company.verification_reason = reason
    company.verification_decided_at = utcnow()
    record_audit(
        actor,
        f"company.{decision.value}",
        company_id=company.id,
        object_type="company",
        object_id=company.public_id,
        details={"from": previous.value, "to": decision.value, "reason": reason},
    )


def ensure_can_trade(company: Company) -> None:
    """The one check before publishing a listing or placing an order.

    Pending and suspended companies can sign in and prepare; they cannot trade.
    """
    if company.verification_status is VerificationStatus.VERIFIED:
        return
    if company.verification_status is VerificationStatus.SUSPENDED:
        raise CompanyNotVerified(
            lazy_gettext(
                "Your company is suspended by the platform operator. Contact the operator"
                " to trade again."
            )
        )
    raise CompanyNotVerified(
        lazy_gettext(
            "Your company is waiting for verification by the platform operator. You can"
            " prepare now and trade once it is verified."
        )
    )


def companies_for_review(status: VerificationStatus | None) -> list[Company]:
    query = select(Company).order_by(Company.created_at.desc(), Company.id.desc())
    if status is not None:
        query = query.where(Company.verification_status == status)
    return list(db.session.scalars(query))


def get_company(public_id: str) -> Company | None:
    return db.session.scalar(select(Company).where(Company.public_id == public_id))


@dataclass(frozen=True, slots=True)
class BankDetails:
    """Where buyers pay by bank transfer; all blank clears them."""

    beneficiary: str | None
    bank_name: str | None
    account: str | None
    swift: str | None
    address: str | None


_SWIFT = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_ACCOUNT = re.compile(r"^[A-Z0-9]{6,34}$")


def set_bank_details(actor: Actor, company: Company, details: BankDetails) -> bool:
    """Check and store the company's T/T details (owner only); printed on its invoices.

    Returns whether the account changed; then ``bank_details_changed_at`` records when,
    for the counterparties' notice (``app.services.orders.bank_changes``).
    """
    require(actor.user, Action.CHANGE_BANK_DETAILS, company)
    before = _bank_record(company)
    name = (details.bank_name or "").strip() or None
    account = re.sub(r"[\s-]", "", details.account or "").upper() or None
    swift = re.sub(r"\s", "", details.swift or "").upper() or None
    if name or account or swift:
        if not name:
            raise ValidationFailed(lazy_gettext("Give the bank's name."), "bank_name")
        if account is None or not _ACCOUNT.fullmatch(account):
            raise ValidationFailed(
                lazy_gettext("Give the account number or IBAN (letters and digits)."), "account"
            )
        # Pakistan uses IBANs (PK36 SCBL ...); check one whenever the number looks like it.
        if re.match(r"^[A-Z]{2}\d{2}", account) and not iban.is_valid(account):
            raise ValidationFailed(lazy_gettext("This IBAN is not valid."), "account")
        if swift is None or not _SWIFT.fullmatch(swift):
            raise ValidationFailed(
                lazy_gettext("A SWIFT/BIC code has 8 or 11 letters and digits."), "swift"
            )
    company.bank_beneficiary = (details.beneficiary or "").strip() or None
    company.bank_name = name
    company.bank_account = account
    company.bank_swift = swift
    company.bank_address = (details.address or "").strip() or None
    changed = _bank_record(company) != before
    if not changed:
        return False
    company.bank_details_changed_at = utcnow()
    record_audit(
        actor, "company.bank_details_changed", object_type="company", object_id=company.public_id
    )
    return True


def _bank_record(company: Company) -> tuple[str | None, ...]:
    return (
        company.bank_beneficiary,
        company.bank_name,
        company.bank_account,
        company.bank_swift,
        company.bank_address,
    )


def set_reporting_currency(actor: Actor, company: Company, currency: str) -> None:
    """Change the currency the company keeps its books in (owner only).

    Only invoices issued from now on freeze a rate into it: those already issued keep the
    rate, and the currency, they froze.
    """
    if not can(actor.user, Action.MANAGE_COMPANY, company):
        raise NotAllowed(
            lazy_gettext("Only the company's owner can change its reporting currency.")
        )
    try:
        code = normalize_currency(currency)
    except InvalidCurrency:
        raise ValidationFailed(
            lazy_gettext("Choose an ISO 4217 currency from the list."), "currency"
        ) from None
    previous = company.reporting_currency
    if code == previous:
        return
    company.reporting_currency = code
    record_audit(
        actor,
        "company.reporting_currency_changed",
        company_id=company.id,
        object_type="company",
        object_id=company.public_id,
        details={"from": previous, "to": code},
    )


def set_company_timezone(actor: Actor, company: Company, zone: str) -> None:
    """Change the zone the company's day runs in (owner only).

    Documents issued from now on take their date and numbering year from it, and due
    dates and aging count its days; documents already issued keep the date they print.
    """
    require(
        actor.user,
        Action.MANAGE_COMPANY,
        company,
        lazy_gettext("Only the company's owner can change its time zone."),
    )
    if not valid_zone(zone):
        raise ValidationFailed(lazy_gettext("Choose a time zone from the list."), "timezone")
    previous = company.timezone
    if zone == previous:
        return
    company.timezone = zone
    record_audit(
        actor,
        "company.timezone_changed",
        company_id=company.id,
        object_type="company",
        object_id=company.public_id,
        details={"from": previous, "to": zone},
    )
