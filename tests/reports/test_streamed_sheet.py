"""The fast data rows of the Excel export: the same workbook as openpyxl's own cells write."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from trafficdash.reports.streamed_sheet import ColumnStyle, StreamedSheet, StyledRow, create_streamed_sheet

ROWS = [
    ("Plain name", "123456789012345678", Decimal("12.345"), 1234, Decimal("12.5"), date(2024, 3, 1)),
    ('=HYPERLINK("http://x","y")', "1", Decimal("0"), 0, Decimal("-3.25"), None),
    ("  spaced & <tagged> \x07", None, float("nan"), None, None, date(2024, 2, 29)),
    ("-minus first", "2", Decimal("-1.5"), -7, Decimal("100"), date(2023, 12, 31)),
    ("", "\x07", Decimal("1"), 1, Decimal("1"), None),  # empty (after cleaning) text is a blank cell
]


def _write(path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = create_streamed_sheet(wb, "Data")
    styles = {}
    for key, fmt, quote in (("money", '"$"#,##0.00', False), ("int", "#,##0", False), ("pct", "0.00%", False),
                            ("date", "yyyy-mm-dd", False), ("quoted", None, True)):  # fmt: skip
        cell = WriteOnlyCell(ws)
        if fmt:
            cell.number_format = fmt
        cell.quotePrefix = quote
        styles[key] = cell._style
    columns = [
        ColumnStyle(wb, 1, text=True, style=None, quoted_style=styles["quoted"]),
        ColumnStyle(wb, 2, text=True, style=None, quoted_style=styles["quoted"]),
        ColumnStyle(wb, 3, text=False, style=styles["money"], quoted_style=styles["quoted"]),
        ColumnStyle(wb, 4, text=False, style=styles["int"], quoted_style=styles["quoted"]),
        ColumnStyle(wb, 5, text=False, style=styles["pct"], quoted_style=styles["quoted"], percent=True),
        ColumnStyle(wb, 6, text=False, style=styles["date"], quoted_style=styles["quoted"]),
    ]
    ws.append(["Name", "Id", "Spend", "Clicks", "CTR", "Day"])
    for row in ROWS:
        ws.append(StyledRow(row, columns))
    ws.append(["after the data"])
    wb.save(path)


def _cells(path: Path) -> list[list[tuple]]:
    ws = load_workbook(path)["Data"]
    return [[(c.value, c.data_type, c.number_format, c.quotePrefix) for c in row] for row in ws.iter_rows()]


@pytest.fixture
def written(tmp_path: Path) -> tuple[list[list[tuple]], list[list[tuple]]]:
    fast, cells = tmp_path / "fast.xlsx", tmp_path / "cells.xlsx"
    _write(fast)
    StreamedSheet.render_rows = False
    try:
        _write(cells)
    finally:
        StreamedSheet.render_rows = True
    return _cells(fast), _cells(cells)


def test_rendered_rows_equal_openpyxls_own_cells(written) -> None:
    fast, cells = written
    assert fast == cells


def test_values_types_and_formats(written) -> None:
    rows, _ = written
    header, first, formula, spaced, minus, empty, after = rows
    assert [c[0] for c in header] == ["Name", "Id", "Spend", "Clicks", "CTR", "Day"]
    assert first[1][:2] == ("123456789012345678", "s")  # ids stay exact text
    assert first[2] == (12.345, "n", '"$"#,##0.00', False)
    assert first[4][0] == pytest.approx(0.125) and first[4][2] == "0.00%"
    assert first[5][0].date() == date(2024, 3, 1) and first[5][2] == "yyyy-mm-dd"
    # A formula-looking text stays text, marked with Excel's quote prefix; so does a leading minus.
    assert formula[0] == ('=HYPERLINK("http://x","y")', "s", "General", True)
    assert minus[0][0] == "-minus first" and minus[0][3] is True
    # XML escaping, edge whitespace kept, control characters dropped, NaN and None left empty.
    assert spaced[0][0] == "  spaced & <tagged> "
    assert spaced[1][0] is None and spaced[2][0] is None
    assert empty[0][0] is None and empty[1][0] is None
    assert after[0][0] == "after the data"
