"""The workbook: structure, formats, values equal to the API's, totals, safety, empty range."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from nicegui import app
from sqlalchemy.orm import Session

from tests.analytics import factories as f
from tests.analytics.conftest import World
from tests.reports.helpers import INJECTION, cell_by_header, chart_xml, close, table, workbook
from tests.support import bearer_for
from trafficdash.analytics.schemas import Filters
from trafficdash.reports import service
from trafficdash.reports.spec import ReportSpec

WEEK2 = {"since": "2024-01-08", "until": "2024-01-14"}


@pytest.fixture
def client(user, world: World) -> TestClient:
    c = TestClient(app)
    c.headers.update(bearer_for(world.ana.id))
    return c


def _excel(client: TestClient, **params) -> bytes:
    r = client.get("/api/reports/export/excel", params={**WEEK2, **params})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    return r.content


def test_workbook_structure_and_summary_match_the_api(client: TestClient) -> None:
    data = _excel(client, account_id="101,102", level="ad", breakdown="placement,country")
    wb = workbook(data)
    assert wb.sheetnames == ["Summary", "Daily", "Campaigns", "Ad sets", "Ads", "Placement", "Country"]
    summary = wb["Summary"]
    texts = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r[0]}
    assert texts["Currency"] == "USD"
    assert "Store One (101)" in texts["Ad accounts"] and "Store Two (102)" in texts["Ad accounts"]
    assert texts["Date range"] == "Jan 8\u2009–\u200914, 2024"
    assert texts["Comparison range"] == "Jan 1\u2009–\u20097, 2024"
    api = client.get("/api/insights/summary", params={**WEEK2, "account_id": "101,102"}).json()["groups"][0]
    spend_row = next(r for r in summary.iter_rows() if r[0].value == "Amount spent")
    assert close(spend_row[1].value, Decimal(api["kpis"]["spend"]["value"]))
    assert close(spend_row[2].value, Decimal(api["kpis"]["spend"]["previous"]))
    assert close(spend_row[4].value * 100, Decimal(api["kpis"]["spend"]["change_pct"]))
    assert spend_row[1].number_format == '"$"#,##0.00;-"$"#,##0.00'
    ctr_row = next(r for r in summary.iter_rows() if r[0].value == "CTR")
    assert close(ctr_row[1].value * 100, Decimal(api["kpis"]["ctr"]["value"]))
    assert ctr_row[1].number_format == "0.00%"
    # A native line chart of the daily trend, reading the Daily sheet.
    charts = chart_xml(data)
    assert len(charts) == 1 and "<lineChart>" in charts[0] and "'Daily'!$B$2:$B$8" in charts[0]


def test_entity_sheets_equal_the_campaigns_api_with_totals_from_sums(client: TestClient) -> None:
    wb = workbook(_excel(client, account_id="101,102", level="ad"))
    for sheet, level in (("Campaigns", "campaign"), ("Ad sets", "adset"), ("Ads", "ad")):
        ws = wb[sheet]
        assert ws.freeze_panes == "B2"
        headers, rows, totals = table(ws)
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{len(rows) + 1}"
        api = client.get(
            "/api/campaigns", params={**WEEK2, "account_id": "101,102", "level": level, "page_size": 200}
        ).json()
        assert [r["ID"] for r in rows] == [str(r["id"]) for r in api["rows"]]
        for got, want in zip(rows, api["rows"], strict=True):
            m = want["metrics"]
            assert got["Name"] == want["name"]
            assert close(got["Amount spent"], Decimal(m["spend"]))
            assert got["Impressions"] == m["impressions"]
            assert close(got["CTR"] * 100 if got["CTR"] is not None else None, m["ctr"] and Decimal(m["ctr"]))
            assert close(got["CPA"], m["cpa"] and Decimal(m["cpa"]))
            assert close(got["ROAS"], m["roas"] and Decimal(m["roas"]))
        # Totals row: sums, and ratios from the sums (never an average of the rows' ratios).
        (total,) = totals
        assert total["Name"] == "Total (USD)"
        spend = sum(Decimal(str(r["Amount spent"])) for r in rows)
        clicks = sum(r["Clicks"] for r in rows)
        impressions = sum(r["Impressions"] for r in rows)
        assert close(total["Amount spent"], spend, 6)
        assert close(total["CTR"], Decimal(clicks) / impressions, 12)
        assert close(total["CPC"], spend / clicks, 6)
        assert close(total["Amount spent"], Decimal(api["totals"][0]["metrics"]["spend"]), 9)


def test_number_formats_header_style_and_widths(client: TestClient) -> None:
    wb = workbook(_excel(client, account_id="101", level="campaign"))
    ws = wb["Campaigns"]
    header = ws["A1"]
    assert header.font.bold and header.font.color.rgb.endswith("FFFFFF")
    assert header.fill.fgColor.rgb.endswith("1E293B")
    assert header.border.bottom.color.rgb.endswith("3B82F6")
    assert cell_by_header(ws, "Impressions", 2).number_format == "#,##0"
    assert cell_by_header(ws, "CTR", 2).number_format == "0.00%"
    assert cell_by_header(ws, "ROAS", 2).number_format == "0.00"
    assert cell_by_header(ws, "CPC", 2).number_format.startswith('"$"#,##0.00')
    assert cell_by_header(ws, "Spend change %", 2).number_format == "+0.0%;-0.0%;0.0%"
    assert ws.column_dimensions["A"].width >= 30
    totals = next(r for r in ws.iter_rows() if r[0].value == "Total (USD)")
    assert all(c.font.bold and c.fill.fgColor.rgb.endswith("E2E8F0") for c in totals)  # empty cells too
    spend_total = totals[[c.value for c in ws[1]].index("Amount spent")]
    assert spend_total.number_format.startswith('"$"#,##0.00')
    daily = wb["Daily"]
    assert daily.freeze_panes == "A2" and daily["A2"].number_format == "yyyy-mm-dd"
    assert daily["A2"].value.date() == date(2024, 1, 8)


def test_brazilian_portuguese_headers_and_real_format(client: TestClient) -> None:
    wb = workbook(_excel(client, account_id="103", level="campaign", locale="pt-BR", breakdown="device"))
    assert wb.sheetnames == ["Resumo", "Diário", "Campanhas", "Dispositivo"]
    ws = wb["Campanhas"]
    headers = [c.value for c in ws[1]]
    assert "Valor gasto" in headers and "Nome" in headers and "Impressões" in headers
    assert cell_by_header(ws, "Valor gasto", 2).number_format.startswith('"R$ "#,##0.00')
    assert wb["Diário"]["A2"].number_format == "dd/mm/yyyy"
    assert ws.cell(row=3, column=1).value == "Total (BRL)".replace("Total", "Total")


def test_formula_injection_stays_text(client: TestClient, world: World, session: Session) -> None:
    evil = f.campaign(session, world.usd1, INJECTION)
    evil_ad = f.ad(
        session,
        f.ad_set(session, evil, "+cmd|' /C calc'!A0"),
        "@SUM(1+1)",
        {"title": "-2+3", "body": "\tTabbed"},
    )
    f.day_row(session, evil_ad, date(2024, 1, 9))
    f.roll_up(session, world.usd1)
    wb = workbook(_excel(client, account_id="101", level="ad"))
    campaigns = {c.value: c for c in wb["Campaigns"]["A"]}
    cell = campaigns[INJECTION]
    assert cell.data_type == "s" and cell.quotePrefix  # a string cell: Excel shows it, never runs it
    ads = wb["Ads"]
    names = {c.value: c for c in ads["A"]}
    assert names["@SUM(1+1)"].data_type == "s" and names["@SUM(1+1)"].quotePrefix
    adsets = {c.value: c for c in wb["Ad sets"]["A"]}
    assert adsets["+cmd|' /C calc'!A0"].quotePrefix
    row = next(r for r in ads.iter_rows() if r[0].value == "@SUM(1+1)")
    headers = [c.value for c in ads[1]]
    assert row[headers.index("Headline")].value == "-2+3" and row[headers.index("Headline")].quotePrefix
    assert row[headers.index("Primary text")].value == "\tTabbed"
    # No formula anywhere in the workbook.
    for ws in wb.worksheets:
        for r in ws.iter_rows():
            assert all(c.data_type != "f" for c in r)


def test_empty_range_says_there_is_no_data(client: TestClient, session: Session) -> None:
    wb = workbook(_excel(client, since="2023-01-01", until="2023-01-31", level="ad", breakdown="device"))
    values = [v for r in wb["Summary"].iter_rows(values_only=True) for v in r if v]
    assert "No data in this range" in values
    # The ads exist (the dashboard lists them with zeros); the breakdown has no row at all.
    _, rows, _ = table(wb["Ads"])
    assert rows and all(r["Amount spent"] == 0 and r["CTR"] is None for r in rows)
    assert [c.value for c in wb["Device USD"]["A"]][1] == "No data in this range"
    # A user with no ad account at all still gets a workbook that says so.
    from tests.support import make_user

    nobody = make_user(session, "nobody@example.com", "Nobody")
    session.commit()
    empty = TestClient(app)
    empty.headers.update(bearer_for(nobody.id))
    r = empty.get("/api/reports/export/excel", params={**WEEK2, "level": "ad"})
    assert r.status_code == 200, r.text
    wb = workbook(r.content)
    assert "No data in this range" in [v for row in wb["Summary"].iter_rows(values_only=True) for v in row]
    assert wb.sheetnames == ["Summary", "Campaigns", "Ad sets", "Ads"]


def test_sheet_names_are_sanitised() -> None:
    from trafficdash.reports.safety import sheet_name

    taken: set[str] = set()
    assert sheet_name("a/b:c*d?[e]", taken) == "a b c d  e"
    long = "x" * 40
    assert sheet_name(long, taken) == "x" * 31
    assert sheet_name(long, taken) == "x" * 27 + " (2)"
    assert sheet_name("'", taken) == "Sheet"


def test_service_streams_entities_in_batches(world: World, session: Session) -> None:
    """Bounded memory: a small batch size gives the same rows as the API's pages, in order."""
    from trafficdash.analytics import service as analytics
    from trafficdash.analytics.export_rows import iter_entities

    filters = Filters(since=date(2024, 1, 8), until=date(2024, 1, 14), account_ids=[101, 102])
    batches = list(iter_entities(session, world.ana.id, filters, "ad", batch_size=2))
    assert [len(b) for b in batches] == [2, 2]
    page = analytics.entities(session, world.ana.id, filters, "ad", page_size=200)
    assert [r for b in batches for r in b] == page.rows
    spec = ReportSpec(filters=filters, level="ad")
    assert (
        service.estimate_rows(session, world.ana.id, spec) == 7 + 3 + 3 + 4
    )  # days, campaigns, ad sets, ads
