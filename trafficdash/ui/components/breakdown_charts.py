"""Donuts of spend by placement and by device, and the age x gender heatmap."""

from __future__ import annotations

from decimal import Decimal

from nicegui import ui

from trafficdash.analytics.labels import breakdown_label
from trafficdash.analytics.schemas import Breakdown
from trafficdash.i18n import html_lang, t
from trafficdash.ui.charts import ECHARTS_THEME, donut_options, heatmap_options

# Smaller slices fold into "Other" so the donut stays readable on a phone.
MAX_SLICES = 6
GENDER_ORDER = ("female", "male", "unknown")


def donut_card(title: str, breakdown: Breakdown | None, locale: str, *, mark: str) -> None:
    with ui.column().classes("td-card w-full p-4 gap-2").mark(mark):
        ui.label(title).classes("td-section-title")
        rows = [r for r in (breakdown.rows if breakdown else []) if r.spend > 0]
        if not rows or breakdown is None:
            ui.label(t("empty.no_breakdown", locale)).classes("td-muted py-10 self-center")
            return
        head, tail = rows[:MAX_SLICES], rows[MAX_SLICES:]
        names = [breakdown_label(breakdown.dimension, r.value_1, r.value_2, locale) for r in head]
        values: list[Decimal] = [r.spend for r in head]
        if tail:
            names.append(t("breakdown.other", locale))
            values.append(sum((r.spend for r in tail), Decimal(0)))
        ui.echart(
            donut_options(names=names, values=values, currency=breakdown.currency, lang=html_lang(locale)),
            theme=ECHARTS_THEME,
        ).classes("w-full").style("height: 280px").mark(f"{mark}-chart")


def age_gender_heatmap(breakdown: Breakdown | None, locale: str, metric: str) -> ui.echart | None:
    rows = breakdown.rows if breakdown else []
    if not rows or breakdown is None:
        ui.label(t("empty.no_breakdown", locale)).classes("td-muted py-10 self-center")
        return None
    ages = sorted({r.value_1 for r in rows})
    genders = [g for g in GENDER_ORDER if any(r.value_2 == g for r in rows)]
    genders += sorted({r.value_2 for r in rows} - set(genders))
    cells = [(ages.index(r.value_1), genders.index(r.value_2), getattr(r, metric)) for r in rows]
    return (
        ui.echart(
            heatmap_options(
                x_labels=ages,
                y_labels=[t(f"gender.{g}", locale, default=g) for g in genders],
                cells=cells,
                key=metric,
                currency=breakdown.currency,
                lang=html_lang(locale),
            ),
            theme=ECHARTS_THEME,
        )
        .classes("w-full")
        .style("height: 300px")
        .mark("age-gender-heatmap")
    )
