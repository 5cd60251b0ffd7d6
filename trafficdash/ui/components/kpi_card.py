"""A KPI card: label, the period's value, and its change vs the comparison period, coloured by
whether the change is good news (CPA or CPM up is bad, conversions up is good)."""

from __future__ import annotations

from nicegui import ui

from trafficdash.analytics.metrics import CATALOGUE, MetricGroup
from trafficdash.analytics.schemas import KpiValue
from trafficdash.i18n import format_change_percent, t
from trafficdash.i18n.metric_format import format_metric
from trafficdash.ui import theme

# The accent stripe of each card by the metric's group, so the grid reads as volume, engagement,
# cost, outcome.
ACCENTS: dict[MetricGroup, str] = {
    "volume": theme.PRIMARY,
    "engagement": theme.SECONDARY,
    "cost": theme.WARNING,
    "outcome": theme.SUCCESS,
}


def change_badge(good: bool | None, change_pct: object, locale: str, *, has_previous: bool = True) -> ui.html:
    """▲/▼ and the percent change; green when good news, red when bad, grey when flat/unknown."""
    if change_pct is None or good is None:
        text = t("kpi.no_change", locale) if has_previous and change_pct is not None else "—"
        return ui.html(f'<span class="td-badge td-badge-neutral">{text}</span>')
    arrow = "▲" if float(change_pct) > 0 else "▼"  # type: ignore[arg-type]
    tone = "good" if good else "bad"
    pct = format_change_percent(change_pct, locale).lstrip("+-")  # type: ignore[arg-type]
    return ui.html(f'<span class="td-badge td-badge-{tone}">{arrow} {pct}</span>').mark(f"change-{tone}")


def kpi_card(
    kpi: KpiValue, currency: str, locale: str, *, compare: bool, reach_estimate: bool = False
) -> None:
    metric = CATALOGUE.get(kpi.key)
    accent = ACCENTS[metric.group] if metric else theme.PRIMARY
    value_text = format_metric(kpi.key, kpi.value, currency, locale)
    with (
        ui.column()
        .classes("td-kpi gap-1")
        .style(f"--td-accent: {accent}")
        .props(f'data-kpi="{kpi.key}"')
        .mark(f"kpi-{kpi.key}")
    ):
        with ui.row().classes("items-center gap-1 no-wrap"):
            ui.label(t(metric.label_key if metric else kpi.key, locale)).classes("td-kpi-label")
            if kpi.key == "reach" and reach_estimate:
                ui.label(t("kpi.reach_estimate", locale)).classes("td-badge td-badge-neutral").tooltip(
                    t("kpi.reach_estimate_hint", locale)
                )
        ui.label(value_text).classes("td-kpi-value").props(f'data-kpi-value="{kpi.key}"').mark(
            f"kpi-value-{kpi.key}"
        )
        if compare:
            with ui.row().classes("items-center gap-2 no-wrap"):
                change_badge(kpi.good, kpi.change_pct, locale, has_previous=kpi.previous is not None)
                previous = format_metric(kpi.key, kpi.previous, currency, locale)
                ui.label(t("kpi.vs_previous", locale, previous=previous)).classes("td-kpi-prev ellipsis")


def kpi_skeletons(count: int = 12) -> None:
    with ui.element("div").classes("td-kpi-grid"):
        for _ in range(count):
            with ui.column().classes("td-kpi gap-2"):
                ui.skeleton("text").classes("w-1/2").props("dark")
                ui.skeleton("text").classes("w-3/4 text-h5").props("dark")
                ui.skeleton("text").classes("w-1/3").props("dark")
