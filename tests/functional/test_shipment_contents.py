"""Shipments checked against the order: quantities per line, UN numbers, containers and
the stowage of class 1 goods; the three shipping papers printed from the same shipment."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Company,
    DocumentKind,
    Order,
    OrderStatus,
    Product,
    Shipment,
    ShipmentContainer,
    ShipmentLine,
)
from app.models.licence import LicenceKind
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.fulfilment import actions
from app.services.fulfilment.shipment_contents import ContainerInput, LineInput
from app.services.orders.shipped import already_shipped, remaining_quantities, shipped_quantities
from tests.builders.dangerous_goods import (
    in_production,
    karachi_to_shanghai,
    paper_pages,
    record,
)
from tests.builders.documents import render_pending
from tests.builders.licences import licence
from tests.builders.minerals import chromite
from tests.builders.trade import Trade, make_trade
from tests.factories import ProductFactory
from tests.support.auth import AuthActions
from tests.support.forms import in_days, shipment_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


def ammonium_nitrate(seller: Company) -> Product:
    """200 t lots of ammonium nitrate (class 5.1, not controlled), one bag a tonne."""
    product: Product = ProductFactory(
        seller=seller,
        title="Porous prilled ammonium nitrate",
        hs_code="310230",
        unit="TNE",
        moq=1,
        price_from_minor=46_500,
        stock_quantity=5_000,
        package_type="bag",
        units_per_package=1,
        net_weight_g=1_000_000,
        gross_weight_g=1_003_000,
        un_number="UN1942",
        proper_shipping_name="AMMONIUM NITRATE",
        hazard_class="5.1",
        packing_group="III",
        ems="F-H, S-Q",
    )
    return product


def explosive(seller: Company, title: str, un_number: str, hazard_class: str) -> Product:
    product: Product = ProductFactory(
        seller=seller,
        title=title,
        hs_code="360300",
        unit="PCE",
        moq=1,
        price_from_minor=90,
        stock_quantity=100_000,
        package_type="box",
        units_per_package=500,
        net_weight_g=18_000,
        gross_weight_g=21_500,
        un_number=un_number,
        proper_shipping_name=title.upper(),
        hazard_class=hazard_class,
        net_explosive_mass_g=450,
        export_licence_required=True,
    )
    return product


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def licensed(trade: Trade, un_numbers: tuple[str, ...]) -> None:
    """Class 1 goods sell only under licence: the seller's export licence, the buyer's
    import licence and end-user certificate (no limits: these tests are about stowage)."""
    licence(trade.seller, LicenceKind.EXPORT, goods=un_numbers)
    licence(trade.buyer, LicenceKind.IMPORT, goods=un_numbers)
    licence(trade.buyer, LicenceKind.END_USER_CERTIFICATE, goods=un_numbers)


def approved(trade: Trade, order: Order, un_numbers: tuple[str, ...]) -> None:
    """China's MIIT approval for this one shipment, bound to the order."""
    licence(trade.buyer, LicenceKind.PER_SHIPMENT_APPROVAL, goods=un_numbers, order=order)
    db.session.commit()


def sailing(**changes: Any) -> actions.ShipmentInput:
    """200 bags of ammonium nitrate, no container."""
    return karachi_to_shanghai(
        **{
            "net_weight_kg": Decimal("200000"),
            "gross_weight_kg": Decimal("200600"),
            "packages": [
                actions.PackageInput(count=200, marks="MCCT / TIANJIN / 1-200", package_type="bag")
            ],
            **changes,
        }
    )


def refused(app: Flask, trade: Trade, order: Order, data: actions.ShipmentInput) -> str:
    """The refusal's message; nothing of the shipment is left behind."""
    with app.test_request_context():
        with pytest.raises(ValidationFailed) as refusal:
            actions.record_shipment(Actor(trade.sales), order, data)
        db.session.rollback()
        message = str(refusal.value)
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    assert db.session.scalar(select(func.count(ShipmentLine.id))) == 0
    assert order.status is OrderStatus.IN_PRODUCTION
    return message


