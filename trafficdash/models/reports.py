"""Report files (built on request or on a schedule) and scheduled reports.

A report row is what the Reports page lists and what ``/api/reports/{id}`` answers: its spec
(filters, level, breakdowns, format, language), progress while a worker builds it, and the
file kept in ``<data_dir>/reports`` until ``expires_at``. Rows belong to one user: another
user's report id answers 404.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from trafficdash.db import Base, SurrogateId, utcnow


class ReportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    # The file passed its retention time and was deleted.
    EXPIRED = "expired"


class ReportFrequency(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ReportFile(Base):
    __tablename__ = "report_files"
    __table_args__ = (Index("ix_report_files_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scheduled_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_reports.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(8))
    # trafficdash.reports.spec.ReportSpec as JSON (dates resolved).
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.QUEUED)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    job_id: Mapped[str | None] = mapped_column(String(64))
    # Relative to <data_dir>/reports; never a user-supplied path.
    file_name: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    @property
    def percent(self) -> int:
        if self.status == ReportStatus.READY:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))


class ScheduledReport(Base):
    __tablename__ = "scheduled_reports"

    id: Mapped[int] = mapped_column(SurrogateId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # ReportSpec as JSON with a date preset (last_7d, last_month...) resolved at each build.
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    frequency: Mapped[str] = mapped_column(String(16), default=ReportFrequency.WEEKLY)
    # Weekly: 0 = Monday ... 6 = Sunday. Monthly: day 1..28. Both at ``hour`` UTC.
    weekday: Mapped[int] = mapped_column(Integer, default=0)
    day_of_month: Mapped[int] = mapped_column(Integer, default=1)
    hour: Mapped[int] = mapped_column(Integer, default=6)
    # Comma-separated addresses; empty = keep on the Reports page only.
    email_to: Mapped[str | None] = mapped_column(String(1000))
    keep_on_page: Mapped[bool] = mapped_column(default=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_report_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
