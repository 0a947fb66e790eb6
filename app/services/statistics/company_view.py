"""A company's own trade against the published corridor totals of its headings.

The company sees its own figures in full (they are its own) and the public totals as the
public does: where a total is confidential, so is the share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import TradeFlowFact
from app.services.statistics import disclosure
from app.services.statistics.publication import (
    Figure,
    Publication,
    RowDimension,
    StatisticsQuery,
    published_tables,
)


@dataclass(frozen=True)
class HeadingShare:
    heading: str  # an HS heading, or a restricted chapter (rolled up)
    rolled_up: bool
    sold_minor: int
    bought_minor: int
    corridor: Figure | None  # None: not published for this period (restricted, year open)

    @property
    def share(self) -> Decimal | None:
        """The company's sales and purchases as a fraction of the published total."""
        if self.corridor is None or self.corridor.confidential or not self.corridor.value_minor:
            return None
        own = self.sold_minor + self.bought_minor
        return (Decimal(own) / Decimal(self.corridor.value_minor)).quantize(Decimal("0.0001"))


@dataclass(frozen=True)
class CompanyFlows:
    year: int | None
    years: list[int]
    headings: list[HeadingShare]
    publication: Publication


def company_flows(company_id: int, year: int | None, today: date) -> CompanyFlows:
    """The company's published-period trade by heading, beside the corridor's totals."""
    publication = published_tables(
        StatisticsQuery(year=year, by=RowDimension.HEADING), today, disclose=True
    )
    chosen = publication.year
    if chosen is None:
        return CompanyFlows(None, [], [], publication)
    start = date(chosen, 1, 1)
    end = min(date(chosen + 1, 1, 1), publication.cutoff)
    restricted = frozenset(publication.restricted_chapters)
    own: dict[str, list[int]] = {}
    for side, column in (
        (0, TradeFlowFact.seller_id),
        (1, TradeFlowFact.buyer_id),
    ):
        rows = db.session.execute(
            sa.select(TradeFlowFact.hs4, sa.func.sum(TradeFlowFact.value_usd_minor))
            .where(column == company_id, TradeFlowFact.month >= start, TradeFlowFact.month < end)
            .group_by(TradeFlowFact.hs4)
        )
        for heading, value in rows:
            key = heading[:2] if disclosure.is_restricted(heading, restricted) else heading
            own.setdefault(key, [0, 0])[side] += int(value)
    yearly = date(chosen, 1, 1)
    headings = []
    for key in sorted(own):
        rolled_up = len(key) == 2
        if rolled_up:
            corridor = (
                publication.restricted.figure(key, yearly)
                if yearly in publication.restricted.columns
                else None
            )
        else:
            corridor = publication.monthly.figure(key, None)
        headings.append(HeadingShare(key, rolled_up, own[key][0], own[key][1], corridor))
    return CompanyFlows(chosen, publication.years, headings, publication)
