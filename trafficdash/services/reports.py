"""What the Reports page and the export buttons read and change: exports (rendered now, or queued
for a worker when large), the recent report files and the report schedules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from trafficdash import db
from trafficdash.analytics import service as analytics
from trafficdash.models import ReportStatus
from trafficdash.reports import schedules
from trafficdash.reports import service as reports
from trafficdash.reports.spec import ReportSpec


@dataclass(frozen=True)
class Rendered:
    """A small export, built now: the file to hand to the browser."""

    content: bytes
    file_name: str
    media_type: str


@dataclass(frozen=True)
class Queued:
    """A large export, queued for a worker: the Reports page offers it when ready."""

    rows: int
    report_id: int


def export(user_id: int, spec: ReportSpec) -> Rendered | Queued:
    """Raises ``AccountNotFound``, ``EntityNotFound`` or ``InvalidFilters`` for filters the user
    cannot export."""
    with db.session_scope() as session:
        rows = reports.estimate_rows(session, user_id, spec)
        if rows > reports.SYNC_ROW_LIMIT:
            return Queued(rows, reports.request_report(session, user_id, spec, rows_total=rows).id)
        content = reports.render_now(session, user_id, spec)
    return Rendered(content, reports.download_name(spec), reports.MEDIA_TYPES[spec.format])


def account_options(user_id: int) -> dict[int, str]:
    with db.session_scope() as session:
        return {a.id: f"{a.name} ({a.currency})" for a in analytics.accounts_overview(session, user_id)}


def account_today(user_id: int, account_ids: list[int]) -> date:
    """Today in these accounts' zone (what date presets count from)."""
    with db.session_scope() as session:
        return analytics.account_today(session, user_id, account_ids)


@dataclass(frozen=True)
class ReportLine:
    id: int
    title: str
    status: str
    percent: int
    error: str | None
    created_at: datetime

    @property
    def in_progress(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def ready(self) -> bool:
        return self.status == ReportStatus.READY


def recent_reports(user_id: int) -> list[ReportLine]:
    with db.session_scope() as session:
        return [
            ReportLine(r.id, r.title, r.status, r.percent, r.error, r.created_at)
            for r in reports.list_reports(session, user_id)
        ]


@dataclass(frozen=True)
class ScheduleLine:
    id: int
    name: str
    frequency: str
    next_run_at: datetime  # in the schedule's zone
    zone: str
    email_to: str | None
    last_error: str | None


def schedule_lines(user_id: int) -> list[ScheduleLine]:
    lines = []
    with db.session_scope() as session:
        for s in schedules.list_schedules(session, user_id):
            zone = schedules.row_zone(session, s)
            when = db.as_utc(s.next_run_at).astimezone(zone)
            lines.append(ScheduleLine(s.id, s.name, s.frequency, when, zone.key, s.email_to, s.last_error))
    return lines


def create_schedule(user_id: int, data: schedules.ScheduleIn) -> None:
    """Raises ``AccountNotFound`` (or ``ValueError``) for a schedule the user cannot have."""
    with db.session_scope() as session:
        schedules.create_schedule(session, user_id, data)
    schedules.register_tick()


def delete_schedule(user_id: int, schedule_id: int) -> None:
    with db.session_scope() as session:
        schedules.delete_schedule(session, user_id, schedule_id)
