"""The Excel workbook: openpyxl in write-only mode, so rows stream to disk and memory stays flat.

Sheets: Summary (accounts, currency, ranges, generation time, the KPIs with their change, and a
native line chart of the daily trend), Daily, Campaigns / Ad sets / Ads down to the chosen
level, and one sheet per breakdown. Headers use the brand colours; every metric has its number
format (the account's currency, percentages, thousands separators); header rows are frozen,
columns filterable and sized; each table ends with a totals row whose ratios come from sums
(the analytics service's own totals). Number formats are written in Excel's invariant syntax:
Excel shows "1,234.56" or "1.234,56" by the reader's regional settings.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.i18n import currency_decimals, currency_symbol, format_date_range, format_money
from trafficdash.reports.content import Column, ReportContent, Table, metric_kind
from trafficdash.reports.labels import no_data, text
from trafficdash.reports.safety import clean_text, looks_like_formula, sheet_name
from trafficdash.reports.streamed_sheet import (
    CELL_TEXT_LIMIT,
    ColumnStyle,
    StyledRow,
    create_streamed_sheet,
)

# Brand colours (trafficdash.ui.theme) without the "#".
BRAND_DARK = "1E293B"
BRAND_BLUE = "3B82F6"
BRAND_BORDER = "334155"
TOTALS_FILL = "E2E8F0"
POSITIVE = "059669"
NEGATIVE = "DC2626"
WHITE = "FFFFFF"
PROGRESS_EVERY = 1000

ProgressFn = Callable[[int], None]

_INT = "#,##0"
_DECIMAL = "#,##0.00"
_PERCENT = "0.00%"
_CHANGE = "+0.0%;-0.0%;0.0%"
_RATIO = "0.00"
_DATE = {"en": "yyyy-mm-dd", "pt_BR": "dd/mm/yyyy", "es_419": "dd/mm/yyyy"}
_DATETIME = {"en": "yyyy-mm-dd hh:mm", "pt_BR": "dd/mm/yyyy hh:mm", "es_419": "dd/mm/yyyy hh:mm"}


def money_format(currency: str, locale: str) -> str:
    """``"$"#,##0.00`` / ``"R$ "#,##0.00``: the symbol and its spacing as the dashboard shows the
    currency in this locale (Excel applies the reader's own separators)."""
    decimals = currency_decimals(currency)
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    symbol = currency_symbol(currency, locale)
    shown = format_money(0, currency, locale)
    space = " " if shown.startswith(symbol) and shown[len(symbol)].isspace() else ""
    return f'"{symbol}{space}"{number};-"{symbol}{space}"{number}'


def number_format(kind: str, currency: str | None, locale: str) -> str | None:
    if kind == "money":
        return money_format(currency or "USD", locale)
    return {
        "int": _INT,
        "decimal": _DECIMAL,
        "percent": _PERCENT,
        "change": _CHANGE,
        "ratio": _RATIO,
        "date": _DATE.get(locale, _DATE["en"]),
    }.get(kind)


class _Styles:
    """Shared style arrays, one per (look, number format): cells reuse them instead of re-styling."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self._cache: dict[tuple[Any, ...], Any] = {}
        thin = Side(style="thin", color=BRAND_BORDER)
        self.header_font = Font(bold=True, color=WHITE)
        self.header_fill = PatternFill("solid", fgColor=BRAND_DARK)
        self.header_border = Border(bottom=Side(style="medium", color=BRAND_BLUE))
        self.totals_font = Font(bold=True)
        self.totals_fill = PatternFill("solid", fgColor=TOTALS_FILL)
        self.totals_border = Border(top=thin, bottom=Side(style="double", color=BRAND_DARK))

    def array(self, look: str, fmt: str | None = None, *, quote: bool = False) -> Any:
        key = (look, fmt, quote)
        if key not in self._cache:
            cell = WriteOnlyCell(self.ws)
            if look == "header":
                cell.font, cell.fill, cell.border = self.header_font, self.header_fill, self.header_border
                cell.alignment = Alignment(vertical="center", wrap_text=True)
            elif look == "totals":
                cell.font, cell.fill, cell.border = self.totals_font, self.totals_fill, self.totals_border
            elif look == "title":
                cell.font = Font(bold=True, size=16, color=BRAND_DARK)
            elif look == "label":
                cell.font = Font(bold=True, color=BRAND_DARK)
            elif look == "good":
                cell.font = Font(color=POSITIVE)
            elif look == "bad":
                cell.font = Font(color=NEGATIVE)
            if fmt:
                cell.number_format = fmt
            if quote:
                cell.quotePrefix = True
            self._cache[key] = cell._style
        return self._cache[key]

    def cell(self, value: Any, look: str = "plain", fmt: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value)
        cell._style = self.array(look, fmt)
        return cell

    def text_cell(self, value: str, look: str = "plain") -> WriteOnlyCell:
        """Text from Meta: a formula-looking one stays a string cell with Excel's quote prefix."""
        value = clean_text(value)[:CELL_TEXT_LIMIT]
        if not looks_like_formula(value):
            return self.cell(value, look) if look != "plain" else value  # type: ignore[return-value]
        cell = WriteOnlyCell(self.ws)
        cell._value, cell.data_type = value, "s"
        cell._style = self.array(look, quote=True)
        return cell


def _excel_value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind in ("percent", "change"):
        return float(value) / 100  # the service speaks in percent numbers, Excel in fractions
    if isinstance(value, Decimal):
        return float(value)
    return value


def _totals_cells(table: Table, styles: _Styles, locale: str, row: tuple[Any, ...]) -> list[Any]:
    """A totals row: every cell (empty ones too) in the totals look, with its column's format."""
    currency = row[table.currency_col] if table.currency_col is not None else table.currency
    out: list[Any] = []
    for value, column in zip(row, table.columns, strict=True):
        if value is None:
            out.append(styles.cell(None, "totals"))
        elif column.kind in ("meta", "text", "id"):
            out.append(styles.text_cell(str(value), "totals"))
        else:
            fmt = number_format(column.kind, currency, locale)
            out.append(styles.cell(_excel_value(column.kind, value), "totals", fmt))
    return out


class _DataRows:
    """A table's data rows as :class:`StyledRow`, with each column's style picked once per currency."""

    def __init__(self, table: Table, styles: _Styles, locale: str) -> None:
        self.table, self.styles, self.locale = table, styles, locale
        self._by_currency: dict[str | None, list[ColumnStyle]] = {}

    def _columns(self, currency: str | None) -> list[ColumnStyle]:
        columns = self._by_currency.get(currency)
        if columns is None:
            workbook = self.styles.ws.parent
            quoted = self.styles.array("plain", quote=True)
            columns = []
            for index, column in enumerate(self.table.columns, 1):
                fmt = number_format(column.kind, currency, self.locale)
                columns.append(
                    ColumnStyle(
                        workbook,
                        index,
                        text=column.kind in ("meta", "text", "id"),
                        style=self.styles.array("plain", fmt) if fmt else None,
                        quoted_style=quoted,
                        percent=column.kind in ("percent", "change"),
                    )
                )
            self._by_currency[currency] = columns
        return columns

    def row(self, values: tuple[Any, ...]) -> StyledRow:
        table = self.table
        currency = values[table.currency_col] if table.currency_col is not None else table.currency
        return StyledRow(values, self._columns(currency))


def _prepare(ws: WriteOnlyWorksheet, columns: list[Column], freeze: str) -> None:
    # Write-only sheets write widths and panes before the first row.
    for i, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.freeze_panes = freeze


def _write_table(
    ws: WriteOnlyWorksheet,
    table: Table,
    spec: Any,
    progress: Callable[[int], None],
) -> int:
    locale = spec.locale
    styles = _Styles(ws)
    entity = table.key in ("campaign", "adset", "ad")
    _prepare(ws, table.columns, "B2" if entity else "A2")
    ws.append([styles.cell(c.header, "header") for c in table.columns])
    data = _DataRows(table, styles, locale)
    count = 0
    for row in table.rows:
        ws.append(data.row(row))
        count += 1
        if count % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    progress(count % PROGRESS_EVERY)
    last_col = get_column_letter(len(table.columns))
    if count:
        ws.auto_filter.ref = f"A1:{last_col}{count + 1}"
        for row in table.totals:
            ws.append(_totals_cells(table, styles, locale, row))
    else:
        title, _ = no_data(locale, spec.filters.since, spec.filters.until)
        ws.append([styles.cell(title, "label")])
    return count


def _daily_chart(table: Table, sheet_title: str, rows: int, locale: str) -> LineChart:
    chart = LineChart()
    chart.title = f"{text('trend', locale)} ({table.currency})"
    chart.height, chart.width = 8, 22
    chart.y_axis.title = text("spend", locale)
    chart.y_axis.number_format = number_format("money", table.currency, locale)
    chart.y_axis.majorGridlines = None
    chart.x_axis.number_format = _DATE.get(locale, _DATE["en"])
    spend = table.column_index("spend") + 1
    conversions = table.column_index("conversions") + 1

    class _Ws:  # Reference only needs the sheet's title
        title = sheet_title

    dates = Reference(_Ws, min_col=1, min_row=2, max_row=rows + 1)
    chart.add_data(Reference(_Ws, min_col=spend, min_row=1, max_row=rows + 1), titles_from_data=True)
    chart.set_categories(dates)
    chart.series[0].graphicalProperties.line.solidFill = BRAND_BLUE
    chart.series[0].graphicalProperties.line.width = 28000
    second = LineChart()
    second.add_data(Reference(_Ws, min_col=conversions, min_row=1, max_row=rows + 1), titles_from_data=True)
    second.y_axis.axId = 200
    second.y_axis.title = text("conversions", locale)
    second.y_axis.crosses = "max"
    second.series[0].graphicalProperties.line.solidFill = "8B5CF6"
    chart += second
    return chart


def _write_summary(ws: WriteOnlyWorksheet, content: ReportContent, daily: list[tuple[Table, str]]) -> None:
    spec, locale = content.spec, content.spec.locale
    f = spec.filters
    styles = _Styles(ws)
    for letter, width in zip("ABCDEF", (28, 22, 22, 18, 14, 4), strict=True):
        ws.column_dimensions[letter].width = width
    label = lambda key: styles.cell(text(key, locale), "label")  # noqa: E731
    ws.append([styles.cell(text("title", locale), "title")])
    ws.append([])
    ids = [a for s in content.summaries for a in s.account_ids] or f.account_ids
    accounts = ", ".join(f"{content.account_names.get(a, a)} ({a})" for a in ids)
    ws.append([label("accounts"), styles.text_cell(accounts or "—")])
    ws.append([label("currency"), ", ".join(s.currency for s in content.summaries) or "—"])
    ws.append([label("range"), format_date_range(f.since, f.until, locale)])
    compare = f.comparison_range()
    ws.append(
        [
            label("comparison"),
            format_date_range(compare[0], compare[1], locale) if compare else text("no_comparison", locale),
        ]
    )
    generated = content.generated_at.replace(tzinfo=None, microsecond=0)
    ws.append([label("generated_at"), styles.cell(generated, fmt=_DATETIME.get(locale, _DATETIME["en"]))])
    row = 7
    if not content.has_data:
        title, body = no_data(locale, f.since, f.until)
        ws.append([])
        ws.append([styles.cell(title, "title")])
        ws.append([body])
        row += 3
    for summary in content.summaries:
        ws.append([])
        ws.append([label("currency"), summary.currency])
        ws.append(
            [
                styles.cell(text(k, locale), "header")
                for k in ("metric", "value", "previous", "change", "change_pct")
            ]
        )
        row += 3
        for key, kpi in summary.kpis.items():
            kind = metric_kind(key) if key in CATALOGUE else "decimal"
            fmt = number_format(kind, summary.currency, locale)
            look = "plain" if kpi.good is None else ("good" if kpi.good else "bad")
            change_fmt = number_format("percent" if kind == "percent" else kind, summary.currency, locale)
            ws.append(
                [
                    text(key, locale),
                    styles.cell(_excel_value(kind, kpi.value), fmt=fmt),
                    styles.cell(_excel_value(kind, kpi.previous), fmt=fmt),
                    styles.cell(_excel_value(kind, kpi.change_abs), look, change_fmt),
                    styles.cell(_excel_value("change", kpi.change_pct), look, _CHANGE),
                ]
            )
            row += 1
        if summary.reach_is_estimate:
            ws.append([text("reach_estimate", locale)])
            row += 1
    # Native charts of the daily trend, below the KPIs.
    row += 2
    for table, title in daily:
        points = table.row_estimate
        if not points:
            continue
        ws.add_chart(_daily_chart(table, title, points, locale), f"A{row}")
        row += 18


def write_workbook(
    content: ReportContent, target: Path | IO[bytes], progress: ProgressFn | None = None
) -> int:
    """Write the report; returns the number of data rows. ``progress(n)`` is called as rows go out."""
    locale = content.spec.locale
    wb = Workbook(write_only=True)
    taken: set[str] = set()
    summary_ws = wb.create_sheet(sheet_name(text("sheet.summary", locale), taken))
    sheets = [(t, create_streamed_sheet(wb, sheet_name(t.title, taken))) for t in content.tables]
    daily = [(t, ws.title) for t, ws in sheets if t.chart]
    _write_summary(summary_ws, content, daily)
    tick = progress or (lambda n: None)
    total = 0
    for table, ws in sheets:
        total += _write_table(ws, table, content.spec, tick)
    wb.save(target)
    return total
