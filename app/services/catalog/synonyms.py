"""Words of the trade that name the same goods, in English, Chinese and Urdu.

A search for any phrase of a group finds listings that carry any other phrase of it: a
Chinese buyer's 铬矿 finds "chromite ore" offered in English only, and "detonator" finds
a listing written as 雷管. Each group is one set of goods; a phrase is matched whole
(all its words, in order). English phrases are stemmed by the index like any word, so
the singular covers the plural.
"""

from __future__ import annotations

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("chromite", "chrome ore", "chromium ore", "铬矿", "铬矿石", "کرومائٹ"),
    ("detonator", "blasting cap", "雷管", "ڈیٹونیٹر"),
    ("ammonium nitrate", "硝酸铵", "امونیم نائٹریٹ"),
    ("emulsion explosive", "乳化炸药"),
    ("detonating cord", "导爆索"),
    ("booster", "起爆具"),
    ("barite", "barytes", "重晶石"),
    ("copper cathode", "电解铜", "阴极铜"),
    ("rebar", "reinforcing bar", "deformed bar", "螺纹钢", "سریا"),
    ("portland cement", "硅酸盐水泥", "سیمنٹ"),
    ("himalayan salt", "rock salt", "岩盐", "喜马拉雅盐"),
    ("sulphuric acid", "sulfuric acid", "硫酸", "گندھک کا تیزاب"),
    ("granite", "花岗岩"),
    ("marble", "大理石", "سنگ مرمر"),
    ("jaw crusher", "颚式破碎机"),
    ("toluene", "甲苯"),
    ("soda ash", "sodium carbonate", "纯碱", "碳酸钠"),
)
