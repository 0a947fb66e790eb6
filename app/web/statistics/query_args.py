"""The statistics filters as the URL carries them; anything that does not parse is ignored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from app.models import FlowDirection, IncotermGroup
from app.services.statistics.publication import Measure, RowDimension, StatisticsQuery

_CHAPTER = re.compile(r"\d{2}")
_HEADING = re.compile(r"\d{4}")
_YEAR = re.compile(r"\d{4}")
MAX_PORT = 100


def _choice(enum_class: Any, raw: str | None, default: Any = None) -> Any:
    return enum_class(raw) if raw in enum_class._value2member_map_ else default


def parse_statistics_args(args: Mapping[str, str]) -> StatisticsQuery:
    year_text = (args.get("year") or "").strip()
    chapter = (args.get("chapter") or "").strip()
    heading = (args.get("heading") or "").strip().replace(".", "")
    loading = " ".join((args.get("loading") or "").split())[:MAX_PORT] or None
    discharge = " ".join((args.get("discharge") or "").split())[:MAX_PORT] or None
    return StatisticsQuery(
        year=int(year_text) if _YEAR.fullmatch(year_text) else None,
        direction=_choice(FlowDirection, args.get("direction")),
        chapter=chapter if _CHAPTER.fullmatch(chapter) else None,
        heading=heading if _HEADING.fullmatch(heading) else None,
        port_of_loading=loading,
        port_of_discharge=discharge,
        incoterm_group=_choice(IncotermGroup, args.get("incoterm")),
        by=_choice(RowDimension, args.get("by"), RowDimension.CHAPTER),
        measure=_choice(Measure, args.get("measure"), Measure.VALUE),
    )


def query_args(query: StatisticsQuery, **changes: Any) -> dict[str, str]:
    """The URL arguments of ``query`` (with ``changes``), leaving defaults out."""
    values: dict[str, Any] = {
        "year": query.year,
        "direction": query.direction.value if query.direction else None,
        "chapter": query.chapter,
        "heading": query.heading,
        "loading": query.port_of_loading,
        "discharge": query.port_of_discharge,
        "incoterm": query.incoterm_group.value if query.incoterm_group else None,
        "by": query.by.value if query.by is not RowDimension.CHAPTER else None,
        "measure": query.measure.value if query.measure is not Measure.VALUE else None,
    }
    values.update(changes)
    return {key: str(value) for key, value in values.items() if value not in (None, "")}
