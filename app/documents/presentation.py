"""What the documents' layout works out beyond their content: column widths from the figures
the tables print, amounts in words, country names in Chinese, the letterhead.

Kept apart from ``app.documents.layout`` (which derives the trade content: package ranges,
DG rows, origin rows) so either can change without the other.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import cache
from typing import Any

from babel import Locale

from app.documents import labels
from app.documents.amount_words import amount_in_words
from app.documents.columns import Column, TableLayout, table_layout
from app.models import DocumentKind

Snapshot = dict[str, Any]
Formatter = Callable[..., str]

_WORDS_KINDS = frozenset(
    {DocumentKind.PROFORMA_INVOICE, DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE}
)


@cache
def _chinese_territories() -> dict[str, str]:
    return dict(Locale("zh_Hans").territories)


def country_zh(code: str | None) -> str:
    """The country's name in Simplified Chinese (CLDR), for the Chinese text of a document."""
    if not code:
        return ""
    return _chinese_territories().get(code.upper(), code)


def _english(key: str) -> str:
    return labels.FIELDS[key][0]


def goods_layout(
    snapshot: Snapshot, money: Formatter, quantity: Formatter, unit_price: Formatter, tax: bool
) -> TableLayout:
    """The goods lines' columns (see ``_blocks.html`` ``goods_lines``)."""
    cur = snapshot["currency"]
    lines = snapshot["lines"]
    amounts = [money(line["line_total_minor"], cur) for line in lines]
    columns = [
        Column(_english("line_no"), [str(line["no"]) for line in lines], numeric=True, min_mm=7),
        Column(_english("description"), weight=5.0, min_mm=30),
        Column(_english("hs_code"), [str(line["hs_code"]) for line in lines], numeric=True),
        Column(_english("origin"), weight=1.0, min_mm=14),
        Column(
            _english("quantity"),
            [quantity(line["quantity"], line["unit"]) for line in lines],
            numeric=True,
        ),
        Column(
            f"{_english('unit_price')} ({cur})",
            [unit_price(line["unit_price_minor"], cur) for line in lines],
            numeric=True,
        ),
    ]
    if tax:
        rate = f"{snapshot['amounts']['tax_rate_percent']}%"
        columns += [
            Column(_english("value_excl_tax"), amounts, numeric=True),
            Column(_english("tax_rate"), [rate], numeric=True),
            Column(_english("sales_tax"), [money(0, cur)], numeric=True),
            Column(_english("value_incl_tax"), amounts, numeric=True),
        ]
    else:
        columns.append(Column(f"{_english('amount')} ({cur})", amounts, numeric=True))
    return table_layout(columns)


def packing_layout(
    snapshot: Snapshot, rows: list[Snapshot], kg: Formatter, cbm: Formatter, number: Formatter
) -> TableLayout:
    """The packing list's package columns (see ``packing_list.html``)."""
    ship = snapshot.get("shipment") or {}

    def dims(row: Snapshot) -> str:
        if not row.get("length_mm"):
            return "—"
        return f"{row['length_mm']}×{row['width_mm']}×{row['height_mm']}"

    totals_net = [kg(ship.get("net_weight_g"))] if ship else []
    totals_gross = [kg(ship.get("gross_weight_g"))] if ship else []
    columns = [
        Column(
            _english("package_no"),
            [f"{r['first']}–{r['last']}" for r in rows],
            numeric=True,
        ),
        Column(
            _english("packages"),
            [number(r["count"]) for r in rows] + [number(ship.get("package_count"))],
            numeric=True,
        ),
        Column(_english("package_type"), weight=1.0, min_mm=14),
        Column(_english("marks"), weight=2.0, min_mm=20),
        Column(_english("contents"), weight=2.0, min_mm=20),
        Column(
            _english("net_weight"), [kg(r["net_weight_g"]) for r in rows] + totals_net, numeric=True
        ),
        Column(
            _english("gross_weight"),
            [kg(r["gross_weight_g"]) for r in rows] + totals_gross,
            numeric=True,
        ),
        # Wide enough for "长×宽×高" on one line even when every row prints "—".
        Column("L×W×H (mm)", [dims(r) for r in rows], numeric=True, min_mm=16),
        Column(_english("volume"), [cbm(r["cbm_milli"]) for r in rows], numeric=True),
    ]
    return table_layout(columns)


def letterhead_view(snapshot: Snapshot, pictures: Collection[str]) -> dict[str, object]:
    """Logo, stamp and signatory as the page prints them (old snapshots have none)."""
    seller = snapshot["seller"]
    frozen = seller.get("letterhead") or {}
    return {
        "logo": bool(frozen.get("logo")) and "logo" in pictures,
        "stamp": bool(frozen.get("stamp")) and "stamp" in pictures,
        "signatory": {
            "name": frozen.get("signatory_name"),
            "title": frozen.get("signatory_title"),
            "place": frozen.get("signing_place") or seller.get("city"),
        },
    }


def presentation_view(
    kind: DocumentKind,
    snapshot: Snapshot,
    view: Snapshot,
    pictures: Collection[str],
    helpers: Mapping[str, Any],
) -> dict[str, object]:
    """Everything above for one document, merged into its view by ``layout``."""
    money, number = helpers["money"], helpers["number"]
    extra: dict[str, object] = letterhead_view(snapshot, pictures)
    if kind in (DocumentKind.PROFORMA_INVOICE, DocumentKind.COMMERCIAL_INVOICE):
        tax = kind is DocumentKind.COMMERCIAL_INVOICE
        extra["goods_layout"] = goods_layout(
            snapshot, money, helpers["quantity"], helpers["unit_price"], tax
        )
    if kind is DocumentKind.PACKING_LIST:
        extra["packing_layout"] = packing_layout(
            snapshot, view["package_rows"], helpers["kg"], helpers["cbm"], number
        )
    if kind in _WORDS_KINDS:
        minor = (
            (snapshot.get("credit") or {}).get("amount_minor") or 0
            if kind is DocumentKind.CREDIT_NOTE
            # A final invoice's words say what it asks (or gives back), not the value.
            else max(snapshot["amounts"].get("due_minor", snapshot["amounts"]["total_minor"]), 0)
        )
        extra["amount_words"] = amount_in_words(int(minor), snapshot["currency"])
    if kind is DocumentKind.CERTIFICATE_OF_ORIGIN:
        origins = {line["origin_country"] for line in snapshot["lines"]}
        extra["origin_country_zh"] = country_zh(
            origins.pop() if len(origins) == 1 else snapshot["seller"]["country"]
        )
    return extra
