"""The parties of most order tests: a Pakistani seller with one listing and a Chinese buyer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.extensions import db
from app.models import Company, CompanyRole, PriceTier, Product, User
from tests.factories import CompanyFactory, ProductFactory, UserFactory


@dataclass
class Trade:
    """A verified Pakistani seller with one listing and a verified Chinese importer."""

    seller: Company
    sales: User
    buyer: Company
    purchaser: User
    product: Product


def make_trade(**product_fields: Any) -> Trade:
    """Wah Nobel (sales: Sana) lists an emulsion explosive; Shanghai Minmetals (purchaser:
    Li) buys. ``product_fields`` go to the listing (tiers, Incoterms, stock, currency...)."""
    seller = CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd")
    buyer = CompanyFactory(
        chinese_buyer=True,
        legal_name="Shanghai Minmetals Trading Co., Ltd.",
        legal_name_local="上海五矿贸易有限公司",
    )
    sales = UserFactory(company=seller, company_role=CompanyRole.SALES, full_name="Sana Sales")
    purchaser = UserFactory(
        company=buyer, company_role=CompanyRole.PURCHASER, full_name="Li Purchaser"
    )
    product = ProductFactory(seller=seller, title="Emulsion explosive 32 mm", **product_fields)
    return Trade(seller, sales, buyer, purchaser, product)


def finance_of(company: Company) -> User:
    """A finance clerk of ``company`` (the seller's records receipts and credits invoices)."""
    user: User = UserFactory(company=company, company_role=CompanyRole.FINANCE)
    return user


def committed_trade() -> Trade:
    """The trade of the API and webhook tests: $2.50 a unit from 100 units, committed so
    that requests made over HTTP see it."""
    trade = make_trade(price_tiers=[PriceTier(min_quantity=100, unit_price_minor=250)])
    db.session.commit()
    return trade
