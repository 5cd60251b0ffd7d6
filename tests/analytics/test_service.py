from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tests.analytics import factories as f
from tests.analytics.conftest import JAN1, World
from trafficdash.analytics import cache, service
from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters
from trafficdash.analytics.schemas import Filters
from trafficdash.models import AccountDailyRollup, DailyInsight

WEEK2 = (date(2024, 1, 8), date(2024, 1, 14))


def raw_sums(session: Session, since: date, until: date, **where) -> dict[str, Decimal]:
    """Sums straight from the ad-level table, to check rollups and formulas against."""
    cols = ("impressions", "clicks", "link_clicks", "spend", "conversions", "conversion_value")
    stmt = select(*[func.sum(getattr(DailyInsight, c)) for c in cols]).where(
        DailyInsight.date >= since, DailyInsight.date <= until
    )
    for key, values in where.items():
        stmt = stmt.where(getattr(DailyInsight, key).in_(values))
    return dict(zip(cols, session.execute(stmt).one(), strict=True))


def flt(**kw) -> Filters:
    kw.setdefault("since", WEEK2[0])
    kw.setdefault("until", WEEK2[1])
    return Filters(**kw)


def test_summary_ratios_come_from_summed_parts(session: Session, world: World) -> None:
    out = service.summary(session, world.ana.id, flt(account_ids=[101]))
    (usd,) = out.groups
    k = usd.kpis
    s = raw_sums(session, *WEEK2, ad_account_id=[101])
    assert k["spend"].value == s["spend"] and k["impressions"].value == s["impressions"]
    assert k["ctr"].value == Decimal(s["clicks"]) * 100 / Decimal(s["impressions"])
    assert k["cpc"].value == s["spend"] / s["clicks"]
    assert k["cpm"].value == s["spend"] * 1000 / s["impressions"]
    assert k["cpa"].value == s["spend"] / s["conversions"]
    assert k["roas"].value == s["conversion_value"] / s["spend"]
    # Not the mean of the daily CTRs (the data is built so that they differ).
    daily_rows = service.daily(session, world.ana.id, flt(account_ids=[101], compare="none"))[0].points
    mean_daily_ctr = sum(p.ctr for p in daily_rows) / len(daily_rows)
    assert k["ctr"].value != mean_daily_ctr


def test_accounts_in_different_currencies_are_never_summed(session: Session, world: World) -> None:
    out = service.summary(session, world.ana.id, flt())
    assert [(g.currency, g.account_ids) for g in out.groups] == [("BRL", [103]), ("USD", [101, 102])]
    usd = out.groups[1].kpis["spend"].value
    assert usd == raw_sums(session, *WEEK2, ad_account_id=[101, 102])["spend"]
    assert out.groups[0].kpis["spend"].value == Decimal("55.55") * 7
    only_brl = service.summary(session, world.ana.id, flt(currency="brl"))
    assert [g.currency for g in only_brl.groups] == ["BRL"]
    with pytest.raises(InvalidFilters, match="EUR"):
        service.summary(session, world.ana.id, flt(currency="EUR"))
    assert service.available_currencies(session, world.ana.id) == ["BRL", "USD"]


def test_comparison_previous_and_custom(session: Session, world: World) -> None:
    out = service.summary(session, world.ana.id, flt(account_ids=[101]))
    g = out.groups[0]
    assert (g.compare_since, g.compare_until) == (date(2024, 1, 1), date(2024, 1, 7))
    now = raw_sums(session, *WEEK2, ad_account_id=[101])
    before = raw_sums(session, date(2024, 1, 1), date(2024, 1, 7), ad_account_id=[101])
    spend = g.kpis["spend"]
    assert spend.previous == before["spend"]
    assert spend.change_abs == now["spend"] - before["spend"]
    assert spend.change_pct == (now["spend"] - before["spend"]) * 100 / before["spend"]
    assert spend.good is True  # spend rose, and HIGHER_IS_BETTER says more delivery is good
    cpc = g.kpis["cpc"]
    assert cpc.higher_is_better is False and cpc.good == (cpc.change_abs < 0)
    custom = service.summary(
        session,
        world.ana.id,
        flt(
            account_ids=[101],
            compare="custom",
            compare_since=date(2024, 1, 1),
            compare_until=date(2024, 1, 2),
        ),
    )
    assert (
        custom.groups[0].kpis["impressions"].previous
        == raw_sums(session, date(2024, 1, 1), date(2024, 1, 2), ad_account_id=[101])["impressions"]
    )
    off = service.summary(session, world.ana.id, flt(account_ids=[101], compare="none"))
    assert off.groups[0].kpis["spend"].previous is None and off.groups[0].compare_since is None


