"""What goes into a report, taken only from the analytics service (one source of numbers).

Builders here turn the service's answers (Summary, DailySeries, Breakdown, EntityRow) into
plain tables: typed columns and rows of raw values (Decimal, int, date, str, None). The Excel
and CSV writers then only decide how a value looks. Entity rows are produced lazily, batch by
batch, so a 100,000-ad export never holds more than one batch in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy.orm import Session

from trafficdash.analytics import service
from trafficdash.analytics.export_rows import ExportRow, iter_export_rows
from trafficdash.analytics.metrics import CATALOGUE, Totals, change
from trafficdash.analytics.schemas import Breakdown, DailySeries, EntityRow, Metrics, Summary
from trafficdash.db import utcnow
from trafficdash.reports.labels import text
from trafficdash.reports.spec import ReportSpec

# How a column's values look: "meta" is free text typed in Meta (neutralised against formulas),
# "percent" and "change" hold percent numbers (12.5 = 12.5 %), "ratio" plain decimals (ROAS).
Kind = Literal["text", "meta", "id", "int", "money", "decimal", "percent", "change", "ratio", "date"]
Row = tuple[Any, ...]

_WIDTHS: dict[str, float] = {
    "text": 14,
    "meta": 40,
    "id": 20,
    "int": 14,
    "money": 15,
    "decimal": 13,
    "percent": 11,
    "change": 13,
    "ratio": 10,
    "date": 13,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: Kind
    width: float


@dataclass
class Table:
    """One sheet (or one CSV file): columns, lazily produced rows and its totals rows."""

    key: str
    title: str
    columns: list[Column]
    rows: Iterable[Row]
    totals: list[Row] = field(default_factory=list)
    # Money columns are shown in this currency, or in the one named by the row's column ``currency_col``.
    currency: str | None = None
    currency_col: int | None = None
    row_estimate: int = 0
    chart: bool = False

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


@dataclass
class ReportContent:
    spec: ReportSpec
    generated_at: datetime
    summaries: list[Summary]
    account_names: dict[int, str]
    tables: list[Table]

    @property
    def has_data(self) -> bool:
        return any(
            (s.kpis["impressions"].value or 0) > 0 or (s.kpis["spend"].value or 0) > 0 for s in self.summaries
        )

    @property
    def row_estimate(self) -> int:
        return sum(t.row_estimate for t in self.tables)


def _col(key: str, kind: Kind, locale: str, header_key: str | None = None) -> Column:
    width = _WIDTHS[kind]
    header = text(header_key or key, locale)
    return Column(key, header, kind, max(width, len(header) + 3))


def metric_kind(key: str) -> Kind:
    """The column kind of a catalogued metric (its cells' number format)."""
    metric = CATALOGUE[key]
    if metric.kind == "count":
        return "decimal" if metric.fractional else "int"
    return metric.kind


def _metric_columns(locale: str, keys: Iterable[str] | None = None) -> list[Column]:
    """Columns of the metrics (every catalogued one by default), in catalogue order."""
    return [_col(k, metric_kind(k), locale) for k in (CATALOGUE.keys() if keys is None else keys)]


def _metric_values(m: Metrics | Any) -> list[Any]:
    return [getattr(m, metric.key, None) for metric in CATALOGUE]


# ---- entities -----------------------------------------------------------------------------------


def entity_columns(level: str, locale: str, compare: bool) -> list[Column]:
    cols = [_col("name", "meta", locale), _col("id", "id", locale), _col("account", "id", locale)]
    if level in ("adset", "ad"):
        cols.append(_col("campaign_id", "id", locale))
    if level == "ad":
        cols.append(_col("ad_set_id", "id", locale))
    cols += [_col("status", "meta", locale), _col("effective_status", "meta", locale)]
    cols[-1] = Column(cols[-1].key, cols[-1].header, "meta", 16)
    cols[-2] = Column(cols[-2].key, cols[-2].header, "meta", 12)
    if level == "campaign":
        cols.append(Column("objective", text("objective", locale), "meta", 22))
    cols.append(_col("currency", "text", locale))
    if level in ("campaign", "adset"):
        cols += [_col("daily_budget", "money", locale), _col("lifetime_budget", "money", locale)]
    cols += _metric_columns(locale)
    if compare:
        cols += [
            _col("previous_spend", "money", locale),
            _col("spend_change_pct", "change", locale),
            _col("conversions_change_pct", "change", locale),
        ]
    if level == "ad":
        cols += [_col("creative_title", "meta", locale), _col("creative_body", "meta", locale)]
    return cols


def entity_values(row: EntityRow | ExportRow, level: str, compare: bool) -> Row:
    values: list[Any] = [row.name, str(row.id), str(row.account_id)]
    if level in ("adset", "ad"):
        values.append(str(row.campaign_id) if row.campaign_id else None)
    if level == "ad":
        values.append(str(row.ad_set_id) if row.ad_set_id else None)
    values += [row.status, row.effective_status]
    if level == "campaign":
        values.append(row.objective)
    values.append(row.currency)
    if level in ("campaign", "adset"):
        values += [row.daily_budget, row.lifetime_budget]
    values += _metric_values(row.metrics)
    if compare:
        m, p = row.metrics, row.previous
        values += [
            p.spend if p else None,
            change(m.spend, p.spend)[1] if p else None,
            change(m.conversions, p.conversions)[1] if p else None,
        ]
    if level == "ad":
        creative = row.creative
        values += [creative.title if creative else None, creative.body if creative else None]
    return tuple(values)


def _totals_row(columns: list[Column], label: str, currency: str, metrics: Metrics | Totals) -> Row:
    out: list[Any] = []
    for i, col in enumerate(columns):
        if i == 0:
            out.append(label)
        elif col.key == "currency":
            out.append(currency)
        elif col.key in CATALOGUE or col.key == "share_of_spend":
            out.append(getattr(metrics, col.key, None))
        else:
            out.append(None)
    return tuple(out)


def entity_table(
    session: Session, user_id: int, spec: ReportSpec, level: str, *, batch_size: int = 1000
) -> Table:
    filters, locale = spec.filters, spec.locale
    compare = filters.comparison_range() is not None
    columns = entity_columns(level, locale, compare)
    # One tiny page for the count and the per-currency totals (the dashboard's own totals).
    head = service.entities(session, user_id, filters, level, sort=spec.sort, order=spec.order, page_size=1)
    totals = [
        _totals_row(columns, f"{text('total', locale)} ({t.currency})", t.currency, t.metrics)
        for t in head.totals
    ]

    def rows() -> Iterator[Row]:
        for batch in iter_export_rows(
            session, user_id, filters, level, sort=spec.sort, order=spec.order, batch_size=batch_size
        ):
            for row in batch:
                yield entity_values(row, level, compare)

    return Table(
        key=level,
        title=text(f"sheet.{level}", locale),
        columns=columns,
        rows=rows(),
        totals=totals,
        currency_col=next(i for i, c in enumerate(columns) if c.key == "currency"),
        row_estimate=head.total,
    )


# ---- daily --------------------------------------------------------------------------------------


def daily_columns(locale: str, compare: bool) -> list[Column]:
    # A day has its sums and their ratios, and its own reach where Meta gave one (no frequency).
    cols = [_col("date", "date", locale), *_metric_columns(locale, CATALOGUE.daily())]
    if compare:
        cols += [
            _col("compare_date", "date", locale),
            _col("compare_spend", "money", locale),
            _col("compare_conversions", "decimal", locale),
        ]
    return cols


def daily_table(series: DailySeries, summary: Summary | None, spec: ReportSpec, title: str) -> Table:
    locale = spec.locale
    compare = bool(series.compare_points)
    columns = daily_columns(locale, compare)
    rows: list[Row] = []
    for i, p in enumerate(series.points):
        values: list[Any] = [p.date, *(getattr(p, c.key, None) for c in columns[1:] if c.key in CATALOGUE)]
        if compare:
            cp = series.compare_points[i] if i < len(series.compare_points) else None
            values += [cp.date if cp else None, cp.spend if cp else None, cp.conversions if cp else None]
        rows.append(tuple(values))
    totals: list[Row] = []
    if summary is not None:
        kpis = {k: v.value for k, v in summary.kpis.items()}
        row: list[Any] = [text("total", locale)]
        row += [kpis.get(c.key) for c in columns[1:] if c.key in CATALOGUE]
        if compare:
            row += [None, summary.kpis["spend"].previous, summary.kpis["conversions"].previous]
        totals.append(tuple(row))
    return Table(
        key="daily",
        title=title,
        columns=columns,
        rows=rows,
        totals=totals,
        currency=series.currency,
        row_estimate=len(rows),
        chart=True,
    )


# ---- breakdowns ---------------------------------------------------------------------------------


def breakdown_columns(locale: str) -> list[Column]:
    return [
        Column("label", text("segment", locale), "meta", 32),
        _col("value_1", "meta", locale),
        _col("value_2", "meta", locale),
        _col("spend", "money", locale),
        _col("share_of_spend", "percent", locale),
        *_metric_columns(locale, (k for k in CATALOGUE.summable() if k != "spend")),
    ]


def breakdown_table(bd: Breakdown, spec: ReportSpec, title: str) -> Table:
    columns = breakdown_columns(spec.locale)
    keys = [c.key for c in columns]
    rows = [tuple(getattr(r, k, None) for k in keys) for r in bd.rows]
    # The total of a breakdown: its rows summed, ratios from the sums (metrics.Totals).
    sums = Totals.from_rows(r.model_dump() for r in bd.rows)
    total = Metrics.from_totals(sums)
    total_row = _totals_row(columns, text("total", spec.locale), bd.currency, total)
    share = keys.index("share_of_spend")
    total_row = (*total_row[:share], Decimal(100) if sums.spend else None, *total_row[share + 1 :])
    return Table(
        key=f"breakdown:{bd.dimension}",
        title=title,
        columns=columns,
        rows=rows,
        totals=[total_row] if bd.rows else [],
        currency=bd.currency,
        row_estimate=len(rows),
    )


# ---- the whole report ---------------------------------------------------------------------------


def _titled(base: str, currency: str, several: bool) -> str:
    return f"{base} {currency}" if several else base


def build_content(
    session: Session,
    user_id: int,
    spec: ReportSpec,
    *,
    tables: list[str] | None = None,
    batch_size: int = 1000,
) -> ReportContent:
    """Every table of the spec (or only ``tables``, e.g. ["ad"] for one CSV), from the service."""
    filters, locale = spec.filters, spec.locale
    wanted = tables
    summaries = service.summary(session, user_id, filters).groups
    names = {a.id: a.name for a in service.accounts_overview(session, user_id)}
    out: list[Table] = []
    if wanted is None or "daily" in wanted:
        by_currency = {s.currency: s for s in summaries}
        series_list = service.daily(session, user_id, filters)
        for series in series_list:
            title = _titled(text("sheet.daily", locale), series.currency, len(series_list) > 1)
            out.append(daily_table(series, by_currency.get(series.currency), spec, title))
    for level in spec.entity_levels():
        if wanted is None or level in wanted:
            out.append(entity_table(session, user_id, spec, level, batch_size=batch_size))
    for dimension in spec.breakdowns:
        if wanted is None or f"breakdown:{dimension}" in wanted:
            groups = service.breakdown(session, user_id, filters, dimension)
            for bd in groups:
                title = _titled(text(f"sheet.{dimension}", locale), bd.currency, len(groups) > 1)
                out.append(breakdown_table(bd, spec, title))
    return ReportContent(
        spec=spec, generated_at=utcnow(), summaries=summaries, account_names=names, tables=out
    )
