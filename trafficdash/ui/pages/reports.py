"""Reports: build a custom report, follow queued builds, re-download recent files, schedules."""

from __future__ import annotations

from nicegui import ui

from trafficdash import db
from trafficdash.analytics import service as analytics
from trafficdash.analytics.date_presets import PRESETS, resolve_preset
from trafficdash.analytics.errors import AccountNotFound, InvalidFilters
from trafficdash.analytics.schemas import DIMENSIONS, Filters
from trafficdash.i18n import current_locale
from trafficdash.models import ReportStatus
from trafficdash.reports import schedules
from trafficdash.reports import service as reports
from trafficdash.reports.spec import REPORT_LEVELS, ReportSpec
from trafficdash.ui.components.export_buttons import export
from trafficdash.ui.frame import frame
from trafficdash.ui.session_user import page_user

STATUS_COLOR = {
    "queued": "grey",
    "running": "primary",
    "ready": "positive",
    "failed": "negative",
    "expired": "grey",
}


def _card(title: str) -> ui.column:
    col = ui.column().classes("td-card w-full p-6 gap-3")
    with col:
        ui.label(title).classes("text-lg font-semibold")
    return col


def _builder(user_id: int, on_queued) -> None:
    with db.session_scope() as session:
        accounts = {a.id: f"{a.name} ({a.currency})" for a in analytics.accounts_overview(session, user_id)}
    with _card("Build a report"):
        with ui.row().classes("gap-3 items-end flex-wrap"):
            account = (
                ui.select(accounts, multiple=True, label="Ad accounts (empty = all)")
                .props("outlined dense use-chips")
                .classes("min-w-[16rem]")
                .mark("report-accounts")
            )
            preset = ui.select(list(PRESETS), value="last_30d", label="Date range").props("outlined dense")
            level = (
                ui.select(list(REPORT_LEVELS), value="campaign", label="Level")
                .props("outlined dense")
                .mark("report-level")
            )
            dims = ui.select(list(DIMENSIONS), multiple=True, label="Breakdowns").props(
                "outlined dense use-chips"
            )
            fmt = ui.select({"xlsx": "Excel", "csv": "CSV"}, value="xlsx", label="Format").props(
                "outlined dense"
            )

        def build() -> None:
            with db.session_scope() as session:
                today = analytics.account_today(session, user_id, account.value or [])
            since, until = resolve_preset(preset.value, today)
            try:
                filters = Filters(account_ids=list(account.value or []), since=since, until=until)
            except InvalidFilters as exc:
                ui.notify(str(exc), type="negative")
                return
            export(filters, fmt.value, level.value, list(dims.value or []))
            on_queued()

        ui.button("Build report", icon="summarize", on_click=build).props("unelevated no-caps").mark(
            "build-report"
        )
        return None


def _recent(user_id: int) -> ui.refreshable:
    @ui.refreshable
    def recent() -> None:
        with db.session_scope() as session:
            rows = reports.list_reports(session, user_id)
        if not rows:
            ui.label("No reports yet. Large exports and scheduled reports appear here.").classes(
                "td-muted text-sm"
            )
        for r in rows:
            with ui.row().classes("w-full items-center gap-3").mark("report-row"):
                ui.badge(r.status, color=STATUS_COLOR.get(r.status, "grey"))
                ui.label(r.title).classes("text-sm")
                if r.status in (ReportStatus.QUEUED, ReportStatus.RUNNING):
                    ui.linear_progress(value=r.percent / 100, show_value=False).classes("w-40")
                    ui.label(f"{r.percent}%").classes("td-muted text-xs")
                if r.error:
                    ui.label(r.error).classes("text-negative text-xs")
                ui.space()
                ui.label(f"{r.created_at:%Y-%m-%d %H:%M}").classes("td-muted text-xs")
                if r.status == ReportStatus.READY:
                    ui.button(
                        "Download",
                        icon="download",
                        on_click=lambda rid=r.id: ui.download.from_url(f"/api/reports/{rid}/download"),
                    ).props("flat dense no-caps")

    return recent


def _schedules(user_id: int) -> None:
    @ui.refreshable
    def listing() -> None:
        with db.session_scope() as session:
            rows = schedules.list_schedules(session, user_id)
        if not rows:
            ui.label("No scheduled reports.").classes("td-muted text-sm")
        for s in rows:
            with ui.row().classes("w-full items-center gap-3").mark("schedule-row"):
                ui.label(s.name).classes("text-sm font-medium")
                ui.label(f"{s.frequency}, next {s.next_run_at:%Y-%m-%d %H:%M} UTC").classes(
                    "td-muted text-xs"
                )
                ui.label(s.email_to or "kept on this page").classes("td-muted text-xs")
                if s.last_error:
                    ui.label(s.last_error).classes("text-negative text-xs")
                ui.space()
                ui.button(icon="delete", on_click=lambda sid=s.id: remove(sid)).props(
                    "flat dense color=negative"
                )

    def remove(schedule_id: int) -> None:
        with db.session_scope() as session:
            schedules.delete_schedule(session, user_id, schedule_id)
        listing.refresh()

    with _card("Scheduled reports"):
        with ui.row().classes("gap-3 items-end flex-wrap"):
            name = ui.input("Name").props("outlined dense").mark("schedule-name")
            frequency = ui.select(
                {"weekly": "Weekly (last 7 days)", "monthly": "Monthly (last month)"},
                value="weekly",
                label="Frequency",
            ).props("outlined dense")
            level = ui.select(list(REPORT_LEVELS), value="campaign", label="Level").props("outlined dense")
            fmt = ui.select({"xlsx": "Excel", "csv": "CSV"}, value="xlsx", label="Format").props(
                "outlined dense"
            )
            emails = (
                ui.input("E-mail to (comma-separated, optional)")
                .props("outlined dense")
                .classes("min-w-[18rem]")
            )
            keep = ui.checkbox("Keep on this page", value=True)

        def add() -> None:
            preset = schedules.DEFAULT_PRESET[frequency.value]
            with db.session_scope() as session:
                since, until = resolve_preset(preset, analytics.account_today(session, user_id))
            try:
                spec = ReportSpec(
                    filters=Filters(since=since, until=until), format=fmt.value, level=level.value,
                    preset=preset, locale=current_locale(),
                )  # fmt: skip
                data = schedules.ScheduleIn(
                    name=name.value or "Report", spec=spec, frequency=frequency.value,
                    email_to=[e for e in (emails.value or "").split(",") if e.strip()], keep_on_page=keep.value,
                )  # fmt: skip
                with db.session_scope() as session:
                    schedules.create_schedule(session, user_id, data)
                schedules.register_tick()
            except (ValueError, AccountNotFound) as exc:
                ui.notify(str(exc).splitlines()[-1], type="negative")
                return
            ui.notify("Scheduled")
            listing.refresh()

        ui.button("Add schedule", icon="event_repeat", on_click=add).props("unelevated no-caps").mark(
            "add-schedule"
        )
        listing()


def register() -> None:
    @ui.page("/reports", title="Reports · trafficdash")
    def reports_page() -> None:
        user = page_user()
        if user is None:
            ui.navigate.to("/login?next=/reports")
            return
        with frame("Reports"):
            recent = _recent(user.id)
            _builder(user.id, lambda: recent.refresh())
            with _card("Recent reports"):
                recent()
            _schedules(user.id)
        # Queued builds move on their own: redraw while any is in progress.
        ui.timer(2.0, recent.refresh)