# --- quantities and UN numbers ------------------------------------------------------------


def test_detonators_recorded_on_an_ammonium_nitrate_order_are_refused(
    app: Flask, trade: Trade
) -> None:
    """The issue's example: 100 cartons of UN0360 on an order for 200 t of UN1942."""
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    message = refused(
        app,
        trade,
        order,
        sailing(
            packages=[
                actions.PackageInput(
                    count=100,
                    marks="MCCT / 1-100",
                    package_type="box",
                    contents="Detonator assemblies UN0360",
                )
            ]
        ),
    )
    assert message == (
        "UN0360 is not on this order (it carries UN1942): a shipment carries only the goods "
        "ordered."
    )


def test_a_package_may_not_name_another_lines_un_number(app: Flask, trade: Trade) -> None:
    nitrate = ammonium_nitrate(trade.seller)
    plain = ProductFactory(seller=trade.seller, title="Copper wire", unit="KGM", moq=1)
    order = in_production(app, trade, [(nitrate, 200), (plain, 100)])
    message = refused(
        app,
        trade,
        order,
        sailing(
            packages=[
                actions.PackageInput(count=1, marks="WIRE UN1942", package_type="box", line_no=2)
            ]
        ),
    )
    assert message.startswith("UN1942 is not on this order")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            [LineInput(1, 201)],
            "Line 1: 201 t is more than the order leaves to ship (200 t of 200 t ordered).",
        ),
        ([LineInput(2, 5)], "Choose the order lines this shipment carries."),
        ([LineInput(1, 100), LineInput(1, 100)], "Choose the order lines this shipment carries."),
        ([LineInput(1, -5)], "Quantities shipped cannot be negative."),
        ([LineInput(1, 0)], "Give the quantity this shipment carries."),
    ],
)
def test_quantities_beyond_the_order_are_refused(
    app: Flask, trade: Trade, lines: list[LineInput], message: str
) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    assert refused(app, trade, order, sailing(lines=lines)) == message


def test_no_lines_given_ships_what_is_left_of_every_line(app: Flask, trade: Trade) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    (line,) = order.lines
    shipment = record(app, trade, order, sailing())
    assert [(row.order_line_id, row.quantity) for row in shipment.lines] == [(line.id, 200)]
    assert shipped_quantities(shipment) == {line.id: 200}
    assert remaining_quantities(order) == {line.id: 0}
    # The one package row holds the one line shipped.
    assert [p.order_line_id for p in shipment.packages] == [line.id]


def test_ore_loose_in_the_hold_ships_with_no_package_rows_as_in_bulk(
    app: Flask, trade: Trade
) -> None:
    # Issue 20: bulk cargo has no packages; the B/L says "in bulk", marks "N/M".
    ore = chromite(trade.seller)
    ore.package_type = "bulk"
    order = in_production(app, trade, [(ore, 200)])
    shipment = record(app, trade, order, sailing(packages=[]))
    assert [(p.count, p.package_type, p.marks) for p in shipment.packages] == [(1, "bulk", "N/M")]
    assert shipped_quantities(shipment) == {order.lines[0].id: 200}


def test_goods_in_bags_still_need_their_package_rows(app: Flask, trade: Trade) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    message = refused(app, trade, order, sailing(packages=[]))
    assert message == "List the packages with their shipping marks."


def test_a_shipment_within_the_tolerance_ships_its_own_quantity(app: Flask, trade: Trade) -> None:
    # 200 t, more or less 10 %: 180 t completes the line.
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)], tolerance_percent=10)
    (line,) = order.lines
    shipment = record(
        app,
        trade,
        order,
        sailing(
            lines=[LineInput(1, 180)],
            packages=[actions.PackageInput(count=180, marks="MCCT 1-180", package_type="bag")],
        ),
    )
    assert shipped_quantities(shipment) == {line.id: 180}
    assert already_shipped(order) == {line.id: 180}
    assert remaining_quantities(order) == {line.id: 20}
    assert order.status is OrderStatus.SHIPPED


