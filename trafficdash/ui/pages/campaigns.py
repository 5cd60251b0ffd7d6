"""Campaigns (``/campaigns``) and the drill-down: a campaign's ad sets (``/campaigns/{id}``), an
ad set's ads (``/adsets/{id}``) and one ad with its creative (``/ads/{id}``), each with its own
KPIs and daily trend."""

from __future__ import annotations

from nicegui import ui

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.analytics.schemas import EntityPage, EntityRow, Filters, KpiValue
from trafficdash.i18n import current_locale, format_number, t
from trafficdash.i18n.metric_format import format_metric
from trafficdash.services import dashboard as data
from trafficdash.services.alerts import OpenAlerts, open_alerts
from trafficdash.ui.components.entity_table import EntityTable, budget_text, status_badge
from trafficdash.ui.components.export_buttons import export_buttons
from trafficdash.ui.components.feedback import loading_skeleton, no_rows, toast_error
from trafficdash.ui.components.filter_bar import FilterBar
from trafficdash.ui.components.kpi_card import kpi_card
from trafficdash.ui.components.sync_button import on_synced
from trafficdash.ui.components.trend_chart import TrendChart
from trafficdash.ui.io import load
from trafficdash.ui.pages.dashboard_base import USER_ERRORS, DashboardContext, dashboard_frame
from trafficdash.ui.session_user import login_redirect, page_user

DETAIL_KPIS = CATALOGUE.on("table")
TOTAL_KEYS = CATALOGUE.on("compact")
CHILD_LEVEL = {"campaign": "adset", "adset": "ad"}
PARENT_PATH = {"campaign": "/campaigns", "adset": "/campaigns/{campaign_id}", "ad": "/adsets/{ad_set_id}"}


class TableQuery:
    """Sort and page of a table (the filters live in DashboardState)."""

    def __init__(self) -> None:
        self.sort, self.order, self.page, self.page_size = "spend", "desc", 1, 25


class CampaignListView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.query = TableQuery()
        self.page: EntityPage | None = None
        self.alerts = OpenAlerts()
        self.loading = True
        self.table: EntityTable | None = None

    async def load(self, *, reset_page: bool = True) -> None:
        if reset_page:
            self.query.page = 1
        filters = self.ctx.filters()
        if filters is None:
            return
        if not self.loading and reset_page:
            self.loading = True
            self.body.refresh()
        q = self.query
        try:
            self.page = await load(
                data.entity_page, self.ctx.user_id, filters, "campaign", q.sort, q.order, q.page, q.page_size
            )
        except USER_ERRORS as exc:
            toast_error(str(exc))
        self.loading = False
        if self.table is not None and not reset_page and self.page is not None:
            self.table.show(self.page)  # paging/sorting redraws the rows only
        else:
            self.body.refresh()
        if reset_page:  # after the rows, so the alert badges never delay them; paging keeps the counts
            self.alerts = await load(open_alerts, self.ctx.user_id, self.ctx.account_ids(), self.ctx.locale)
            if self.table is not None and self.page is not None:
                self.table.alert_counts = self.alerts.per_campaign
                self.table.show(self.page)

    async def table_request(self, sort: str, order: str, page: int, page_size: int) -> None:
        self.query.sort, self.query.order, self.query.page, self.query.page_size = (
            sort,
            order,
            page,
            page_size,
        )
        await self.load(reset_page=False)

    @ui.refreshable_method
    def body(self) -> None:
        self.table = None
        if self.loading or self.page is None:
            loading_skeleton(kpis=0, charts=1)
            return
        if self.page.total == 0:
            no_rows(self.ctx.locale)
            return
        totals_strip(self.page, self.ctx.locale)
        with ui.column().classes("td-card w-full p-2 sm:p-3 gap-0"):
            self.table = EntityTable(
                self.page,
                self.ctx.locale,
                self.table_request,
                compare=self.ctx.state.compare != "none",
                alert_counts=self.alerts.per_campaign,
            )


