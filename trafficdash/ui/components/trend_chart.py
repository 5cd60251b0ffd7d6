"""The daily trend of one metric, chosen with a switcher, with the comparison period overlaid
(dashed) and aligned by day index."""

from __future__ import annotations

from nicegui import ui

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.analytics.schemas import DailySeries
from trafficdash.i18n import format_date, html_lang, t
from trafficdash.ui.charts import ECHARTS_THEME, trend_options
from trafficdash.ui.components.metric_switch import metric_switch

TREND_METRICS = CATALOGUE.on("trend")


class TrendChart:
    def __init__(
        self, series: DailySeries, locale: str, *, metric: str = "spend", height: str = "320px"
    ) -> None:
        self.series = series
        self.locale = locale
        self.metric = metric
        with ui.column().classes("td-card w-full p-4 gap-3").mark("trend-card"):
            with ui.row().classes("w-full items-center justify-between gap-2"):
                ui.label(t("overview.trend", locale)).classes("td-section-title")
                self.switcher = metric_switch(TREND_METRICS, metric, self.show, locale, marker="trend-metric")
            self.chart = (
                ui.echart(self._options(), theme=ECHARTS_THEME).style(f"height: {height}").classes("w-full")
            ).mark("trend-chart")

    def _options(self) -> dict:
        points = self.series.points
        compare = self.series.compare_points
        return trend_options(
            key=self.metric,
            labels=[format_date(p.date, self.locale, short=True) for p in points],
            values=[getattr(p, self.metric) for p in points],
            compare_values=[getattr(p, self.metric) for p in compare] if compare else None,
            series_name=t("overview.current_period", self.locale),
            compare_name=t("overview.previous_period", self.locale),
            currency=self.series.currency,
            lang=html_lang(self.locale),
        )

    def show(self, metric: str) -> None:
        if metric not in TREND_METRICS:
            return
        self.metric = metric
        self.chart.options.clear()
        self.chart.options.update(self._options())
        self.chart.update()
