"""The orders bench's seeding script, run in a fresh process by ``bench/orders.py``: one
verified seller with three stocked listings (FOB Karachi) and verified importers with a
purchaser and an API token each; ``%(password)s``, ``%(buyers)d`` and ``%(stock)d`` are
filled in first."""

from __future__ import annotations

SEED = """
import json

from app import create_app
from app.database import commit
from app.extensions import db
from app.models import Company, CompanyRole, Incoterm, PriceTier, Product, ProductIncoterm, ProductStatus, User
from app.models.base import utcnow
from app.services.catalog.index import reindex_product
from app.services.catalog.categories import ensure_category_tree
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from app.services.accounts.passwords import hash_password
from app.models import Category
from sqlalchemy import select

app = create_app()
with app.app_context():
    ensure_category_tree()
    category = db.session.scalar(select(Category).where(Category.slug == "chromite"))
    password = hash_password(%(password)r)
    seller = Company(legal_name="Bench Minerals", country="PK", sells=True, buys=False, address="x",
                     city="Karachi", tax_id="1234567-8", contact_email="seller@bench.example",
                     reporting_currency="PKR", verification_status="verified")
    db.session.add(seller)
    for n in range(3):
        product = Product(seller=seller, title=f"Bench ore {n}", category=category, hs_code="261000",
                          unit="TNE", moq=1, currency="USD", price_from_minor=26500,
                          stock_quantity=%(stock)d, origin_country="PK", status=ProductStatus.PUBLISHED,
                          published_at=utcnow())
        product.price_tiers = [PriceTier(min_quantity=1, unit_price_minor=26500)]
        product.incoterms = [ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi")]
        db.session.add(product)
        db.session.flush()
        reindex_product(product)
    tokens = []
    for n in range(%(buyers)d):
        buyer = Company(legal_name=f"Bench Importer {n}", country="CN", sells=False, buys=True,
                        address="x", city="Shanghai", tax_id="91310000MA1FL8XQ37",
                        contact_email=f"b{n}@bench.example", reporting_currency="CNY",
                        verification_status="verified")
        user = User(email=f"buyer{n}@bench.example", full_name=f"Buyer {n}",
                    password_hash=password, company=buyer, company_role=CompanyRole.PURCHASER)
        db.session.add(user)
        db.session.flush()
        tokens.append(create_token(Actor(user), "Bench ERP")[1])
    commit()
    print(json.dumps({"tokens": tokens}))
"""
