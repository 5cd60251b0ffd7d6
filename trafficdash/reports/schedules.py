"""Scheduled reports: a spec with a date preset, built weekly or monthly, e-mailed and/or kept.

The database is the source of truth (``next_run_at`` per schedule). One rq-scheduler job under
a stable id (``trafficdash-reports-due``) fires ``run_due`` every few minutes; it queues a build
for each schedule that is due and moves its ``next_run_at`` on, so a missed tick (scheduler
restart) only delays a report, never duplicates or loses it.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.analytics.date_presets import PRESETS
from trafficdash.analytics.errors import AccountNotFound, InvalidFilters
from trafficdash.auth.access import visible_account_ids
from trafficdash.input_types import Flag, NotABoolean, Text
from trafficdash.models import AdAccount, ReportFrequency, ScheduledReport
from trafficdash.reports.spec import ReportSpec, parse_spec
from trafficdash.zones import UTC_ZONE, zone_or_utc

if TYPE_CHECKING:
    from rq_scheduler import Scheduler

TICK_JOB_ID = "trafficdash-reports-due"
TICK_TASK = "trafficdash.reports.tasks.run_due_schedules_task"
DELIVER_TASK = "trafficdash.reports.tasks.deliver_scheduled_report_task"
TICK_SECONDS = 300
DEFAULT_PRESET = {"weekly": "last_7d", "monthly": "last_month"}
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


class ScheduleNotFound(LookupError):
    def __init__(self, schedule_id: int) -> None:
        super().__init__(f"Scheduled report {schedule_id} not found.")


class ScheduleIn(BaseModel):
    """What a user sets: the report (spec with a preset) and when and how it is delivered."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(min_length=1, max_length=200)
    spec: ReportSpec
    frequency: Literal["weekly", "monthly"] = "weekly"
    weekday: Annotated[int, Field(ge=0, le=6), NotABoolean] = 0
    day_of_month: Annotated[int, Field(ge=1, le=28), NotABoolean] = 1
    hour: Annotated[int, Field(ge=0, le=23), NotABoolean] = 6
    email_to: list[Annotated[Text, Field(max_length=320)]] = Field(default_factory=list, max_length=20)
    keep_on_page: Flag = True
    enabled: Flag = True

    @field_validator("email_to")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        out = [v.strip() for v in value if v.strip()]
        for address in out:
            if not _EMAIL.match(address):
                raise ValueError(f"not an e-mail address: {address!r}")
        return out

    @field_validator("spec")
    @classmethod
    def _needs_preset(cls, spec: ReportSpec) -> ReportSpec:
        if spec.preset not in PRESETS:
            raise ValueError(f"a scheduled report needs a date preset: one of {', '.join(PRESETS)}")
        return spec


def next_run(
    frequency: str, weekday: int, day_of_month: int, hour: int, after: datetime, zone: ZoneInfo | None = None
) -> datetime:
    """The first moment strictly after ``after`` matching the schedule, as a UTC datetime.

    The weekday, day and hour are wall-clock time in ``zone`` (the report's account), so "Monday
    6:00" stays 6:00 for the marketer across daylight-saving changes.
    """
    zone = zone or UTC_ZONE
    if after.tzinfo is None:  # SQLite hands back naive UTC
        after = after.replace(tzinfo=UTC)
    local = after.astimezone(zone)
    if frequency == ReportFrequency.WEEKLY:
        candidate = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        candidate += timedelta(days=(weekday - candidate.weekday()) % 7)  # wall-clock arithmetic
        if candidate <= after:
            candidate += timedelta(days=7)
        return candidate.astimezone(UTC)
    year, month = local.year, local.month
    for _ in range(2):
        day = min(day_of_month, calendar.monthrange(year, month)[1])
        candidate = datetime(year, month, day, hour, tzinfo=zone)
        if candidate > after:
            return candidate.astimezone(UTC)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable")


def schedule_zone(session: Session, user_id: int, spec_account_ids: list[int]) -> ZoneInfo:
    """The time zone a schedule runs in: its first account's, else the user's first account's."""
    ids = spec_account_ids or visible_account_ids(session, user_id)[:1]
    return zone_or_utc(
        session.scalar(select(AdAccount.timezone_name).where(AdAccount.id == ids[0])) if ids else None
    )


def row_zone(session: Session, row: ScheduledReport) -> ZoneInfo:
    return schedule_zone(session, row.user_id, list((row.spec.get("filters") or {}).get("account_ids") or []))


