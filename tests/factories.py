"""factory-boy factories for companies and people (flushed into the test transaction)."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

import factory
from argon2 import PasswordHasher, Type
from stdnum.cn import uscc

from app.demo.rates import add_daily_rates
from app.extensions import db
from app.models import (
    Category,
    Company,
    CompanyRole,
    Incoterm,
    Order,
    OrderLine,
    OrderStatus,
    PaymentTerms,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
    User,
    VerificationStatus,
)
from app.models.base import utcnow
from app.services.catalog.index import reindex_product
from config import TestingConfig
from tests.conftest import TEST_PASSWORD


@lru_cache(maxsize=1)
def test_password_hash() -> str:
    """TEST_PASSWORD hashed with the testing parameters (hashing per user is slow)."""
    hasher = PasswordHasher(
        time_cost=TestingConfig.ARGON2_TIME_COST,
        memory_cost=TestingConfig.ARGON2_MEMORY_KIB,
        parallelism=TestingConfig.ARGON2_PARALLELISM,
        type=Type.ID,
    )
    return hasher.hash(TEST_PASSWORD)


def valid_uscc(n: int) -> str:
    base = f"9131000{n:010d}"
    return base + uscc.calc_check_digit(base)


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class CompanyFactory(BaseFactory):
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
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(test_password_hash)
    company = factory.SubFactory(CompanyFactory)
    company_role = CompanyRole.OWNER
    is_operator = False
    timezone = "UTC"

    class Params:
        operator = factory.Trait(company=None, company_role=None, is_operator=True)


class CategoryFactory(BaseFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_zh = factory.Sequence(lambda n: f"类别{n}")
    name_ur = factory.Sequence(lambda n: f"زمرہ {n}")


class ProductFactory(BaseFactory):
    """A published listing (indexed for search) unless ``status`` says otherwise."""

    class Meta:
        model = Product

    seller = factory.SubFactory(CompanyFactory)
    title = factory.Sequence(lambda n: f"Industrial product {n}")
    description = "Packed for export."
    category = factory.SubFactory(CategoryFactory)
    hs_code = "360200"
    unit = "KGM"
    moq = 100
    currency = "USD"
    price_from_minor = 250
    stock_quantity = 10_000
    lead_time_days = None
    origin_country = "PK"
    status = ProductStatus.PUBLISHED
    published_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def trade_terms(self, create: bool, extracted: object, **kwargs: object) -> None:
        """One price tier at the MOQ and FOB Karachi, unless the test set its own."""
        if not self.price_tiers:
            self.price_tiers = [
                PriceTier(min_quantity=self.moq, unit_price_minor=self.price_from_minor)
            ]
        if not self.incoterms:
            self.incoterms = [ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi")]
        db.session.flush()
        reindex_product(self)

    class Params:
        dangerous = factory.Trait(
            un_number="UN0241",
            proper_shipping_name="EXPLOSIVE, BLASTING, TYPE E",
            hazard_class="1.5D",
            net_explosive_mass_g=25_000,
            export_licence_required=True,
        )
        made_to_order = factory.Trait(stock_quantity=None, lead_time_days=30)


class OrderFactory(BaseFactory):
    """A placed order of one listing between a Chinese buyer and a Pakistani seller."""

    class Meta:
        model = Order

    seller = factory.SubFactory(CompanyFactory)
    buyer = factory.SubFactory(CompanyFactory, chinese_buyer=True)
    placed_by = factory.SubFactory(
        "tests.factories.UserFactory",
        company=factory.SelfAttribute("..buyer"),
        company_role=CompanyRole.PURCHASER,
    )
    currency = "USD"
    incoterm = Incoterm.FOB
    incoterm_place = "Karachi"
    destination_country = "CN"
    destination_port = "Shanghai"
    consignee = "MCCT International, Pudong, Shanghai"
    payment_terms = PaymentTerms.DEPOSIT_BALANCE_BL
    status = OrderStatus.PLACED
    goods_total_minor = 250_000
    total_minor = 250_000

    @factory.post_generation
    def with_line(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not self.lines:
            self.lines = [
                OrderLine(
                    line_no=1, title="Emulsion explosive", hs_code="360200", origin_country="PK",
                    unit="KGM", quantity=1000, unit_price_minor=250, line_total_minor=250_000,
                )
            ]  # fmt: skip
        db.session.flush()


def this_weeks_rates() -> None:
    """Exchange rates for the last three days, so invoices issued today freeze one."""
    today = utcnow().date()
    add_daily_rates(today - timedelta(days=2), today)
