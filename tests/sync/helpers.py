"""Ground truth from the sandbox (Meta's own aggregate answers) and snapshots of what the sync wrote."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import httpx
import sqlalchemy as sa

from tests.sandbox.conftest import SandboxServer
from trafficdash.db import get_engine
from trafficdash.sync.rows import action_sum

TYPES = ["omni_purchase"]


def token_for(srv: SandboxServer, account_id: int) -> str:
    act = f"act_{account_id}"
    # The last owner: tests revoke the first one.
    return next(u["access_token"] for u in reversed(srv.users) if act in u["ad_account_ids"])


def meta_insights(srv: SandboxServer, account_id: int, **params: str) -> list[dict]:
    query = {"access_token": token_for(srv, account_id), "limit": "5000", **params}
    r = httpx.get(f"{srv.url}/{srv.api_version}/act_{account_id}/insights", params=query, timeout=30)
    r.raise_for_status()
    return r.json()["data"]


def meta_totals(srv: SandboxServer, account_id: int, since: date, until: date) -> dict:
    """Meta's level=account, time_increment=all_days answer for the range."""
    rows = meta_insights(
        srv,
        account_id,
        level="account",
        time_increment="all_days",
        fields="impressions,clicks,spend,actions,action_values",
        time_range=json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
    )
    if not rows:
        return {
            "impressions": 0,
            "clicks": 0,
            "spend": Decimal(0),
            "conversions": Decimal(0),
            "value": Decimal(0),
        }
    row = rows[0]
    return {
        "impressions": int(row["impressions"]),
        "clicks": int(row["clicks"]),
        "spend": Decimal(row["spend"]),
        "conversions": action_sum(row.get("actions"), TYPES),
        "value": action_sum(row.get("action_values"), TYPES),
    }


def db_totals(account_id: int, since: date, until: date, breakdown: str | None = None) -> dict:
    table = "insights_daily" if breakdown is None else "insights_breakdown"
    extra = "" if breakdown is None else "AND breakdown = :b"
    with get_engine().connect() as conn:
        row = conn.execute(
            sa.text(
                f"SELECT COALESCE(SUM(impressions),0), COALESCE(SUM(clicks),0), COALESCE(SUM(spend),0), "
                f"COALESCE(SUM(conversions),0), COALESCE(SUM(conversion_value),0) FROM {table} "
                f"WHERE ad_account_id = :a AND date BETWEEN :s AND :u {extra}"
            ),
            {"a": account_id, "s": since, "u": until, "b": breakdown},
        ).one()
    return {
        "impressions": int(row[0]),
        "clicks": int(row[1]),
        "spend": Decimal(row[2]),
        "conversions": Decimal(row[3]),
        "value": Decimal(row[4]),
    }


def snapshot() -> dict[str, list[tuple]]:
    """Every data row the sync writes, without the write timestamps."""
    queries = {
        "daily": "SELECT ad_id, date, ad_account_id, campaign_id, ad_set_id, impressions, clicks, link_clicks, "
        "spend, reach, conversions, conversion_value, actions::text, action_values::text FROM insights_daily",
        "breakdown": "SELECT ad_id, date, breakdown, value_1, value_2, impressions, clicks, spend, reach, conversions, "
        "conversion_value FROM insights_breakdown",
        "reach": "SELECT level, entity_id, date_start, date_stop, reach, impressions FROM period_reach",
        "campaigns": "SELECT id, name, status, effective_status, is_deleted, meta_updated_time FROM campaigns",
        "adsets": "SELECT id, campaign_id, name, effective_status, is_deleted FROM ad_sets",
        "ads": "SELECT id, ad_set_id, name, effective_status, is_deleted FROM ads",
    }
    with get_engine().connect() as conn:
        return {k: sorted(tuple(r) for r in conn.execute(sa.text(q))) for k, q in queries.items()}


def clear_data() -> None:
    with get_engine().begin() as conn:
        conn.execute(
            sa.text(
                "TRUNCATE insights_daily, insights_breakdown, period_reach, ads, ad_sets, campaigns, "
                "sync_runs CASCADE"
            )
        )
        conn.execute(sa.text("UPDATE ad_accounts SET last_synced_at = NULL, entities_synced_at = NULL"))