def test_campaign_filters(session: Session, world: World) -> None:
    def spend(**kw) -> Decimal:
        return (
            service.summary(session, world.ana.id, flt(account_ids=[101], **kw)).groups[0].kpis["spend"].value
        )

    assert spend(statuses=["paused"]) == raw_sums(session, *WEEK2, campaign_id=[world.brand.id])["spend"]
    assert (
        spend(objectives=["OUTCOME_SALES"])
        == raw_sums(session, *WEEK2, campaign_id=[world.summer.id])["spend"]
    )
    assert spend(search="SUMMER") == raw_sums(session, *WEEK2, campaign_id=[world.summer.id])["spend"]
    assert spend(search="100%") == 0
    assert (
        spend(campaign_ids=[world.brand.id])
        == raw_sums(session, *WEEK2, campaign_id=[world.brand.id])["spend"]
    )
    assert (
        spend(ad_set_ids=[world.summer_set.id])
        == raw_sums(session, *WEEK2, ad_set_id=[world.summer_set.id])["spend"]
    )
    assert spend(ad_set_ids=[world.summer_set.id], statuses=["PAUSED"]) == 0


def test_reach_comes_from_period_reach_never_from_summed_days(session: Session, world: World) -> None:
    k = service.summary(session, world.ana.id, flt(account_ids=[101])).groups[0].kpis
    assert k["reach"].value is None and k["frequency"].value is None
    f.period_reach(session, "account", 101, 101, *WEEK2, reach=9000)
    f.period_reach(session, "account", 102, 102, *WEEK2, reach=1000)
    f.period_reach(session, "campaign", world.summer.id, 101, *WEEK2, reach=4000)
    session.commit()
    cache.bump_account_version(101)
    one = service.summary(session, world.ana.id, flt(account_ids=[101]))
    k = one.groups[0].kpis
    assert k["reach"].value == 9000 and one.groups[0].reach_is_estimate is False
    assert k["frequency"].value == Decimal(k["impressions"].value) / 9000
    both = service.summary(session, world.ana.id, flt(account_ids=[101, 102])).groups[0]
    assert both.kpis["reach"].value == 10000 and both.reach_is_estimate is True
    camp = service.summary(session, world.ana.id, flt(account_ids=[101], search="summer")).groups[0]
    assert camp.kpis["reach"].value == 4000 and camp.reach_is_estimate is False
    # The comparison range has no synced reach: no value, never a sum of daily reach.
    assert camp.kpis["reach"].previous is None
    # Day-level reach is only the account's own single-day reach, when Meta gave one.
    f.period_reach(session, "account", 101, 101, date(2024, 1, 9), date(2024, 1, 9), reach=1234)
    session.commit()
    cache.bump_account_version(101)
    points = service.daily(session, world.ana.id, flt(account_ids=[101]))[0].points
    assert [p.reach for p in points] == [None, 1234, None, None, None, None, None]


def test_cache_hit_then_invalidated_by_a_version_bump(session: Session, world: World) -> None:
    filters = flt(account_ids=[101])
    first = service.summary(session, world.ana.id, filters)
    # Change the data behind the cache's back: a hit keeps answering the old numbers...
    session.execute(delete(AccountDailyRollup).where(AccountDailyRollup.date == date(2024, 1, 14)))
    session.commit()
    assert service.summary(session, world.ana.id, filters) == first
    # ... until the sync bumps the account's version.
    cache.bump_account_version(101)
    fresh = service.summary(session, world.ana.id, filters)
    assert fresh.groups[0].kpis["spend"].value < first.groups[0].kpis["spend"].value
    # Another user's account changing does not drop Ana's entries ...
    session.execute(delete(AccountDailyRollup).where(AccountDailyRollup.date == date(2024, 1, 13)))
    session.commit()
    cache.bump_account_version(201)
    assert service.summary(session, world.ana.id, filters) == fresh
    # ... any of her own accounts changing does.
    cache.bump_account_version(102)
    assert (
        service.summary(session, world.ana.id, filters).groups[0].kpis["spend"].value
        < fresh.groups[0].kpis["spend"].value
    )


