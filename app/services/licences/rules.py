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

from flask_babel import LazyString, lazy_gettext

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


# What an amendment's sanction reference is, by (jurisdiction, kind); (None, kind) for any
# jurisdiction. Only an EL-01 needs the Federal Government's sanction (Explosives Rules
# 2010, rule 111(1)(b)); a MIIT approval serves one shipment and is reissued, not amended.
AMENDMENT_HINTS: dict[tuple[str | None, LicenceKind], LazyString] = {
    ("PK", K.MANUFACTURE): lazy_gettext(
        "Pakistan: an EL-01 is amended only with the Federal Government's sanction"
        " (Explosives Rules 2010, rule 111(1)(b)). Give the sanction's reference."
    ),
    ("CN", K.PER_SHIPMENT_APPROVAL): lazy_gettext(
        "China: MIIT does not amend an approval (审批单); it issues a new one. Give the"
        " number of MIIT's new approval or of its letter."
    ),
    (None, K.END_USER_CERTIFICATE): lazy_gettext(
        "Give the reference of the end user's reissued certificate, or of the authority's"
        " endorsement of the change."
    ),
}
DEFAULT_AMENDMENT_HINT = lazy_gettext(
    "Give the reference of the issuing authority's letter approving the change."
)


def amendment_hint(jurisdiction: str | None, kind: LicenceKind) -> LazyString:
    """The hint for an amendment's sanction reference that fits this licence."""
    country = (jurisdiction or "").upper()
    return AMENDMENT_HINTS.get(
        (country, kind), AMENDMENT_HINTS.get((None, kind), DEFAULT_AMENDMENT_HINT)
    )


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