@pytest.mark.parametrize(
    ("tolerance", "quantity", "message"),
    [
        (
            0,
            150,
            "Line 1: the order ships in one lot, so this shipment carries the 200 t ordered.",
        ),
        (
            10,
            "179.999",
            "Line 1: the order ships in one lot, so this shipment carries 180 to 220 t "
            "(200 t ordered, more or less 10 %).",
        ),
        (
            10,
            "220.001",
            "Line 1: 220.001 t is more than the order allows: at most 220 t "
            "(200 t ordered, more or less 10 %).",
        ),
    ],
)
def test_a_shipment_outside_the_tolerance_is_refused_with_the_range(
    app: Flask, trade: Trade, tolerance: int, quantity: object, message: str
) -> None:
    order = in_production(
        app, trade, [(ammonium_nitrate(trade.seller), 200)], tolerance_percent=tolerance
    )
    lines = [LineInput(1, quantity)]  # type: ignore[arg-type]
    assert refused(app, trade, order, sailing(lines=lines)) == message


def test_a_shipment_recorded_before_lines_existed_shipped_the_whole_order(
    app: Flask, trade: Trade
) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    (line,) = order.lines
    old = Shipment(
        order=order,
        mode="sea",
        carrier="COSCO",
        transport_document_number="COSU0000000001",
        port_of_loading="Karachi",
        port_of_discharge="Tianjin",
        etd=date.today(),
        eta=date.today(),
        net_weight_g=1,
        gross_weight_g=1,
    )
    db.session.add(old)
    db.session.commit()
    assert shipped_quantities(old) == {line.id: 200}
    assert remaining_quantities(order) == {line.id: 0}


# --- containers and stowage -----------------------------------------------------------------


def certified(number: str) -> ContainerInput:
    return ContainerInput(
        container_number=number,
        container_type="22G1",
        seal_number=f"SEAL-{number[-4:]}",
        packed_by="Imran Qureshi",
        packed_at="Wah Cantt magazine",
        packed_on=date.today(),
    )


def class_1_order(app: Flask, trade: Trade, second: Product) -> Order:
    detonators = explosive(trade.seller, "Detonator assemblies", "UN0360", "1.1B")
    un_numbers = ("UN0360", str(second.un_number))
    licensed(trade, un_numbers)
    db.session.commit()
    order = in_production(app, trade, [(detonators, 1000), (second, 1000)])
    approved(trade, order, un_numbers)
    return order


def two_rows(first: str | None, second: str | None) -> list[actions.PackageInput]:
    return [
        actions.PackageInput(
            count=2, marks="DET 1-2", package_type="box", line_no=1, container_number=first
        ),
        actions.PackageInput(
            count=2, marks="EXP 3-4", package_type="box", line_no=2, container_number=second
        ),
    ]


def test_detonators_and_blasting_explosives_in_one_container_are_refused_with_the_rule(
    app: Flask, trade: Trade
) -> None:
    emulsion = explosive(trade.seller, "Emulsion explosive", "UN0241", "1.5D")
    order = class_1_order(app, trade, emulsion)
    message = refused(
        app,
        trade,
        order,
        sailing(
            containers=[certified("CSNU6342117")],
            packages=two_rows("CSNU6342117", "CSNU6342117"),
        ),
    )
    assert message == (
        "These goods may not travel together in container CSNU6342117: 49 CFR 176.144(a) / "
        "IMDG Code 7.2.7.2: compatibility groups B and D may not be stowed together. Put them "
        "in separate containers."
    )
    # With one container, a package that names none goes in it.
    message = refused(
        app,
        trade,
        order,
        sailing(containers=[certified("CSNU6342117")], packages=two_rows("CSNU6342117", None)),
    )
    assert "container CSNU6342117: 49 CFR 176.144(a)" in message
    # With no container named, the whole shipment is one stowage unit.
    message = refused(app, trade, order, sailing(packages=two_rows(None, None)))
    assert message == (
        "These goods may not travel together: 49 CFR 176.144(a) / IMDG Code 7.2.7.2: "
        "compatibility groups B and D may not be stowed together. Stow them in separate "
        "containers and say which package travels in which."
    )


