from __future__ import annotations

from datetime import date

import pytest
from nicegui import app, ui
from nicegui.testing import User

from tests.support import _browser_session_id, grant, make_user, sign_in
from tests.ui.conftest import World, open_as, settled
from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.schemas import Filters
from trafficdash.i18n.metric_format import format_metric
from trafficdash.ui import state as state_module
from trafficdash.ui.pages.overview import OVERVIEW_KPIS
from trafficdash.ui.state import STORAGE_KEY


def summary_of(user_id: int, **filters: object):
    with db.session_scope() as session:
        return service.summary(session, user_id, Filters(**filters)).groups[0]


def shown(user: User, marker: str) -> str:
    elements = user.find(marker=marker).elements
    assert len(elements) == 1, marker
    return next(iter(elements)).text


async def test_kpis_equal_the_service_to_the_cent(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    await user.should_see(marker="kpi-grid")
    expected = summary_of(world.ana.id, currency="USD", since=date(2024, 1, 8), until=date(2024, 1, 14))
    assert expected.kpis["spend"].value > 0
    for key in OVERVIEW_KPIS:
        assert shown(user, f"kpi-value-{key}") == format_metric(key, expected.kpis[key].value, "USD", "en"), (
            key
        )
    # Compare is on by default: each card says what it is compared with.
    previous = format_metric("spend", expected.kpis["spend"].previous, "USD", "en")
    await user.should_see(f"vs {previous}")
    await user.should_see(marker="trend-chart")
    await user.should_see(marker="placement-donut-chart")
    await user.should_see(marker="device-donut-chart")
    await user.should_see("Summer Sale")  # top campaigns


async def test_change_badges_are_coloured_by_good_news(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="acc:101", since="2024-01-08", until="2024-01-14")
    await user.should_see(marker="kpi-grid")
    expected = summary_of(world.ana.id, account_ids=[101], since=date(2024, 1, 8), until=date(2024, 1, 14))
    for key in ("spend", "cpa", "cpm"):
        kpi = expected.kpis[key]
        card = user.find(marker=f"kpi-{key}").elements.pop()
        tones = {m for el in card.descendants() for m in el._markers if m.startswith("change-")}
        if kpi.good is not None:
            assert tones == {"change-good" if kpi.good else "change-bad"}, key
    # Spend went up week over week (good); CPM went up too, which is bad news.
    assert expected.kpis["spend"].good is True


async def test_compare_toggle_removes_the_comparison(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    await user.should_see(marker="kpi-grid")
    await user.should_see("vs ")
    user.find(marker="compare-select").elements.pop().set_value("none")
    await settled(user)
    await user.should_not_see("vs $")
    assert app.storage._users[_browser_session_id(user)][STORAGE_KEY]["compare"] == "none"
    chart = user.find(marker="trend-chart").elements.pop()
    assert len(chart.options["series"]) == 1


async def test_preset_resolves_in_the_account_time_zone(
    user: User, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(state_module, "today_in", lambda tz: date(2024, 1, 15))
    await open_as(user, world.ana.id, "/", account_key="cur:USD", since="2023-06-01", until="2023-06-02")
    await user.should_see("No data in this range")
    user.find(marker="preset-last_7d").click()
    await settled(user)
    await user.should_see(marker="kpi-grid")
    await user.should_see("Last 7 days · Jan 8\u2009–\u200914, 2024")
    expected = summary_of(world.ana.id, currency="USD", since=date(2024, 1, 8), until=date(2024, 1, 14))
    assert shown(user, "kpi-value-spend") == format_metric("spend", expected.kpis["spend"].value, "USD", "en")
    stored = app.storage._users[_browser_session_id(user)][STORAGE_KEY]
    assert (stored["preset"], stored["since"], stored["until"]) == ("last_7d", "2024-01-08", "2024-01-14")


async def test_custom_range(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    await user.should_see(marker="kpi-grid")
    user.find(marker="custom-range").elements.pop().set_value({"from": "2024-01-01", "to": "2024-01-03"})
    user.find(marker="apply-custom").click()
    await settled(user)
    await user.should_see("Custom · Jan 1\u2009–\u20093, 2024")
    expected = summary_of(world.ana.id, currency="USD", since=date(2024, 1, 1), until=date(2024, 1, 3))
    assert shown(user, "kpi-value-spend") == format_metric("spend", expected.kpis["spend"].value, "USD", "en")


async def test_account_selector_is_grouped_by_currency(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    select = user.find(marker="account-select").elements.pop()
    assert list(select.options) == ["cur:BRL", "acc:103", "cur:USD", "acc:101", "acc:102"]
    assert "acc:201" not in select.options  # Bob's account is not Ana's
    select.set_value("cur:BRL")
    await settled(user)
    expected = summary_of(world.ana.id, currency="BRL", since=date(2024, 1, 8), until=date(2024, 1, 14))
    await user.should_see(format_metric("spend", expected.kpis["spend"].value, "BRL", "en"))
    assert shown(user, "kpi-value-spend").startswith("R$")


async def test_trend_metric_switcher(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    await user.should_see(marker="trend-chart")
    chart = user.find(marker="trend-chart").elements.pop()
    assert len(chart.options["series"]) == 2  # the comparison period is overlaid
    assert chart.options["series"][0]["data"][0] is not None
    user.find(marker="trend-metric").elements.pop().set_value("cpa")
    with db.session_scope() as session:
        series = service.daily(
            session, world.ana.id, Filters(currency="USD", since=date(2024, 1, 8), until=date(2024, 1, 14))
        )[0]
    assert chart.options["series"][0]["data"] == [
        float(p.cpa) if p.cpa is not None else None for p in series.points
    ]


async def test_no_data_in_range(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD", since="2023-03-01", until="2023-03-07")
    await user.should_see("No data in this range")
    await user.should_not_see(marker="kpi-grid")


async def test_no_accounts_connected(user: User) -> None:
    with db.session_scope() as session:
        lonely = make_user(session, "lonely@example.com").id
    await sign_in(user, lonely)
    await user.should_see("Connect an ad account")
    for path in ("/campaigns", "/audience", "/accounts"):
        await user.open(path)
        await user.should_see("Connect an ad account")


async def test_anonymous_visitors_are_sent_to_login(user: User) -> None:
    for path in ("/", "/campaigns", "/audience", "/accounts", "/campaigns/1"):
        response = await user.http_client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303, 307), path
        assert "/login" in response.headers["location"], path


async def test_invalid_filters_toast_instead_of_an_error(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD", compare="custom")
    # A custom comparison without dates falls back to the previous period; an absurd one gets a toast.
    await user.should_see(marker="kpi-grid")
    compare = user.find(marker="compare-select").elements.pop()
    assert compare.value == "previous"
    compare.set_value("custom")
    user.find(marker="compare-range").elements.pop().set_value({"from": "2010-01-01", "to": "2024-01-01"})
    user.find(marker="apply-compare").click()
    await user.should_see("Check the filters")


async def test_a_users_data_never_shows_to_another(user: User, world: World) -> None:
    with db.session_scope() as session:
        grant(session, world.bob)  # nothing new: Bob keeps only his own account
    await open_as(user, world.bob.id, "/", account_key="cur:USD")
    select = user.find(marker="account-select").elements.pop()
    assert list(select.options) == ["cur:USD", "acc:201"]
    await user.should_not_see("Summer Sale")
    assert isinstance(select, ui.select)


async def test_first_sync_in_progress_is_not_called_no_data(user: User, world: World) -> None:
    from trafficdash.models import AdAccount
    from trafficdash.models.sync_runs import SyncStatus
    from trafficdash.sync.runs import create_run

    with db.session_scope() as session:
        session.get(AdAccount, world.usd1.id).last_synced_at = None
        run = create_run(session, world.usd1.id, "first_connect")
        run.status, run.steps_done, run.steps_total = SyncStatus.RUNNING, 3, 12
    await open_as(user, world.ana.id, "/", account_key="cur:USD", since="2023-03-01", until="2023-03-07")
    await user.should_see("First sync in progress")
    await user.should_see("25% done", marker="empty-first-sync")
    await user.should_not_see("No data in this range")
