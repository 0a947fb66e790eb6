"""The jurisdiction rules: which licence kinds each gate of a controlled sale needs.

Facts behind the table (see docs/DECISIONS.md, "Controlled goods"):
- Pakistan (Explosives Act 1884, Explosives Rules 2010): makers hold an EL-01 licence,
  dealers a sale licence; imports and exports go under an import or export licence.
- China (MIIT/MPS/GACC Order No. 21): every import or export shipment of civil
  explosives needs its own MIIT approval (民用爆炸物品进/出口审批单), applied for only by a
  production or sales licence holder; the approval is bound to that one shipment.
Countries outside the table follow ``DEFAULT_RULES`` (licences, no per-shipment approval).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models.licence import LicenceGoods, LicenceKind

K = LicenceKind


@dataclass(frozen=True)
class JurisdictionRules:
    # Publishing a class-1 listing: any one of these, covering its UN number.
    publish: frozenset[LicenceKind]
    # Buying (placing an order, awarding a quote): any one of these, covering every UN
    # number and the net explosive mass.
    buy: frozenset[LicenceKind]
    # Selling (accepting an order): likewise.
    sell: frozenset[LicenceKind]
    # Recording a shipment needs a per-shipment approval bound to the order, on the side
    # whose country requires one.
    approval_per_shipment: bool


K_TRADE_PUBLISH = frozenset({K.MANUFACTURE, K.SALE})

RULES: dict[str, JurisdictionRules] = {
    "PK": JurisdictionRules(
        publish=K_TRADE_PUBLISH,
        buy=frozenset({K.IMPORT, K.PER_SHIPMENT_APPROVAL}),
        sell=frozenset({K.EXPORT, K.PER_SHIPMENT_APPROVAL}),
        approval_per_shipment=False,
    ),
    "CN": JurisdictionRules(
        publish=K_TRADE_PUBLISH,
        buy=frozenset({K.IMPORT, K.PER_SHIPMENT_APPROVAL}),
        sell=frozenset({K.EXPORT, K.PER_SHIPMENT_APPROVAL}),
        approval_per_shipment=True,
    ),
}

DEFAULT_RULES = RULES["PK"]


def rules_for(country: str | None) -> JurisdictionRules:
    return RULES.get((country or "").upper(), DEFAULT_RULES)


def is_controlled(hazard_class: str | None, flagged: bool = False) -> bool:
    """Class 1 (explosives: "1", "1.1D", "1.4S" ...) or flagged controlled by the seller."""
    return flagged or (hazard_class or "").strip().startswith("1")


def split_class(hazard_class: str | None) -> tuple[str | None, str | None]:
    """("1.1", "B") from "1.1B"; (None, None) when not class 1."""
    text = (hazard_class or "").strip().upper()
    if not text.startswith("1"):
        return None, None
    if text[-1:].isalpha():
        return text[:-1] or None, text[-1]
    return text, None


def goods_cover(
    goods: LicenceGoods, *, un_number: str | None, hazard_class: str | None, hs_code: str | None
) -> bool:
    """Whether one goods line of a licence covers a line of goods."""
    if goods.un_number:
        return bool(un_number) and goods.un_number.upper() == (un_number or "").upper()
    if goods.division:
        division, group = split_class(hazard_class)
        if division != goods.division:
            return False
        return goods.compatibility_group is None or goods.compatibility_group == group
    if goods.hs_code:
        return bool(hs_code) and (hs_code or "").startswith(goods.hs_code)
    return False