def test_kept_apart_they_ship_and_each_container_records_its_group(
    app: Flask, trade: Trade
) -> None:
    emulsion = explosive(trade.seller, "Emulsion explosive", "UN0241", "1.5D")
    order = class_1_order(app, trade, emulsion)
    shipment = record(
        app,
        trade,
        order,
        sailing(
            containers=[certified("CSNU6342117"), certified("TGHU1234567")],
            packages=two_rows("CSNU6342117", "TGHU1234567"),
        ),
    )
    containers = [
        (c.container_number, c.container_type, c.seal_number, c.travels_as_group)
        for c in shipment.containers
    ]
    assert containers == [
        ("CSNU6342117", "22G1", "SEAL-2117", "B"),
        ("TGHU1234567", "22G1", "SEAL-4567", "D"),
    ]
    assert [p.container.container_number for p in shipment.packages if p.container] == [
        "CSNU6342117",
        "TGHU1234567",
    ]
    assert shipment.container_numbers == "CSNU6342117 TGHU1234567"


def test_an_allowed_mix_travels_as_the_group_the_table_gives(app: Flask, trade: Trade) -> None:
    # Detonators of group S (1.4S) may go with group B goods: the load travels as B.
    safe = explosive(trade.seller, "Detonators for blasting 1.4S", "UN0456", "1.4S")
    order = class_1_order(app, trade, safe)
    shipment = record(
        app,
        trade,
        order,
        sailing(
            containers=[certified("CSNU6342117")],
            packages=two_rows("CSNU6342117", "CSNU6342117"),
        ),
    )
    assert [c.travels_as_group for c in shipment.containers] == ["B"]


@pytest.mark.parametrize(
    ("containers", "packages", "message"),
    [
        (
            [ContainerInput("CSNU634211", "22G1")],
            None,
            "Container numbers are four letters and seven digits, e.g. MSCU1234567.",
        ),
        (
            [certified("CSNU6342117"), ContainerInput("csnu 6342117", "45G1")],
            None,
            "Container CSNU6342117 is listed twice.",
        ),
        (
            [ContainerInput("CSNU6342117", "big")],
            None,
            "Give the container's ISO size and type code (e.g. 22G1 or 45G1) for CSNU6342117.",
        ),
        (
            [ContainerInput("CSNU6342117", "22G1", packed_by="Imran Qureshi")],
            None,
            "Container CSNU6342117 carries dangerous goods: give its packing certificate (who "
            "packed it, where and on which day).",
        ),
        (
            [certified("CSNU6342117")],
            [
                actions.PackageInput(
                    count=200, marks="AN", package_type="bag", container_number="TGHU1234567"
                )
            ],
            "Package 1 is in container TGHU1234567, which the shipment does not list.",
        ),
        (
            [certified("CSNU6342117"), certified("TGHU1234567")],
            [actions.PackageInput(count=200, marks="AN", package_type="bag")],
            "Package 1: say which container it travels in.",
        ),
    ],
)
def test_containers_are_named_once_and_certified_for_dangerous_goods(
    app: Flask,
    trade: Trade,
    containers: list[ContainerInput],
    packages: list[actions.PackageInput] | None,
    message: str,
) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    data = sailing(containers=containers)
    if packages is not None:
        data.packages = packages
    assert refused(app, trade, order, data) == message
    assert db.session.scalar(select(func.count(ShipmentContainer.id))) == 0


# --- the seller's form ------------------------------------------------------------------------


