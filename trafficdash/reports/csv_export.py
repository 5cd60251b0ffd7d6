"""CSV as a stream of encoded chunks: one table (daily, an entity level or a breakdown).

Numbers are written exactly as the service computes them (Decimal, no float rounding; ratios
to six decimals; percentages as percent numbers, like the dashboard). English files use
``,`` and ``.``; Brazilian Portuguese files use ``;`` and ``,`` — what Excel expects in each
locale. Every text from Meta is neutralised against formulas (``'`` prefix), and an optional
byte order mark makes Excel read UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from trafficdash.i18n import decimal_symbol
from trafficdash.reports.content import Table
from trafficdash.reports.safety import neutralise

BOM = "\ufeff"
CHUNK_ROWS = 500
_RATIO_PLACES = Decimal("0.000001")


def dialect(locale: str) -> tuple[str, str]:
    """(delimiter, decimal mark): the locale's decimal mark, and ";" between fields where that
    mark is a comma (as spreadsheets in those locales expect)."""
    mark = decimal_symbol(locale)
    return (";" if mark == "," else ","), mark


def _number(value: Decimal | int, kind: str, decimal_mark: str) -> str:
    if isinstance(value, Decimal):
        if kind in ("percent", "change", "ratio") or value.as_tuple().exponent < -6:  # type: ignore[operator]
            value = value.quantize(_RATIO_PLACES)
        out = format(value.normalize(), "f")
    else:
        out = str(value)
    return out.replace(".", decimal_mark) if decimal_mark != "." else out


def csv_value(value: Any, kind: str, decimal_mark: str = ".") -> str:
    if value is None:
        return ""
    if kind == "meta":
        return neutralise(str(value)) or ""
    if kind in ("text", "id"):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Decimal, int)):
        return _number(value, kind, decimal_mark)
    return str(value)


def iter_csv(table: Table, locale: str = "en", *, bom: bool = True) -> Iterator[bytes]:
    """The table as UTF-8 chunks of a few hundred rows (header first; no totals: CSV is data)."""
    delimiter, decimal_mark = dialect(locale)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    kinds = [c.kind for c in table.columns]
    # Percent columns hold percent numbers (12.5 = 12.5 %), as on the dashboard: say so.
    writer.writerow(
        [
            f"{c.header} (%)" if c.kind in ("percent", "change") and "%" not in c.header else c.header
            for c in table.columns
        ]
    )
    prefix = BOM if bom else ""
    pending = 0
    for row in table.rows:
        writer.writerow([csv_value(v, k, decimal_mark) for v, k in zip(row, kinds, strict=True)])
        pending += 1
        if pending >= CHUNK_ROWS:
            yield (prefix + buffer.getvalue()).encode("utf-8")
            prefix, pending = "", 0
            buffer.seek(0)
            buffer.truncate()
    yield (prefix + buffer.getvalue()).encode("utf-8")


def write_csv(chunks: Iterable[bytes], target: io.BufferedIOBase | Any) -> int:
    size = 0
    for chunk in chunks:
        target.write(chunk)
        size += len(chunk)
    return size
