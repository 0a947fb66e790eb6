"""Pages read in the reader's language and direction (issue 26's walk in zh and ur): goods
by the listing's title in that language, authorities by their local name, the default
notify party translated, lists joined the language's way, dates and quantities isolated as
figures, people's words isolated by direction."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, LicenceKind, OrderStatus
from app.web.reader_titles import rate_source
from tests.builders.licences import authority, licence
from tests.builders.orders import order_in
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade(title_zh="乳化炸药 32 毫米")


def test_order_pages_name_the_goods_in_the_readers_language(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.SHIPPED, notify_party="Same as consignee")
    trade.purchaser.locale = "zh_Hans"
    db.session.commit()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "<bdi>乳化炸药 32 毫米</bdi>" in page
    assert "同收货人" in page and "Same as consignee" not in page
    # A quantity and its unit are one isolated figure.
    assert '<span class="figure">200.000 千克</span>' in page
    # The line keeps its English title: the contract text documents print.
    assert order.lines[0].title == "Emulsion explosive 32 mm"


def test_english_readers_see_the_lines_frozen_title(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = order_in(app, trade, OrderStatus.ACCEPTED)
    trade.product.title = "Emulsion explosive 32 mm (renamed)"
    trade.sales.locale = "en"
    db.session.commit()
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "<bdi>Emulsion explosive 32 mm</bdi>" in page
    assert "(renamed)" not in page


def licence_page(client: FlaskClient, auth: AuthActions, trade: Trade, locale: str) -> str:
    issuer = authority("Ministry of Industry and Information Technology", "CN")
    issuer.name_local = "工业和信息化部"
    held = licence(trade.seller, LicenceKind.EXPORT, goods=("UN0241", "UN0081"), issuer=issuer)
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER, locale=locale)
    db.session.commit()
    auth.login(owner.email)
    return page_of(client.get(f"/licences/{held.public_id}"))


def test_a_chinese_reader_reads_the_authoritys_chinese_name_and_a_chinese_list(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    page = licence_page(client, auth, trade, "zh_Hans")
    assert "<bdi>工业和信息化部</bdi>" in page
    assert "UN0241、UN0081" in page
    validity = page.split('data-testid="licence-validity">', 1)[1].split("</dd>", 1)[0]
    assert len(re.findall(r'<span class="figure">\d{4}年\d{1,2}月\d{1,2}日</span>', validity)) == 2


def test_an_urdu_reader_gets_the_english_name_and_isolated_dates(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    page = licence_page(client, auth, trade, "ur")
    # The local name is Chinese, not Urdu: the English name stands in.
    assert "<bdi>Ministry of Industry and Information Technology</bdi>" in page
    assert "UN0241\u060c UN0081" in page
    validity = page.split('data-testid="licence-validity">', 1)[1].split("</dd>", 1)[0]
    figures = re.findall(r'<span class="figure">([^<]+)</span>', validity)
    assert len(figures) == 2 and " تا " in validity
    assert all("-" not in figure for figure in figures)  # no bare ISO date left to reorder


def test_corridors_own_rate_source_is_translatable() -> None:
    assert rate_source("Corridor demo reference rates") == "Corridor demo reference rates"
    assert rate_source("State Bank of Pakistan") == "State Bank of Pakistan"
    assert rate_source(None) == ""