def test_the_form_offers_each_line_with_what_is_left_to_ship(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    auth.login(trade.sales.email)
    page = page_of(client.get(f"/seller/orders/{order.public_id}/shipment"))
    assert 'name="lines-0-line_no" type="hidden" value="1"' in page
    assert re.search(r'id="lines-0-quantity"[^>]*value="200"', page)
    assert "Porous prilled ammonium nitrate" in page and "UN1942" in page
    assert 'id="containers-0-container_number"' in page
    assert 'id="containers-1-container_number"' in page
    # Each cell is named for a screen reader with its row; the type and the order line are
    # picked from a list, the marks written on two lines.
    assert '<label class="visually-hidden" for="containers-1-seal_number">Seal number, ' in page
    assert "Seal number, container row 2</label>" in page
    assert "Shipping marks, package row 2</label>" in page
    assert re.search(r'<select class="form-select form-select-sm" id="containers-0-cont', page)
    assert re.search(r'<select class="form-select form-select-sm" id="packages-0-line_no"', page)
    assert re.search(r'<textarea class="form-control form-control-sm" id="packages-0-marks"[^>]*'
                     r'rows="2"', page)  # fmt: skip
    # The first package row points at the first order line.
    assert re.search(r'<option selected value="1">1 · Porous prilled ammonium nitrate', page)


def test_the_form_refuses_more_than_ordered_and_writes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)])
    auth.login(trade.sales.email)
    response = client.post(
        f"/seller/orders/{order.public_id}/shipment",
        data=shipment_form(**{"lines-0-line_no": "1", "lines-0-quantity": "250"}),
    )
    assert response.status_code == 200
    assert (
        "Line 1: 250 t is more than the order leaves to ship (200 t of 200 t ordered)."
        in page_of(response)
    )
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Shipment.id))) == 0


def test_the_form_records_lines_containers_and_where_each_package_travels(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 200)], tolerance_percent=10)
    auth.login(trade.sales.email)
    form = shipment_form(
        **{
            "container_numbers": "",
            "lines-0-line_no": "1",
            "lines-0-quantity": "180",
            "containers-0-container_number": "CSNU6342117",
            "containers-0-container_type": "22G1",
            "containers-0-seal_number": "PK 0042117",
            "containers-0-packed_by": "Imran Qureshi",
            "containers-0-packed_at": "Port Qasim CFS",
            "containers-0-packed_on": in_days(1),
            "containers-1-container_number": "TGHU1234567",
            "containers-1-container_type": "45G1",
            "containers-1-seal_number": "PK 0044567",
            "containers-1-packed_by": "Imran Qureshi",
            "containers-1-packed_at": "Port Qasim CFS",
            "containers-1-packed_on": in_days(1),
            "packages-0-count": "100",
            "packages-0-marks": "MCCT 1-100",
            "packages-0-line_no": "1",
            "packages-0-container_number": "CSNU6342117",
            "packages-1-count": "80",
            "packages-1-marks": "MCCT 101-180",
            "packages-1-line_no": "1",
            "packages-1-container_number": "tghu1234567",
        }
    )
    response = client.post(f"/seller/orders/{order.public_id}/shipment", data=form)
    assert response.status_code == 302
    shipment = db.session.scalar(select(Shipment))
    assert shipment is not None
    (line,) = order.lines
    assert shipped_quantities(shipment) == {line.id: 180}
    assert [
        (c.container_number, c.container_type, c.seal_number, c.packed_at)
        for c in shipment.containers
    ] == [
        ("CSNU6342117", "22G1", "PK 0042117", "Port Qasim CFS"),
        ("TGHU1234567", "45G1", "PK 0044567", "Port Qasim CFS"),
    ]
    assert [(p.count, p.container.container_number) for p in shipment.packages if p.container] == [
        (100, "CSNU6342117"),
        (80, "TGHU1234567"),
    ]
    assert shipment.container_numbers == "CSNU6342117 TGHU1234567"
    page = page_of(client.get(f"/seller/orders/{order.public_id}"))
    # The goods isolated by direction, the quantity with its unit one figure (issue 26),
    # tonnes printed to the kilogram (issue 20).
    assert (
        '1 · <bdi>Porous prilled ammonium nitrate</bdi>: <span class="figure">180.000 t</span>'
        in page
    )
    assert "CSNU6342117 (22G1, seal PK 0042117)" in page
    assert "TGHU1234567 (45G1, seal PK 0044567)" in page


