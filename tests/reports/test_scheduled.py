"""A scheduled report: rq-scheduler's tick, a worker build, and e-mail to a local SMTP server."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from nicegui import app
from rq_scheduler import Scheduler

from tests.analytics.conftest import World
from tests.reports.helpers import workbook
from tests.support import bearer_for
from trafficdash import db
from trafficdash.jobs.queues import connection
from trafficdash.jobs.runner import make_worker
from trafficdash.models import AdAccount, ScheduledReport
from trafficdash.reports import schedules
from trafficdash.settings import reset_settings_cache


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch):
    handler = _Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TRAFFICDASH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRAFFICDASH_SMTP_PORT", str(port))
    monkeypatch.setenv("TRAFFICDASH_SMTP_FROM", "reports@trafficdash.test")
    reset_settings_cache()
    yield handler
    controller.stop()
    reset_settings_cache()


SCHEDULE = {
    "name": "Weekly client report",
    "spec": {
        "filters": {"account_ids": [101], "compare": "previous"},  # the preset gives the dates
        "format": "xlsx",
        "level": "ad",
        "breakdowns": ["placement"],
        "preset": "last_7d",
    },
    "frequency": "weekly",
    "weekday": 0,
    "hour": 6,
    "email_to": ["client@example.com"],
    "keep_on_page": True,
}


def test_scheduled_report_is_built_by_a_worker_and_emailed(user, world: World, inbox: _Inbox) -> None:
    ana = TestClient(app)
    ana.headers.update(bearer_for(world.ana.id))
    created = ana.post("/api/reports/schedules", json=SCHEDULE)
    assert created.status_code == 201, created.text
    schedule_id = created.json()["id"]
    # The tick lives in rq-scheduler under its stable id (registering twice keeps one).
    schedules.register_tick()
    schedules.register_tick()
    client = connection()
    ids = [m.decode() for m in client.zrange(Scheduler.scheduled_jobs_key, 0, -1)]
    assert ids.count(schedules.TICK_JOB_ID) == 1
    # Make the schedule due, let rq-scheduler fire the tick, and let workers run it all.
    with db.session_scope() as session:
        row = session.get(ScheduledReport, schedule_id)
        row.next_run_at = db.utcnow() - timedelta(minutes=1)
    Scheduler(queue_name="default", connection=client).enqueue_jobs()
    assert make_worker(["default"], in_thread=True).work(burst=True)
    assert make_worker(["reports"], in_thread=True).work(burst=True)

    (mail,) = inbox.messages
    assert mail["To"] == "client@example.com" and mail["From"] == "reports@trafficdash.test"
    assert "Weekly client report" in mail["Subject"]
    (attachment,) = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_filename().endswith("-ad.xlsx")
    wb = workbook(attachment.get_payload(decode=True))
    assert wb.sheetnames == ["Summary", "Daily", "Campaigns", "Ad sets", "Ads", "Placement"]

    # Kept on the Reports page too, and the schedule moved on by a week.
    listed = ana.get("/api/reports").json()
    assert [r["scheduled_report_id"] for r in listed] == [schedule_id] and listed[0]["status"] == "ready"
    after = ana.get(f"/api/reports/schedules/{schedule_id}").json()
    assert after["last_report_id"] == listed[0]["id"] and after["last_error"] is None


def test_schedules_are_private_and_validated(user, world: World) -> None:
    ana, bob = TestClient(app), TestClient(app)
    ana.headers.update(bearer_for(world.ana.id))
    bob.headers.update(bearer_for(world.bob.id))
    schedule_id = ana.post("/api/reports/schedules", json=SCHEDULE).json()["id"]
    assert bob.get(f"/api/reports/schedules/{schedule_id}").status_code == 404
    assert bob.put(f"/api/reports/schedules/{schedule_id}", json=SCHEDULE).status_code == 404
    assert bob.delete(f"/api/reports/schedules/{schedule_id}").status_code == 404
    assert bob.get("/api/reports/schedules").json() == []
    assert bob.post("/api/reports/schedules", json=SCHEDULE).status_code == 404  # Ana's account
    bad = {**SCHEDULE, "email_to": ["not-an-address"]}
    assert ana.post("/api/reports/schedules", json=bad).status_code == 422
    no_preset = {**SCHEDULE, "spec": {**SCHEDULE["spec"], "preset": None}}
    assert ana.post("/api/reports/schedules", json=no_preset).status_code == 422
    assert ana.delete(f"/api/reports/schedules/{schedule_id}").status_code == 204


def test_next_run_weekly_and_monthly() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    wed = datetime(2024, 1, 10, 12, tzinfo=UTC)
    assert schedules.next_run("weekly", 0, 1, 6, wed) == datetime(2024, 1, 15, 6, tzinfo=UTC)
    assert schedules.next_run("weekly", 2, 1, 13, wed) == datetime(2024, 1, 10, 13, tzinfo=UTC)
    assert schedules.next_run("monthly", 0, 1, 6, wed) == datetime(2024, 2, 1, 6, tzinfo=UTC)
    assert schedules.next_run("monthly", 0, 28, 6, datetime(2024, 12, 28, 7, tzinfo=UTC)) == datetime(
        2025, 1, 28, 6, tzinfo=UTC
    )
    # Wall-clock hours of the account's zone: 6:00 in Sao Paulo is 9:00 UTC; in Lisbon 6:00 is
    # 6:00 UTC in winter and 5:00 UTC in summer (the daylight-saving change moves the UTC time).
    sao_paulo, lisbon = ZoneInfo("America/Sao_Paulo"), ZoneInfo("Europe/Lisbon")
    assert schedules.next_run("weekly", 0, 1, 6, wed, sao_paulo) == datetime(2024, 1, 15, 9, tzinfo=UTC)
    assert schedules.next_run("weekly", 0, 1, 6, wed, lisbon) == datetime(2024, 1, 15, 6, tzinfo=UTC)
    march = datetime(2024, 3, 26, 12, tzinfo=UTC)  # Lisbon moved to summer time on March 31
    assert schedules.next_run("weekly", 0, 1, 6, march, lisbon) == datetime(2024, 4, 1, 5, tzinfo=UTC)
    assert schedules.next_run("monthly", 0, 1, 6, march, lisbon) == datetime(2024, 4, 1, 5, tzinfo=UTC)
    # Late Sunday evening in Sao Paulo is already Monday in UTC: the next "Monday 6:00" is hours away.
    sunday_night = datetime(2024, 1, 15, 1, tzinfo=UTC)  # Sunday 22:00 in Sao Paulo
    assert schedules.next_run("weekly", 0, 1, 6, sunday_night, sao_paulo) == datetime(
        2024, 1, 15, 9, tzinfo=UTC
    )


def test_a_schedule_runs_in_its_accounts_time_zone(user, world: World) -> None:
    with db.session_scope() as session:
        session.get(AdAccount, 101).timezone_name = "America/Sao_Paulo"
    ana = TestClient(app)
    ana.headers.update(bearer_for(world.ana.id))
    created = ana.post("/api/reports/schedules", json={**SCHEDULE, "hour": 6})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["timezone"] == "America/Sao_Paulo"
    assert body["next_run_at"][11:19] == "09:00:00"  # 6:00 in Sao Paulo, stored in UTC
