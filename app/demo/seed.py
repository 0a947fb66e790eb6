"""The demo world: two Pakistani suppliers, a Chinese importer, people in every role.

Idempotent: companies are found by legal name and people by e-mail, so running the seed
twice changes nothing and never duplicates a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from app.demo.claims import seed_claims
from app.demo.letters_of_credit import seed_credits
from app.demo.licences import demo_authority, seed_licences
from app.demo.listings import seed_listings
from app.demo.messages import seed_messages
from app.demo.orders import seed_orders
from app.demo.quotations import seed_quotations
from app.demo.rates import seed_rates
from app.demo.statistics import seed_statistics
from app.extensions import db
from app.models import Company, CompanyLetterhead, CompanyRole, User, VerificationStatus
from app.models.base import utcnow
from app.models.company import default_timezone
from app.services.accounts.companies import REPORTING_CURRENCY
from app.services.accounts.passwords import hash_password
from app.services.catalog.categories import ensure_category_tree

DEMO_PASSWORD = "Corridor demo 2026"  # noqa: S105 (printed for the demo on purpose)


@dataclass(frozen=True)
class DemoCompany:
    key: str
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
    contact_phone: str
    status: VerificationStatus
    people: tuple[tuple[str, str, CompanyRole, str], ...]  # e-mail, name, role, locale


DEMO_COMPANIES = (
    DemoCompany(
        key="wah-nobel",
        legal_name="Wah Nobel (Pvt) Limited",
        legal_name_local="واہ نوبل (پرائیویٹ) لمیٹڈ",
        country="PK",
        sells=True,
        buys=False,
        address="G.T. Road, Wah Cantonment",
        city="Wah Cantt",
        postal_code="47040",
        tax_id="0658763-2",
        sales_tax_registration="0301987654321",
        contact_email="exports@wahnobel.example",
        contact_phone="+92 51 4545000",
        status=VerificationStatus.VERIFIED,
        people=(
            ("owner@wahnobel.example", "Ahmed Raza", CompanyRole.OWNER, "en"),
            ("sales@wahnobel.example", "Sana Malik", CompanyRole.SALES, "en"),
            ("finance@wahnobel.example", "Bilal Qureshi", CompanyRole.FINANCE, "ur"),
            ("viewer@wahnobel.example", "Hina Iqbal", CompanyRole.VIEWER, "ur"),
        ),
    ),
    DemoCompany(
        key="jw",
        legal_name="JW Corporation",
        legal_name_local=None,
        country="PK",
        sells=True,
        buys=False,
        address="Plot 12, Sundar Industrial Estate, Raiwind Road",
        city="Lahore",
        postal_code="54000",
        tax_id="3520187-4",
        sales_tax_registration=None,
        contact_email="trade@jwcorp.example",
        contact_phone="+92 42 3529000",
        status=VerificationStatus.VERIFIED,
        people=(
            ("owner@jwcorp.example", "Usman Javed", CompanyRole.OWNER, "en"),
            ("sales@jwcorp.example", "Ayesha Khan", CompanyRole.SALES, "ur"),
        ),
    ),
    DemoCompany(
        key="mcct",
        legal_name="MCCT International",
        legal_name_local="MCCT国际贸易有限公司",
        country="CN",
        sells=False,
        buys=True,
        address="Room 1808, 18/F, Lujiazui Finance Plaza, Pudong New Area",
        city="Shanghai",
        postal_code="200120",
        tax_id="91310000MA1FL8XQ37",
        sales_tax_registration=None,
        contact_email="import@mcct.example",
        contact_phone="+86 21 5888 0000",
        status=VerificationStatus.VERIFIED,
        people=(
            ("owner@mcct.example", "Wang Lei", CompanyRole.OWNER, "zh_Hans"),
            ("purchaser@mcct.example", "Li Na", CompanyRole.PURCHASER, "zh_Hans"),
            ("finance@mcct.example", "Zhang Wei", CompanyRole.FINANCE, "zh_Hans"),
        ),
    ),
    DemoCompany(
        key="karakoram",
        legal_name="Karakoram Minerals (Pvt) Ltd",
        legal_name_local=None,
        country="PK",
        sells=True,
        buys=True,
        address="Industrial Area, Gilgit",
        city="Gilgit",
        postal_code="15100",
        tax_id="4410932-6",
        sales_tax_registration=None,
        contact_email="info@karakoram.example",
        contact_phone="+92 5811 920000",
        status=VerificationStatus.PENDING,
        people=(("owner@karakoram.example", "Imran Ali", CompanyRole.OWNER, "en"),),
    ),
)

DEMO_OPERATOR = ("operator@corridor.example", "Corridor Operator")
# A licensing officer of the Ministry of Interior, which issued the demo export licences:
# reads those licences, their drawdowns and the shipments made under them.
DEMO_AUTHORITY_OFFICER = ("officer@interior.example", "Licensing Officer, Ministry of Interior")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    company: str
    role: str


# T/T details the demo sellers' invoices print (the IBAN is the published PK example).
DEMO_BANKS = {
    "wah-nobel": {
        "bank_name": "Standard Chartered Bank (Pakistan) Limited",
        "bank_account": "PK36SCBL0000001123456702",
        "bank_swift": "SCBLPKKX",
        "bank_address": "I.I. Chundrigar Road, Karachi, Pakistan",
    },
}


# When each demo company registered and when the operator verified it (the supplier
# profile prints both): years on the platform, not the day the seed ran.
DEMO_JOINED = {
    "wah-nobel": (
        datetime(2019, 3, 11, 5, 0, tzinfo=UTC),
        datetime(2019, 3, 25, 7, 30, tzinfo=UTC),
    ),
    "jw": (datetime(2021, 8, 2, 6, 0, tzinfo=UTC), datetime(2021, 8, 16, 9, 0, tzinfo=UTC)),
    "mcct": (datetime(2020, 5, 18, 2, 0, tzinfo=UTC), datetime(2020, 6, 1, 3, 0, tzinfo=UTC)),
    "karakoram": (datetime(2026, 9, 14, 7, 0, tzinfo=UTC), None),
}


# The 24-hour numbers the demo sellers' dangerous-goods declarations print (demo numbers).
DEMO_EMERGENCY_CONTACTS = {
    "wah-nobel": ("Wah Nobel duty officer (demo)", "+92 51 4545 999"),
    "jw": ("JW plant emergency desk (demo)", "+92 42 3529 999"),
    "karakoram": ("Karakoram site emergency line (demo)", "+92 5811 920 999"),
}


def _upsert_company(spec: DemoCompany) -> Company:
    company = db.session.scalar(select(Company).where(Company.legal_name == spec.legal_name))
    if company is None:
        company = Company(legal_name=spec.legal_name)
        db.session.add(company)
    company.legal_name_local = spec.legal_name_local
    # Readers get a name in their script only where the company has one: MCCT's Chinese
    # name, the Pakistani companies' Urdu ones; anyone else reads the Latin legal name.
    company.name_zh = spec.legal_name_local if spec.country == "CN" else None
    company.name_ur = spec.legal_name_local if spec.country == "PK" else None
    company.country = spec.country
    company.sells, company.buys = spec.sells, spec.buys
    company.address, company.city, company.postal_code = spec.address, spec.city, spec.postal_code
    company.tax_id = spec.tax_id
    company.sales_tax_registration = spec.sales_tax_registration
    company.contact_email, company.contact_phone = spec.contact_email, spec.contact_phone
    company.reporting_currency = REPORTING_CURRENCY.get(spec.country, "USD")
    company.timezone = default_timezone(spec.country)  # Asia/Karachi, Asia/Shanghai
    company.verification_status = spec.status
    if spec.key in DEMO_JOINED:
        company.created_at, company.verification_decided_at = DEMO_JOINED[spec.key]
    if spec.key in DEMO_EMERGENCY_CONTACTS and company.emergency_contact_phone is None:
        name, phone = DEMO_EMERGENCY_CONTACTS[spec.key]
        company.emergency_contact_name, company.emergency_contact_phone = name, phone
    for field, value in DEMO_BANKS.get(spec.key, {}).items():
        if getattr(company, field) is None:
            setattr(company, field, value)
    _seed_signatory(spec.key, company)
    return company


# Who signs the demo sellers' documents (a demo name; the owner may upload logo and stamp).
DEMO_SIGNATORIES = {"wah-nobel": ("Imran Qureshi", "General Manager Exports", "Wah Cantt")}


def _seed_signatory(key: str, company: Company) -> None:
    if key not in DEMO_SIGNATORIES:
        return
    db.session.flush()  # the company's id
    exists = db.session.scalar(
        select(CompanyLetterhead).where(CompanyLetterhead.company_id == company.id)
    )
    if exists is None:
        name, title, place = DEMO_SIGNATORIES[key]
        db.session.add(
            CompanyLetterhead(
                company_id=company.id,
                signatory_name=name,
                signatory_title=title,
                signing_place=place,
            )
        )


def _upsert_user(email: str, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=password_hash)
        db.session.add(user)
    return user


def seed_demo() -> list[DemoLogin]:
    """Create or refresh the demo world; returns the logins to print."""
    ensure_category_tree()
    # One hash for every demo account: argon2 is slow on purpose.
    password_hash = hash_password(DEMO_PASSWORD)
    logins: list[DemoLogin] = []
    for spec in DEMO_COMPANIES:
        company = _upsert_company(spec)
        for email, name, role, locale in spec.people:
            user = _upsert_user(email, password_hash)
            user.full_name, user.company, user.company_role = name, company, role
            user.is_operator = False
            user.locale = locale
            user.active = True
            logins.append(DemoLogin(email, spec.legal_name, role.value))
    email, name = DEMO_OPERATOR
    operator = _upsert_user(email, password_hash)
    operator.full_name, operator.is_operator = name, True
    operator.company, operator.company_role = None, None
    logins.append(DemoLogin(email, "Corridor", "operator"))
    db.session.flush()
    # Licences first: a class-1 listing is published only under a manufacture licence.
    seed_licences()
    email, name = DEMO_AUTHORITY_OFFICER
    authority = demo_authority("moi")  # before the account: the query would flush it half-made
    officer = db.session.scalar(select(User).where(User.email == email))
    if officer is None:
        officer = User(email=email, password_hash=password_hash, authority_id=authority.id)
        db.session.add(officer)
    officer.full_name, officer.is_operator, officer.authority_id = name, False, authority.id
    officer.company, officer.company_role = None, None
    logins.append(DemoLogin(email, authority.name, "authority"))
    db.session.flush()
    seed_listings()
    seed_rates(utcnow().date())
    seed_orders()
    seed_claims()
    seed_credits()
    seed_quotations()
    seed_messages()
    seed_statistics()
    return logins
