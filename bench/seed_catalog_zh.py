"""Chinese wording for a third of the bench listings, as sellers write it for MCCT's buyers.

Drawn from its own generator seeded by the listing id, so adding it changed none of the
other seeded data. Names per leaf category; the catalogue's Chinese search bench
(``catalog_zh_search``) looks for them.
"""

from __future__ import annotations

import random

CHINESE_NAMES: dict[str, tuple[str, ...]] = {
    "commercial-explosives": ("乳化炸药", "铵油炸药", "水胶炸药", "膨化硝铵炸药"),
    "detonators": ("导爆管雷管", "电雷管", "电子雷管", "毫秒延期雷管"),
    "detonating-cord": ("导爆索", "低能导爆索", "塑料导爆索"),
    "boosters": ("起爆具", "铸装起爆药柱", "梯恩梯/黑索金起爆药柱"),
    "nitrates": ("硝酸铵", "工业硝酸铵", "硝酸钠", "硝酸钾", "硝酸钙铵"),
    "acids": ("硫酸", "硝酸", "盐酸", "磷酸"),
    "solvents": ("甲苯", "甲醇", "丙酮", "混合二甲苯", "乙酸乙酯"),
    "chromite": ("铬矿", "铬矿石", "铬精矿", "冶金级铬矿"),
    "copper-concentrate": ("铜精矿", "黄铜矿精矿"),
    "rock-salt": ("喜马拉雅岩盐", "岩盐", "工业盐"),
    "barite": ("重晶石", "重晶石粉", "钻井级重晶石"),
    "gypsum": ("天然石膏", "石膏粉"),
    "copper": ("电解铜", "阴极铜", "铜杆", "铜排"),
    "aluminium": ("铝锭", "铝板", "铝型材", "铝箔"),
    "steel": ("螺纹钢", "热轧钢卷", "钢坯", "镀锌钢管"),
    "marble-granite": ("大理石板材", "白色大理石", "黑金沙花岗岩", "缟玛瑙砖"),
    "cement": ("普通硅酸盐水泥", "抗硫酸盐水泥", "白水泥", "水泥熟料"),
    "mining-machinery": ("颚式破碎机", "球磨机", "振动筛", "圆锥破碎机", "浮选机"),
    "drilling-tools": ("潜孔钻头", "硬质合金球齿钻头", "钻杆", "刮刀钻头"),
}
QUALIFIERS = ("", "出口级", "优质", "现货供应", "工厂直销")
COUNTRIES = {
    "PK": "巴基斯坦",
    "CN": "中国",
    "AF": "阿富汗",
    "IR": "伊朗",
    "TR": "土耳其",
    "ZA": "南非",
}


def chinese_text(product_id: int, category: str, origin: str) -> dict[str, str | None]:
    """``title_zh`` and ``description_zh`` for every third listing; None for the others."""
    names = CHINESE_NAMES.get(category)
    if product_id % 3 or not names:
        return {"title_zh": None, "description_zh": None}
    rng = random.Random(product_id)  # reproducible data, not secrets
    name = rng.choice(names)
    qualifier = rng.choice(QUALIFIERS)
    title = f"{qualifier}{name}" if qualifier else name
    country = COUNTRIES.get(origin, origin)
    return {
        "title_zh": title,
        "description_zh": f"{title}，原产地{country}。按合同规格供货，可提供检验证书，支持信用证付款。",
    }