def test_cache_round_trip_keeps_decimals_exact(session: Session, world: World) -> None:
    filters = flt(account_ids=[102])
    first = service.summary(session, world.ana.id, filters)
    again = service.summary(session, world.ana.id, filters)  # from Redis
    assert again.groups[0].kpis["spend"].value == Decimal("28.0007")
    assert again == first
    assert isinstance(again.groups[0].kpis["cpm"].value, Decimal)


def test_foreign_and_unknown_accounts_are_not_found(session: Session, world: World) -> None:
    with pytest.raises(AccountNotFound):
        service.summary(session, world.ana.id, flt(account_ids=[201]))
    with pytest.raises(AccountNotFound):
        service.daily(session, world.ana.id, flt(account_ids=[999]))
    with pytest.raises(AccountNotFound):
        service.breakdown(session, world.bob.id, flt(account_ids=[101]), "device")
    with pytest.raises(AccountNotFound):
        service.entities(session, world.bob.id, flt(account_ids=[101]), "campaign")
    with pytest.raises(EntityNotFound):
        service.entity_detail(session, world.bob.id, "campaign", world.summer.id, flt())
    # Bob sees only his own numbers.
    (bob,) = service.summary(session, world.bob.id, flt()).groups
    assert bob.account_ids == [201] and bob.kpis["spend"].value == Decimal("9.99") * 7


def test_daily_series_fills_days_and_aligns_the_comparison(session: Session, world: World) -> None:
    (series,) = service.daily(
        session, world.ana.id, flt(account_ids=[101], since=date(2024, 1, 12), until=date(2024, 1, 16))
    )
    assert [p.date for p in series.points] == [date(2024, 1, d) for d in range(12, 17)]
    assert [p.date for p in series.compare_points] == [date(2024, 1, d) for d in range(7, 12)]
    assert series.points[3].spend == 0 and series.points[3].ctr is None  # no delivery: no value, not 0
    jan12 = raw_sums(session, date(2024, 1, 12), date(2024, 1, 12), ad_account_id=[101])
    assert series.points[0].spend == jan12["spend"]
    assert series.points[0].cpc == jan12["spend"] / jan12["clicks"]


def test_breakdowns_label_and_share(session: Session, world: World) -> None:
    (placement,) = service.breakdown(session, world.ana.id, flt(account_ids=[101]), "placement")
    assert [r.label for r in placement.rows] == ["Facebook · Feed", "Instagram · Reels"]
    fb = placement.rows[0]
    assert fb.spend == (Decimal("4.25") + Decimal("20.00")) * 7
    assert sum(r.share_of_spend for r in placement.rows) == 100
    assert fb.ctr == Decimal(fb.clicks) * 100 / fb.impressions
    (ages,) = service.breakdown(session, world.ana.id, flt(account_ids=[101]), "age_gender")
    assert [r.label for r in ages.rows] == ["25-34 · female", "35-44 · male"]
    (countries,) = service.breakdown(session, world.ana.id, flt(account_ids=[101]), "country")
    assert [r.label for r in countries.rows] == ["Brazil", "Portugal"]
    # Campaign filters reach the breakdowns too (the brand campaign only has facebook feed).
    (brand,) = service.breakdown(
        session, world.ana.id, flt(account_ids=[101], statuses=["PAUSED"]), "placement"
    )
    assert [(r.label, r.spend) for r in brand.rows] == [("Facebook · Feed", Decimal("140.00"))]
    with pytest.raises(InvalidFilters, match="dimension"):
        service.breakdown(session, world.ana.id, flt(), "weather")


