"""Report headers and texts, from the app's message catalogues.

Metric names, levels and the "no data" message are the dashboard's own (so the workbook says
what the dashboard says); the texts only a report needs are the catalogues' ``report.*`` entries.
"""

from __future__ import annotations

from trafficdash.i18n import t
from trafficdash.i18n.catalogue import lookup
from trafficdash.i18n.locales import normalize_locale

# Keys of the app's messages (trafficdash.i18n) reused for headers.
_APP_KEYS = {"name": "col.name", "status": "col.status", "objective": "col.objective"}


def text(key: str, locale: str) -> str:
    """A report text; metric keys (spend, ctr, ...) and levels use the dashboard's own names."""
    loc = normalize_locale(locale)
    own = lookup(f"report.{key}", loc)
    if own is not None:
        return own
    if key in _APP_KEYS:
        return t(_APP_KEYS[key], loc)
    if key.startswith("level."):
        return t(key, loc)
    return t(f"kpi.{key}", loc, default=key)


def no_data(locale: str, since: object, until: object) -> tuple[str, str]:
    """(title, body) of the dashboard's "no data in this range" message."""
    loc = normalize_locale(locale)
    return t("empty.no_data.title", loc), t("empty.no_data.body", loc, since=since, until=until)
