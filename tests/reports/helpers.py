"""Opening produced files: workbooks with openpyxl, CSV with the csv module."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

INJECTION = '=HYPERLINK("http://x","y")'


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def table(ws: Worksheet) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    """(headers, data rows, totals rows) of a table sheet; totals rows start with "Total"."""
    rows = list(ws.iter_rows(values_only=True))
    headers = [h for h in rows[0] if h is not None]
    body, totals = [], []
    for row in rows[1:]:
        if all(v is None for v in row):
            continue
        record = dict(zip(headers, row, strict=False))
        (totals if str(row[0]).startswith(("Total", "Totais")) else body).append(record)
    return headers, body, totals


def cell_by_header(ws: Worksheet, header: str, row: int) -> Any:
    headers = [c.value for c in ws[1]]
    return ws.cell(row=row, column=headers.index(header) + 1)


def csv_rows(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    textual = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(textual), delimiter=delimiter))


def chart_xml(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]


def close(value: Any, expected: Decimal | int | None, places: int = 9) -> bool:
    if expected is None:
        return value is None
    return abs(Decimal(str(value)) - Decimal(expected)) < Decimal(10) ** -places
