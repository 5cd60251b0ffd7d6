from __future__ import annotations

from datetime import date

from nicegui import ui
from nicegui.testing import User

from tests.ui.conftest import World, open_as, settled, until
from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.schemas import Filters
from trafficdash.i18n.metric_format import format_metric

WEEK2 = {"since": date(2024, 1, 8), "until": date(2024, 1, 14)}


def table_rows(user: User) -> list[dict]:
    table = user.find(marker="entity-table").elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def test_campaign_table_equals_the_service(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    with db.session_scope() as session:
        page = service.entities(session, world.ana.id, Filters(currency="USD", **WEEK2), "campaign")
    rows = table_rows(user)
    assert [r["name"] for r in rows] == [r.name for r in page.rows]
    for shown, row in zip(rows, page.rows, strict=True):
        for key in ("spend", "impressions", "clicks", "ctr", "cpc", "cpm", "conversions", "cpa", "roas"):
            assert shown[key] == format_metric(key, getattr(row.metrics, key), "USD", "en"), key
        assert shown["href"] == f"/campaigns/{row.id}"
    statuses = {r["name"]: (r["status"], r["tone"]) for r in rows}
    assert statuses["Summer Sale"] == ("Active", "active")
    assert statuses["Brand Awareness"] == ("Paused", "paused")
    total_spend = user.find(marker="total-spend").elements.pop().text
    assert total_spend == format_metric("spend", page.totals[0].metrics.spend, "USD", "en")


async def test_search_and_status_filters(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    user.find(marker="search-input").type("summer")
    await settled(user)
    assert [r["name"] for r in table_rows(user)] == ["Summer Sale"]
    user.find(marker="search-input").elements.pop().set_value("")
    await settled(user)
    user.find(marker="status-select").elements.pop().set_value(["PAUSED"])
    await settled(user)
    assert [r["name"] for r in table_rows(user)] == ["Brand Awareness"]
    user.find(marker="objective-select").elements.pop().set_value(["OUTCOME_SALES"])
    await settled(user)
    await user.should_see("Nothing matches")


async def test_sorting_and_paging_ask_the_service(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    table = user.find(marker="entity-table").elements.pop()
    user.find(marker="entity-table").trigger(
        "request", {"pagination": {"sortBy": "name", "descending": False, "page": 1, "rowsPerPage": 10}}
    )
    await until(lambda: table.pagination["sortBy"] == "name")
    assert [r["name"] for r in table.rows] == ["Brand Awareness", "Summer Sale", "Two"]
    assert table.pagination["rowsNumber"] == 3 and table.pagination["sortBy"] == "name"
    user.find(marker="entity-table").trigger(
        "request", {"pagination": {"sortBy": "name", "descending": False, "page": 2, "rowsPerPage": 10}}
    )
    await until(lambda: table.pagination["page"] == 2)
    assert table.rows == []  # 3 rows fit on page 1


async def test_drill_down_campaign_to_ad_sets_to_ads_to_creative(user: User, world: World) -> None:
    await open_as(user, world.ana.id, f"/campaigns/{world.summer.id}", account_key="cur:USD")
    await user.should_see(marker="entity-header")
    await user.should_see("Summer Sale")
    await user.should_see("Ad sets")
    with db.session_scope() as session:
        row, series = service.entity_detail(
            session, world.ana.id, "campaign", world.summer.id, Filters(**WEEK2)
        )
    shown = user.find(marker="kpi-value-spend").elements.pop().text
    assert shown == format_metric("spend", row.metrics.spend, "USD", "en")
    chart = user.find(marker="trend-chart").elements.pop()
    assert chart.options["series"][0]["data"] == [float(p.spend) for p in series.points]
    rows = table_rows(user)
    assert [r["name"] for r in rows] == ["Summer - Lookalike"]
    assert rows[0]["href"] == f"/adsets/{world.summer_set.id}"

    await user.open(rows[0]["href"])
    await user.should_see("Ads")
    ads = table_rows(user)
    assert {r["name"] for r in ads} == {"Ad A", "Ad B"}

    await user.open(f"/ads/{world.ad_a.id}")
    await user.should_see(marker="creative")
    await user.should_see("Hot deals")
    await user.should_see("Up to 50% off")


async def test_someone_elses_campaign_is_not_found(user: User, world: World) -> None:
    with db.session_scope() as session:
        from sqlalchemy import select

        from trafficdash.models import Campaign

        bobs = session.scalar(select(Campaign.id).where(Campaign.ad_account_id == 201))
    await open_as(user, world.ana.id, f"/campaigns/{bobs}", account_key="cur:USD")
    await user.should_see("Not found, or not visible to you.")
    await user.should_not_see("Bob campaign")
    await user.open("/adsets/999999")
    await user.should_see("Not found, or not visible to you.")
