"""Names the statistics pages print: HS chapters, directions, Incoterm groups, measures."""

from __future__ import annotations

from datetime import date
from functools import cache

from babel.dates import format_skeleton
from flask_babel import LazyString, format_date, get_locale, gettext
from flask_babel import lazy_gettext as _l

from app.models import FlowDirection, IncotermGroup, LicenceKind
from app.reference.places import folded, labelled_code, unlocode_rows
from app.services.statistics.publication import Measure, RowDimension

# The chapters of the Harmonized System this corridor trades in most (others print their number).
CHAPTERS: dict[str, LazyString] = {
    "25": _l("Salt, sulphur, earths and stone, lime and cement"),
    "26": _l("Ores, slag and ash"),
    "27": _l("Mineral fuels and oils"),
    "28": _l("Inorganic chemicals"),
    "29": _l("Organic chemicals"),
    "31": _l("Fertilisers"),
    "36": _l("Explosives and pyrotechnic products"),
    "38": _l("Miscellaneous chemical products"),
    "68": _l("Articles of stone, plaster and cement"),
    "72": _l("Iron and steel"),
    "73": _l("Articles of iron or steel"),
    "84": _l("Machinery and mechanical appliances"),
}

DIRECTIONS: dict[FlowDirection, LazyString] = {
    FlowDirection.PK_CN: _l("Pakistan → China"),
    FlowDirection.CN_PK: _l("China → Pakistan"),
    FlowDirection.OTHER: _l("Other routes"),
}

INCOTERM_GROUPS: dict[IncotermGroup, LazyString] = {
    IncotermGroup.E: _l("E terms (EXW): buyer collects"),
    IncotermGroup.F: _l("F terms (FCA, FAS, FOB): main carriage unpaid"),
    IncotermGroup.C: _l("C terms (CPT, CIP, CFR, CIF): main carriage paid"),
    IncotermGroup.D: _l("D terms (DAP, DPU, DDP): delivered"),
}

ROW_DIMENSIONS: dict[RowDimension, LazyString] = {
    RowDimension.CHAPTER: _l("HS chapter"),
    RowDimension.HEADING: _l("HS heading"),
    RowDimension.PORTS: _l("Port pair"),
    RowDimension.INCOTERM: _l("Incoterm group"),
    RowDimension.DIRECTION: _l("Direction"),
}

MEASURES: dict[Measure, LazyString] = {
    Measure.VALUE: _l("Value (US$)"),
    Measure.WEIGHT: _l("Net weight (tonnes)"),
    Measure.SHIPMENTS: _l("Shipments"),
}


def chapter_label(chapter: str) -> str:
    name = CHAPTERS.get(chapter)
    return f"{chapter} · {name}" if name else gettext("Chapter %(chapter)s", chapter=chapter)


def row_label(by: RowDimension, key: str) -> str:
    if by is RowDimension.CHAPTER:
        return chapter_label(key)
    if by is RowDimension.HEADING:
        return str(gettext("Heading %(heading)s", heading=f"{key[:2]}.{key[2:]}"))
    if by is RowDimension.DIRECTION and key in FlowDirection._value2member_map_:
        return str(DIRECTIONS[FlowDirection(key)])
    if by is RowDimension.INCOTERM and key in IncotermGroup._value2member_map_:
        return str(INCOTERM_GROUPS[IncotermGroup(key)])
    if by is RowDimension.PORTS:
        return " → ".join(port_name(port) for port in key.split(" → "))
    return key


@cache
def _local_place_names() -> dict[str, tuple[str | None, str | None]]:
    """Chinese and Urdu names of places, by code and by folded English name; a seaport
    wins over a town or airport of the same name."""
    names: dict[str, tuple[str | None, str | None]] = {}
    rows = [row for row in unlocode_rows() if row.name_zh or row.name_ur]
    for row in sorted(rows, key=lambda row: not row.is_port):
        names.setdefault(row.locode, (row.name_zh, row.name_ur))
        for name in (row.seaport_name, row.name, row.name_ascii):
            if name:
                names.setdefault(folded(name), (row.name_zh, row.name_ur))
    return names


def port_name(port: str) -> str:
    """A port as sellers wrote it ("Karachi", "Qingdao (CNTAO)") in the reader's language
    where the place reference has a name for it; otherwise as written."""
    language = str(get_locale() or "en")[:2]
    if language not in ("zh", "ur"):
        return port
    code = labelled_code(port)
    found = _local_place_names().get(code or folded(port))
    local = found and (found[0] if language == "zh" else found[1])
    if not local:
        return port
    return f"{local} ({code})" if code else local


def short_row_label(by: RowDimension, key: str) -> str:
    """A row's name short enough for a chart axis (the table beside it has the long one)."""
    if by is RowDimension.CHAPTER:
        return str(gettext("Chapter %(chapter)s", chapter=key))
    if by is RowDimension.INCOTERM:
        return str(gettext("%(group)s terms", group=key))
    return row_label(by, key)


def month_label(month: date) -> str:
    return str(format_date(month, "MMM y"))


def month_and_year(day: date) -> str:
    """ "March 2019" as the reader's language writes it (2019年3月, مارچ 2019)."""
    return str(format_skeleton("yMMMM", day, locale=get_locale() or "en"))


def confidential() -> str:
    """What a suppressed figure reads on the page (downloads carry a stable code)."""
    return str(gettext("confidential"))


LICENCE_KINDS: dict[LicenceKind, LazyString] = {
    LicenceKind.MANUFACTURE: _l("Manufacture licence"),
    LicenceKind.SALE: _l("Sale licence"),
    LicenceKind.EXPORT: _l("Export licence"),
    LicenceKind.IMPORT: _l("Import licence"),
    LicenceKind.PER_SHIPMENT_APPROVAL: _l("Per-shipment approval"),
    LicenceKind.END_USER_CERTIFICATE: _l("End-user certificate"),
}

VOLUME_BANDS: dict[str, LazyString] = {
    "under_100": _l("under 100 t"),
    "100_1000": _l("100 to 1,000 t"),
    "1000_10000": _l("1,000 to 10,000 t"),
    "over_10000": _l("over 10,000 t"),
}