def test_entity_table_sorts_pages_and_totals(session: Session, world: World) -> None:
    page = service.entities(
        session, world.ana.id, flt(account_ids=[101]), "campaign", sort="spend", order="desc"
    )
    assert [r.name for r in page.rows] == ["Summer Sale", "Brand Awareness"]
    assert (
        page.total == 2
        and page.totals[0].metrics.spend == raw_sums(session, *WEEK2, ad_account_id=[101])["spend"]
    )
    by_ctr = service.entities(
        session, world.ana.id, flt(account_ids=[101]), "campaign", sort="ctr", order="desc"
    )
    assert by_ctr.rows[0].metrics.ctr >= by_ctr.rows[1].metrics.ctr
    summer = next(r for r in page.rows if r.id == world.summer.id)
    assert (
        summer.previous is not None
        and summer.changes["spend"].change_abs == summer.metrics.spend - summer.previous.spend
    )
    second = service.entities(
        session,
        world.ana.id,
        flt(account_ids=[101]),
        "campaign",
        sort="name",
        order="asc",
        page=2,
        page_size=1,
    )
    assert [r.name for r in second.rows] == ["Summer Sale"] and second.total == 2
    ads = service.entities(
        session, world.ana.id, flt(ad_set_ids=[world.summer_set.id]), "ad", sort="name", order="asc"
    )
    assert [r.name for r in ads.rows] == ["Ad A", "Ad B"]
    assert ads.rows[0].creative.title == "Hot deals" and ads.rows[0].creative.image_url == "https://img/a.jpg"
    sets = service.entities(session, world.ana.id, flt(campaign_ids=[world.summer.id]), "adset")
    assert [r.name for r in sets.rows] == ["Summer - Lookalike"]
    assert sets.rows[0].metrics.spend == raw_sums(session, *WEEK2, ad_set_id=[world.summer_set.id])["spend"]
    mixed = service.entities(session, world.ana.id, flt(), "campaign")
    assert sorted(t.currency for t in mixed.totals) == ["BRL", "USD"]
    for bad in ({"sort": "colour"}, {"order": "up"}, {"page": 0}, {"page_size": 1000}):
        with pytest.raises(InvalidFilters):
            service.entities(session, world.ana.id, flt(), "campaign", **bad)
    with pytest.raises(InvalidFilters):
        service.entities(session, world.ana.id, flt(), "creative")


def test_entity_detail_has_its_own_trend(session: Session, world: World) -> None:
    row, series = service.entity_detail(session, world.ana.id, "adset", world.brand_set.id, flt())
    assert row.name == "Brand - Broad" and row.objective == "OUTCOME_AWARENESS"
    assert [p.spend for p in series.points] == [Decimal("20.00")] * 7
    ad_row, ad_series = service.entity_detail(session, world.ana.id, "ad", world.ad_b.id, flt())
    assert ad_row.metrics.impressions == 1400 and ad_series.points[0].impressions == 200
    camp, camp_series = service.entity_detail(session, world.ana.id, "campaign", world.summer.id, flt())
    assert sum(p.spend for p in camp_series.points) == camp.metrics.spend
    with pytest.raises(EntityNotFound):
        service.entity_detail(session, world.ana.id, "ad", 123, flt())


def test_rollups_equal_raw_sums_and_refresh_is_idempotent(session: Session, world: World) -> None:
    from trafficdash.analytics.rollups import refresh_rollups

    refresh_rollups(session, 101, JAN1, JAN1 + timedelta(days=30))
    refresh_rollups(session, 101, JAN1, JAN1 + timedelta(days=30))
    session.commit()
    total = session.scalar(
        select(func.sum(AccountDailyRollup.spend)).where(AccountDailyRollup.ad_account_id == 101)
    )
    assert total == raw_sums(session, JAN1, date(2024, 1, 14), ad_account_id=[101])["spend"]
    with pytest.raises(ValueError):
        refresh_rollups(session, 101, date(2024, 2, 1), JAN1)


def test_accounts_overview(session: Session, world: World) -> None:
    rows = service.accounts_overview(session, world.ana.id)
    assert [(r.id, r.currency) for r in rows] == [(103, "BRL"), (101, "USD"), (102, "USD")]
    assert rows[0].freshness_hours is None and rows[0].latest_sync_status is None
