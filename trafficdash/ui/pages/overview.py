"""Overview (``/``): the morning page. KPI cards with their change vs the comparison period, the
daily trend with the comparison overlaid, placement and device donuts, and the top campaigns."""

from __future__ import annotations

from nicegui import ui

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.analytics.schemas import KpiValue
from trafficdash.i18n import current_locale, t
from trafficdash.i18n.metric_format import format_metric
from trafficdash.services import dashboard as data
from trafficdash.services.alerts import OpenAlerts, open_alerts
from trafficdash.ui.components.alert_badges import open_alerts_card
from trafficdash.ui.components.breakdown_charts import donut_card
from trafficdash.ui.components.entity_table import status_badge
from trafficdash.ui.components.export_buttons import export_buttons
from trafficdash.ui.components.feedback import first_sync, loading_skeleton, no_data, toast_error
from trafficdash.ui.components.filter_bar import FilterBar
from trafficdash.ui.components.kpi_card import kpi_card
from trafficdash.ui.components.sync_button import on_synced
from trafficdash.ui.components.trend_chart import TrendChart
from trafficdash.ui.io import load
from trafficdash.ui.pages.dashboard_base import USER_ERRORS, DashboardContext, dashboard_frame
from trafficdash.ui.session_user import login_redirect, page_user

# The cards, in the catalogue's reading order.
OVERVIEW_KPIS = CATALOGUE.on("card")


class OverviewView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.data: data.OverviewData | None = None
        self.alerts = OpenAlerts()
        self.loading = True
        self.trend_metric = "spend"
        self.first_sync: int | None = None  # percent of a first sync still filling the accounts

    async def load(self) -> None:
        filters = self.ctx.filters()
        if filters is None:
            return
        if not self.loading:  # the first load already shows the skeleton
            self.loading = True
            self.body.refresh()
        try:
            self.data = await load(data.overview, self.ctx.user_id, filters, self.ctx.currency)
            self.first_sync = await load(data.first_sync_percent, self.ctx.account_ids())
        except USER_ERRORS as exc:
            toast_error(str(exc))
        self.loading = False
        self.body.refresh()
        # After the numbers, so the alerts never delay them.
        self.alerts = await load(open_alerts, self.ctx.user_id, self.ctx.account_ids(), self.ctx.locale)
        self.alerts_card.refresh()

    @ui.refreshable_method
    def alerts_card(self) -> None:
        open_alerts_card(self.alerts)

    @ui.refreshable_method
    def body(self) -> None:
        locale = self.ctx.locale
        if self.loading or self.data is None:
            loading_skeleton(kpis=len(OVERVIEW_KPIS), charts=1)
            return
        summary = self.data.summary
        state = self.ctx.state
        if summary is None or (summary.kpis["impressions"].value or 0) == 0:
            if self.first_sync is not None:
                first_sync(self.first_sync, locale)
            else:
                no_data(state.since, state.until, locale)
            return
        compare = summary.compare_since is not None
        with ui.element("div").classes("td-kpi-grid").mark("kpi-grid"):
            for key in OVERVIEW_KPIS:
                kpi = summary.kpis.get(key) or KpiValue(key=key, value=None)
                kpi_card(
                    kpi, summary.currency, locale, compare=compare, reach_estimate=summary.reach_is_estimate
                )
        if self.data.daily is not None:
            trend = TrendChart(self.data.daily, locale, metric=self.trend_metric)
            trend.switcher.on_value_change(lambda e: setattr(self, "trend_metric", e.value))
        with ui.element("div").classes("grid grid-cols-1 md:grid-cols-2 gap-6 w-full"):
            donut_card(t("overview.placement", locale), self.data.placement, locale, mark="placement-donut")
            donut_card(t("overview.device", locale), self.data.device, locale, mark="device-donut")
        self._top_campaigns(summary.currency)

    def _top_campaigns(self, currency: str) -> None:
        locale = self.ctx.locale
        page = self.data.top_campaigns if self.data else None
        with ui.column().classes("td-card w-full p-4 gap-2").mark("top-campaigns"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label(t("overview.top_campaigns", locale)).classes("td-section-title")
                ui.link(t("overview.see_all", locale), "/campaigns").classes("td-link text-sm")
            if page is None or not page.rows:
                ui.label(t("empty.no_rows.title", locale)).classes("td-muted py-6")
                return
            for row in page.rows:
                m = row.metrics
                with (
                    ui.row()
                    .classes("w-full items-center gap-3 py-2 no-wrap")
                    .style("border-top: 1px solid rgba(51,65,85,.6)")
                ):
                    with ui.column().classes("gap-0 grow min-w-0"):
                        ui.link(row.name, f"/campaigns/{row.id}").classes(
                            "td-link ellipsis block max-w-full text-slate-100"
                        )
                        status_badge(row.effective_status, locale)
                    for key in ("spend", "conversions", "roas"):
                        with ui.column().classes(
                            "gap-0 items-end" + ("" if key == "spend" else " td-top-extra")
                        ):
                            ui.label(t(CATALOGUE[key].label_key, locale)).classes("td-kpi-label td-top-label")
                            # One line: "R$ 20.656,85" must not break after the symbol on a phone.
                            ui.label(format_metric(key, getattr(m, key), row.currency, locale)).classes(
                                "font-semibold tabular-nums whitespace-nowrap"
                            )


def register() -> None:
    @ui.page("/", title="Overview · trafficdash")
    async def overview_page():
        user = await page_user()
        if user is None:
            return login_redirect("/")
        locale = current_locale()
        async with dashboard_frame(t("nav.Overview", locale), user, locale) as ctx:
            if ctx is None:
                return None
            view = OverviewView(ctx)
            on_synced(view.load)  # the numbers redraw when the header's sync ends
            FilterBar(ctx.state, ctx.accounts, locale, view.load)
            with ui.row().classes("w-full justify-end -mt-3"):
                export_buttons(ctx.filters, level="campaign")  # exactly the Filters on screen
            view.alerts_card()
            view.body()
            await view.load()
        return None
