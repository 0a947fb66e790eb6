"""Categories and listings (products), published and indexed for search by default."""

from __future__ import annotations

import factory

from app.extensions import db
from app.models import (
    Category,
    Incoterm,
    PriceTier,
    Product,
    ProductIncoterm,
    ProductStatus,
)
from app.models.base import utcnow
from app.services.catalog.index import reindex_product
from tests.factories.accounts import CompanyFactory
from tests.factories.base import BaseFactory


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
