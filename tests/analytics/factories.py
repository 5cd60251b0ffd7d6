"""Rows for analytics tests, inserted the way the sync writes them (then rolled up)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy.orm import Session

from trafficdash.analytics.rollups import refresh_all_rollups
from trafficdash.models import Ad, AdAccount, AdSet, BreakdownInsight, Campaign, DailyInsight, PeriodReach

_ids = count(9_000_000_001)


def account(session: Session, account_id: int, currency: str = "USD", name: str | None = None) -> AdAccount:
    acc = AdAccount(
        id=account_id, name=name or f"Account {account_id}", currency=currency, timezone_name="UTC"
    )
    session.add(acc)
    session.flush()
    return acc


def campaign(
    session: Session,
    acc: AdAccount,
    name: str = "Campaign",
    status: str = "ACTIVE",
    objective: str = "OUTCOME_SALES",
) -> Campaign:
    c = Campaign(
        id=next(_ids),
        ad_account_id=acc.id,
        name=name,
        status=status,
        effective_status=status,
        objective=objective,
    )
    session.add(c)
    session.flush()
    return c


def ad_set(session: Session, c: Campaign, name: str = "Ad set") -> AdSet:
    s = AdSet(id=next(_ids), ad_account_id=c.ad_account_id, campaign_id=c.id, name=name)
    session.add(s)
    session.flush()
    return s


def ad(session: Session, s: AdSet, name: str = "Ad", creative: dict | None = None) -> Ad:
    a = Ad(
        id=next(_ids),
        ad_account_id=s.ad_account_id,
        campaign_id=s.campaign_id,
        ad_set_id=s.id,
        name=name,
        creative=creative or {},
    )
    session.add(a)
    session.flush()
    return a


def day_row(
    session: Session,
    a: Ad,
    day: date,
    *,
    impressions: int = 1000,
    clicks: int = 10,
    link_clicks: int = 8,
    spend: str = "12.34",
    conversions: str = "1",
    conversion_value: str = "50",
    reach: int = 800,
) -> DailyInsight:
    row = DailyInsight(
        ad_id=a.id,
        date=day,
        ad_account_id=a.ad_account_id,
        campaign_id=a.campaign_id,
        ad_set_id=a.ad_set_id,
        impressions=impressions,
        clicks=clicks,
        link_clicks=link_clicks,
        spend=Decimal(spend),
        conversions=Decimal(conversions),
        conversion_value=Decimal(conversion_value),
        reach=reach,
    )
    session.add(row)
    return row


def breakdown_row(
    session: Session,
    a: Ad,
    day: date,
    kind: str,
    v1: str,
    v2: str = "",
    *,
    impressions: int = 100,
    clicks: int = 1,
    spend: str = "1.00",
) -> BreakdownInsight:
    row = BreakdownInsight(
        ad_id=a.id,
        date=day,
        breakdown=kind,
        value_1=v1,
        value_2=v2,
        ad_account_id=a.ad_account_id,
        campaign_id=a.campaign_id,
        ad_set_id=a.ad_set_id,
        impressions=impressions,
        clicks=clicks,
        spend=Decimal(spend),
    )
    session.add(row)
    return row


def period_reach(
    session: Session, level: str, entity_id: int, account_id: int, since: date, until: date, reach: int
) -> None:
    session.add(
        PeriodReach(
            level=level,
            entity_id=entity_id,
            ad_account_id=account_id,
            date_start=since,
            date_stop=until,
            reach=reach,
        )
    )


def days(since: date, n: int) -> list[date]:
    return [since + timedelta(days=i) for i in range(n)]


def roll_up(session: Session, *accounts: AdAccount) -> None:
    session.flush()
    for acc in accounts:
        refresh_all_rollups(session, acc.id)
    session.commit()
