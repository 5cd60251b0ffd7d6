"""What a rule sees: its metric per subject (the account, one campaign, or each active campaign),
and the budget pacing of campaigns and ad sets — every number from the analytics service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.alerts import pacing, wording
from trafficdash.alerts.rules import (
    ADDITIVE_METRICS,
    TRAILING_DAYS,
    baseline_range,
    window_range,
)
from trafficdash.analytics import service as analytics
from trafficdash.analytics.entities import MAX_PAGE_SIZE
from trafficdash.analytics.metrics import HUNDRED, ratio
from trafficdash.analytics.schemas import Filters, Metrics
from trafficdash.i18n.metric_format import format_metric, format_metric_pair
from trafficdash.models import AdAccount, AdSet, AlertRule, Campaign
from trafficdash.zones import zone_or_utc

ACTIVE = "ACTIVE"


@dataclass
class Observation:
    """One subject's verdict: ``holds`` True (fire), False (clear) or None (cannot judge: no value,
    too little volume)."""

    subject_key: str
    subject_name: str
    campaign_id: int | None
    holds: bool | None
    title: str
    message: str
    values: dict[str, Any] = field(default_factory=dict)


def zone_of(account: AdAccount) -> ZoneInfo:
    return zone_or_utc(account.timezone_name)


def local_today(account: AdAccount, now: datetime) -> date:
    return now.astimezone(zone_of(account)).date()


def _num(value: Any) -> str | None:
    """Exact values rounded half-up for people (2 places; 4 below 1, where CTRs and ROAS live)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        places = Decimal("0.01") if abs(value) >= 1 else Decimal("0.0001")
        return str(value.quantize(places, rounding=ROUND_HALF_UP))
    return str(value)


def _shown(metric: str, value: Any, currency: str) -> str:
    """A value as a message shows it: money in the account's currency, counts, percent, ROAS."""
    return format_metric(metric, value, currency, "en")


def _metric_of(metrics: dict[str, Any], name: str) -> Any:
    return metrics.get(name)


def judge(
    rule: AlertRule,
    current: dict[str, Any],
    previous: dict[str, Any] | None,
    window_days: int,
    currency: str,
) -> tuple[bool | None, dict[str, Any], str]:
    """Apply the rule's condition and minimum volume to one subject's metrics."""
    value = _metric_of(current, rule.metric)
    spend = current.get("spend") or Decimal(0)
    impressions = current.get("impressions") or 0
    values: dict[str, Any] = {
        "metric": rule.metric,
        "value": _num(value),
        # Exact, so a reader in another language sees the difference that made the alert fire.
        "value_exact": None if value is None else str(value),
        "threshold": _num(rule.threshold),
        "condition": rule.condition,
        "window": rule.window,
        "spend": _num(spend),
        "impressions": impressions,
    }
    label = wording.metric_label(rule.metric, "en")
    if rule.min_spend is not None and spend < rule.min_spend:
        shown, minimum = format_metric_pair("spend", spend, rule.min_spend, currency, "en")
        return None, values, f"spend {shown} is below the minimum {minimum}"
    if rule.min_impressions is not None and impressions < rule.min_impressions:
        shown, minimum = (_shown("impressions", n, currency) for n in (impressions, rule.min_impressions))
        return None, values, f"{shown} impressions, below the minimum {minimum}"
    if value is None:
        return None, values, f"{label} has no value"
    if rule.condition in ("above", "below"):
        holds = value > rule.threshold if rule.condition == "above" else value < rule.threshold
        return holds, values, wording.threshold_text(rule.metric, value, rule.threshold, currency, "en")
    base = (previous or {}).get(rule.metric)
    if base is not None and rule.metric in ADDITIVE_METRICS and rule.baseline == "trailing_7d":
        # The trailing sum covers 7 days: compare the window with as many average days.
        base = Decimal(base) * window_days / TRAILING_DAYS
    values["baseline"] = _num(base)
    values["baseline_exact"] = None if base is None else str(base)
    pct = ratio(Decimal(value) - Decimal(base), base, HUNDRED) if base is not None else None
    values["change_pct"] = _num(pct)
    if pct is None:
        return None, values, f"{label} has no baseline to compare with"
    text = wording.change_text(rule.metric, value, base, pct, currency, "en")
    if rule.condition == "change_above":
        return pct > rule.threshold, values, text
    return pct < -rule.threshold, values, text


def _metrics_dict(m: Metrics | None) -> dict[str, Any] | None:
    return m.model_dump() if m is not None else None


def _filters(rule: AlertRule, since: date, until: date, **extra: Any) -> Filters:
    if rule.condition in ("change_above", "change_below"):
        b_since, b_until = baseline_range(rule.baseline, since, until)
        return Filters(
            account_ids=[rule.ad_account_id],
            since=since,
            until=until,
            compare="custom",
            compare_since=b_since,
            compare_until=b_until,
            **extra,
        )
    return Filters(account_ids=[rule.ad_account_id], since=since, until=until, compare="none", **extra)


def metric_observations(
    session: Session, rule: AlertRule, account: AdAccount, now: datetime
) -> list[Observation]:
    today = local_today(account, now)
    since, until = window_range(rule.window, today)
    days = (until - since).days + 1
    out: list[Observation] = []
    if rule.scope == "account":
        resp = analytics.summary(session, rule.user_id, _filters(rule, since, until))
        group = resp.groups[0] if resp.groups else None
        current = {k: v.value for k, v in group.kpis.items()} if group else {}
        previous = {k: v.previous for k, v in group.kpis.items()} if group else None
        holds, values, text = judge(rule, current, previous, days, account.currency)
        out.append(
            _observation(rule, f"account:{account.id}", account.name, None, holds, values, text, since, until)
        )
        return out
    extra: dict[str, Any] = (
        {"campaign_ids": [rule.campaign_id]} if rule.campaign_id else {"statuses": [ACTIVE]}
    )
    for row in _campaign_rows(session, rule, _filters(rule, since, until, **extra)):
        holds, values, text = judge(
            rule, _metrics_dict(row.metrics) or {}, _metrics_dict(row.previous), days, account.currency
        )
        out.append(
            _observation(rule, f"campaign:{row.id}", row.name, row.id, holds, values, text, since, until)
        )
    return out


