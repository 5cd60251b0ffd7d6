"""Reports: build a workbook or CSV from a spec, keep report records and their files.

Small exports are rendered in the request (``render_now``); larger ones get a ``ReportFile``
row and are built by an RQ worker (``build_report``, run by ``jobs.tasks.build_report_task``)
with progress in the row. Files live in ``<data_dir>/reports`` until ``expires_at``; every
lookup is scoped to the owner, so another user's report id is "not found".
"""

from __future__ import annotations

import io
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash import db
from trafficdash.analytics import service as analytics
from trafficdash.analytics.service import account_today
from trafficdash.models import ReportFile, ReportStatus
from trafficdash.reports.content import ReportContent, Table, build_content
from trafficdash.reports.labels import text
from trafficdash.reports.safety import file_name_part
from trafficdash.reports.spec import ReportSpec, parse_spec
from trafficdash.settings import get_settings

log = logging.getLogger(__name__)

BUILD_TASK = "trafficdash.jobs.tasks.build_report_task"
# Past this many rows an export is built by a worker instead of inside the request.
SYNC_ROW_LIMIT = 5000
RETENTION = timedelta(days=7)
PROGRESS_INTERVAL_SECONDS = 0.5
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ReportNotFound(LookupError):
    """No such report for this user (another user's report is indistinguishable from none)."""

    def __init__(self, report_id: int) -> None:
        super().__init__(f"Report {report_id} not found.")
        self.report_id = report_id


class ReportNotReady(RuntimeError):
    """The report is still being built, failed, or its file has expired."""


def reports_dir() -> Path:
    path = get_settings().data_dir / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def download_name(spec: ReportSpec) -> str:
    f = spec.filters
    table = spec.csv_table().replace("breakdown:", "") if spec.format == "csv" else spec.level
    return f"trafficdash-{f.since}-{f.until}-{file_name_part(table)}.{spec.format}"


def title_for(spec: ReportSpec) -> str:
    f = spec.filters
    what = (
        text(f"sheet.{spec.level}", spec.locale)
        if spec.level != "account"
        else text("sheet.summary", spec.locale)
    )
    return f"{what} · {f.since} – {f.until} · {spec.format.upper()}"


# ---- rendering ------------------------------------------------------------------------------------


def csv_tables(spec: ReportSpec) -> list[str]:
    return [spec.csv_table()]


def content_for(session: Session, user_id: int, spec: ReportSpec, batch_size: int = 1000) -> ReportContent:
    """The report's tables from the analytics service (raises AccountNotFound for foreign ids)."""
    tables = csv_tables(spec) if spec.format == "csv" else None
    return build_content(session, user_id, spec, tables=tables, batch_size=batch_size)


def estimate_rows(session: Session, user_id: int, spec: ReportSpec) -> int:
    """How many data rows the export will have (cheap: counts, not rows). Checks access."""
    filters = spec.filters
    levels = spec.entity_levels()
    if spec.format == "csv":
        table = spec.csv_table()
        levels = [table] if table in ("campaign", "adset", "ad") else []
        if table == "daily" or table.startswith("breakdown:"):
            analytics.summary(session, user_id, filters)  # the access check
            return filters.days
    total = filters.days
    analytics.summary(session, user_id, filters)
    for level in levels:
        total += analytics.entities(session, user_id, filters, level, page_size=1).total
    return total


def merged_csv_table(tables: list[Table], locale: str) -> Table:
    """Several currency groups of one table (daily, a breakdown) as one table with a currency column."""
    if len(tables) == 1:
        return tables[0]
    from trafficdash.reports.content import Column

    first = tables[0]
    currency_col = Column("currency", text("currency", locale), "text", 8)

    def rows() -> Iterator[tuple]:
        for t in tables:
            for row in t.rows:
                yield (t.currency, *row)

    return Table(
        key=first.key,
        title=first.title,
        columns=[currency_col, *first.columns],
        rows=rows(),
        currency_col=0,
        row_estimate=sum(t.row_estimate for t in tables),
    )


