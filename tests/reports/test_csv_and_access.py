"""CSV exports, queued builds with progress and download, and who may see what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from nicegui import app
from sqlalchemy.orm import Session

from tests.analytics import factories as f
from tests.analytics.conftest import World
from tests.reports.helpers import INJECTION, csv_rows, workbook
from tests.support import bearer_for
from trafficdash.jobs.runner import make_worker
from trafficdash.reports import service

WEEK2 = {"since": "2024-01-08", "until": "2024-01-14"}


@pytest.fixture
def ana(user, world: World) -> TestClient:
    c = TestClient(app)
    c.headers.update(bearer_for(world.ana.id))
    return c


@pytest.fixture
def bob(user, world: World) -> TestClient:
    c = TestClient(app)
    c.headers.update(bearer_for(world.bob.id))
    return c


def test_csv_streams_the_same_numbers_as_the_api(ana: TestClient) -> None:
    r = ana.get("/api/reports/export/csv", params={**WEEK2, "account_id": "101", "level": "ad"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())  # BOM: Excel reads it as UTF-8
    rows = csv_rows(r.content)
    api = ana.get("/api/campaigns", params={**WEEK2, "account_id": "101", "level": "ad"}).json()["rows"]
    assert [row["ID"] for row in rows] == [str(a["id"]) for a in api]
    for row, want in zip(rows, api, strict=True):
        m = want["metrics"]
        assert Decimal(row["Amount spent"]) == Decimal(m["spend"])
        assert int(row["Impressions"]) == m["impressions"]
        assert Decimal(row["CTR (%)"]) == Decimal(m["ctr"]).quantize(Decimal("0.000001"))
        assert row["CPA"] == ("" if m["cpa"] is None else row["CPA"])
    no_bom = ana.get("/api/reports/export/csv", params={**WEEK2, "account_id": "101", "bom": "false"})
    assert not no_bom.content.startswith("\ufeff".encode())


def test_csv_daily_breakdown_and_portuguese_dialect(ana: TestClient) -> None:
    daily = csv_rows(ana.get("/api/reports/export/csv", params={**WEEK2, "level": "account"}).content)
    assert {r["Currency"] for r in daily} == {"USD", "BRL"} and len(daily) == 14
    pt = ana.get(
        "/api/reports/export/csv",
        params={**WEEK2, "account_id": "101", "breakdown": "country", "locale": "pt-BR"},
    )
    rows = csv_rows(pt.content, delimiter=";")
    assert [r["Segmento"] for r in rows] == ["Brazil", "Portugal"]
    assert rows[0]["Valor gasto"] == "56" and rows[1]["Valor gasto"] == "15,75"


def test_csv_neutralises_formulas(ana: TestClient, world: World, session: Session) -> None:
    evil = f.campaign(session, world.usd1, INJECTION)
    f.day_row(session, f.ad(session, f.ad_set(session, evil, "-1+1"), "@x"), date(2024, 1, 9))
    f.roll_up(session, world.usd1)
    rows = csv_rows(ana.get("/api/reports/export/csv", params={**WEEK2, "account_id": "101"}).content)
    assert "'" + INJECTION in [r["Name"] for r in rows]
    ad_sets = csv_rows(
        ana.get("/api/reports/export/csv", params={**WEEK2, "account_id": "101", "level": "adset"}).content
    )
    assert "'-1+1" in [r["Name"] for r in ad_sets]
    assert not any(r["Name"].startswith(("=", "+", "-", "@")) for r in rows + ad_sets)


@pytest.mark.parametrize("path", ["/api/reports/export/excel", "/api/reports/export/csv"])
def test_export_of_another_users_account_is_not_found(ana: TestClient, bob: TestClient, path: str) -> None:
    assert ana.get(path, params={**WEEK2, "account_id": "201"}).status_code == 404
    assert bob.get(path, params={**WEEK2, "account_id": "101"}).status_code == 404
    assert bob.get(path, params={**WEEK2, "account_id": "999999"}).status_code == 404
    assert TestClient(app).get(path, params=WEEK2).status_code == 401
    # Bob's own export holds only his account.
    r = bob.get(path, params={**WEEK2, "level": "campaign"})
    assert r.status_code == 200
    if path.endswith("excel"):
        names = [c.value for c in workbook(r.content)["Campaigns"]["A"]]
        assert "Bob campaign" in names and "Summer Sale" not in names
    else:
        assert [row["Name"] for row in csv_rows(r.content)] == ["Bob campaign"]


def test_bad_parameters_are_clear_4xx(ana: TestClient) -> None:
    assert ana.get("/api/reports/export/excel", params={**WEEK2, "level": "galaxy"}).status_code == 422
    assert ana.get("/api/reports/export/excel", params={**WEEK2, "breakdown": "mood"}).status_code == 422
    assert ana.get("/api/reports/export/csv", params={**WEEK2, "sort": "nonsense"}).status_code == 422
    assert (
        ana.get("/api/reports/export/csv", params={"since": "2024-02-01", "until": "2024-01-01"}).status_code
        == 422
    )
    assert ana.get("/api/reports/export/csv", params={**WEEK2, "locale": "fr"}).status_code == 422


def test_large_export_is_queued_built_by_a_worker_and_kept(
    ana: TestClient, bob: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "SYNC_ROW_LIMIT", 3)
    r = ana.get("/api/reports/export/excel", params={**WEEK2, "account_id": "101,102", "level": "ad"})
    assert r.status_code == 202, r.text
    queued = r.json()
    assert queued["status"] == "queued" and queued["download_url"] is None
    report_id = queued["id"]
    assert ana.get(f"/api/reports/{report_id}/download").status_code == 409  # not built yet
    assert make_worker(["reports"], in_thread=True).work(burst=True)
    status = ana.get(queued["progress_url"]).json()
    assert status["status"] == "ready" and status["percent"] == 100 and status["rows_done"] == 7 + 3 + 3 + 4
    download = ana.get(status["download_url"])
    assert download.status_code == 200
    assert workbook(download.content).sheetnames == ["Summary", "Daily", "Campaigns", "Ad sets", "Ads"]
    assert [x["id"] for x in ana.get("/api/reports").json()] == [report_id]
    # Stored report files of another user: not found, whatever the id.
    assert bob.get(f"/api/reports/{report_id}").status_code == 404
    assert bob.get(f"/api/reports/{report_id}/download").status_code == 404
    assert bob.delete(f"/api/reports/{report_id}").status_code == 404
    assert bob.get("/api/reports").json() == []
    assert ana.get("/api/reports/987654").status_code == 404
    # Past its retention the file is deleted and the record says so.
    from datetime import timedelta

    from trafficdash import db

    assert service.purge_expired(db.utcnow() + service.RETENTION + timedelta(minutes=1)) == 1
    assert ana.get(f"/api/reports/{report_id}").json()["status"] == "expired"
    assert ana.get(f"/api/reports/{report_id}/download").status_code == 409
    assert ana.delete(f"/api/reports/{report_id}").status_code == 204


def test_queued_csv_is_built_too(ana: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "SYNC_ROW_LIMIT", 1)
    r = ana.get("/api/reports/export/csv", params={**WEEK2, "account_id": "101", "level": "ad"})
    assert r.status_code == 202
    assert make_worker(["reports"], in_thread=True).work(burst=True)
    body = ana.get(f"/api/reports/{r.json()['id']}/download")
    assert body.status_code == 200 and len(csv_rows(body.content)) == 3
