"""Run only with the temporary_metric plugin (see tests/catalogue/test_surfaces.py): the conversion
rate, catalogued by the plugin alone, is on a KPI card, a table column, the API schema and
answers, and an Excel column, with the same value everywhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from nicegui import ui
from nicegui.testing import User

from tests.catalogue.temporary_metric import KEY, LABELS
from tests.reports.helpers import cell_by_header, close, table, workbook
from tests.support import api_only_app, bearer_for
from tests.ui.conftest import World, open_as
from trafficdash import db
from trafficdash.analytics import service
from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.analytics.schemas import Filters
from trafficdash.i18n.metric_format import format_metric

WEEK2 = {"since": "2024-01-08", "until": "2024-01-14"}
LABEL = LABELS["en"]


@pytest.fixture(autouse=True)
def _plugin_loaded() -> None:
    assert KEY in CATALOGUE, "run with -p tests.catalogue.temporary_metric"


def _rate(conversions: Decimal, clicks: int) -> Decimal:
    return conversions * 100 / clicks


def test_api_schema_and_answers(world: World) -> None:
    client = TestClient(api_only_app())
    client.headers.update(bearer_for(world.ana.id))
    schema = client.get("/openapi.json").json()
    assert KEY in schema["components"]["schemas"]["Metrics"]["properties"]
    assert KEY in schema["components"]["schemas"]["DailyPoint"]["properties"]
    sort = next(p for p in schema["paths"]["/api/campaigns"]["get"]["parameters"] if p["name"] == "sort")
    assert KEY in sort["schema"]["enum"]
    r = client.get("/api/campaigns", params={**WEEK2, "account_id": 101, "sort": KEY, "order": "desc"})
    assert r.status_code == 200, r.text
    rates = [
        None if m[KEY] is None else Decimal(m[KEY]) for m in (row["metrics"] for row in r.json()["rows"])
    ]
    for row, rate in zip(r.json()["rows"], rates, strict=True):
        m = row["metrics"]
        assert rate == (_rate(Decimal(m["conversions"]), m["clicks"]) if m["clicks"] else None)
    known = [v for v in rates if v is not None]
    assert known == sorted(known, reverse=True)  # sorted in SQL by the same formula
    summary = client.get("/api/insights/summary", params={**WEEK2, "account_id": 101}).json()
    assert KEY in summary["groups"][0]["kpis"]


def test_excel_column(world: World) -> None:
    client = TestClient(api_only_app())
    client.headers.update(bearer_for(world.ana.id))
    r = client.get("/api/reports/export/excel", params={**WEEK2, "account_id": 101, "level": "campaign"})
    assert r.status_code == 200, r.text
    ws = workbook(r.content)["Campaigns"]
    headers, rows, _ = table(ws)
    assert LABEL in headers
    with db.session_scope() as session:
        page = service.entities(session, world.ana.id, Filters(account_ids=[101], **WEEK2), "campaign")
    expected = {row.name: row.metrics.value(KEY) for row in page.rows}
    for i, row in enumerate(rows):
        rate = expected[row["Name"]]
        assert close(row[LABEL], None if rate is None else rate / 100), row["Name"]
        assert cell_by_header(ws, LABEL, i + 2).number_format == "0.00%"


# Pages last: the API tests above warm the process, so a loaded machine does not push the first
# page past NiceGUI's response timeout.
async def test_kpi_card(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/", account_key="cur:USD")
    await user.should_see(marker="kpi-grid")
    with db.session_scope() as session:
        filters = Filters(currency="USD", since=date(2024, 1, 8), until=date(2024, 1, 14))
        kpis = service.summary(session, world.ana.id, filters).groups[0].kpis
    assert kpis[KEY].value == _rate(kpis["conversions"].value, kpis["clicks"].value)
    await user.should_see(LABEL)
    card = user.find(marker=f"kpi-value-{KEY}").elements.pop()
    assert card.text == format_metric(KEY, kpis[KEY].value, "USD", "en")
    assert card.text.endswith("%")


async def test_table_column(user: User, world: World) -> None:
    await open_as(user, world.ana.id, "/campaigns", account_key="cur:USD")
    await user.should_see(marker="entity-table")
    table_ = user.find(marker="entity-table").elements.pop()
    assert isinstance(table_, ui.table)
    column = next(c for c in table_.columns if c["name"] == KEY)
    assert column["label"] == LABEL and column["sortable"]
    with db.session_scope() as session:
        page = service.entities(session, world.ana.id, Filters(currency="USD", **WEEK2), "campaign")
    shown = {r["name"]: r[KEY] for r in table_.rows}
    for row in page.rows:
        assert shown[row.name] == format_metric(KEY, row.metrics.value(KEY), "USD", "en")