def totals_strip(page: EntityPage, locale: str) -> None:
    """The totals of every matching row (all pages), one line per currency."""
    for totals in page.totals:
        with ui.row().classes("w-full items-center gap-x-6 gap-y-2 px-1").mark("entity-totals"):
            ui.label(t("campaigns.rows", locale, count=format_number(page.total, locale))).classes(
                "td-muted text-sm"
            )
            for key in TOTAL_KEYS:
                with ui.column().classes("gap-0"):
                    ui.label(t(CATALOGUE[key].label_key, locale)).classes("td-kpi-label")
                    ui.label(
                        format_metric(key, getattr(totals.metrics, key), totals.currency, locale)
                    ).classes("font-semibold tabular-nums").mark(f"total-{key}")


class DetailView:
    """One entity: header, KPI cards, trend, creative (ads) and its children table."""

    def __init__(self, ctx: DashboardContext, level: str, entity_id: int) -> None:
        self.ctx = ctx
        self.level = level
        self.entity_id = entity_id
        self.query = TableQuery()
        self.data: data.DetailData | None = None
        self.loading = True
        self.table: EntityTable | None = None
        self.missing = False

    async def load(self, *, reset_page: bool = True) -> None:
        if reset_page:
            self.query.page = 1
        filters = self.ctx.filters()
        if filters is None:
            return
        if not self.loading and reset_page:
            self.loading = True
            self.body.refresh()
        q = self.query
        try:
            self.data = await load(
                data.detail,
                self.ctx.user_id,
                self.level,
                self.entity_id,
                filters,
                q.sort,
                q.order,
                q.page,
                q.page_size,
            )
        except USER_ERRORS:
            self.missing = True
        self.loading = False
        if self.table is not None and not reset_page and self.data and self.data.children is not None:
            self.table.show(self.data.children)
        else:
            self.body.refresh()

    async def table_request(self, sort: str, order: str, page: int, page_size: int) -> None:
        self.query.sort, self.query.order, self.query.page, self.query.page_size = (
            sort,
            order,
            page,
            page_size,
        )
        await self.load(reset_page=False)

    def export_filters(self) -> Filters | None:
        """The children table on screen: this campaign's ad sets, or this ad set's ads."""
        filters = self.ctx.filters()
        if filters is None or self.data is None:
            return None
        scope = "campaign_ids" if self.level == "campaign" else "ad_set_ids"
        return filters.model_copy(
            update={"account_ids": [self.data.row.account_id], "currency": None, scope: [self.entity_id]}
        )

    @ui.refreshable_method
    def body(self) -> None:
        locale = self.ctx.locale
        self.table = None
        if self.missing:
            with ui.column().classes("td-card w-full items-center p-10 gap-3").mark("not-found"):
                ui.icon("search_off", size="48px").classes("td-muted")
                ui.label(t("campaigns.not_found", locale)).classes("text-lg")
                ui.link(t("campaigns.back", locale), "/campaigns").classes("td-link")
            return
        if self.loading or self.data is None:
            loading_skeleton(kpis=len(DETAIL_KPIS), charts=1)
            return
        row = self.data.row
        self._header(row)
        previous = row.previous
        compare = previous is not None
        with ui.element("div").classes("td-kpi-grid").mark("kpi-grid"):
            for key in DETAIL_KPIS:
                value = getattr(row.metrics, key)
                kpi = KpiValue.build(key, value, getattr(previous, key) if previous else None)
                kpi_card(kpi, row.currency, locale, compare=compare)
        if row.level == "ad":
            with ui.element("div").classes("grid grid-cols-1 lg:grid-cols-3 gap-6 w-full"):
                with ui.element("div").classes("lg:col-span-2"):
                    TrendChart(self.data.series, locale)
                creative_preview(row, locale)
        else:
            TrendChart(self.data.series, locale)
        children = self.data.children
        if children is not None:
            ui.label(
                t("campaigns.adsets_of" if row.level == "campaign" else "campaigns.ads_of", locale)
            ).classes("td-section-title mt-2")
            if children.total == 0:
                no_rows(locale)
            else:
                with ui.column().classes("td-card w-full p-2 sm:p-3 gap-0"):
                    self.table = EntityTable(
                        children, locale, self.table_request, compare=self.ctx.state.compare != "none"
                    )

    def _header(self, row: EntityRow) -> None:
        locale = self.ctx.locale
        back = PARENT_PATH[row.level].format(campaign_id=row.campaign_id, ad_set_id=row.ad_set_id)
        with ui.row().classes("w-full items-center gap-3 no-wrap").mark("entity-header"):
            ui.button(icon="arrow_back", on_click=lambda: ui.navigate.to(back)).props(
                "flat round dense color=grey-5"
            ).mark("back")
            with ui.column().classes("gap-1 min-w-0"):
                with ui.row().classes("items-center gap-2"):
                    ui.label(t(f"level.{row.level}", locale)).classes("td-kpi-label")
                    status_badge(row.effective_status, locale)
                ui.label(row.name).classes("text-xl sm:text-2xl font-semibold break-words").mark(
                    "entity-name"
                )
                details = [budget_text(row, locale)]
                if row.objective:
                    details.insert(0, t(f"objective.{row.objective}", locale, default=row.objective))
                ui.label(" · ".join(d for d in details if d and d != "—")).classes("td-muted text-sm")


