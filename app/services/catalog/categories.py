"""The category tree for industrial goods and minerals, in English, Chinese and Urdu."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Category

# (slug, English, Simplified Chinese, Urdu, children)
CategoryNode = tuple[str, str, str, str, list["CategoryNode"]]

CATEGORY_TREE: list[CategoryNode] = [
    (
        "explosives",
        "Explosives and blasting accessories",
        "炸药及爆破器材",
        "دھماکہ خیز مواد اور بلاسٹنگ لوازمات",
        [
            (
                "commercial-explosives",
                "Commercial explosives",
                "工业炸药",
                "تجارتی دھماکہ خیز مواد",
                [],
            ),
            ("detonators", "Detonators", "雷管", "ڈیٹونیٹرز", []),
            ("detonating-cord", "Detonating cord", "导爆索", "ڈیٹونیٹنگ کورڈ", []),
            ("boosters", "Boosters", "起爆药柱", "بوسٹرز", []),
        ],
    ),
    (
        "chemicals",
        "Industrial chemicals",
        "工业化学品",
        "صنعتی کیمیکلز",
        [
            ("nitrates", "Nitrates", "硝酸盐", "نائٹریٹس", []),
            ("acids", "Acids", "酸类", "تیزاب", []),
            ("solvents", "Solvents", "溶剂", "محلل", []),
        ],
    ),
    (
        "minerals",
        "Minerals and ores",
        "矿产及矿石",
        "معدنیات اور کچ دھاتیں",
        [
            ("chromite", "Chromite ore", "铬铁矿", "کرومائٹ کچ دھات", []),
            ("copper-concentrate", "Copper concentrate", "铜精矿", "تانبے کا کنسنٹریٹ", []),
            ("rock-salt", "Rock salt", "岩盐", "سینڈھا نمک", []),
            ("barite", "Barite", "重晶石", "بیرائٹ", []),
            ("gypsum", "Gypsum", "石膏", "جپسم", []),
        ],
    ),
    (
        "metals",
        "Metals",
        "金属",
        "دھاتیں",
        [
            ("copper", "Copper", "铜", "تانبا", []),
            ("aluminium", "Aluminium", "铝", "ایلومینیم", []),
            ("steel", "Steel", "钢材", "اسٹیل", []),
        ],
    ),
    (
        "construction",
        "Construction materials",
        "建筑材料",
        "تعمیراتی سامان",
        [
            ("marble-granite", "Marble and granite", "大理石及花岗岩", "سنگ مرمر اور گرینائٹ", []),
            ("cement", "Cement", "水泥", "سیمنٹ", []),
        ],
    ),
    (
        "machinery",
        "Machinery and parts",
        "机械及零部件",
        "مشینری اور پرزے",
        [
            ("mining-machinery", "Mining machinery", "采矿机械", "کان کنی کی مشینری", []),
            ("drilling-tools", "Drilling tools", "钻探工具", "ڈرلنگ کے اوزار", []),
        ],
    ),
]


def ensure_category_tree(tree: list[CategoryNode] = CATEGORY_TREE) -> int:
    """Create or update the tree by slug (idempotent); returns how many nodes it holds."""
    existing = {category.slug: category for category in db.session.scalars(select(Category))}
    count = 0

    def place(nodes: list[CategoryNode], parent: Category | None) -> None:
        nonlocal count
        for position, (slug, name_en, name_zh, name_ur, children) in enumerate(nodes):
            category = existing.get(slug) or Category(slug=slug)
            category.name_en, category.name_zh, category.name_ur = name_en, name_zh, name_ur
            category.parent = parent
            category.position = position
            db.session.add(category)
            count += 1
            place(children, category)

    place(tree, None)
    db.session.flush()
    return count


def indented_category_names(locale: str) -> list[tuple[str, str]]:
    """(slug, name) for the whole tree in display order, children indented under parents."""
    categories = list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[str, str]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            ordered.append((category.slug, "— " * depth + category.name_for(locale)))
            walk(category.id, depth + 1)

    walk(None, 0)
    return ordered
