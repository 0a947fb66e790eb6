"""Daily exchange rates: entered or imported by the operator, frozen onto each invoice.

A rate reads "one ``base`` costs ``rate`` ``quote``". An invoice freezes, for each of its
two parties, the rate from its currency into that party's reporting currency: the latest
rate dated on or before the issue date and at most ``FX_RATE_MAX_AGE_DAYS`` old (banks
publish none at weekends), the stored pair or its inverse. Nothing found is an error at
issue time, never a silent 1.0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Company, Document, DocumentKind, DocumentRate, ExchangeRate, User
from app.models.base import utcnow
from app.money import InvalidCurrency, Money, normalize_currency
from app.numbers import MAX_LENGTH, NumberProblem, parse_decimal
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed

# Inverse rates keep this many decimal places: far below any minor unit after conversion.
INVERSE_PLACES = Decimal("1e-12")
SAME_CURRENCY_SOURCE = "same currency"
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 1024 * 1024
MAX_SOURCE_LENGTH = 100


class RateMissing(ValidationFailed):
    """No usable rate for an invoice's currency pair on its issue date."""


@dataclass(frozen=True, slots=True)
class FoundRate:
    currency: str  # the currency converted into
    rate: Decimal
    rate_date: date
    source: str


def max_rate_age() -> int:
    return int(current_app.config.get("FX_RATE_MAX_AGE_DAYS", 7))


def rate_on(base: str, quote: str, on: date) -> FoundRate:
    """The rate from ``base`` into ``quote`` an invoice issued ``on`` that day freezes."""
    if base == quote:
        return FoundRate(quote, Decimal(1), on, SAME_CURRENCY_SOURCE)
    oldest = on - timedelta(days=max_rate_age())
    candidates = db.session.scalars(
        select(ExchangeRate)
        .where(
            or_(
                and_(ExchangeRate.base == base, ExchangeRate.quote == quote),
                and_(ExchangeRate.base == quote, ExchangeRate.quote == base),
            ),
            ExchangeRate.rate_date.between(oldest, on),
        )
        .order_by(ExchangeRate.rate_date.desc())
        .limit(2)
    ).all()
    if not candidates:
        raise RateMissing(
            lazy_gettext(
                "No %(base)s to %(quote)s exchange rate dated %(oldest)s to %(date)s, so the "
                "invoice cannot be issued. The platform operator enters daily rates.",
                base=base,
                quote=quote,
                oldest=oldest.isoformat(),
                date=on.isoformat(),
            )
        )
    # On a day with both the pair and its inverse stored, the pair as asked wins.
    newest = candidates[0].rate_date
    same_day = [rate for rate in candidates if rate.rate_date == newest]
    chosen = next((rate for rate in same_day if rate.base == base), same_day[0])
    if chosen.base == base:
        return FoundRate(quote, chosen.rate, chosen.rate_date, chosen.source)
    inverse = (Decimal(1) / chosen.rate).quantize(INVERSE_PLACES)
    return FoundRate(quote, inverse, chosen.rate_date, f"{chosen.source} (inverse)")


def freeze_rates(document: Document, issuer: Company, recipient: Company) -> list[DocumentRate]:
    """Freeze the rates into both parties' reporting currencies onto an invoice being issued.

    A credit note carries its invoice's rates: it reverses part of that invoice, so the
    books reverse it at the same rate (and a refund never fails for want of today's rate).
    """
    assert document.currency is not None and document.id is not None
    issued_on = document.issued_on  # the date the invoice prints
    found: dict[int, FoundRate] = {}
    if document.kind is DocumentKind.CREDIT_NOTE and document.corrects is not None:
        found = {
            rate.company_id: FoundRate(rate.currency, rate.rate, rate.rate_date, rate.source)
            for rate in document.corrects.rates
        }
        # An invoice issued before rates were frozen: its own day's rate, not today's.
        issued_on = document.corrects.issued_on
    rates = []
    for company in {issuer.id: issuer, recipient.id: recipient}.values():
        chosen = found.get(company.id) or rate_on(
            document.currency, company.reporting_currency, issued_on
        )
        rate = DocumentRate(
            document_id=document.id,
            company_id=company.id,
            currency=chosen.currency,
            rate=chosen.rate,
            rate_date=chosen.rate_date,
            source=chosen.source,
        )
        db.session.add(rate)
        rates.append(rate)
    return rates


def in_reporting_currency(amount_minor: int, currency: str, rate: DocumentRate) -> Money:
    """An amount of the document's currency at its frozen rate, rounded half-up."""
    converted = Money.from_minor(amount_minor, currency).amount * rate.rate
    return Money(converted, rate.currency).rounded()


# Entering rates -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateInput:
    rate_date: date | None
    base: str
    quote: str
    rate: str
    source: str


@dataclass(frozen=True, slots=True)
class CheckedRate:
    rate_date: date
    base: str
    quote: str
    rate: Decimal
    source: str


RATE_PLACES = 12
MAX_RATE = 10**12  # refused from here on