def _csv_chunks(content: ReportContent) -> Iterator[bytes]:
    from trafficdash.reports.csv_export import iter_csv

    spec = content.spec
    if not content.tables:
        return iter_csv(Table(key="empty", title="", columns=[], rows=[]), spec.locale, bom=spec.csv_bom)
    return iter_csv(merged_csv_table(content.tables, spec.locale), spec.locale, bom=spec.csv_bom)


def write_report(content: ReportContent, target: io.BufferedIOBase, progress: Callable[[int], None]) -> int:
    """Write the content in its format; returns the number of data rows."""
    if content.spec.format == "xlsx":
        from trafficdash.reports.excel import write_workbook

        return write_workbook(content, target, progress)
    rows = 0
    for chunk in _csv_chunks(content):
        target.write(chunk)
        lines = chunk.count(b"\n")
        progress(lines - 1 if rows == 0 else lines)  # the first line is the header
        rows += lines
    return max(rows - 1, 0)


def render_now(session: Session, user_id: int, spec: ReportSpec) -> bytes:
    """A small export, built in the request."""
    buffer = io.BytesIO()
    write_report(content_for(session, user_id, spec), buffer, lambda n: None)
    return buffer.getvalue()


def stream_csv(user_id: int, spec: ReportSpec) -> Iterator[bytes]:
    """A small CSV as a stream; it opens its own session (the request's ends before streaming)."""
    with db.session_scope() as session:
        yield from _csv_chunks(content_for(session, user_id, spec))


# ---- report records -------------------------------------------------------------------------------


def create_report(
    session: Session,
    user_id: int,
    spec: ReportSpec,
    *,
    scheduled_report_id: int | None = None,
    title: str | None = None,
    rows_total: int = 0,
) -> ReportFile:
    report = ReportFile(
        user_id=user_id,
        scheduled_report_id=scheduled_report_id,
        title=(title or title_for(spec))[:200],
        format=spec.format,
        spec=spec.model_dump(mode="json"),
        status=ReportStatus.QUEUED.value,
        rows_total=rows_total,
    )
    session.add(report)
    session.flush()
    return report


def enqueue_build(report_id: int) -> str:
    """Queue the build on the reports queue; the job id is kept on the record."""
    from trafficdash.jobs.queues import QueueName, enqueue_limited

    job_id = f"report-{report_id}-{secrets.token_hex(6)}"
    with db.session_scope() as session:
        report = session.get(ReportFile, report_id)
        if report is not None:
            report.job_id = job_id
    try:
        enqueue_limited(
            QueueName.REPORTS, BUILD_TASK, report_id, job_id=job_id, meta={"report_id": report_id}
        )
    except Exception as exc:
        _fail(report_id, f"Could not queue the report: {exc}")
        raise
    return job_id


def request_report(session: Session, user_id: int, spec: ReportSpec, rows_total: int = 0) -> ReportFile:
    """A report to build in the background: the record now (committed), the job right after."""
    report = create_report(session, user_id, spec, rows_total=rows_total)
    session.commit()
    enqueue_build(report.id)
    session.refresh(report)
    return report


def get_report(session: Session, user_id: int, report_id: int) -> ReportFile:
    report = session.get(ReportFile, report_id)
    if report is None or report.user_id != user_id:
        raise ReportNotFound(report_id)
    return report


