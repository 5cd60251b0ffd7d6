"""Audience (``/audience``): who the ads reached — an age x gender heatmap with a metric switcher,
and the countries table with each country's share of spend."""

from __future__ import annotations

from nicegui import ui

from trafficdash.analytics.labels import breakdown_label
from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.analytics.schemas import Breakdown
from trafficdash.i18n import current_locale, format_percent, t
from trafficdash.i18n.metric_format import format_metric
from trafficdash.services import dashboard as data
from trafficdash.ui.components.breakdown_charts import age_gender_heatmap
from trafficdash.ui.components.feedback import loading_skeleton, no_data, toast_error
from trafficdash.ui.components.filter_bar import FilterBar
from trafficdash.ui.components.metric_switch import metric_switch
from trafficdash.ui.components.table_texts import localize_table
from trafficdash.ui.io import load
from trafficdash.ui.pages.dashboard_base import USER_ERRORS, DashboardContext, dashboard_frame
from trafficdash.ui.session_user import login_redirect, page_user

HEATMAP_METRICS = CATALOGUE.on("compact")
COUNTRY_COLUMNS = CATALOGUE.on("compact")


class AudienceView:
    def __init__(self, ctx: DashboardContext) -> None:
        self.ctx = ctx
        self.data: data.AudienceData | None = None
        self.loading = True
        self.metric = "spend"

    async def load(self) -> None:
        filters = self.ctx.filters(compare="none")
        if filters is None:
            return
        if not self.loading:
            self.loading = True
            self.body.refresh()
        try:
            self.data = await load(data.audience, self.ctx.user_id, filters, self.ctx.currency)
        except USER_ERRORS as exc:
            toast_error(str(exc))
        self.loading = False
        self.body.refresh()

    def _metric_changed(self, metric: str) -> None:
        self.metric = metric
        self.heatmap.refresh()

    @ui.refreshable_method
    def heatmap(self) -> None:
        age_gender_heatmap(self.data.age_gender if self.data else None, self.ctx.locale, self.metric)

    @ui.refreshable_method
    def body(self) -> None:
        locale = self.ctx.locale
        if self.loading or self.data is None:
            loading_skeleton(kpis=0, charts=2)
            return
        age_gender, country = self.data.age_gender, self.data.country
        if not (age_gender and age_gender.rows) and not (country and country.rows):
            no_data(self.ctx.state.since, self.ctx.state.until, locale)
            return
        with ui.column().classes("td-card w-full p-4 gap-3").mark("heatmap-card"):
            with ui.row().classes("w-full items-center justify-between gap-2"):
                ui.label(t("audience.heatmap", locale)).classes("td-section-title")
                metric_switch(
                    HEATMAP_METRICS, self.metric, self._metric_changed, locale, marker="heatmap-metric"
                )
            self.heatmap()
        country_table(country, locale)


def country_table(breakdown: Breakdown | None, locale: str) -> None:
    with ui.column().classes("td-card w-full p-2 sm:p-3 gap-2").mark("country-card"):
        ui.label(t("audience.countries", locale)).classes("td-section-title px-2 pt-2")
        if breakdown is None or not breakdown.rows:
            ui.label(t("empty.no_breakdown", locale)).classes("td-muted p-4")
            return
        columns = [
            {"name": "label", "label": t("audience.country", locale), "field": "label", "align": "left"},
            {"name": "share", "label": t("audience.share", locale), "field": "share", "align": "left"},
        ] + [
            {"name": key, "label": t(CATALOGUE[key].label_key, locale), "field": key, "align": "right"}
            for key in COUNTRY_COLUMNS
        ]
        rows = []
        for row in breakdown.rows:
            item = {
                "id": row.value_1,
                "label": breakdown_label("country", row.value_1, row.value_2, locale),
                "share": format_percent(row.share_of_spend, locale),
                "share_width": float(row.share_of_spend or 0),
            }
            for key in COUNTRY_COLUMNS:
                item[key] = format_metric(key, getattr(row, key), breakdown.currency, locale)
            rows.append(item)
        table = (
            ui.table(rows=rows, columns=columns, row_key="id", pagination=15)
            .props("flat dark dense")
            .classes("td-table w-full")
            .mark("country-table")
        )
        localize_table(table, locale)
        table.add_slot(
            "body-cell-share",
            r"""<q-td :props="props"><div class="flex items-center gap-2 no-wrap" style="min-width:140px">
                <div class="td-country-bar" :style="'width:' + Math.max(2, props.row.share_width) + 'px'"></div>
                <span>{{ props.value }}</span></div></q-td>""",
        )


def register() -> None:
    @ui.page("/audience", title="Audience · trafficdash")
    async def audience_page():
        user = await page_user()
        if user is None:
            return login_redirect("/audience")
        locale = current_locale()
        async with dashboard_frame(t("nav.Audience", locale), user, locale) as ctx:
            if ctx is None:
                return None
            view = AudienceView(ctx)
            FilterBar(ctx.state, ctx.accounts, locale, view.load)
            view.body()
            await view.load()
        return None
