"""The documents bench's seeding script, run in a fresh process by ``bench/documents.py``:
a verified seller and importer and an order shipped through the services, which issues
its trade documents; ``%(password)s`` and ``%(buyer_email)s`` are filled in first."""

from __future__ import annotations

SEED = """
import json
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from app import create_app
from app.database import commit
from app.demo.rates import seed_rates
from app.extensions import db
from app.models import (Category, Company, CompanyRole, Document, DocumentKind, DocumentStatus,
                        Incoterm, PriceTier, Product, ProductIncoterm, ProductStatus, User)
from app.models.base import utcnow
from app.services.audit.recording import Actor
from app.services.catalog.index import reindex_product
from app.services.catalog.categories import ensure_category_tree
from app.services.fulfilment import actions
from app.services.orders import cart
from app.services.orders.placing import OrderTerms, common_incoterms, find_group, place_order
from app.services.payments import controls
from app.services.accounts.passwords import hash_password
from app.tasks.documents import render_document

app = create_app()
with app.app_context():
    ensure_category_tree()
    seed_rates(utcnow().date())  # invoices freeze the day's exchange rates
    category = db.session.scalar(select(Category).where(Category.slug == "chromite"))
    password = hash_password(%(password)r)
    seller = Company(legal_name="Bench Minerals (Pvt) Ltd", country="PK", sells=True, buys=False,
                     address="Plot 7, SITE Industrial Area", city="Karachi", postal_code="75700",
                     tax_id="1234567-8", sales_tax_registration="0301987654321",
                     contact_email="exports@docbench.example", contact_phone="+92 21 3256 0000",
                     reporting_currency="PKR", verification_status="verified",
                     bank_beneficiary="Bench Minerals (Pvt) Ltd", bank_name="Habib Bank Limited",
                     bank_account="PK36HABB0000001123456702", bank_swift="HABBPKKA",
                     bank_address="I.I. Chundrigar Road, Karachi")
    buyer = Company(legal_name="Bench Importer Co", country="CN", sells=False, buys=True,
                    address="Room 1808, Lujiazui Finance Plaza, Pudong", city="Shanghai",
                    postal_code="200120", tax_id="91310000MA1FL8XQ37",
                    contact_email="import@docbench.example", reporting_currency="CNY",
                    verification_status="verified")
    db.session.add_all([seller, buyer])
    sales = User(email="sales@docbench.example", full_name="Sana Bench", password_hash=password,
                 company=seller, company_role=CompanyRole.SALES)
    purchaser = User(email=%(buyer_email)r, full_name="Li Bench", password_hash=password,
                     company=buyer, company_role=CompanyRole.PURCHASER)
    finance = User(email="finance@docbench.example", full_name="Farah Bench", password_hash=password,
                   company=seller, company_role=CompanyRole.FINANCE)
    db.session.add_all([sales, purchaser, finance])
    products = []
    for n, title in enumerate(["Chromite ore lumps Cr2O3 40 %%", "Chromite concentrate 46 %%",
                               "Chromite sand AFS 45-50"]):
        product = Product(seller=seller, title=title, category=category, hs_code="261000",
                          unit="TNE", moq=1, currency="USD", price_from_minor=26500 + n * 1000,
                          stock_quantity=10**9, origin_country="PK",
                          status=ProductStatus.PUBLISHED, published_at=utcnow())
        product.price_tiers = [PriceTier(min_quantity=1, unit_price_minor=26500 + n * 1000)]
        product.incoterms = [ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi")]
        db.session.add(product)
        db.session.flush()
        reindex_product(product)
        products.append(product)
    commit()

    buyer_actor, seller_actor = Actor(purchaser), Actor(sales)
    for n, product in enumerate(products):
        cart.set_cart_quantity(buyer_actor, product, 100 * (n + 1))
    group = find_group(buyer_actor, f"{seller.public_id}-USD")
    rule, place = common_incoterms(group)[-1]
    order = place_order(buyer_actor, group.key, OrderTerms(
        incoterm=rule.value, incoterm_place=place, destination_country="CN",
        destination_port="Shanghai", consignee="Bench Importer Co, Pudong, Shanghai 200120, China",
        notify_party="Same as consignee", payment_terms="deposit_30_balance_70_bl",
        buyer_po_number="BENCH-PO-2026-1"))
    commit()
    today = date.today()
    actions.accept(seller_actor, order, confirmed_ship_date=today + timedelta(days=14))
    commit()
    # The deposit is not recorded here: the seller's finance releases each step instead.
    controls.release(Actor(finance), order, "Bench order: the deposit is not recorded.")
    actions.start_production(seller_actor, order)
    commit()
    controls.release(Actor(finance), order, "Bench order: the deposit is not recorded.")
    actions.record_shipment(seller_actor, order, actions.ShipmentInput(
        mode="sea", carrier="COSCO Shipping Lines", transport_document_number="COSU6300000001",
        port_of_loading="Karachi", port_of_discharge="Shanghai",
        etd=today + timedelta(days=2), eta=today + timedelta(days=19),
        net_weight_kg=Decimal("600000"), gross_weight_kg=Decimal("612000"),
        vessel="COSCO Pakistan", voyage="118E", container_numbers="CSNU6342117",
        packages=[actions.PackageInput(count=24, marks="BENCH / SHANGHAI / 1-24",
                                       package_type="box", contents="Chromite ore")]))
    commit()
    ids = list(db.session.scalars(select(Document.id).where(Document.order_id == order.id)))
    for document_id in ids:
        render_document.call_local(document_id)
    db.session.expire_all()
    documents = db.session.scalars(select(Document).where(Document.id.in_(ids))).all()
    invoice = next(d for d in documents if d.kind is DocumentKind.COMMERCIAL_INVOICE)
    print(json.dumps({
        "order_id": order.id,
        "invoice_id": invoice.id,
        "invoice_public_id": invoice.public_id,
        "invoice_bytes": invoice.byte_size,
        "lines": len(order.lines),
        "kinds": sorted(d.kind.value for d in documents),
        "not_issued": [d.number for d in documents if d.status is not DocumentStatus.ISSUED],
    }))
"""
