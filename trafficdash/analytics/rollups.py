"""Rebuild the rollup tables of one account for a date range from the ad-level insights.

The sync engine calls ``refresh_rollups`` after writing insights (inside its transaction, so
readers see either the old or the new rollups, never a half) and then
``cache.bump_account_version`` so cached answers for the account are dropped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from trafficdash.models import (
    AccountBreakdownRollup,
    AccountDailyRollup,
    BreakdownInsight,
    CampaignBreakdownRollup,
    CampaignDailyRollup,
    DailyInsight,
)

ADDITIVE = ("impressions", "clicks", "link_clicks", "spend", "conversions", "conversion_value")


def _sums(source: Any) -> list[Any]:
    return [func.coalesce(func.sum(getattr(source, name)), 0).label(name) for name in ADDITIVE]


def _rebuild(
    session: Session, target: Any, source: Any, keys: list[str], account_id: int, since: date, until: date
) -> None:
    session.execute(
        delete(target).where(target.ad_account_id == account_id, target.date >= since, target.date <= until)
    )
    key_cols = [getattr(source, k) for k in keys]
    rows = (
        select(*key_cols, *_sums(source))
        .where(source.ad_account_id == account_id, source.date >= since, source.date <= until)
        .group_by(*key_cols)
    )
    session.execute(insert(target).from_select([*keys, *ADDITIVE], rows))


def refresh_rollups(session: Session, account_id: int, since: date, until: date) -> None:
    """Replace the account's rollup rows for since..until (inclusive) with fresh sums.

    Idempotent; does not commit (the caller's unit of work does).
    """
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    _rebuild(session, AccountDailyRollup, DailyInsight, ["ad_account_id", "date"], account_id, since, until)
    _rebuild(
        session,
        CampaignDailyRollup,
        DailyInsight,
        ["campaign_id", "date", "ad_account_id"],
        account_id,
        since,
        until,
    )
    breakdown_keys = ["breakdown", "date", "value_1", "value_2"]
    _rebuild(
        session,
        AccountBreakdownRollup,
        BreakdownInsight,
        ["ad_account_id", *breakdown_keys],
        account_id,
        since,
        until,
    )
    _rebuild(
        session,
        CampaignBreakdownRollup,
        BreakdownInsight,
        ["campaign_id", "ad_account_id", *breakdown_keys],
        account_id,
        since,
        until,
    )
    session.flush()


def refresh_all_rollups(session: Session, account_id: int) -> None:
    """Rebuild every day the account has insights for (after a migration or a repair)."""
    bounds = session.execute(
        select(func.min(DailyInsight.date), func.max(DailyInsight.date)).where(
            DailyInsight.ad_account_id == account_id
        )
    ).one()
    b_bounds = session.execute(
        select(func.min(BreakdownInsight.date), func.max(BreakdownInsight.date)).where(
            BreakdownInsight.ad_account_id == account_id
        )
    ).one()
    starts = [d for d in (bounds[0], b_bounds[0]) if d is not None]
    stops = [d for d in (bounds[1], b_bounds[1]) if d is not None]
    if starts and stops:
        refresh_rollups(session, account_id, min(starts), max(stops))
