"""Spreadsheet safety: text from Meta never runs as a formula, and sheet names are valid.

Names, creative texts and breakdown values are typed by whoever runs the ads (or by Meta), so a
campaign called ``=HYPERLINK("http://x","y")`` must show as that text in Excel, LibreOffice and
Google Sheets instead of becoming a live link or a DDE command. A text that starts with ``=``,
``+``, ``-``, ``@``, tab or carriage return is:

- in CSV, prefixed with ``'`` (OWASP's rule: the reader has no other way to know it is text);
- in Excel, stored as a string cell with the "quote prefix" style, Excel's own marker for
  "typed with a leading apostrophe": it shows the exact text and stays text when edited.
"""

from __future__ import annotations

import re

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel refuses in sheet names, and its 31-character limit.
_SHEET_FORBIDDEN = re.compile(r"[\[\]\:\*\?\/\\]")
SHEET_NAME_MAX = 31
# XML 1.0 cannot carry most control characters; openpyxl refuses them, so they are dropped.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean_text(value: str) -> str:
    """Drops control characters XML cannot carry (a workbook with them would not open)."""
    return _ILLEGAL_XML.sub("", value) if _ILLEGAL_XML.search(value) else value


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


def neutralise(value: str | None) -> str | None:
    """For CSV: the text, prefixed with ``'`` when a spreadsheet would read it as a formula."""
    if not value:
        return value
    value = clean_text(value)
    return "'" + value if looks_like_formula(value) else value


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique (case-insensitively) sheet name; adds it to ``taken``."""
    clean = _ILLEGAL_XML.sub("", _SHEET_FORBIDDEN.sub(" ", name)).strip().strip("'") or "Sheet"
    clean = clean[:SHEET_NAME_MAX]
    taken = taken if taken is not None else set()
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = clean[: SHEET_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def file_name_part(text: str, limit: int = 60) -> str:
    """A piece of a download file name: letters, digits, dash and underscore only."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return slug[:limit] or "report"
