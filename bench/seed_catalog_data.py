"""The tables the bench catalogue is drawn from: listing templates per leaf category
(names, grades, HS codes, prices, packs, dangerous goods), and the sellers' countries,
names, cities, currencies, ports and trades.

Data only; ``bench.seed_listings`` and ``bench.seed_sellers`` draw from it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Units of currency per US dollar: prices are drawn in US cents and converted.
FX_PER_USD = {"USD": 1.0, "EUR": 0.92, "CNY": 7.2, "PKR": 280.0}

Pack = tuple[str, int | None, int, int, int, int, int]  # type, units, net g, gross g, l, w, h mm
DangerousGoods = tuple[str, str, str, str | None]  # UN number, shipping name, class, PG


@dataclass(frozen=True)
class Template:
    """One kind of listing in one leaf category, with the choices its rows are drawn from."""

    category: str
    names: tuple[str, ...]
    variants: tuple[str, ...]
    hs_codes: tuple[str, ...]
    unit: str
    cents: tuple[int, int]  # unit price range in US cents
    moq: tuple[int, ...]
    specs: tuple[tuple[str, tuple[str, ...]], ...]
    packs: tuple[Pack, ...]
    dangerous: tuple[DangerousGoods, ...] = ()
    explosive_g_per_unit: int = 0  # net explosive mass per unit of the listing, in grams
    export_licence: bool = False


def _grades(*values: str) -> tuple[str, ...]:
    return values


TEMPLATES: tuple[Template, ...] = (
    Template(
        "commercial-explosives",
        ("Emulsion explosive cartridges", "Packaged emulsion explosive", "Water gel explosive"),
        ("25 mm x 200 g", "32 mm x 250 g", "40 mm x 500 g", "50 mm x 1 kg", "65 mm x 2.5 kg"),
        ("360200",),
        "KGM",
        (120, 260),
        (1_000, 5_000, 10_000),
        (
            ("Density", _grades("1.10 g/cm3", "1.15 g/cm3", "1.20 g/cm3", "1.25 g/cm3")),
            ("Velocity of detonation", _grades("4500 m/s", "5000 m/s", "5500 m/s")),
            ("Water resistance", _grades("Excellent", "Good")),
            ("Shelf life", _grades("6 months", "9 months", "12 months")),
        ),
        (("box", 25, 25_000, 26_500, 500, 300, 250),),
        (
            ("UN0241", "EXPLOSIVE, BLASTING, TYPE E", "1.1D", None),
            ("UN0332", "EXPLOSIVE, BLASTING, TYPE E", "1.5D", None),
        ),
        explosive_g_per_unit=1_000,
        export_licence=True,
    ),
    Template(
        "commercial-explosives",
        ("ANFO blasting agent", "Bulk ANFO", "Heavy ANFO blend"),
        ("94/6", "in 25 kg bags", "poured grade", "pumpable"),
        ("360200",),
        "KGM",
        (60, 140),
        (5_000, 20_000),
        (
            ("Ammonium nitrate", _grades("94 %", "94.5 %")),
            ("Fuel oil", _grades("5.5 %", "6 %")),
            ("Velocity of detonation", _grades("3200 m/s", "3800 m/s", "4200 m/s")),
        ),
        (("bag", 25, 25_000, 25_300, 700, 450, 150),),
        (("UN0082", "EXPLOSIVE, BLASTING, TYPE B", "1.1D", None),),
        explosive_g_per_unit=1_000,
        export_licence=True,
    ),
    Template(
        "detonators",
        ("Non-electric shock tube detonators", "Electric detonators", "Electronic detonators"),
        ("4.2 m lead", "6 m lead", "9 m lead", "delay 25 ms", "delay 500 ms", "No. 8 strength"),
        ("360300",),
        "PCE",
        (45, 400),
        (1_000, 5_000),
        (
            ("Delay series", _grades("MS 1-20", "LP 1-12", "Programmable 0-15000 ms")),
            ("Base charge", _grades("0.6 g PETN", "0.8 g PETN", "0.9 g RDX")),
            ("Lead wire", _grades("Copper-clad steel", "Copper", "Shock tube 3 mm")),
        ),
        (("box", 500, 14_000, 16_000, 450, 350, 300),),
        (
            ("UN0360", "DETONATOR ASSEMBLIES, NON-ELECTRIC for blasting", "1.1B", None),
            ("UN0361", "DETONATOR ASSEMBLIES, NON-ELECTRIC for blasting", "1.4B", None),
            ("UN0255", "DETONATORS, ELECTRIC for blasting", "1.4B", None),
            ("UN0456", "DETONATORS, ELECTRIC for blasting", "1.4S", None),
        ),
        explosive_g_per_unit=1,
        export_licence=True,
    ),
    Template(
        "detonating-cord",
        ("Detonating cord", "Low-energy detonating cord", "Plastic-sheathed detonating cord"),
        ("5 g/m", "10 g/m", "12 g/m", "20 g/m", "40 g/m"),
        ("360300",),
        "MTR",
        (12, 70),
        (5_000, 10_000, 20_000),
        (
            ("Core", _grades("PETN", "RDX")),
            ("Tensile strength", _grades("50 kg", "70 kg", "90 kg")),
            ("Reel length", _grades("250 m", "500 m")),
        ),
        (("box", 500, 6_000, 8_500, 400, 400, 300),),
        (
            ("UN0065", "CORD, DETONATING, flexible", "1.1D", None),
            ("UN0289", "CORD, DETONATING, flexible", "1.4D", None),
        ),
        explosive_g_per_unit=10,
        export_licence=True,
    ),
    Template(
        "boosters",
        ("Cast pentolite booster", "Cast booster", "TNT/RDX cast primer"),
        ("150 g", "250 g", "400 g", "450 g"),
        ("360200",),
        "PCE",
        (180, 900),
        (500, 1_000, 2_000),
        (
            ("Composition", _grades("Pentolite 50/50", "TNT/RDX 60/40", "PETN/TNT")),
            ("Velocity of detonation", _grades("7000 m/s", "7500 m/s")),
            ("Cap well", _grades("Single", "Double")),
        ),
        (("box", 50, 20_000, 22_000, 450, 300, 250),),
        (
            ("UN0042", "BOOSTERS without detonator", "1.1D", None),
            ("UN0283", "BOOSTERS without detonator", "1.2D", None),
        ),
        explosive_g_per_unit=400,
        export_licence=True,
    ),
    Template(
        "nitrates",
        ("Ammonium nitrate", "Technical grade ammonium nitrate", "Sodium nitrate"),
        ("porous prilled", "crystalline", "low-density prills", "explosive grade"),
        ("310230", "310250"),
        "TNE",
        (32_000, 62_000),
        (25, 50, 100),
        (
            ("Nitrogen", _grades("34.0 %", "34.4 %", "16.0 %")),
            ("Moisture", _grades("0.1 % max", "0.2 % max", "0.3 % max")),
            ("Oil absorption", _grades("6 % min", "8 % min")),
            ("Bulk density", _grades("0.72 g/cm3", "0.78 g/cm3", "0.85 g/cm3")),
        ),
        (("bag", 1, 1_000_000, 1_002_500, 1_100, 1_100, 1_300),),
        (
            ("UN1942", "AMMONIUM NITRATE", "5.1", "III"),
            ("UN1498", "SODIUM NITRATE", "5.1", "III"),
        ),
    ),
    Template(
        "nitrates",
        ("Calcium ammonium nitrate", "Potassium nitrate", "Magnesium nitrate"),
        ("granular", "fertiliser grade", "technical grade"),
        ("310240", "283421", "283429"),
        "TNE",
        (25_000, 90_000),
        (25, 50),
        (
            ("Nitrogen", _grades("13.5 %", "15.5 %", "26 %")),
            ("Purity", _grades("98 %", "99 %", "99.5 %")),
        ),
        (("bag", 1, 1_000_000, 1_002_500, 1_100, 1_100, 1_300),),
    ),
    Template(
        "acids",
        ("Sulphuric acid", "Nitric acid", "Hydrochloric acid", "Phosphoric acid"),
        ("98 %", "68 %", "33 %", "85 % food grade", "technical grade"),
        ("280700", "280800", "280610", "280920"),
        "TNE",
        (8_000, 55_000),
        (20, 40, 100),
        (
            ("Assay", _grades("98 % min", "68 % min", "33 % min", "85 % min")),
            ("Iron", _grades("50 ppm max", "100 ppm max")),
            ("Colour", _grades("Colourless", "APHA 20 max")),
        ),
        (("ibc", 1, 1_250_000, 1_310_000, 1_200, 1_000, 1_150),),
        (
            ("UN1830", "SULPHURIC ACID", "8", "II"),
            ("UN2031", "NITRIC ACID", "8", "II"),
            ("UN1789", "HYDROCHLORIC ACID", "8", "II"),
            ("UN1805", "PHOSPHORIC ACID, SOLUTION", "8", "III"),
        ),
    ),
    Template(
        "solvents",
        ("Toluene", "Methanol", "Acetone", "Mixed xylene", "Ethyl acetate"),
        ("99.5 %", "99.9 %", "industrial grade", "nitration grade"),
        ("290230", "290511", "291411", "290244", "291531"),
        "LTR",
        (45, 160),
        (1_000, 16_000, 20_000),
        (
            ("Purity", _grades("99.5 %", "99.8 %", "99.9 %")),
            ("Water", _grades("0.05 % max", "0.1 % max")),
            ("Density at 20 C", _grades("0.79 g/ml", "0.87 g/ml", "0.90 g/ml")),
        ),
        (("drum", 200, 160_000, 178_000, 900, 580, 580),),
        (
            ("UN1294", "TOLUENE", "3", "II"),
            ("UN1230", "METHANOL", "3", "II"),
            ("UN1090", "ACETONE", "3", "II"),
            ("UN1307", "XYLENES", "3", "III"),
        ),
    ),
    Template(
        "chromite",
        ("Chromite ore", "Chrome ore lumps", "Chrome concentrate", "Metallurgical chromite"),
        ("Cr2O3 36 %", "Cr2O3 40 %", "Cr2O3 42 %", "Cr2O3 44 %", "Cr2O3 46 %", "Cr2O3 48 %"),
        ("261000",),
        "TNE",
        (16_000, 42_000),
        (100, 500, 1_000),
        (
            ("Cr2O3", _grades("36 % min", "40 % min", "42 % min", "44 % min", "46 % min")),
            ("Cr/Fe ratio", _grades("2.5:1", "2.8:1", "3:1", "3.2:1")),
            ("SiO2", _grades("8 % max", "10 % max", "12 % max")),
            ("Size", _grades("10-150 mm", "0-10 mm", "50-250 mm")),
            ("Moisture", _grades("3 % max", "5 % max")),
        ),
        (
            ("bag", 1, 1_000_000, 1_003_000, 1_000, 1_000, 1_100),
            ("bulk", None, 1_000_000, 1_000_000, 1, 1, 1),
        ),
    ),
    Template(
        "copper-concentrate",
        ("Copper concentrate", "Copper ore concentrate", "Chalcopyrite concentrate"),
        ("Cu 18 %", "Cu 20 %", "Cu 22 %", "Cu 25 %", "Cu 28 %"),
        ("260300",),
        "TNE",
        (120_000, 260_000),
        (500, 1_000, 5_000),
        (
            ("Cu", _grades("18 % min", "20 % min", "22 % min", "25 % min", "28 % min")),
            ("Au", _grades("1 g/t", "3 g/t", "5 g/t")),
            ("Ag", _grades("30 g/t", "60 g/t")),
            ("As", _grades("0.2 % max", "0.5 % max")),
            ("Moisture", _grades("8 % max", "10 % max")),
        ),
        (("bulk", None, 1_000_000, 1_000_000, 1, 1, 1),),
    ),
    Template(
        "rock-salt",
        ("Himalayan pink rock salt", "Rock salt", "Khewra rock salt", "Industrial rock salt"),
        ("lumps 2-5 cm", "granules 2-5 mm", "fine 0.3-0.5 mm", "edible grade", "de-icing grade"),
        ("250100",),
        "TNE",
        (4_000, 22_000),
        (25, 50, 100),
        (
            ("NaCl", _grades("97 % min", "98.5 % min", "99 % min")),
            ("Moisture", _grades("0.1 % max", "0.5 % max")),
            ("Insolubles", _grades("0.5 % max", "1 % max")),
        ),
        (
            ("bag", 1, 1_000_000, 1_002_000, 1_000, 1_000, 1_100),
            ("bag", 40, 25_000, 25_100, 700, 450, 150),
        ),
    ),
    Template(
        "barite",
        ("Barite lumps", "API grade barite powder", "Drilling grade barite", "Barium sulphate"),
        ("SG 4.10", "SG 4.20", "SG 4.25", "SG 4.30", "200 mesh", "325 mesh"),
        ("251110",),
        "TNE",
        (8_000, 22_000),
        (100, 500, 1_000),
        (
            ("Specific gravity", _grades("4.10 min", "4.20 min", "4.25 min", "4.30 min")),
            ("BaSO4", _grades("90 % min", "92 % min", "95 % min")),
            (
                "Water soluble alkaline earth metals",
                _grades(
                    "250 mg/kg max",
                ),
            ),
            ("Size", _grades("10-150 mm", "75 micron 97 %")),
        ),
        (("bag", 1, 1_000_000, 1_003_000, 1_000, 1_000, 1_100),),
    ),
    Template(
        "gypsum",
        ("Natural gypsum lumps", "Gypsum rock", "Gypsum powder"),
        ("CaSO4.2H2O 85 %", "CaSO4.2H2O 90 %", "CaSO4.2H2O 95 %", "cement grade"),
        ("252010",),
        "TNE",
        (1_500, 4_500),
        (500, 1_000, 5_000),
        (
            ("Purity", _grades("85 % min", "90 % min", "95 % min")),
            ("Size", _grades("0-50 mm", "50-300 mm")),
            ("SO3", _grades("40 % min", "44 % min")),
        ),
        (("bulk", None, 1_000_000, 1_000_000, 1, 1, 1),),
    ),
    Template(
        "copper",
        ("Copper cathodes", "Copper wire rod", "Copper millberry scrap", "Copper busbar"),
        ("grade A 99.99 %", "8 mm", "99.9 %", "LME registered", "ETP"),
        ("740311", "740811", "740400", "740710"),
        "TNE",
        (780_000, 960_000),
        (5, 25, 50),
        (
            ("Cu", _grades("99.99 % min", "99.95 % min", "99.9 % min")),
            ("Conductivity", _grades("100 % IACS", "101 % IACS")),
            ("Standard", _grades("ASTM B115", "BS EN 1978", "GB/T 467")),
        ),
        (("pallet", 1, 1_000_000, 1_010_000, 1_100, 1_000, 500),),
    ),
    Template(
        "aluminium",
        ("Aluminium ingots", "Aluminium sheet", "Aluminium extrusion profiles", "Aluminium foil"),
        ("A7 99.7 %", "1050 H14", "6063 T5", "8011 O", "3003 H24"),
        ("760110", "760612", "760429", "760719"),
        "TNE",
        (220_000, 420_000),
        (5, 20, 25),
        (
            ("Alloy", _grades("1050", "1060", "3003", "6063", "8011")),
            ("Thickness", _grades("0.5 mm", "1 mm", "2 mm", "3 mm")),
            ("Standard", _grades("ASTM B209", "EN 573", "GB/T 3190")),
        ),
        (("pallet", 1, 1_000_000, 1_030_000, 1_200, 1_000, 600),),
    ),
    Template(
        "steel",
        ("Deformed steel rebar", "Hot rolled steel coil", "Steel billets", "Galvanised steel pipe"),
        ("Grade 60 12 mm", "Grade 60 16 mm", "Grade 60 25 mm", "SS400", "150 x 150 mm", "Q235B"),
        ("721420", "720839", "720712", "730630"),
        "TNE",
        (48_000, 82_000),
        (25, 100, 500),
        (
            ("Grade", _grades("ASTM A615 Gr 60", "BS 4449 B500B", "SS400", "Q235B", "3SP")),
            ("Yield strength", _grades("420 MPa", "500 MPa", "235 MPa")),
            ("Length", _grades("6 m", "12 m")),
        ),
        (("bulk", None, 1_000_000, 1_000_000, 1, 1, 1),),
    ),
    Template(
        "marble-granite",
        ("Botticino marble slabs", "Ziarat white marble", "Black galaxy granite", "Onyx tiles"),
        ("18 mm polished", "20 mm honed", "30 mm flamed", "60 x 60 cm", "cut to size"),
        ("680221", "680293", "680291"),
        "MTK",
        (900, 6_500),
        (100, 300, 500),
        (
            ("Thickness", _grades("18 mm", "20 mm", "30 mm")),
            ("Finish", _grades("Polished", "Honed", "Flamed", "Leathered")),
            ("Water absorption", _grades("0.1 %", "0.2 %", "0.4 %")),
        ),
        (("crate", 20, 1_100_000, 1_160_000, 3_000, 1_900, 900),),
    ),
    Template(
        "cement",
        ("Ordinary Portland cement", "Sulphate resisting cement", "White cement", "Clinker"),
        ("42.5N", "42.5R", "52.5N", "Type I", "Type V"),
        ("252329", "252321", "252310"),
        "TNE",
        (3_500, 9_000),
        (500, 1_000, 10_000),
        (
            ("Strength class", _grades("42.5N", "42.5R", "52.5N")),
            ("Standard", _grades("EN 197-1", "ASTM C150", "PS 232")),
            ("Packing", _grades("50 kg bags", "1.5 t jumbo bags", "bulk")),
        ),
        (("bag", 20, 1_000_000, 1_004_000, 1_000, 1_000, 1_200),),
    ),
    Template(
        "mining-machinery",
        ("Jaw crusher", "Ball mill", "Vibrating screen", "Cone crusher", "Flotation cell"),
        ("PE-250x400", "PE-600x900", "900x1800", "2YK1548", "XCF-8"),
        ("847420", "847439", "847410"),
        "SET",
        (650_000, 9_500_000),
        (1,),
        (
            ("Capacity", _grades("5-20 t/h", "40-120 t/h", "150-300 t/h")),
            ("Motor power", _grades("15 kW", "55 kW", "110 kW", "250 kW")),
            ("Weight", _grades("2.8 t", "12 t", "31 t")),
        ),
        (("crate", 1, 5_000_000, 5_600_000, 3_500, 2_200, 2_200),),
    ),
    Template(
        "drilling-tools",
        ("DTH hammer bits", "Tungsten carbide button bits", "R32 drill rods", "Drag bits"),
        ("76 mm", "89 mm", "102 mm", "115 mm", "152 mm", "3.66 m"),
        ("820713", "820719"),
        "PCE",
        (4_000, 42_000),
        (10, 20, 50),
        (
            ("Shank", _grades("COP34", "DHD340", "R32", "T38", "T45")),
            ("Button shape", _grades("Spherical", "Ballistic", "Conical")),
            ("Carbide grade", _grades("YK05", "YG11C")),
        ),
        (("box", 10, 80_000, 85_000, 600, 400, 300),),
    ),
)

# Named places, by seller country: ports for the sea-only rules, inland places otherwise.
PORTS = {
    "PK": ("Karachi", "Port Qasim", "Gwadar"),
    "CN": ("Shanghai", "Tianjin", "Qingdao", "Ningbo"),
    "TR": ("Mersin", "Istanbul"),
    "AE": ("Jebel Ali",),
    "ZA": ("Durban",),
    "DE": ("Hamburg",),
}
INLAND = {
    "PK": ("Lahore", "Sost", "Torkham", "Quetta", "Islamabad"),
    "CN": ("Kashgar", "Urumqi", "Chengdu"),
    "TR": ("Ankara",),
    "AE": ("Dubai",),
    "ZA": ("Johannesburg",),
    "DE": ("Duisburg",),
}
DESTINATIONS = ("Shanghai", "Tianjin", "Karachi", "Chittagong", "Mombasa", "Jebel Ali", "Busan")
RULES = ("FOB", "FOB", "FOB", "CFR", "CIF", "CIF", "EXW", "FCA", "FCA", "DAP", "CPT", "FAS")
SEA_RULES = frozenset({"FAS", "FOB", "CFR", "CIF"})

SELLER_COUNTRIES = ("PK",) * 11 + ("CN",) * 6 + ("TR", "AE", "ZA", "DE")
CURRENCIES = {
    "PK": ("PKR", "USD"),
    "CN": ("CNY", "USD"),
    "TR": ("EUR", "USD"),
    "DE": ("EUR",),
    "AE": ("USD",),
    "ZA": ("USD",),
}
REPORTING = {"PK": "PKR", "CN": "CNY", "DE": "EUR"}
CITIES = {
    "PK": ("Karachi", "Lahore", "Peshawar", "Quetta", "Wah Cantt", "Gilgit", "Faisalabad"),
    "CN": ("Shanghai", "Tianjin", "Urumqi", "Zhengzhou", "Jinan", "Changsha"),
    "TR": ("Istanbul", "Izmir"),
    "AE": ("Dubai", "Sharjah"),
    "ZA": ("Johannesburg",),
    "DE": ("Hamburg", "Essen"),
}
NAME_STEMS = {
    "PK": ("Indus", "Karakoram", "Margalla", "Ravi", "Chenab", "Khyber", "Bolan", "Thar",
           "Hunza", "Potohar", "Makran", "Kirthar", "Swat", "Sindh", "Salt Range", "Zhob"),
    "CN": ("Huaxin", "Jinlong", "Hengda", "Tianli", "Zhongtai", "Xinyuan", "Hongda", "Sanxin",
           "Jiahe", "Ruifeng", "Dongsheng", "Kaiyuan"),
    "TR": ("Anadolu", "Ege", "Toros"),
    "AE": ("Gulf Bridge", "Al Noor", "Sahara"),
    "ZA": ("Highveld", "Bushveld"),
    "DE": ("Rhein", "Nordsee"),
}  # fmt: skip
CN_LOCAL = {"Huaxin": "华鑫", "Jinlong": "金龙", "Hengda": "恒达", "Tianli": "天力",
            "Zhongtai": "中泰", "Xinyuan": "鑫源", "Hongda": "宏达", "Sanxin": "三鑫",
            "Jiahe": "嘉禾", "Ruifeng": "瑞丰", "Dongsheng": "东升", "Kaiyuan": "开元"}  # fmt: skip
TRADES = {
    "explosives": ("Explosives", "Blasting Services", "Energetics"),
    "chemicals": ("Chemicals", "Chemical Industries", "Petrochem"),
    "minerals": ("Minerals", "Mining", "Ores"),
    "metals": ("Metals", "Steel", "Metal Industries"),
    "construction": ("Stone", "Building Materials", "Cement"),
    "machinery": ("Engineering", "Machinery", "Drilling Tools"),
}
TRADES_ZH = {"explosives": "爆破器材", "chemicals": "化工", "minerals": "矿业",
             "metals": "金属材料", "construction": "建材", "machinery": "机械"}  # fmt: skip
SUFFIX = {
    "PK": "(Pvt) Ltd",
    "CN": "Co., Ltd",
    "TR": "A.S.",
    "AE": "FZE",
    "ZA": "(Pty) Ltd",
    "DE": "GmbH",
}
QUALIFIERS = ("", "", "", "export packing", "bulk supply", "ready stock", "premium", "OEM")
COUNTRY_NAMES = {"PK": "Pakistan", "CN": "China", "TR": "Turkey", "AE": "the UAE",
                 "ZA": "South Africa", "DE": "Germany", "AF": "Afghanistan", "IR": "Iran"}  # fmt: skip