def _campaign_rows(session: Session, rule: AlertRule, filters: Filters) -> Iterator[Any]:
    page = 1
    while True:
        result = analytics.entities(
            session,
            rule.user_id,
            filters,
            "campaign",
            sort="name",
            order="asc",
            page=page,
            page_size=MAX_PAGE_SIZE,
        )
        yield from result.rows
        if page * MAX_PAGE_SIZE >= result.total:
            return
        page += 1


def _observation(
    rule: AlertRule,
    key: str,
    name: str,
    campaign_id: int | None,
    holds: bool | None,
    values: dict[str, Any],
    text: str,
    since: date,
    until: date,
) -> Observation:
    values = {**values, "since": since.isoformat(), "until": until.isoformat()}
    message = wording.subject_text(name, text, "en")
    return Observation(key, name, campaign_id, holds, f"{rule.name}: {name}", message, values)


# ---- pacing -------------------------------------------------------------------------------------------------


def _spend(session: Session, rule: AlertRule, since: date, until: date, **ids: list[int]) -> Decimal:
    filters = Filters(account_ids=[rule.ad_account_id], since=since, until=until, compare="none", **ids)
    resp = analytics.summary(session, rule.user_id, filters)
    if not resp.groups:
        return Decimal(0)
    return Decimal(resp.groups[0].kpis["spend"].value or 0)


def pacing_of(
    session: Session, rule: AlertRule, account: AdAccount, entity: Campaign | AdSet, level: str, now: datetime
) -> pacing.Pacing | None:
    """The entity's pacing now, or None when it has no budget (or a lifetime budget without dates)."""
    zone = zone_of(account)
    now_local = now.astimezone(zone)
    ids = {"campaign_ids": [entity.id]} if level == "campaign" else {"ad_set_ids": [entity.id]}
    if entity.daily_budget:
        spent = _spend(session, rule, now_local.date(), now_local.date(), **ids)
        return pacing.daily_pacing(Decimal(entity.daily_budget), spent, now_local)
    end = entity.stop_time if isinstance(entity, Campaign) else entity.end_time
    if entity.lifetime_budget and entity.start_time and end:
        start = entity.start_time.astimezone(zone)
        first = start.date()
        last = min(now_local.date(), (end.astimezone(zone) - timedelta(microseconds=1)).date())
        spent = _spend(session, rule, first, last, **ids) if last >= first else Decimal(0)
        return pacing.lifetime_pacing(
            Decimal(entity.lifetime_budget), spent, start, end.astimezone(zone), now_local
        )
    return None


def pacing_observations(
    session: Session, rule: AlertRule, account: AdAccount, now: datetime
) -> list[Observation]:
    tolerance = Decimal(rule.threshold) / HUNDRED
    campaigns = select(Campaign).where(
        Campaign.ad_account_id == account.id,
        Campaign.effective_status == ACTIVE,
        Campaign.is_deleted.is_(False),
    )
    adsets = (
        select(AdSet)
        .join(Campaign, Campaign.id == AdSet.campaign_id)
        .where(
            AdSet.ad_account_id == account.id,
            AdSet.effective_status == ACTIVE,
            AdSet.is_deleted.is_(False),
            Campaign.effective_status == ACTIVE,
        )
    )
    if rule.campaign_id is not None:
        campaigns = campaigns.where(Campaign.id == rule.campaign_id)
        adsets = adsets.where(AdSet.campaign_id == rule.campaign_id)
    out: list[Observation] = []
    for level, stmt in (("campaign", campaigns), ("adset", adsets)):
        for entity in session.scalars(stmt.order_by("id")):
            p = pacing_of(session, rule, account, entity, level, now)
            if p is None:
                continue
            out.append(_pacing_observation(rule, level, entity, p, tolerance, account.currency))
    return out


def _pacing_observation(
    rule: AlertRule,
    level: str,
    entity: Campaign | AdSet,
    p: pacing.Pacing,
    tolerance: Decimal,
    currency: str,
) -> Observation:
    off = p.off_by
    judged = p.elapsed_share >= pacing.MIN_ELAPSED_SHARE and off is not None
    holds = p.is_off(tolerance) if judged else None
    amounts = {
        "budget": p.budget,
        "spent": p.actual_to_date,
        "expected": p.expected_to_date,
        "projected": p.projected,
    }
    off_pct = off * HUNDRED if off is not None else None
    message = wording.pacing_text(entity.name, level, p.budget_type, amounts, off_pct, currency, "en")
    values = {
        "level": level,
        "budget_type": p.budget_type,
        "budget": _num(p.budget),
        "elapsed_share": _num(p.elapsed_share),
        "expected_to_date": _num(p.expected_to_date),
        "actual_to_date": _num(p.actual_to_date),
        "projected": _num(p.projected),
        "off_by_pct": _num(off * HUNDRED) if off is not None else None,
        "threshold": _num(rule.threshold),
    }
    campaign_id = entity.id if level == "campaign" else entity.campaign_id
    return Observation(
        f"{level}:{entity.id}",
        entity.name,
        campaign_id,
        holds,
        f"{rule.name}: {entity.name}",
        message,
        values,
    )
