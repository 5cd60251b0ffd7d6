"""The row of metric buttons above a chart (the trend's, the heatmap's): one choice, wrapping onto
a second line on a phone instead of running off the card."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nicegui import ui

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.i18n import t


def metric_switch(
    metrics: Sequence[str], value: str, on_change: Callable[[str], None], locale: str, *, marker: str
) -> ui.toggle:
    return (
        ui.toggle(
            {m: t(CATALOGUE[m].label_key, locale) for m in metrics},
            value=value,
            on_change=lambda e: on_change(e.value),
        )
        .props("dense no-caps unelevated toggle-color=primary color=transparent text-color=grey-5")
        .classes("td-metric-switch flex-wrap")
        .mark(marker)
    )