def creative_preview(row: EntityRow, locale: str) -> None:
    creative = row.creative
    with ui.column().classes("td-card w-full p-4 gap-3").mark("creative"):
        ui.label(t("campaigns.creative", locale)).classes("td-section-title")
        image = creative and (creative.image_url or creative.thumbnail_url)
        if not creative or not (image or creative.title or creative.body):
            ui.label(t("campaigns.no_creative", locale)).classes("td-muted")
            return
        with ui.column().classes("w-full gap-2 rounded-xl overflow-hidden bg-slate-900 p-3"):
            if image:
                ui.image(image).classes("w-full rounded-lg").props("ratio=1 fit=cover").mark("creative-image")
            if creative.title:
                ui.label(creative.title).classes("font-semibold").mark("creative-title")
            if creative.body:
                ui.label(creative.body).classes("td-muted text-sm whitespace-pre-line").mark("creative-body")


async def _detail_page(level: str, entity_id: int, path: str):
    user = await page_user()
    if user is None:
        return login_redirect(path)
    locale = current_locale()
    async with dashboard_frame(t("nav.Campaigns", locale), user, locale) as ctx:
        if ctx is None:
            return None
        view = DetailView(ctx, level, entity_id)
        on_synced(view.load)
        FilterBar(ctx.state, ctx.accounts, locale, view.load)
        if level in CHILD_LEVEL:  # an ad has no table below it to export
            with ui.row().classes("w-full justify-end -mt-3"):
                export_buttons(view.export_filters, level=CHILD_LEVEL[level])
        view.body()
        await view.load()
    return None


def register() -> None:
    @ui.page("/campaigns", title="Campaigns · trafficdash")
    async def campaigns_page():
        user = await page_user()
        if user is None:
            return login_redirect("/campaigns")
        locale = current_locale()
        async with dashboard_frame(t("nav.Campaigns", locale), user, locale) as ctx:
            if ctx is None:
                return None
            view = CampaignListView(ctx)
            on_synced(view.load)
            FilterBar(ctx.state, ctx.accounts, locale, view.load, entity_filters=True)
            with ui.row().classes("w-full justify-end -mt-3"):
                export_buttons(ctx.filters, level="campaign")  # the list as filtered on screen
            view.body()
            await view.load()
        return None

    @ui.page("/campaigns/{campaign_id}", title="Campaign · trafficdash")
    async def campaign_page(campaign_id: int):
        return await _detail_page("campaign", campaign_id, f"/campaigns/{campaign_id}")

    @ui.page("/adsets/{ad_set_id}", title="Ad set · trafficdash")
    async def ad_set_page(ad_set_id: int):
        return await _detail_page("adset", ad_set_id, f"/adsets/{ad_set_id}")

    @ui.page("/ads/{ad_id}", title="Ad · trafficdash")
    async def ad_page(ad_id: int):
        return await _detail_page("ad", ad_id, f"/ads/{ad_id}")