def _check_access(session: Session, user_id: int, spec: ReportSpec) -> None:
    visible = set(visible_account_ids(session, user_id))
    for account_id in spec.filters.account_ids:
        if account_id not in visible:
            raise AccountNotFound(account_id)


def _apply(session: Session, row: ScheduledReport, data: ScheduleIn, now: datetime) -> None:
    row.name = data.name
    row.spec = data.spec.model_dump(mode="json")
    row.frequency = data.frequency
    row.weekday, row.day_of_month, row.hour = data.weekday, data.day_of_month, data.hour
    row.email_to = ", ".join(data.email_to) or None
    row.keep_on_page = data.keep_on_page or not data.email_to  # never a report delivered nowhere
    row.enabled = data.enabled
    zone = schedule_zone(session, row.user_id, data.spec.filters.account_ids)
    row.next_run_at = next_run(data.frequency, data.weekday, data.day_of_month, data.hour, now, zone)


def create_schedule(
    session: Session, user_id: int, data: ScheduleIn, now: datetime | None = None
) -> ScheduledReport:
    _check_access(session, user_id, data.spec)
    row = ScheduledReport(user_id=user_id)
    _apply(session, row, data, now or db.utcnow())
    session.add(row)
    session.flush()
    return row


def get_schedule(session: Session, user_id: int, schedule_id: int) -> ScheduledReport:
    row = session.get(ScheduledReport, schedule_id)
    if row is None or row.user_id != user_id:
        raise ScheduleNotFound(schedule_id)
    return row


def update_schedule(
    session: Session, user_id: int, schedule_id: int, data: ScheduleIn, now: datetime | None = None
) -> ScheduledReport:
    row = get_schedule(session, user_id, schedule_id)
    _check_access(session, user_id, data.spec)
    _apply(session, row, data, now or db.utcnow())
    return row


def delete_schedule(session: Session, user_id: int, schedule_id: int) -> None:
    session.delete(get_schedule(session, user_id, schedule_id))


def list_schedules(session: Session, user_id: int) -> list[ScheduledReport]:
    stmt = select(ScheduledReport).where(ScheduledReport.user_id == user_id).order_by(ScheduledReport.id)
    return list(session.scalars(stmt))


def schedule_spec(row: ScheduledReport) -> ReportSpec:
    return parse_spec(row.spec)


def run_due(now: datetime | None = None) -> list[int]:
    """Queue a build of every due schedule and move it on; returns the new report ids."""
    from trafficdash.jobs.queues import QueueName, enqueue_limited
    from trafficdash.reports.service import create_report

    now = now or db.utcnow()
    created: list[tuple[int, int]] = []
    with db.session_scope() as session:
        due = session.scalars(
            select(ScheduledReport)
            .where(ScheduledReport.enabled.is_(True), ScheduledReport.next_run_at <= now)
            .with_for_update(skip_locked=True)
        ).all()
        for row in due:
            try:
                spec = parse_spec(row.spec)
                report = create_report(session, row.user_id, spec, scheduled_report_id=row.id, title=row.name)
                created.append((row.id, report.id))
                row.last_report_id = report.id
                row.last_error = None
            except InvalidFilters as exc:
                row.last_error = str(exc)
            row.last_run_at = now
            row.next_run_at = next_run(
                row.frequency, row.weekday, row.day_of_month, row.hour, now, row_zone(session, row)
            )
    for schedule_id, report_id in created:
        enqueue_limited(
            QueueName.REPORTS,
            DELIVER_TASK,
            report_id,
            job_id=f"report-{report_id}-scheduled",
            meta={"report_id": report_id, "scheduled_report_id": schedule_id},
        )
    return [r for _, r in created]


def register_tick(scheduler: Scheduler | None = None) -> None:
    """Put the "reports due?" tick in rq-scheduler under its stable id (idempotent)."""
    from trafficdash.jobs.queues import QueueName, make_scheduler

    sched = scheduler or make_scheduler()
    if TICK_JOB_ID in {
        (m.decode() if isinstance(m, bytes) else m)
        for m in sched.connection.zrange(sched.scheduled_jobs_key, 0, -1)
    }:
        return
    sched.schedule(
        scheduled_time=datetime.now(UTC).replace(tzinfo=None),
        func=TICK_TASK,
        interval=TICK_SECONDS,
        repeat=None,
        id=TICK_JOB_ID,
        queue_name=QueueName.DEFAULT.value,
        description="queue scheduled reports that are due",
    )
