"""The public registration form as a Pakistani supplier and a Chinese importer fill it in."""

from __future__ import annotations

from stdnum.cn import uscc

STRONG_PASSWORD = "violet tractor harbour quinoa"
USCC_BASE = "91310115MA1K4B2X3"
VALID_USCC = USCC_BASE + uscc.calc_check_digit(USCC_BASE)


def pakistani_seller(**overrides: str | None) -> dict[str, str]:
    """The form as a Pakistani supplier fills it in; ``None`` leaves a field out."""
    data: dict[str, str | None] = {
        "legal_name": "Indus Valves (Pvt) Ltd",
        "legal_name_local": "",
        "country": "PK",
        "trade_role": "sell",
        "address": "Plot 7, Sector 23, Korangi Industrial Area",
        "city": "Karachi",
        "postal_code": "74900",
        "tax_id": "1234567-8",
        "sales_tax_registration": "3277876175852",
        "contact_email": "exports@indusvalves.example.com",
        "contact_phone": "+92 21 3500 1234",
        "owner_name": "Farah Siddiqui",
        "owner_email": "farah@indusvalves.example.com",
        "owner_password": STRONG_PASSWORD,
        "owner_password_confirm": STRONG_PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def chinese_buyer(**overrides: str | None) -> dict[str, str]:
    """The form as a Chinese importer fills it in."""
    data: dict[str, str | None] = {
        "legal_name": "Shanghai Huaxin Import & Export Co., Ltd.",
        "legal_name_local": "上海华信进出口有限公司",
        "country": "CN",
        "trade_role": "buy",
        "address": "Room 1201, 88 Century Avenue, Pudong New Area",
        "city": "Shanghai",
        "postal_code": "200120",
        "tax_id": VALID_USCC,
        "sales_tax_registration": "",
        "contact_email": "import@huaxin.example.com",
        "contact_phone": "+86 21 5888 1234",
        "owner_name": "Chen Jing",
        "owner_email": "chen.jing@huaxin.example.com",
        "owner_password": STRONG_PASSWORD,
        "owner_password_confirm": STRONG_PASSWORD,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
