"""Demo listings for the demo sellers, made through the listing service like any other."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Product, User
from app.services.audit.recording import Actor
from app.services.listings.editing import ListingInput, create_listing, publish_listing

D = Decimal

# (seller's sales e-mail, listing)
DEMO_LISTINGS: list[tuple[str, ListingInput]] = [
    (
        "sales@wahnobel.example",
        ListingInput(
            title="Non-electric shock-tube detonators (UN0360, 1.1B)",
            description="Millisecond-delay non-electric detonator assemblies for surface and underground blasting. 4.8 m shock tube, No. 8 strength.",
            title_zh="非电导爆管雷管（UN0360，1.1B）",
            description_zh="毫秒延期非电雷管组件，适用于露天及井下爆破。导爆管长4.8米，8号雷管强度。",
            title_ur="نان الیکٹرک شاک ٹیوب ڈیٹونیٹر (UN0360، 1.1B)",
            description_ur="سطحی اور زیر زمین بلاسٹنگ کے لیے ملی سیکنڈ ڈیلے نان الیکٹرک ڈیٹونیٹر۔ 4.8 میٹر شاک ٹیوب۔",
            category_slug="detonators",
            hs_code="3603.30",
            unit="PCE",
            moq=10_000,
            currency="USD",
            price_tiers=[(10_000, D("0.85")), (50_000, D("0.78")), (200_000, D("0.72"))],
            stock_quantity=400_000,
            origin_country="PK",
            incoterms=[("FOB", "Karachi"), ("CFR", "Shanghai")],
            package_type="box",
            units_per_package=500,
            net_weight_kg=D("18"),
            gross_weight_kg=D("21.5"),
            length_cm=D("60"),
            width_cm=D("40"),
            height_cm=D("35"),
            un_number="UN0360",
            ems="F-B, S-Y",
            proper_shipping_name="DETONATOR ASSEMBLIES, NON-ELECTRIC for blasting",
            hazard_class="1.1B",
            net_explosive_mass_kg=D("0.45"),
            export_licence_required=True,
            specifications=[
                ("Delay series", "25 ms to 500 ms"),
                ("Shock tube length", "4.8 m"),
                ("Strength", "No. 8"),
            ],
            specification_labels=[
                ("延期系列", "ڈیلے سیریز"),
                ("导爆管长度", "شاک ٹیوب کی لمبائی"),
                ("强度", "طاقت"),
            ],
        ),
    ),
    (
        "sales@wahnobel.example",
        ListingInput(
            title="Emulsion explosive cartridges 32 mm (UN0241, 1.5D)",
            description="Cap-sensitive packaged emulsion for hard rock, quarrying and tunnelling. Water resistant.",
            title_zh="乳化炸药药卷 32毫米（UN0241，1.5D）",
            description_zh="雷管感度包装乳化炸药，适用于硬岩、采石及隧道掘进，抗水性好。",
            title_ur="ایملشن دھماکہ خیز کارتوس 32 ملی میٹر (UN0241، 1.5D)",
            description_ur="سخت چٹان، کان کنی اور سرنگ کے لیے پیکڈ ایملشن۔ پانی سے محفوظ۔",
            category_slug="commercial-explosives",
            hs_code="3602.00",
            unit="KGM",
            moq=5_000,
            currency="USD",
            price_tiers=[(5_000, D("2.40")), (25_000, D("2.15")), (100_000, D("1.98"))],
            stock_quantity=250_000,
            origin_country="PK",
            incoterms=[("FOB", "Karachi"), ("CIF", "Shanghai"), ("FCA", "Wah Cantt")],
            package_type="box",
            units_per_package=25,
            net_weight_kg=D("25"),
            gross_weight_kg=D("26.4"),
            length_cm=D("50"),
            width_cm=D("30"),
            height_cm=D("25"),
            un_number="UN0241",
            ems="F-B, S-Y",
            proper_shipping_name="EXPLOSIVE, BLASTING, TYPE E",
            hazard_class="1.5D",
            net_explosive_mass_kg=D("25"),
            export_licence_required=True,
            specifications=[
                ("Density", "1.15 g/cm³"),
                ("Velocity of detonation", "≥ 4,500 m/s"),
                ("Cartridge", "32 × 200 mm"),
            ],
        ),
    ),
    (
        "sales@wahnobel.example",
        ListingInput(
            title="Detonating cord 10 g/m (UN0065, 1.1D)",
            description="PETN core detonating cord with polyethylene jacket, 500 m spools.",
            title_zh="导爆索 10克/米（UN0065，1.1D）",
            description_zh="太安（PETN）药芯导爆索，聚乙烯护套，每卷500米。",
            title_ur="ڈیٹونیٹنگ کارڈ 10 گرام فی میٹر (UN0065، 1.1D)",
            category_slug="detonating-cord",
            hs_code="3603.20",
            unit="MTR",
            moq=50_000,
            currency="USD",
            price_tiers=[(50_000, D("0.21")), (250_000, D("0.19"))],
            stock_quantity=None,
            lead_time_days=35,
            origin_country="PK",
            incoterms=[("FOB", "Karachi")],
            package_type="box",
            units_per_package=1000,
            net_weight_kg=D("14"),
            gross_weight_kg=D("16"),
            un_number="UN0065",
            ems="F-B, S-Y",
            proper_shipping_name="CORD, DETONATING, flexible",
            hazard_class="1.1D",
            net_explosive_mass_kg=D("10"),
            export_licence_required=True,
            specifications=[("Core load", "10 g/m PETN"), ("Tensile strength", "≥ 70 kg")],
        ),
    ),
    (
        "sales@wahnobel.example",
        ListingInput(
            title="Porous prilled ammonium nitrate (UN1942, 5.1)",
            description="Low-density porous prills for ANFO. 1,000 kg FIBC big bags.",
            title_zh="多孔粒状硝酸铵（UN1942，5.1）",
            description_zh="低密度多孔粒状硝酸铵，用于铵油炸药（ANFO）。1000公斤吨袋包装。",
            title_ur="مسام دار دانے دار امونیم نائٹریٹ (UN1942، 5.1)",
            category_slug="nitrates",
            hs_code="3102.30",
            unit="TNE",
            moq=100,
            currency="USD",
            price_tiers=[(100, D("465")), (500, D("448"))],
            stock_quantity=3_000,
            origin_country="PK",
            incoterms=[("FOB", "Karachi"), ("CFR", "Tianjin")],
            package_type="bag",
            units_per_package=1,
            net_weight_kg=D("1000"),
            gross_weight_kg=D("1003"),
            un_number="UN1942",
            ems="F-H, S-Q",
            proper_shipping_name="AMMONIUM NITRATE",
            hazard_class="5.1",
            packing_group="III",
            export_licence_required=True,
            specifications=[
                ("Total nitrogen", "≥ 34.5 %"),
                ("Oil absorption", "≥ 8 %"),
                ("Bulk density", "0.72–0.78 g/cm³"),
            ],
        ),
    ),
    (
        "sales@jwcorp.example",
        ListingInput(
            title="Chromite ore lumps Cr2O3 40 %",
            description="Baluchistan chromite, hand-sorted lumps 10–150 mm, for ferrochrome smelting.",
            title_zh="铬矿石块矿 Cr2O3 40%",
            description_zh="俾路支省铬矿，人工手选块矿10–150毫米，用于冶炼铬铁。",
            title_ur="کرومائٹ کچ دھات کے ڈلے Cr2O3 40 %",
            category_slug="chromite",
            hs_code="2610.00",
            unit="TNE",
            moq=500,
            currency="USD",
            price_tiers=[(500, D("265")), (2_000, D("252"))],
            stock_quantity=12_000,
            origin_country="PK",
            incoterms=[("FOB", "Karachi"), ("CFR", "Lianyungang")],
            package_type="bulk",
            specifications=[
                ("Cr2O3", "≥ 40 %"),
                ("Cr/Fe ratio", "≥ 2.8"),
                ("Size", "10–150 mm"),
                ("Moisture", "≤ 3 %"),
            ],
        ),
    ),
    (
        "sales@jwcorp.example",
        ListingInput(
            title="Chromite ore fines Cr2O3 38 %, trial lots",
            description=(
                "Baluchistan chromite fines 0–10 mm sold by the tonne to the kilogram in trial "
                "lots from 10 t, for buyers proving a smelter's feed before a vessel order."
            ),
            title_zh="铬矿粉 Cr2O3 38%（试订批次）",
            description_zh="俾路支省铬矿粉0–10毫米，按吨计价精确到千克，10吨起订试订批次，供买方在整船订货前试用。",
            title_ur="کرومائٹ کچ دھات کا چورا Cr2O3 38 %، آزمائشی لاٹ",
            category_slug="chromite",
            hs_code="2610.00",
            unit="TNE",
            moq=10,
            currency="USD",
            price_tiers=[(10, D("214.50"))],
            stock_quantity=800,
            origin_country="PK",
            incoterms=[("FOB", "Karachi")],
            package_type="bulk",
            specifications=[
                ("Cr2O3", "≥ 38 %"),
                ("Size", "0–10 mm"),
                ("Moisture", "≤ 6 %"),
            ],
        ),
    ),
    (
        "sales@jwcorp.example",
        ListingInput(
            # Priced per kilogram, below a cent's precision (issue #20): US$0.2524 a kg.
            title="Himalayan pink salt, fine 0.5–1 mm, per kg",
            description=(
                "Khewra pink salt ground 0.5–1 mm for food processors, in 25 kg bags, "
                "priced per kilogram from 1,000 kg."
            ),
            title_zh="喜马拉雅粉盐（细粒0.5–1毫米，按千克计价）",
            description_zh="凯沃拉粉盐，研磨至0.5–1毫米，供食品加工企业使用，25千克袋装，1,000千克起按千克计价。",
            title_ur="ہمالیائی گلابی نمک، باریک 0.5–1 ملی میٹر، فی کلوگرام",
            category_slug="rock-salt",
            hs_code="2501.00",
            unit="KGM",
            moq=1_000,
            currency="USD",
            price_tiers=[(1_000, D("0.2524")), (20_000, D("0.2475"))],
            stock_quantity=250_000,
            origin_country="PK",
            incoterms=[("FOB", "Karachi")],
            package_type="bag",
            units_per_package=25,
            net_weight_kg=D("25"),
            gross_weight_kg=D("25.15"),
            specifications=[("NaCl", "≥ 99 %"), ("Size", "0.5–1 mm")],
        ),
    ),
    (
        "sales@jwcorp.example",
        ListingInput(
            title="Himalayan rock salt, industrial grade",
            description="Khewra rock salt lumps and crushed 0–10 mm for chemical and de-icing use.",
            title_zh="喜马拉雅岩盐（工业级）",
            description_zh="凯沃拉岩盐块及0–10毫米碎盐，用于化工及融雪。",
            title_ur="ہمالیائی چٹانی نمک، صنعتی درجہ",
            category_slug="rock-salt",
            hs_code="2501.00",
            unit="TNE",
            moq=25,
            currency="USD",
            price_tiers=[(25, D("62")), (250, D("55"))],
            stock_quantity=8_000,
            origin_country="PK",
            incoterms=[("FOB", "Karachi"), ("FCA", "Lahore")],
            # One tonne (the unit) to a big bag: the bag's weights are a tonne's, not 50 kg.
            package_type="bag",
            units_per_package=1,
            net_weight_kg=D("1000"),
            gross_weight_kg=D("1002.5"),
            specifications=[("NaCl", "≥ 98 %"), ("Size", "0–10 mm")],
        ),
    ),
    (
        "sales@jwcorp.example",
        ListingInput(
            title="Ziarat white marble blocks",
            description="Quarry blocks of Ziarat white marble, calibrated, minimum 8 m³.",
            title_zh="兹亚拉特白色大理石荒料",
            description_zh="兹亚拉特白色大理石矿山荒料，已整形，每块不小于8立方米。",
            category_slug="marble-granite",
            hs_code="2515.11",
            unit="MTQ",
            moq=100,
            currency="CNY",
            price_tiers=[(100, D("2450")), (500, D("2280"))],
            stock_quantity=None,
            lead_time_days=30,
            origin_country="PK",
            incoterms=[("FOB", "Karachi"), ("CIF", "Xiamen")],
            package_type="block",
            specifications=[("Density", "2.7 t/m³"), ("Block size", "≥ 8 m³")],
        ),
    ),
    (
        "sales@jwcorp.example",
        ListingInput(
            title="Copper concentrate Cu 24 %",
            description="Flotation copper concentrate, Chagai district. Assay certificates by SGS at loading.",
            title_zh="铜精矿 Cu 24%",
            description_zh="查盖地区浮选铜精矿，装货时由SGS出具化验证书。",
            category_slug="copper-concentrate",
            hs_code="2603.00",
            unit="TNE",
            moq=1_000,
            currency="USD",
            price_tiers=[(1_000, D("1985.50"))],
            stock_quantity=None,
            lead_time_days=45,
            origin_country="PK",
            incoterms=[("CIF", "Qingdao"), ("FOB", "Karachi")],
            package_type="bulk",
            specifications=[
                ("Cu", "≥ 24 %"),
                ("Au", "≥ 3 g/t"),
                ("As", "≤ 0.3 %"),
                ("Moisture", "≤ 9 %"),
            ],
        ),
    ),
]


def seed_listings() -> int:
    """Create and publish the demo listings that do not exist yet (matched by seller and title)."""
    count = 0
    for seller_email, data in DEMO_LISTINGS:
        user = db.session.scalar(select(User).where(User.email == seller_email))
        if user is None or user.company_id is None:
            continue
        actor = Actor(user)
        product = db.session.scalar(
            select(Product).where(Product.seller_id == user.company_id, Product.title == data.title)
        )
        # Existing demo listings are left as they are: their stock may be reserved by orders.
        if product is not None:
            continue
        product = create_listing(actor, data)
        publish_listing(actor, product)
        count += 1
    return count
