"""Quasar's own table texts (rows per page, "1-10 of 42", no data) in the reader's language: the
app's Quasar language pack is English for everyone, the reader's language is per browser."""

from __future__ import annotations

import json

from nicegui import ui

from trafficdash.i18n import t


def localize_table(table: ui.table, locale: str) -> ui.table:
    table.props["rows-per-page-label"] = t("table.rows_per_page", locale)
    table.props["no-data-label"] = t("table.no_data", locale)
    of = json.dumps(f" {t('table.of', locale)} ")
    table.props[":pagination-label"] = f"(first, last, total) => first + '–' + last + {of} + total"
    return table
