"""How alerts read. One wording serves both languages: English when an alert fires (stored with it,
e-mailed, sent to Slack, returned by the API) and the reader's language on the pages, re-said from
the values stored with the alert.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from trafficdash.analytics.labels import breakdown_label
from trafficdash.analytics.metrics import CATALOGUE
from trafficdash.i18n import format_date, format_number, t
from trafficdash.i18n.metric_format import format_metric, format_metric_pair
from trafficdash.models import Alert

ENGLISH = "en"


def metric_label(metric: str, locale: str) -> str:
    """A rule's own wording of the metric ("Spend"), else the dashboard's label ("Amount spent")."""
    catalogued = CATALOGUE.get(metric)
    fallback = t(catalogued.label_key, locale) if catalogued else metric
    return t(f"rule.metric.{metric}", locale, default=fallback)


def _percent(value: Decimal, locale: str) -> str:
    """A change in percent, as the messages have always shown it (2 places, 4 below 1)."""
    return format_number(value, locale, decimals=2 if abs(value) >= 1 else 4)


def threshold_text(metric: str, value: Any, threshold: Any, currency: str, locale: str) -> str:
    shown, limit = format_metric_pair(metric, value, threshold, currency, locale)
    return t("alert.threshold", locale, metric=metric_label(metric, locale), value=shown, threshold=limit)


def change_text(metric: str, value: Any, baseline: Any, pct: Decimal, currency: str, locale: str) -> str:
    shown, base = format_metric_pair(metric, value, baseline, currency, locale)
    return t(
        "alert.change_above" if pct >= 0 else "alert.change_below",
        locale,
        metric=metric_label(metric, locale),
        value=shown,
        pct=_percent(abs(pct), locale),
        baseline=base,
    )


def subject_text(subject: str, text: str, locale: str) -> str:
    return t("alert.subject", locale, subject=subject, text=text)


def pacing_text(
    entity: str,
    level: str,
    budget_type: str,
    amounts: Mapping[str, Any],  # budget, spent, expected, projected
    off_by_pct: Decimal | None,
    currency: str,
    locale: str,
) -> str:
    money = {k: format_metric("spend", v, currency, locale) for k, v in amounts.items()}
    speed = ""
    if off_by_pct is not None:
        key = "pacing.ahead" if off_by_pct >= 0 else "pacing.behind"
        speed = t(key, locale, pct=format_number(abs(off_by_pct), locale, decimals=2))
    return t(
        f"pacing.text.{'daily' if budget_type == 'daily' else 'lifetime'}",
        locale,
        entity=entity,
        level=t(f"pacing.level.{level}", locale, default=level),
        speed=speed,
        **money,
    )


def _slice_label(slice_key: str, locale: str) -> str:
    """ "account" -> "" (the account's totals); "placement:<v1>:<v2>" -> "Instagram · Reels"."""
    kind, _, rest = slice_key.partition(":")
    if kind != "placement":
        return ""
    value_1, _, value_2 = rest.partition(":")
    return breakdown_label("placement", value_1, value_2, locale)


def _where(slice_key: str, locale: str) -> str:
    label = _slice_label(slice_key, locale)
    return t("anomaly.where", locale, slice=label) if label else ""


def anomaly_title(metric: str, slice_key: str, locale: str) -> str:
    return t(
        "anomaly.title",
        locale,
        metric=t(f"anomaly.metric.{metric}", locale, default=metric),
        where=_where(slice_key, locale),
    )


def anomaly_text(
    metric: str,
    slice_key: str,
    day: date,
    value: Decimal,
    usual: Decimal,
    weeks: int,
    currency: str,
    locale: str,
) -> str:
    weekday = day.weekday()
    usual_day = t(f"anomaly.weekday.{weekday}", locale)
    ratio = value / usual if usual else None
    if ratio is None:
        what = t("anomaly.what.nothing", locale, value=format_metric(metric, value, currency, locale))
    elif ratio >= 1:
        what = t(
            "anomaly.what.ratio", locale, ratio=format_number(ratio, locale, decimals=1), weekday=usual_day
        )
    else:
        pct = format_number((1 - ratio) * 100, locale, decimals=0)
        what = t("anomaly.what.below", locale, pct=pct, weekday=usual_day)
    return t(
        "anomaly.text",
        locale,
        metric=metric_label(metric, locale),
        where=_where(slice_key, locale),
        what=what,
        value=format_metric(metric, value, currency, locale),
        day=format_date(day, locale),
        usual=format_metric(metric, usual, currency, locale),
        weeks=weeks,
        weekdays=t(f"anomaly.weekdays.{weekday}", locale),
    )


# ---- a stored alert, re-said for a reader ---------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def anomaly_subject_key(metric: str, slice_key: str, day: date) -> str:
    """One anomaly's key: "anomaly:<metric>:<slice key>:<day>" (read back by ``_anomaly_slice``)."""
    return f"anomaly:{metric}:{slice_key}:{day.isoformat()}"


def _anomaly_slice(alert: Alert) -> str:
    return alert.subject_key.removeprefix(f"anomaly:{alert.metric}:").rpartition(":")[0]


def _resaid(alert: Alert, currency: str, locale: str) -> tuple[str, str]:
    values = alert.values or {}
    if alert.kind == "anomaly":
        day = date.fromisoformat(values["day"])
        value, usual = Decimal(values["value"]), Decimal(values["usual"])
        weeks = len(values.get("history") or ())
        slice_key = _anomaly_slice(alert)
        text = anomaly_text(alert.metric, slice_key, day, value, usual, weeks, currency, locale)
        return anomaly_title(alert.metric, slice_key, locale), text
    if alert.kind == "pacing":
        amounts = {
            "budget": _decimal(values["budget"]),
            "spent": _decimal(values["actual_to_date"]),
            "expected": _decimal(values["expected_to_date"]),
            "projected": _decimal(values["projected"]),
        }
        off = _decimal(values.get("off_by_pct"))
        text = pacing_text(
            alert.subject_name, values["level"], values["budget_type"], amounts, off, currency, locale
        )
        return alert.title, text
    metric = values["metric"]
    value = _decimal(values.get("value_exact") or values["value"])
    if values.get("condition") in ("above", "below"):
        text = threshold_text(metric, value, _decimal(values["threshold"]), currency, locale)
    else:
        pct = Decimal(values["change_pct"])
        baseline = _decimal(values.get("baseline_exact") or values["baseline"])
        text = change_text(metric, value, baseline, pct, currency, locale)
    return alert.title, subject_text(alert.subject_name, text, locale)


def alert_wording(alert: Alert, currency: str, locale: str) -> tuple[str, str]:
    """(title, message) for a reader. English is the stored text itself (said from the exact values
    when it fired); other languages are re-said from the stored values, or fall back to English for
    an alert whose values this does not know."""
    if locale == ENGLISH:
        return alert.title, alert.message
    try:
        return _resaid(alert, currency, locale)
    except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation):
        return alert.title, alert.message
