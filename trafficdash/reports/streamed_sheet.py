"""A write-only worksheet whose data rows are rendered straight to SpreadsheetML.

openpyxl's write-only mode streams to disk, but it still builds a cell object and an XML
element per cell and serialises each through a generic XML writer: with styled cells that is
most of an export's time. The tables of a report are regular (one kind and one style per
column), so this sheet renders each data row as one string, with the column letters, style ids
and cell types worked out once per column. Everything else (widths, panes, autofilter, charts,
header and totals rows, styles, the package) stays openpyxl's.

The rows go into the stream openpyxl itself writes (its pure-Python ``et_xmlfile`` writer, which
the lock file installs). Under lxml, whose incremental writer takes no raw text, the same rows
go through openpyxl's own cells instead: slower, identical output.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from trafficdash.reports.safety import clean_text, looks_like_formula

CELL_TEXT_LIMIT = 32767  # Excel's maximum characters in a cell
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


class ColumnStyle:
    """How one column's values are written: as text (formula-looking text gets the quote-prefix
    style) or as numbers and dates with the column's number-format style."""

    __slots__ = ("letter", "percent", "quoted_attr", "quoted_style", "style", "style_attr", "text")

    def __init__(
        self,
        workbook: Any,
        index: int,
        *,
        text: bool,
        style: StyleArray | None,
        quoted_style: StyleArray,
        percent: bool = False,
    ) -> None:
        self.letter = get_column_letter(index)
        self.text = text
        self.percent = percent  # values in percent numbers (12.5), written as Excel's fractions
        self.style = style
        self.quoted_style = quoted_style
        # The workbook's cell-style index, looked up once per column rather than per cell.
        self.style_attr = f' s="{workbook._cell_styles.add(style)}"' if style is not None else ""
        self.quoted_attr = f' s="{workbook._cell_styles.add(quoted_style)}"'


class StyledRow(tuple):
    """A data row (raw values) appended to a :class:`StreamedSheet` with its columns' styles."""

    columns: Sequence[ColumnStyle]

    def __new__(cls, values: Sequence[Any], columns: Sequence[ColumnStyle]) -> StyledRow:
        row = super().__new__(cls, values)
        row.columns = columns
        return row


def _text(value: Any) -> str:
    return clean_text(str(value))[:CELL_TEXT_LIMIT]


def _number(value: Any) -> str | None:
    """Excel's text for a number or a date; None for what a cell cannot hold (NaN, infinity)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        number = float(value)
        return repr(number) if number == number and number not in (float("inf"), float("-inf")) else None
    if isinstance(value, (date, datetime)):
        return repr(to_excel(value))
    raise TypeError(f"cannot write {type(value).__name__} as a number")


class StreamedSheet(WriteOnlyWorksheet):
    """``append`` takes openpyxl rows as usual, or :class:`StyledRow` data rows rendered fast."""

    render_rows = True  # False: StyledRows go through openpyxl's cells (what lxml forces)

    def _xml(self, row: StyledRow, row_idx: int) -> str:
        parts = [f'<row r="{row_idx}">']
        n = str(row_idx)
        for value, col in zip(row, row.columns, strict=True):
            if value is None:
                continue
            if col.text:
                text = _text(value)
                if not text:
                    continue  # a blank cell, as openpyxl writes an empty string
                sid = col.quoted_attr if looks_like_formula(text) else col.style_attr
                space = ' xml:space="preserve"' if text != text.strip() and text.strip() else ""
                parts.append(
                    f'<c r="{col.letter}{n}"{sid} t="inlineStr"><is><t{space}>'
                    f"{text.translate(_ESCAPES)}</t></is></c>"
                )
                continue
            number = _number(value / 100 if col.percent else value)
            if number is None:
                continue
            parts.append(f'<c r="{col.letter}{n}"{col.style_attr} t="n"><v>{number}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    def _openpyxl_cells(self, row: StyledRow) -> Iterator[Any]:
        """The same row as openpyxl cells (the lxml path)."""
        for value, col in zip(row, row.columns, strict=True):
            if value is None:
                yield None
                continue
            cell = WriteOnlyCell(self)
            if col.text:
                text = _text(value)
                if not text:
                    yield None
                    continue
                cell._value, cell.data_type = text, "s"
                style = col.quoted_style if looks_like_formula(text) else col.style
            else:
                if col.percent:
                    value = value / 100
                if _number(value) is None:
                    yield None
                    continue
                cell.value = float(value) if isinstance(value, Decimal) else value
                style = col.style
            if style is not None:
                cell._style = style
            yield cell

    def _write_rows(self) -> Any:  # the generator openpyxl's ``append`` feeds
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        raw = getattr(xf, "_file", None) if self.render_rows else None  # et_xmlfile's output; not lxml's
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, StyledRow):
                        if callable(raw):
                            raw(self._xml(row, row_idx))
                            row_idx += 1
                            continue
                        row = list(self._openpyxl_cells(row))
                    self._writer.write_row(xf, self._values_to_row(row, row_idx), row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


def create_streamed_sheet(workbook: Any, title: str) -> StreamedSheet:
    """Like ``Workbook.create_sheet`` in write-only mode, with a :class:`StreamedSheet`."""
    sheet = StreamedSheet(parent=workbook, title=title)
    workbook._sheets.append(sheet)
    return sheet
