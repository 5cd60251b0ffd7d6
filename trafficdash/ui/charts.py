"""ECharts theme matching the design tokens, and the option builders the pages use.

Values reach the browser as floats (charts only draw them); every number a person reads as
text is formatted server-side from Decimals. Tooltips format with the browser's Intl API in
the page's locale and the account's currency.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.ui import theme

ECHARTS_THEME: dict[str, Any] = {
    "color": theme.CHART_PALETTE,
    "backgroundColor": "transparent",
    "textStyle": {"color": theme.TEXT_MUTED, "fontFamily": theme.FONT_STACK},
    "title": {"textStyle": {"color": theme.TEXT}, "subtextStyle": {"color": theme.TEXT_MUTED}},
    "legend": {
        "textStyle": {"color": theme.TEXT_MUTED},
        "icon": "roundRect",
        "itemWidth": 12,
        "itemHeight": 8,
    },
    "tooltip": {
        "backgroundColor": theme.SURFACE_RAISED,
        "borderColor": theme.BORDER,
        "textStyle": {"color": theme.TEXT},
        "extraCssText": "border-radius:10px;box-shadow:0 8px 24px rgba(2,6,23,.5);",
    },
    "categoryAxis": {
        "axisLine": {"lineStyle": {"color": theme.BORDER}},
        "axisTick": {"show": False},
        "axisLabel": {"color": theme.TEXT_MUTED},
        "splitLine": {"show": False},
    },
    "valueAxis": {
        "axisLine": {"show": False},
        "axisLabel": {"color": theme.TEXT_MUTED},
        "splitLine": {"lineStyle": {"color": "rgba(51,65,85,.55)", "type": "dashed"}},
    },
    "line": {"symbol": "circle", "symbolSize": 6, "smooth": 0.25, "lineStyle": {"width": 2.5}},
    "pie": {"itemStyle": {"borderColor": theme.SURFACE, "borderWidth": 2}},
    "visualMap": {"textStyle": {"color": theme.TEXT_MUTED}},
}


def _num(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


# Charts draw floats: up to two decimals on axes and tooltips, whatever the metric shows as text.
CHART_DECIMALS = 2


def chart_format(key: str, currency: str) -> tuple[dict[str, Any], str]:
    """(Intl.NumberFormat options, suffix) of metric ``key`` in charts, from its catalogue entry."""
    metric = CATALOGUE.get(key)
    if metric is not None and metric.kind == "money":
        return {"style": "currency", "currency": currency}, ""
    suffix = "%" if metric is not None and metric.kind == "percent" else metric.suffix if metric else ""
    return {"maximumFractionDigits": CHART_DECIMALS}, suffix


def js_formatter(key: str, currency: str, lang: str) -> str:
    """A JS function formatting one value of metric ``key`` for tooltips and axes (one generic
    Intl formatter, parameterised by the catalogue: no per-metric JavaScript)."""
    options, suffix = chart_format(key, currency)
    tail = f" + {json.dumps(suffix)}" if suffix else ""
    return (
        f"v => v == null ? '—' : new Intl.NumberFormat({json.dumps(lang)}, {json.dumps(options)}).format(v)"
        + tail
    )


def trend_options(
    *,
    key: str,
    labels: Sequence[str],
    values: Sequence[Decimal | int | None],
    compare_values: Sequence[Decimal | int | None] | None,
    series_name: str,
    compare_name: str,
    currency: str,
    lang: str,
    compare_labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    fmt = js_formatter(key, currency, lang)
    series: list[dict[str, Any]] = [
        {
            "name": series_name,
            "type": "line",
            "data": [_num(v) for v in values],
            "showSymbol": len(values) <= 31,
            "areaStyle": {
                "color": {
                    "type": "linear",
                    "x": 0,
                    "y": 0,
                    "x2": 0,
                    "y2": 1,
                    "colorStops": [
                        {"offset": 0, "color": "rgba(59,130,246,.35)"},
                        {"offset": 1, "color": "rgba(59,130,246,0)"},
                    ],
                }
            },
            "lineStyle": {"color": theme.PRIMARY, "width": 2.5},
            "itemStyle": {"color": theme.PRIMARY},
        }
    ]
    if compare_values:
        series.append(
            {
                "name": compare_name,
                "type": "line",
                "data": [_num(v) for v in compare_values],
                "showSymbol": False,
                "lineStyle": {"color": theme.SECONDARY, "width": 2, "type": "dashed", "opacity": 0.8},
                "itemStyle": {"color": theme.SECONDARY},
            }
        )
    tooltip_lines = (
        "params => params.map(p => p.marker + ' ' + p.seriesName + ': <b>' + "
        f"({fmt})(p.value) + '</b>').join('<br>')"
    )
    return {
        "animationDuration": 300,
        "grid": {"left": 8, "right": 16, "top": 36, "bottom": 8, "containLabel": True},
        "legend": {"top": 0, "right": 0},
        "tooltip": {
            "trigger": "axis",
            ":valueFormatter": fmt,
            ":formatter": ("params => params[0].axisValueLabel + '<br>' + (" + tooltip_lines + ")(params)"),
        },
        "xAxis": {"type": "category", "data": list(labels), "boundaryGap": False},
        "yAxis": {"type": "value", "axisLabel": {":formatter": fmt}},
        "series": series,
    }


def donut_options(
    *, names: Sequence[str], values: Sequence[Decimal | int], currency: str, lang: str
) -> dict[str, Any]:
    fmt = js_formatter("spend", currency, lang)
    return {
        "animationDuration": 300,
        "tooltip": {
            "trigger": "item",
            ":formatter": f"p => p.marker + ' ' + p.name + '<br><b>' + ({fmt})(p.value)"
            " + '</b> · ' + p.percent.toFixed(1) + '%'",
        },
        "legend": {"bottom": 0, "left": "center", "type": "scroll"},
        "series": [
            {
                "type": "pie",
                "radius": ["52%", "76%"],
                "center": ["50%", "44%"],
                "avoidLabelOverlap": True,
                "itemStyle": {"borderRadius": 6, "borderColor": theme.SURFACE, "borderWidth": 2},
                "label": {"show": False},
                "emphasis": {
                    "label": {"show": True, "fontSize": 13, "fontWeight": "bold", "color": theme.TEXT}
                },
                "data": [{"name": n, "value": _num(v)} for n, v in zip(names, values, strict=True)],
            }
        ],
    }


def heatmap_options(
    *,
    x_labels: Sequence[str],
    y_labels: Sequence[str],
    cells: Sequence[tuple[int, int, Decimal | int | None]],
    key: str,
    currency: str,
    lang: str,
) -> dict[str, Any]:
    fmt = js_formatter(key, currency, lang)
    values = [float(v) for _, _, v in cells if v is not None]
    return {
        "animationDuration": 300,
        "tooltip": {
            ":formatter": f"p => p.name + ' · ' + p.seriesName + '<br><b>' + ({fmt})(p.value[2]) + '</b>'"
        },
        # Room below the age labels for the colour scale and the values over its handles.
        "grid": {"left": 8, "right": 8, "top": 8, "bottom": 88, "containLabel": True},
        # Every age band named, also at phone width (ECharts would skip every other one).
        "xAxis": {
            "type": "category",
            "data": list(x_labels),
            "splitArea": {"show": False},
            "axisLabel": {"interval": 0, "fontSize": 11},
        },
        "yAxis": {"type": "category", "data": list(y_labels)},
        "visualMap": {
            "min": min(values, default=0),
            "max": max(values, default=1) or 1,
            "calculable": True,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "itemHeight": 160,
            "inRange": {"color": ["#1e3a5f", theme.PRIMARY, theme.SECONDARY]},
            ":formatter": fmt,
        },
        "series": [
            {
                "name": key,
                "type": "heatmap",
                "data": [[x, y, _num(v)] for x, y, v in cells],
                "label": {"show": False},
                "itemStyle": {"borderColor": theme.SURFACE, "borderWidth": 3, "borderRadius": 6},
                "emphasis": {"itemStyle": {"shadowBlur": 10, "shadowColor": "rgba(0,0,0,.5)"}},
            }
        ],
    }
