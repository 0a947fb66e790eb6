"""A publication as rows of text and numbers: one shape for the page, the CSV and the JSON."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import get_locale, gettext

from app.services.listings.import_cells import neutralise
from app.services.statistics.publication import (
    Figure,
    Measure,
    Publication,
    PublishedTable,
    RowDimension,
)
from app.web.statistics.labels import chapter_label, confidential, month_label, row_label

_HUNDRED = Decimal(100)
_TONNE_G = Decimal(1_000_000)


def measure_value(figure: Figure, measure: Measure) -> Decimal:
    if measure is Measure.WEIGHT:
        return (Decimal(figure.net_weight_g) / _TONNE_G).quantize(Decimal("0.001"))
    if measure is Measure.SHIPMENTS:
        return Decimal(figure.shipments)
    return (Decimal(figure.value_minor) / _HUNDRED).quantize(Decimal("0.01"))


_FORMATS = {Measure.VALUE: "#,##0", Measure.WEIGHT: "#,##0.0", Measure.SHIPMENTS: "#,##0"}


def display(
    figure: Figure,
    measure: Measure,
    disclosed: bool,
    locale: Locale | None = None,
    confidential_text: str | None = None,
) -> str:
    """A figure as the page prints it in ``locale`` (the reader's when None)."""
    if disclosed and figure.confidential:
        return confidential_text or confidential()
    if not figure.has_trade:
        return "–"
    value = measure_value(figure, measure)
    if measure is Measure.VALUE:
        value = value.quantize(Decimal(1))
    return str(babel_format_decimal(value, format=_FORMATS[measure], locale=locale or get_locale()))


@dataclass(frozen=True)
class Cell:
    text: str
    figure: Figure


@dataclass(frozen=True)
class Row:
    key: str | None
    label: str
    cells: list[Cell]
    total: Cell


@dataclass(frozen=True)
class Grid:
    columns: list[str]
    rows: list[Row]
    totals: Row


def grid(
    table: PublishedTable,
    measure: Measure,
    disclosed: bool,
    *,
    by: RowDimension,
    yearly: bool = False,
) -> Grid:
    # One locale and one translation for the whole table: hundreds of cells each.
    locale, hidden_text = get_locale(), confidential()

    def cell(row: str | None, column: date | None) -> Cell:
        figure = table.figure(row, column)
        return Cell(display(figure, measure, disclosed, locale, hidden_text), figure)

    def label(key: str) -> str:
        return chapter_label(key) if yearly else row_label(by, key)

    columns = [str(c.year) if yearly else month_label(c) for c in table.columns]
    rows = [
        Row(key, label(key), [cell(key, c) for c in table.columns], cell(key, None))
        for key in table.rows
    ]
    totals = Row(None, gettext("Total"), [cell(None, c) for c in table.columns], cell(None, None))
    return Grid(columns, rows, totals)


def _json_figure(figure: Figure, disclosed: bool) -> dict[str, Any]:
    # A stable code in every language: downloads are read by programs, not people.
    if disclosed and figure.confidential:
        return {"status": "confidential"}
    shown: dict[str, Any] = {
        "value_usd": str(measure_value(figure, Measure.VALUE)),
        "net_weight_t": str(measure_value(figure, Measure.WEIGHT)),
        "shipments": figure.shipments,
    }
    if not disclosed and figure.hidden is not None:
        shown["hidden_from_public"] = figure.hidden.value
    return shown


def _json_table(table: PublishedTable, disclosed: bool, yearly: bool) -> dict[str, Any]:
    def period(column: date | None) -> str:
        if column is None:
            return "total"
        return str(column.year) if yearly else column.strftime("%Y-%m")

    return {
        "periods": [period(c) for c in table.columns],
        "rows": [
            {
                "key": row,
                "cells": {
                    period(c): _json_figure(table.figure(row, c), disclosed)
                    for c in [*table.columns, None]
                },
            }
            for row in [*table.rows, None]
        ],
    }


def as_json(publication: Publication) -> dict[str, Any]:
    query = publication.query
    return {
        "filters": {
            "year": publication.year,
            "direction": query.direction.value if query.direction else None,
            "chapter": query.chapter,
            "heading": query.heading,
            "loading": query.port_of_loading,
            "discharge": query.port_of_discharge,
            "incoterm_group": query.incoterm_group.value if query.incoterm_group else None,
            "by": query.by.value,
        },
        "currency": "USD",
        "latest_month_published": (
            publication.monthly.columns[-1].strftime("%Y-%m")
            if publication.monthly.columns
            else None
        ),
        "monthly": _json_table(publication.monthly, publication.disclosed, yearly=False),
        "restricted_chapters_yearly": _json_table(
            publication.restricted, publication.disclosed, yearly=True
        ),
    }


def as_csv(publication: Publication) -> str:
    """Long format: one line per published position and measure (row "total" for totals).

    The same in every language: English column codes, and a confidential figure has its
    three measures empty and ``confidential`` = ``true`` (never a zero, never a word that
    changes with the reader's language); other lines have ``confidential`` = ``false``.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["table", "row", "period", "value_usd", "net_weight_t", "shipments", "confidential"]
    )
    for name, table, yearly in (
        ("monthly", publication.monthly, False),
        ("restricted_yearly", publication.restricted, True),
    ):
        for row in [*table.rows, None]:
            for column in [*table.columns, None]:
                figure = table.figure(row, column)
                period = (
                    "total"
                    if column is None
                    else (str(column.year) if yearly else column.strftime("%Y-%m"))
                )
                if publication.disclosed and figure.confidential:
                    texts = ["", "", "", "true"]
                else:
                    texts = [
                        str(measure_value(figure, Measure.VALUE)),
                        str(measure_value(figure, Measure.WEIGHT)),
                        str(figure.shipments),
                        "false",
                    ]
                # Port names are typed by sellers: never a formula in a spreadsheet.
                key = neutralise(row) if row is not None else "total"
                writer.writerow([name, key, period, *texts])
    return out.getvalue()