def _parse_rate(raw: str | None) -> Decimal:
    """A rate as typed, by the one number rule (``app.numbers``: "16,250.50" is grouped,
    "1,0817" a decimal comma and refused), or ``ValidationFailed`` on ``rate``.

    Trailing zeros ("278.450000") add no precision, so they do not count as decimals;
    whole numbers stay plain ("25000", not "2.5E+4").
    """
    try:
        # Every decimal the text holds is read; the significant ones are counted below.
        rate = parse_decimal(raw or "", places=MAX_LENGTH, minimum=None, maximum=None)
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, "rate") from None
    rate = rate.normalize()
    if rate.as_tuple().exponent > 0:  # type: ignore[operator]
        rate = rate.quantize(Decimal(1))
    if rate <= 0 or rate >= MAX_RATE or rate.as_tuple().exponent < -RATE_PLACES:  # type: ignore[operator]
        raise ValidationFailed(
            lazy_gettext("The rate must be a positive number with at most 12 decimals."), "rate"
        )
    return rate


def check_rate(data: RateInput, today: date) -> CheckedRate:
    """A rate a person typed or a CSV row held, checked; ``ValidationFailed`` names the field."""
    if data.rate_date is None:
        raise ValidationFailed(lazy_gettext("Give the date of the rate."), "rate_date")
    if data.rate_date > today:
        raise ValidationFailed(lazy_gettext("A rate cannot be dated in the future."), "rate_date")
    codes = []
    for name, raw in (("base", data.base), ("quote", data.quote)):
        try:
            codes.append(normalize_currency(raw))
        except InvalidCurrency:
            raise ValidationFailed(
                lazy_gettext("%(code)s is not an ISO 4217 currency.", code=(raw or "")[:10]), name
            ) from None
    if codes[0] == codes[1]:
        raise ValidationFailed(lazy_gettext("A rate needs two different currencies."), "quote")
    rate = _parse_rate(data.rate)
    source = " ".join((data.source or "").split())
    if not 2 <= len(source) <= MAX_SOURCE_LENGTH:
        raise ValidationFailed(
            lazy_gettext("Say where the rate comes from (e.g. State Bank of Pakistan)."), "source"
        )
    return CheckedRate(data.rate_date, codes[0], codes[1], rate, source)


def store_rate(actor: Actor, checked: CheckedRate) -> tuple[ExchangeRate, Decimal | None]:
    """Insert the day's rate, or correct the one stored; also the rate it replaced."""
    same_day = select(ExchangeRate).where(
        ExchangeRate.base == checked.base,
        ExchangeRate.quote == checked.quote,
        ExchangeRate.rate_date == checked.rate_date,
    )
    existing = db.session.scalar(same_day)
    if existing is None:
        row = ExchangeRate(base=checked.base, quote=checked.quote, rate_date=checked.rate_date)
        _fill(row, actor, checked)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return row, None
        except IntegrityError:
            # Another operator stored the same day a moment ago: correct theirs instead.
            existing = db.session.scalar(same_day)
            assert existing is not None
    # Correcting a day's rate is allowed: invoices already issued keep the rate they froze.
    previous = existing.rate
    _fill(existing, actor, checked)
    return existing, previous


def _fill(row: ExchangeRate, actor: Actor, checked: CheckedRate) -> None:
    row.rate = checked.rate
    row.source = checked.source
    row.entered_by_id = actor.user.id if actor.user else None
    row.entered_at = utcnow()


def record_rate(actor: Actor, data: RateInput, today: date) -> ExchangeRate:
    """Check and store one rate the operator typed (a correction replaces the day's rate)."""
    checked = check_rate(data, today)
    row, previous = store_rate(actor, checked)
    db.session.flush()
    details = {
        "date": checked.rate_date.isoformat(),
        "pair": f"{checked.base}/{checked.quote}",
        "rate": str(checked.rate),
        "source": checked.source,
    }
    if previous is not None:
        details["previous"] = str(previous)
    record_audit(
        actor,
        "exchange_rate.recorded",
        object_type="exchange_rate",
        object_id=str(row.id),
        details=details,
    )
    return row


@dataclass(frozen=True, slots=True)
class ListedRate:
    rate: ExchangeRate
    entered_by: str | None  # the person's name; None for rates loaded by a script


def recent_rates(limit: int = 200, offset: int = 0) -> list[ListedRate]:
    """The latest rates first, with who entered each, for the operator's table."""
    rows = db.session.execute(
        select(ExchangeRate, User.full_name)
        .outerjoin(User, User.id == ExchangeRate.entered_by_id)
        .order_by(
            ExchangeRate.rate_date.desc(),
            ExchangeRate.base,
            ExchangeRate.quote,
            ExchangeRate.id.desc(),
        )
        .limit(limit)
        .offset(offset)
    )
    return [ListedRate(rate, name) for rate, name in rows]


# Rates per page of the operator's table (a year of three pairs is over a thousand rows).
RATES_PAGE_SIZE = 50


def rates_page(page: int) -> tuple[list[ListedRate], int, int]:
    """One page of rates (newest first), the number of pages, and the page shown (a page
    past the end shows the last)."""
    total = db.session.scalar(select(func.count(ExchangeRate.id))) or 0
    pages = max((total + RATES_PAGE_SIZE - 1) // RATES_PAGE_SIZE, 1)
    page = min(max(page, 1), pages)
    return recent_rates(RATES_PAGE_SIZE, (page - 1) * RATES_PAGE_SIZE), pages, page
