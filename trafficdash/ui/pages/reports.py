"""Reports: build a custom report, follow queued builds, re-download recent files, schedules."""

from __future__ import annotations

from nicegui import ui

from trafficdash.analytics.date_presets import PRESETS, resolve_preset
from trafficdash.analytics.errors import AccountNotFound, InvalidFilters
from trafficdash.analytics.schemas import DIMENSIONS, Filters
from trafficdash.i18n import current_locale, t
from trafficdash.i18n.formatting import format_datetime
from trafficdash.reports import schedules
from trafficdash.reports.spec import REPORT_LEVELS, ReportSpec
from trafficdash.services import reports
from trafficdash.ui.components.export_buttons import export
from trafficdash.ui.components.section_card import section_card
from trafficdash.ui.frame import frame
from trafficdash.ui.io import load
from trafficdash.ui.session_user import page_user

FORMATS = {"xlsx": "Excel", "csv": "CSV"}
# On a phone every field of a form row takes the card's width (their desktop minimums would overflow).
_FORM_CSS = "@media (max-width: 599px) { .td-form-row > * { width: 100%; min-width: 0; } }"
STATUS_COLOR = {
    "queued": "grey",
    "running": "primary",
    "ready": "positive",
    "failed": "negative",
    "expired": "grey",
}


def _options(prefix: str, keys: tuple[str, ...] | list[str], locale: str) -> dict[str, str]:
    return {k: t(f"{prefix}.{k}", locale, default=k) for k in keys}


def _select(
    options: dict | list, label: str, width: str, *, value: object = None, multiple: bool = False
) -> ui.select:
    """A form field; on a phone it takes the card's width instead (_FORM_CSS)."""
    return (
        ui.select(options, value=value, multiple=multiple, label=label)
        .props("outlined dense" + (" use-chips" if multiple else ""))
        .classes(f"min-w-[{width}]")
    )


def _builder(accounts: dict[int, str], user_id: int, locale: str, on_queued) -> None:
    with section_card(t("reports.build.title", locale)):
        with ui.row().classes("td-form-row gap-3 items-end flex-wrap"):
            account = _select(accounts, t("reports.accounts", locale), "20rem", multiple=True).mark(
                "report-accounts"
            )
            preset = _select(
                _options("preset", PRESETS, locale), t("reports.range", locale), "11rem", value="last_30d"
            )
            level = _select(
                _options("level", REPORT_LEVELS, locale),
                t("reports.level", locale),
                "10rem",
                value="campaign",
            ).mark("report-level")
            dims = _select(
                _options("dimension", DIMENSIONS, locale),
                t("reports.breakdowns", locale),
                "14rem",
                multiple=True,
            )
            fmt = _select(FORMATS, t("reports.format", locale), "8rem", value="xlsx")

        async def build() -> None:
            today = await load(reports.account_today, user_id, list(account.value or []))
            since, until = resolve_preset(preset.value, today)
            try:
                filters = Filters(account_ids=list(account.value or []), since=since, until=until)
            except InvalidFilters as exc:
                ui.notify(str(exc), type="negative")
                return
            await export(filters, fmt.value, level.value, list(dims.value or []))
            on_queued()

        ui.button(t("reports.build", locale), icon="summarize", on_click=build).props(
            "unelevated no-caps"
        ).mark("build-report")
        return None


class _Recent:
    """The recent reports: redrawn every tick while one is queued or building, and now and then
    when idle (a scheduled report, or an export from another tab, may have arrived)."""

    IDLE_TICKS = 15  # x 2 s

    def __init__(self, user_id: int, locale: str) -> None:
        self.user_id, self.locale = user_id, locale
        self.busy = True  # until the first draw says otherwise
        self.idle_ticks = 0

    def tick(self) -> None:
        self.idle_ticks += 1
        if self.busy or self.idle_ticks >= self.IDLE_TICKS:
            self.idle_ticks = 0
            self.draw.refresh()

    def queued(self) -> None:
        self.busy = True
        self.draw.refresh()

    @ui.refreshable_method
    async def draw(self) -> None:
        locale = self.locale
        rows = await load(reports.recent_reports, self.user_id)
        self.busy = any(r.in_progress for r in rows)
        if not rows:
            ui.label(t("reports.recent.empty", locale)).classes("td-muted text-sm")
        for r in rows:
            with ui.row().classes("w-full items-center gap-3").mark("report-row"):
                ui.badge(
                    t(f"reports.status.{r.status}", locale, default=r.status),
                    color=STATUS_COLOR.get(r.status, "grey"),
                )
                ui.label(r.title).classes("text-sm")
                if r.in_progress:
                    ui.linear_progress(value=r.percent / 100, show_value=False).classes("w-40")
                    ui.label(f"{r.percent}%").classes("td-muted text-xs")
                if r.error:
                    ui.label(r.error).classes("text-negative text-xs")
                ui.space()
                ui.label(format_datetime(r.created_at, locale)).classes("td-muted text-xs")
                if r.ready:
                    ui.button(
                        t("reports.download", locale),
                        icon="download",
                        on_click=lambda rid=r.id: ui.download.from_url(f"/api/reports/{rid}/download"),
                    ).props("flat dense no-caps")


