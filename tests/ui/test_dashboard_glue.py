"""What the dashboard pages carry besides their numbers: Excel/CSV of exactly what is on screen, the
header's alert bell on every signed-in page, the open alerts (with anomaly explanations) on the
Overview, and alert badges on the Campaigns rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
from nicegui import ui
from nicegui.testing import User

from tests.ui.conftest import World, open_as, settled, until
from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.schemas import Filters
from trafficdash.i18n.metric_format import format_metric
from trafficdash.models import Alert

WEEK2 = {"since": date(2024, 1, 8), "until": date(2024, 1, 14)}


def sheet_rows(data: bytes, sheet: str) -> list[dict]:
    ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if any(v is not None for v in row)]


def shown(user: User, marker: str) -> str:
    (element,) = user.find(marker=marker).elements
    return element.text


def table_rows(user: User) -> list[dict]:
    table = user.find(marker="entity-table").elements.pop()
    assert isinstance(table, ui.table)
    return table.rows


async def download(user: User, marker: str) -> bytes:
    user.find(marker=marker).click()
    response = await user.download.next(timeout=5)
    assert response.status_code == 200
    return response.content


# ---- exports ------------------------------------------------------------------------------------------------


async def test_overview_exports_the_kpis_on_screen(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key=f"acc:{world.usd1.id}")
    await user.should_see(marker="kpi-grid")
    on_screen = shown(user, "kpi-value-spend")

    workbook = await download(user, "export-excel")
    summary = openpyxl.load_workbook(io.BytesIO(workbook))["Summary"]
    spend = next(r[1] for r in summary.iter_rows(values_only=True) if r[0] == "Amount spent")
    assert format_metric("spend", Decimal(str(spend)), "USD", "en") == on_screen
    campaigns = sheet_rows(workbook, "Campaigns")
    assert {r["Name"] for r in campaigns if not str(r["Name"]).startswith("Total")} == {
        "Summer Sale",
        "Brand Awareness",
    }  # the one account on screen: usd2's campaign is not in it

    rows = list(csv.DictReader(io.StringIO((await download(user, "export-csv")).decode("utf-8-sig"))))
    body = [r for r in rows if not r["Name"].startswith("Total")]
    total = sum(Decimal(r["Amount spent"]) for r in body)
    assert format_metric("spend", total, "USD", "en") == on_screen


async def test_campaigns_export_follows_the_search_and_the_drill_down(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    user.find(marker="search-input").type("summer")
    await settled(user)
    assert [r["name"] for r in table_rows(user)] == ["Summer Sale"]
    total_on_screen = shown(user, "total-spend")

    rows = sheet_rows(await download(user, "export-excel"), "Campaigns")
    body = [r for r in rows if not str(r["Name"]).startswith("Total")]
    (total,) = [r for r in rows if str(r["Name"]).startswith("Total")]
    assert [r["Name"] for r in body] == ["Summer Sale"]
    assert format_metric("spend", Decimal(str(total["Amount spent"])), "USD", "en") == total_on_screen
    csv_rows = list(csv.DictReader(io.StringIO((await download(user, "export-csv")).decode("utf-8-sig"))))
    assert [r["Name"] for r in csv_rows if not r["Name"].startswith("Total")] == ["Summer Sale"]

    # One level down: the campaign's ad sets, as its table shows them.
    await user.open(f"/campaigns/{world.summer.id}")
    await user.should_see(marker="entity-table")
    shown_sets = [r["name"] for r in table_rows(user)]
    ad_sets = sheet_rows(await download(user, "export-excel"), "Ad sets")
    assert [r["Name"] for r in ad_sets if not str(r["Name"]).startswith("Total")] == shown_sets
    with db.session_scope() as session:
        row, _ = service.entity_detail(
            session, world.ana.id, "campaign", world.summer.id, Filters(currency="USD", **WEEK2)
        )
    (sets_total,) = [r for r in ad_sets if str(r["Name"]).startswith("Total")]
    assert Decimal(str(sets_total["Amount spent"])) == row.metrics.spend  # the campaign's spend, no more


# ---- alerts -------------------------------------------------------------------------------------------------


def _alerts(world: World) -> None:
    """An anomaly on usd1 (everyone who sees it), a rule alert of Ana's on Summer Sale, an acknowledged
    one on Brand Awareness (no longer needs a look) and one on Bob's account (not Ana's)."""
    with db.session_scope() as session:
        base = {"metric": "spend", "values": {}}
        session.add_all(
            [
                Alert(
                    kind="anomaly",
                    ad_account_id=world.usd1.id,
                    subject_key=f"account:{world.usd1.id}:reels",
                    title="Unusual spend on Instagram Reels",
                    message="Spend on Instagram Reels was 5.09x its usual level for a Monday.",
                    **base,
                ),
                Alert(
                    kind="rule",
                    user_id=world.ana.id,
                    ad_account_id=world.usd1.id,
                    campaign_id=world.summer.id,
                    subject_key=f"campaign:{world.summer.id}",
                    title="ROAS below 1",
                    message="Summer Sale: ROAS is 0.64 (threshold 1.00).",
                    **base,
                ),
                Alert(
                    kind="rule",
                    user_id=world.ana.id,
                    ad_account_id=world.usd1.id,
                    campaign_id=world.brand.id,
                    subject_key=f"campaign:{world.brand.id}",
                    title="CPA above 20",
                    message="Brand Awareness: CPA is 31.00.",
                    acknowledged_at=db.utcnow(),
                    **base,
                ),
                Alert(
                    kind="anomaly",
                    ad_account_id=world.bobs.id,
                    subject_key=f"account:{world.bobs.id}",
                    title="Unusual clicks",
                    message="Bob's account only.",
                    **base,
                ),
            ]
        )


async def test_overview_shows_open_alerts_and_anomaly_explanations(user: User, world: World) -> None:
    _alerts(world)
    await open_as(user, world.ana.id, "/", account_key=f"acc:{world.usd1.id}")
    await user.should_see(marker="kpi-grid")
    await user.should_see(marker="open-alerts", retries=20)
    assert shown(user, "open-alerts-count") == "2 open alerts"  # the acknowledged one needs no look
    assert shown(user, "anomaly-explanation") == (
        "Spend on Instagram Reels was 5.09x its usual level for a Monday."
    )
    await user.should_not_see("Bob's account only.")
    (badge,) = user.find(marker="alert-unread").elements
    assert badge.text == "3" and badge.visible  # the bell: Ana's unread alerts (all read states start unread)

    # Another account on screen: its alerts only (none).
    await open_as(user, world.ana.id, "/", account_key=f"acc:{world.usd2.id}")
    await user.should_see(marker="kpi-grid")
    await user.should_not_see(marker="open-alerts")


async def test_the_bell_is_on_every_signed_in_page(user: User, world: World) -> None:
    _alerts(world)
    for path in ("/", "/campaigns", "/audience", "/reports", "/sync", "/alerts"):
        await open_as(user, world.ana.id, path, account_key="cur:USD")
        await user.should_see(marker="alert-bell")
        await user.should_see(marker="sync-now-header")
        assert shown(user, "alert-unread") == "3", path
    await user.open("/login")
    await user.should_not_see(marker="alert-bell")


async def test_campaign_rows_with_open_alerts_carry_a_badge(user: User, world: World) -> None:
    _alerts(world)
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    await until(lambda: any(r["alerts"] for r in table_rows(user)))
    badges = {r["name"]: r["alerts"] for r in table_rows(user)}
    assert badges["Summer Sale"] == 1
    assert badges["Brand Awareness"] == 0  # acknowledged: no badge
    assert set(badges.values()) <= {0, 1}
