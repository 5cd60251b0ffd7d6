"""Worker entry points of scheduled reports (dotted paths for RQ and rq-scheduler)."""

from __future__ import annotations

import logging

from trafficdash import db
from trafficdash.models import ReportFile, ScheduledReport

log = logging.getLogger(__name__)


def run_due_schedules_task() -> list[int]:
    from trafficdash.reports.schedules import run_due

    return run_due()


def deliver_scheduled_report_task(report_id: int) -> str:
    """Build the report, e-mail it if asked, and drop it from the page if only e-mail was wanted."""
    from trafficdash.reports.delivery import send_report_email
    from trafficdash.reports.service import build_report, download_name, purge_file
    from trafficdash.reports.spec import parse_spec

    path = build_report(report_id)
    with db.session_scope() as session:
        report = session.get(ReportFile, report_id)
        assert report is not None
        schedule = (
            session.get(ScheduledReport, report.scheduled_report_id) if report.scheduled_report_id else None
        )
        recipients = (
            [a.strip() for a in (schedule.email_to or "").split(",") if a.strip()] if schedule else []
        )
        keep = schedule.keep_on_page if schedule else True
        spec = parse_spec(report.spec)
        title = report.title
    if recipients:
        f = spec.filters
        try:
            send_report_email(
                recipients,
                subject=f"{title} · {f.since} – {f.until}",
                body=f"Your trafficdash report '{title}' for {f.since} – {f.until} is attached.",
                attachment=path,
                file_name=download_name(spec),
            )
        except Exception as exc:
            with db.session_scope() as session:
                schedule = session.get(ScheduledReport, report.scheduled_report_id)
                if schedule is not None:
                    schedule.last_error = f"E-mail delivery failed: {exc}"
            raise
    if recipients and not keep:
        purge_file(report_id)
    return str(path)