# --- the three papers agree -------------------------------------------------------------------


def pdf_text(client: FlaskClient, order: Order, kind: DocumentKind) -> str:
    return "\n".join(paper_pages(client, order, kind))


def test_packing_list_invoice_and_dg_declaration_print_the_same_shipment(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    # 160 t more or less 10 %; 150 t ship, and are what every paper prints.
    order = in_production(app, trade, [(ammonium_nitrate(trade.seller), 160)], tolerance_percent=10)
    record(
        app,
        trade,
        order,
        sailing(
            lines=[LineInput(1, 150)],
            net_weight_kg=Decimal("150000"),
            gross_weight_kg=Decimal("150450"),
            containers=[certified("CSNU6342117"), certified("TGHU1234567")],
            packages=[
                actions.PackageInput(
                    count=100,
                    marks="MCCT 1-100",
                    package_type="bag",
                    contents="Ammonium nitrate UN1942",
                    net_weight_kg=Decimal("100000"),
                    gross_weight_kg=Decimal("100300"),
                    container_number="CSNU6342117",
                ),
                actions.PackageInput(
                    count=50,
                    marks="MCCT 101-150",
                    package_type="bag",
                    contents="Ammonium nitrate UN1942",
                    net_weight_kg=Decimal("50000"),
                    gross_weight_kg=Decimal("50150"),
                    container_number="TGHU1234567",
                ),
            ],
        ),
    )
    render_pending(
        app,
        DocumentKind.PACKING_LIST,
        DocumentKind.COMMERCIAL_INVOICE,
        DocumentKind.DANGEROUS_GOODS,
    )
    db.session.expire_all()
    auth.login(trade.sales.email)
    packing = pdf_text(client, order, DocumentKind.PACKING_LIST)
    invoice = pdf_text(client, order, DocumentKind.COMMERCIAL_INVOICE)
    declaration = pdf_text(client, order, DocumentKind.DANGEROUS_GOODS)

    # Packages: 150 in all, 100 + 50, on every paper.
    assert re.search(r"Total 总计 150 150,000\.000 kg 150,450\.000 kg", packing)
    assert re.search(r"1–100 100 Bags 袋 MCCT 1-100", packing)
    assert re.search(r"101–150 50 Bags 袋 MCCT 101-150", packing)
    assert re.search(r"1–100 MCCT 1-100 100 Bags 袋 UN1942\n101–150 MCCT 101-150 50 Bags", invoice)
    assert re.search(r"Net weight 净重 150,000\.000 kg · 150\n", invoice)
    # Tonnes to the kilogram, as the unit is traded (issue 20).
    assert re.search(r"150 Bags 袋; 150\.000 t 吨", declaration)
    # Weights: the same totals where each paper prints them.
    assert "Gross weight 毛重 150,450.000 kg" in invoice
    # UN numbers: UN1942 and no other on any of them.
    for text in (packing, invoice, declaration):
        assert set(re.findall(r"UN\d{4}", text)) == {"UN1942"}
    # No paper claims the ordered quantity when less was shipped: the invoice bills
    # 150 t at $465.00 = $69,750.00, and prints the tolerance agreed.
    assert "160.000 t" not in declaration and "160 Bags" not in declaration
    assert "160.000" not in invoice and "74,400.00" not in invoice
    assert re.search(r"150\.000 t 吨 .*465\.00 .*69,750\.00", invoice)
    # (the clause wraps beside the transport column)
    assert "Quantity tolerance 溢短装 More" in invoice
    assert "or less 10% at seller's option" in invoice
    # Per container: what it holds, its seal and its packing certificate.
    assert "CSNU6342117 22G1 SEAL-2117 100 Bags 袋 UN1942 (Order line 订单行 1)" in declaration
    assert "TGHU1234567 22G1 SEAL-4567 50 Bags 袋 UN1942 (Order line 订单行 1)" in declaration
    assert (
        len(re.findall(r"Packed by 装箱人: Imran\s+Qureshi, Wah Cantt\s+magazine", declaration))
        == 2
    )


# --- decimal quantities (issue 20) ------------------------------------------------------------


def test_twelve_and_a_half_tonnes_ship_and_print_to_the_kilogram(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(chromite(trade.seller), Decimal("12.5"))])
    auth.login(trade.sales.email)
    url = f"/seller/orders/{order.public_id}/shipment"
    page = page_of(client.get(url))
    # Prefilled with what is left, exactly; the box takes decimals and says how many.
    assert re.search(r'id="lines-0-quantity" inputmode="decimal"[^>]*value="12.5"', page)
    assert "Quantities in t take up to 3 decimals (for example 12.500)." in page
    assert '<span class="figure">12.500 t</span>' in page
    too_fine = client.post(
        url, data=shipment_form(**{"lines-0-line_no": "1", "lines-0-quantity": "12.4995"})
    )
    assert too_fine.status_code == 200
    assert (
        '<div class="invalid-feedback d-block">Quantities in t take up to 3 decimals (for'
        " example 12.500).</div>" in page_of(too_fine)
    )
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
    recorded = client.post(
        url, data=shipment_form(**{"lines-0-line_no": "1", "lines-0-quantity": "12.500"})
    )
    assert recorded.status_code == 302
    db.session.expire_all()
    shipment = db.session.scalars(select(Shipment)).one()
    (line,) = order.lines
    assert shipped_quantities(shipment) == {line.id: Decimal("12.5")}
    assert remaining_quantities(order) == {line.id: Decimal("0")}

    render_pending(app, DocumentKind.PACKING_LIST, DocumentKind.COMMERCIAL_INVOICE)
    db.session.expire_all()
    packing = pdf_text(client, order, DocumentKind.PACKING_LIST)
    invoice = pdf_text(client, order, DocumentKind.COMMERCIAL_INVOICE)
    # 12.5 t x $185.50 = $2,318.75, the quantity to the kilogram on both papers.
    assert re.search(r"\b1 Chromite ore lumps Cr2O3 40 % 12\.500 t 吨", packing)
    assert re.search(r"261000\s+Pakistan\s+12\.500 t 吨\s+185\.50\s+2,318\.75", invoice)
    for text in (packing, invoice):
        assert "12.5 t" not in text and "13 t" not in text


def test_half_a_piece_is_refused_with_the_units_rule(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    cartons = ProductFactory(seller=trade.seller, title="Safety fuse reels", unit="PCE", moq=1)
    order = in_production(app, trade, [(cartons, 40)])
    assert refused(app, trade, order, sailing(lines=[LineInput(1, Decimal("1.5"))])) == (
        "Line 1: Quantities in pieces are whole numbers."
    )
    auth.login(trade.sales.email)
    url = f"/seller/orders/{order.public_id}/shipment"
    page = page_of(client.get(url))
    assert re.search(r'id="lines-0-quantity" inputmode="numeric"[^>]*value="40"', page)
    assert "Quantities in pieces are whole numbers." in page
    answer = client.post(
        url, data=shipment_form(**{"lines-0-line_no": "1", "lines-0-quantity": "1.5"})
    )
    assert answer.status_code == 200
    assert re.search(
        r'<div class="invalid-feedback d-block">Quantities in pieces are whole numbers\.</div>',
        page_of(answer),
    )
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Shipment.id))) == 0
