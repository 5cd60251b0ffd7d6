"""Meta's JSON rows -> tuples in the column order of the insight tables.

Conversions are the sum of the account's chosen action types in ``actions``; conversion
value the same types in ``action_values``; both exact Decimals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from trafficdash import currencies

ZERO = Decimal(0)

DAILY_COLUMNS = (
    "ad_id",
    "date",
    "ad_account_id",
    "campaign_id",
    "ad_set_id",
    "impressions",
    "clicks",
    "link_clicks",
    "spend",
    "reach",
    "conversions",
    "conversion_value",
    "actions",
    "action_values",
    "cost_per_action_type",
    "purchase_roas",
    "synced_at",
)
DAILY_KEY = ("ad_id", "date")
BREAKDOWN_COLUMNS = (
    "ad_id",
    "date",
    "breakdown",
    "value_1",
    "value_2",
    "ad_account_id",
    "campaign_id",
    "ad_set_id",
    "impressions",
    "clicks",
    "link_clicks",
    "spend",
    "reach",
    "conversions",
    "conversion_value",
    "actions",
    "action_values",
    "synced_at",
)
BREAKDOWN_KEY = ("ad_id", "date", "breakdown", "value_1", "value_2")
JSON_COLUMNS = frozenset({"actions", "action_values", "cost_per_action_type", "purchase_roas"})

# Our breakdown name -> Meta's breakdown parameters (value_1, value_2).
BREAKDOWNS: dict[str, tuple[str, ...]] = {
    "placement": ("publisher_platform", "platform_position"),
    "device": ("device_platform",),
    "age_gender": ("age", "gender"),
    "country": ("country",),
}
# Rough cells per ad-day, to decide between a synchronous request and an async report run.
CELLS_PER_AD_DAY = {"daily": 1, "placement": 16, "device": 6, "age_gender": 18, "country": 4}


def action_sum(items: Sequence[dict] | None, types: Iterable[str]) -> Decimal:
    if not items:
        return ZERO
    wanted = set(types)
    total = ZERO
    for item in items:
        if item.get("action_type") in wanted:
            total += Decimal(str(item.get("value") or 0))
    return total


def _int(value: Any) -> int:
    return int(value) if value not in (None, "") else 0


def daily_row(row: dict, account_id: int, types: Sequence[str], synced_at: datetime) -> tuple:
    actions = row.get("actions") or []
    values = row.get("action_values") or []
    return (
        int(row["ad_id"]),
        date.fromisoformat(row["date_start"]),
        account_id,
        int(row["campaign_id"]),
        int(row["adset_id"]),
        _int(row.get("impressions")),
        _int(row.get("clicks")),
        _int(row.get("inline_link_clicks")),
        Decimal(row.get("spend") or "0"),
        _int(row.get("reach")),
        action_sum(actions, types),
        action_sum(values, types),
        actions,
        values,
        row.get("cost_per_action_type") or [],
        row.get("purchase_roas") or [],
        synced_at,
    )


def breakdown_row(row: dict, kind: str, account_id: int, types: Sequence[str], synced_at: datetime) -> tuple:
    params = BREAKDOWNS[kind]
    actions = row.get("actions") or []
    values = row.get("action_values") or []
    return (
        int(row["ad_id"]),
        date.fromisoformat(row["date_start"]),
        kind,
        str(row.get(params[0]) or ""),
        str(row.get(params[1]) or "") if len(params) > 1 else "",
        account_id,
        int(row["campaign_id"]),
        int(row["adset_id"]),
        _int(row.get("impressions")),
        _int(row.get("clicks")),
        _int(row.get("inline_link_clicks")),
        Decimal(row.get("spend") or "0"),
        _int(row.get("reach")),
        action_sum(actions, types),
        action_sum(values, types),
        actions,
        values,
        synced_at,
    )


# ---- entities ----------------------------------------------------------------------------------------


def meta_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return datetime.fromisoformat(value)


def minor_to_amount(value: Any, currency: str) -> Decimal | None:
    """Meta reports budgets and amount spent in the currency's minor unit (cents)."""
    return currencies.from_minor_units(value, currency)


def _common(row: dict, account_id: int, synced_at: datetime) -> dict[str, Any]:
    effective = str(row.get("effective_status") or row.get("status") or "ACTIVE")
    return {
        "id": int(row["id"]),
        "ad_account_id": account_id,
        "name": str(row.get("name") or "")[:400],
        "status": str(row.get("status") or effective),
        "effective_status": effective,
        "meta_created_time": meta_time(row.get("created_time")),
        "meta_updated_time": meta_time(row.get("updated_time")),
        "is_deleted": effective == "DELETED",
        "synced_at": synced_at,
    }


def entity_row(edge: str, row: dict, account_id: int, currency: str, synced_at: datetime) -> dict[str, Any]:
    out = _common(row, account_id, synced_at)
    if edge == "campaigns":
        out.update(
            objective=row.get("objective"),
            buying_type=row.get("buying_type"),
            bid_strategy=row.get("bid_strategy"),
            daily_budget=minor_to_amount(row.get("daily_budget"), currency),
            lifetime_budget=minor_to_amount(row.get("lifetime_budget"), currency),
            budget_remaining=minor_to_amount(row.get("budget_remaining"), currency),
            start_time=meta_time(row.get("start_time")),
            stop_time=meta_time(row.get("stop_time")),
        )
    elif edge == "adsets":
        out.update(
            campaign_id=int(row["campaign_id"]),
            targeting=row.get("targeting") or {},
            optimization_goal=row.get("optimization_goal"),
            billing_event=row.get("billing_event"),
            bid_strategy=row.get("bid_strategy"),
            daily_budget=minor_to_amount(row.get("daily_budget"), currency),
            lifetime_budget=minor_to_amount(row.get("lifetime_budget"), currency),
            budget_remaining=minor_to_amount(row.get("budget_remaining"), currency),
            start_time=meta_time(row.get("start_time")),
            end_time=meta_time(row.get("end_time")),
        )
    else:
        out.update(
            campaign_id=int(row["campaign_id"]),
            ad_set_id=int(row["adset_id"]),
            creative=row.get("creative") or {},
        )
    return out