def list_reports(session: Session, user_id: int, limit: int = 30) -> list[ReportFile]:
    stmt = (
        select(ReportFile)
        .where(ReportFile.user_id == user_id)
        .order_by(ReportFile.created_at.desc(), ReportFile.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def report_file(session: Session, user_id: int, report_id: int) -> tuple[Path, str, str]:
    """(path, download name, media type) of a ready report of this user."""
    report = get_report(session, user_id, report_id)
    if report.status != ReportStatus.READY or not report.file_name:
        raise ReportNotReady(f"Report {report_id} is {report.status}.")
    path = reports_dir() / report.file_name
    if not path.is_file():
        raise ReportNotReady(f"Report {report_id} is no longer available.")
    spec = parse_spec(report.spec)
    return path, download_name(spec), MEDIA_TYPES[report.format]


def delete_report(session: Session, user_id: int, report_id: int) -> None:
    report = get_report(session, user_id, report_id)
    _remove_file(report.file_name)
    session.delete(report)


def _remove_file(file_name: str | None) -> None:
    if file_name:
        (reports_dir() / file_name).unlink(missing_ok=True)


def purge_expired(now: datetime | None = None) -> int:
    """Delete files past their retention; their records stay, marked expired."""
    now = now or db.utcnow()
    count = 0
    with db.session_scope() as session:
        stmt = select(ReportFile).where(
            ReportFile.status == ReportStatus.READY.value, ReportFile.expires_at <= now
        )
        for report in session.scalars(stmt):
            _remove_file(report.file_name)
            report.status = ReportStatus.EXPIRED.value
            report.file_name = None
            count += 1
    return count


# ---- the worker side ------------------------------------------------------------------------------


@dataclass
class _Progress:
    report_id: int
    done: int = 0
    last_flush: float = 0.0

    def __call__(self, rows: int) -> None:
        self.done += rows
        now = time.monotonic()
        if now - self.last_flush >= PROGRESS_INTERVAL_SECONDS:
            self.flush()
            self.last_flush = now

    def flush(self) -> None:
        with db.session_scope() as session:
            report = session.get(ReportFile, self.report_id)
            if report is not None:
                report.rows_done = self.done


def _fail(report_id: int, message: str) -> None:
    with db.session_scope() as session:
        report = session.get(ReportFile, report_id)
        if report is not None:
            report.status = ReportStatus.FAILED.value
            report.error = message[:2000]
            report.finished_at = db.utcnow()


def build_report(report_id: int) -> Path:
    """Build a queued report into its file (what the worker runs); returns the file's path."""
    with db.session_scope() as session:
        report = session.get(ReportFile, report_id)
        if report is None:
            raise ReportNotFound(report_id)
        if report.status == ReportStatus.READY and report.file_name:
            return reports_dir() / report.file_name  # a retried job whose first attempt finished
        user_id = report.user_id
        spec = parse_spec(report.spec)
        if spec.preset:
            spec = spec.resolved(account_today(session, user_id, spec.filters.account_ids))
            report.spec = spec.model_dump(mode="json")
        report.status = ReportStatus.RUNNING.value
        report.started_at = db.utcnow()
        report.error = None
        report.rows_done = 0
    purge_expired()
    file_name = f"{report_id}-{secrets.token_hex(8)}.{spec.format}"
    final = reports_dir() / file_name
    partial = final.with_suffix(final.suffix + ".part")
    progress = _Progress(report_id)
    try:
        with db.session_scope() as session:
            content = content_for(session, user_id, spec)
            with db.session_scope() as s2:
                record = s2.get(ReportFile, report_id)
                if record is not None:
                    record.rows_total = max(content.row_estimate, 1)
            with partial.open("wb") as out:
                rows = write_report(content, out, progress)
        partial.replace(final)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        log.exception("report %s failed", report_id)
        _fail(report_id, _error_message(exc))
        raise
    with db.session_scope() as session:
        report = session.get(ReportFile, report_id)
        assert report is not None
        report.status = ReportStatus.READY.value
        report.file_name = file_name
        report.size_bytes = final.stat().st_size
        report.rows_done = report.rows_total = rows
        report.finished_at = db.utcnow()
        report.expires_at = report.finished_at + RETENTION
    return final


def _error_message(exc: BaseException) -> str:
    from trafficdash.analytics.errors import AccountNotFound, EntityNotFound, InvalidFilters

    if isinstance(exc, (AccountNotFound, EntityNotFound)):
        return f"{exc} You can no longer see this data."
    if isinstance(exc, InvalidFilters):
        return f"The report's filters are no longer valid: {exc}"
    return f"The report could not be built ({type(exc).__name__}). Try again, or contact your administrator."


def purge_file(report_id: int) -> None:
    """Delete a report's file now (an e-mail-only scheduled report, once delivered)."""
    with db.session_scope() as session:
        report = session.get(ReportFile, report_id)
        if report is not None:
            _remove_file(report.file_name)
            report.file_name = None
            report.status = ReportStatus.EXPIRED.value
