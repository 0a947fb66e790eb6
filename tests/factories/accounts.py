"""Companies and the people who work for them (or run the platform)."""

from __future__ import annotations

from functools import lru_cache

import factory
from argon2 import PasswordHasher, Type
from stdnum.cn import uscc

from app.models import Company, CompanyRole, User, VerificationStatus
from config import TestingConfig
from tests.factories.base import BaseFactory
from tests.support.auth import TEST_PASSWORD


@lru_cache(maxsize=1)
def hashed_test_password() -> str:
    """TEST_PASSWORD hashed with the testing parameters (hashing per user is slow)."""
    hasher = PasswordHasher(
        time_cost=TestingConfig.ARGON2_TIME_COST,
        memory_cost=TestingConfig.ARGON2_MEMORY_KIB,
        parallelism=TestingConfig.ARGON2_PARALLELISM,
        type=Type.ID,
    )
    return hasher.hash(TEST_PASSWORD)


def valid_uscc(n: int) -> str:
    """A Chinese unified social credit code with a correct check digit."""
    base = f"9131000{n:010d}"
    return base + uscc.calc_check_digit(base)


class CompanyFactory(BaseFactory):
    """A verified Pakistani seller; ``chinese_buyer=True`` for a verified Chinese importer."""

    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Test Trading {n} (Pvt) Ltd")
    country = "PK"
    sells = True
    buys = False
    address = "Plot 1, Industrial Estate"
    city = "Karachi"
    tax_id = factory.Sequence(lambda n: f"{1000000 + n}-{n % 10}")
    contact_email = factory.Sequence(lambda n: f"company{n}@example.com")
    reporting_currency = "PKR"
    verification_status = VerificationStatus.VERIFIED
    # Dangerous goods ship only with a 24-hour emergency contact on file (IMDG 5.4.3.2).
    emergency_contact_name = "Duty officer"
    emergency_contact_phone = "+92 21 111 000 999"

    class Params:
        chinese_buyer = factory.Trait(
            country="CN",
            sells=False,
            buys=True,
            city="Shanghai",
            reporting_currency="CNY",
            tax_id=factory.Sequence(valid_uscc),
            legal_name_local=factory.Sequence(lambda n: f"测试贸易{n}有限公司"),
        )
        pending = factory.Trait(verification_status=VerificationStatus.PENDING)
        suspended = factory.Trait(verification_status=VerificationStatus.SUSPENDED)


class UserFactory(BaseFactory):
    """The owner of a new seller company, signing in with TEST_PASSWORD; ``operator=True``
    for a platform operator of no company."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(hashed_test_password)
    company = factory.SubFactory(CompanyFactory)
    company_role = CompanyRole.OWNER
    is_operator = False
    timezone = None  # follows the company's zone, as a new account does

    class Params:
        operator = factory.Trait(company=None, company_role=None, is_operator=True)