async def _schedules(accounts: dict[int, str], user_id: int, locale: str) -> None:
    @ui.refreshable
    async def listing() -> None:
        rows = await load(reports.schedule_lines, user_id)
        if not rows:
            ui.label(t("reports.schedules.empty", locale)).classes("td-muted text-sm")
        for s in rows:
            with ui.row().classes("w-full items-center gap-3").mark("schedule-row"):
                ui.label(s.name).classes("text-sm font-medium")
                when = format_datetime(s.next_run_at, locale)
                frequency = t(f"frequency.{s.frequency}", locale, default=s.frequency)
                text = t("reports.schedule.next", locale, frequency=frequency, when=when, zone=s.zone)
                ui.label(text).classes("td-muted text-xs")
                ui.label(s.email_to or t("reports.schedule.kept", locale)).classes("td-muted text-xs")
                if s.last_error:
                    ui.label(s.last_error).classes("text-negative text-xs")
                ui.space()
                ui.button(icon="delete", on_click=lambda sid=s.id: remove(sid)).props(
                    "flat dense color=negative"
                )

    async def remove(schedule_id: int) -> None:
        await load(reports.delete_schedule, user_id, schedule_id)
        listing.refresh()

    with section_card(t("reports.schedules.title", locale)):
        with ui.row().classes("td-form-row gap-3 items-end flex-wrap"):
            name = ui.input(t("reports.schedule.name", locale)).props("outlined dense").mark("schedule-name")
            frequency = _select(
                {
                    "weekly": t("reports.schedule.weekly", locale),
                    "monthly": t("reports.schedule.monthly", locale),
                },
                t("reports.schedule.frequency", locale),
                "12rem",
                value="weekly",
            )
            weekday = _select(
                {d: t(f"weekday.{d}", locale) for d in range(7)},
                t("reports.schedule.weekday", locale),
                "9rem",
                value=0,
            ).bind_visibility_from(frequency, "value", value="weekly")
            day_of_month = _select(
                list(range(1, 29)), t("reports.schedule.day_of_month", locale), "6rem", value=1
            ).bind_visibility_from(frequency, "value", value="monthly")
            hour = (
                _select(
                    {h: f"{h:02d}:00" for h in range(24)}, t("reports.schedule.hour", locale), "7rem", value=6
                )
                .tooltip(t("reports.schedule.hour_help", locale))
                .mark("schedule-hour")
            )
            account = _select(accounts, t("reports.accounts", locale), "20rem", multiple=True).mark(
                "schedule-accounts"
            )
            level = _select(
                _options("level", REPORT_LEVELS, locale),
                t("reports.level", locale),
                "10rem",
                value="campaign",
            )
            fmt = _select(FORMATS, t("reports.format", locale), "8rem", value="xlsx")
            emails = (
                ui.input(t("reports.schedule.emails", locale))
                .props("outlined dense")
                .classes("min-w-[26rem]")
            )
            keep = ui.checkbox(t("reports.schedule.keep", locale), value=True)

        async def add() -> None:
            try:
                # The preset gives the dates, resolved again at every build.
                spec = ReportSpec.model_validate(
                    {"filters": {"account_ids": list(account.value or [])}, "format": fmt.value,
                     "level": level.value, "preset": schedules.DEFAULT_PRESET[frequency.value], "locale": locale}
                )  # fmt: skip
                data = schedules.ScheduleIn(
                    name=name.value or t("reports.schedule.default_name", locale), spec=spec, frequency=frequency.value,
                    weekday=weekday.value, day_of_month=day_of_month.value, hour=hour.value,
                    email_to=[e for e in (emails.value or "").split(",") if e.strip()], keep_on_page=keep.value,
                )  # fmt: skip
                await load(reports.create_schedule, user_id, data)
            except (ValueError, AccountNotFound) as exc:
                ui.notify(str(exc).splitlines()[-1], type="negative")
                return
            ui.notify(t("reports.schedule.added", locale))
            listing.refresh()

        ui.button(t("reports.schedule.add", locale), icon="event_repeat", on_click=add).props(
            "unelevated no-caps"
        ).mark("add-schedule")
        await listing()


def register() -> None:
    @ui.page("/reports", title="Reports · trafficdash")
    async def reports_page() -> None:
        user = await page_user()
        if user is None:
            ui.navigate.to("/login?next=/reports")
            return
        locale = current_locale()
        ui.add_css(_FORM_CSS)
        async with frame(t("nav.Reports", locale), user):
            accounts = await load(reports.account_options, user.id)  # one query for both forms
            recent = _Recent(user.id, locale)
            _builder(accounts, user.id, locale, recent.queued)
            with section_card(t("reports.recent.title", locale)):
                await recent.draw()
            await _schedules(accounts, user.id, locale)
        # Queued builds move on their own: redraw while any is in progress.
        ui.timer(2.0, recent.tick)
