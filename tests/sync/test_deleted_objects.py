"""Spend of ads Meta deletes stays: syncs that straddle a deletion still equal Meta's account totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.sync.helpers import db_totals, meta_totals
from trafficdash.db import get_engine, session_scope
from trafficdash.models import SyncRun
from trafficdash.sandbox.delivery import COL, Delivery
from trafficdash.sandbox.world import World
from trafficdash.sync import clock
from trafficdash.sync.service import sync_account


def _deleted_adset_with_recent_spend(world: World) -> tuple[int, date, list[int]]:
    """(account id, the ad set's deletion day, its ads that spent in the 3 days before it)."""
    delivery = Delivery(world)
    for acc in world.accounts.values():
        for campaign in acc.campaigns:
            for adset in campaign.adsets:
                end = adset.end
                if end is None or end.status != "DELETED" or campaign.end is not None:
                    continue
                if not date(2026, 9, 1) <= end.day <= world.config.today - timedelta(days=2):
                    continue
                spent = []
                for ad in adset.ads:
                    days, m = delivery.series(ad)
                    window = (days >= end.day.toordinal() - 3) & (days < end.day.toordinal())
                    if m[window, COL["spend"]].sum() > 0:
                        spent.append(int(ad.id))
                if spent:
                    return int(acc.account_id), end.day, spent
    raise AssertionError("the test world deletes no ad set after spending")


def _pin(monkeypatch: pytest.MonkeyPatch, srv, day: date) -> None:
    srv.config.today = day  # the sandbox's calendar (the shared server's own config object)
    moment = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
    monkeypatch.setattr(clock, "now_utc", lambda: moment)


def test_syncs_straddling_a_deletion_keep_its_spend_and_equal_meta(world, monkeypatch):
    pinned = world.config.today
    account_id, deleted_on, ads = _deleted_adset_with_recent_spend(World(world.config))
    try:
        _pin(monkeypatch, world, deleted_on - timedelta(days=1))
        first = sync_account(account_id)
        _pin(monkeypatch, world, deleted_on + timedelta(days=1))
        second = sync_account(account_id)
        with session_scope() as session:
            runs = [session.get(SyncRun, first), session.get(SyncRun, second)]
            assert [r.status for r in runs] == ["succeeded", "succeeded"], [r.error for r in runs]
            since, until = runs[0].since, runs[1].until
        # the re-read covered days where the deleted ads had spent
        assert runs[1].since < deleted_on
        expected = meta_totals(world, account_id, since, until)
        got = db_totals(account_id, since, until)
        for key in ("impressions", "clicks", "spend"):
            assert got[key] == expected[key], key
        with get_engine().connect() as conn:
            kept = conn.execute(
                sa.text("SELECT count(*) FROM insights_daily WHERE ad_id IN :ads AND date < :day").bindparams(
                    sa.bindparam("ads", expanding=True)
                ),
                {"ads": ads, "day": deleted_on},
            ).scalar_one()
        assert kept > 0
    finally:
        world.config.today = pinned
