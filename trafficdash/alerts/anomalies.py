"""Anomalies without rules: a day whose numbers leave the account's usual range.

The baseline is robust and weekday-aware: the same weekday over the trailing weeks (a Tuesday is
compared with the last Tuesdays), summarised by its median and its median absolute deviation (MAD),
so one odd week in the history does not move it. A value is flagged when it is both far from the
median in robust units and a material multiple of it, and the volumes are large enough to matter.
Checked per account for its totals and per placement (Instagram Reels, Facebook Feed, ...).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trafficdash.alerts import channels, wording
from trafficdash.alerts.observe import local_today
from trafficdash.analytics import service as analytics
from trafficdash.analytics.schemas import Filters
from trafficdash.db import utcnow
from trafficdash.models import AdAccount, AdAccountAccess, Alert

log = logging.getLogger(__name__)

WEEKS = 6  # trailing same-weekday days in the baseline
MIN_WEEKS = 4  # fewer usable weeks: no verdict
Z_THRESHOLD = Decimal(6)  # robust z-score (|x - median| / (1.4826 x MAD)) needed to flag
MIN_RATIO = Decimal(2)  # and at least 2x (or at most 1/2) the usual value
MAD_TO_SIGMA = Decimal("1.4826")
# The spread never counts as smaller than this share of the median (a flat history is not infinitely tight).
MIN_RELATIVE_SPREAD = Decimal("0.1")
# Below these volumes (on the day and usually) a change is noise, not news.
MIN_VOLUME = {
    "spend": Decimal(20),
    "impressions": Decimal(2000),
    "clicks": Decimal(30),
    "conversions": Decimal(8),
}
COUNT_METRICS = frozenset({"impressions", "clicks", "conversions"})
ACCOUNT_METRICS = ("spend", "impressions", "clicks", "conversions")
PLACEMENT_METRICS = ("spend", "impressions")


@dataclass(frozen=True)
class Finding:
    metric: str
    slice_key: str  # "account" or "placement:<v1>:<v2>"
    slice_label: str  # "" for the account, else "Instagram · Reels"
    day: date
    value: Decimal
    usual: Decimal  # the median of the same weekday
    z: Decimal
    history: tuple[Decimal, ...]
    currency: str  # the account's: spend reads as money

    @property
    def ratio(self) -> Decimal | None:
        return self.value / self.usual if self.usual else None

    def explanation(self) -> str:
        return wording.anomaly_text(
            self.metric,
            self.slice_key,
            self.day,
            self.value,
            self.usual,
            len(self.history),
            self.currency,
            "en",
        )


def detect(metric: str, value: Decimal, history: list[Decimal]) -> tuple[bool, Decimal, Decimal]:
    """(flagged, median, robust z) for one value against the same weekday's history."""
    if len(history) < MIN_WEEKS:
        return False, Decimal(0), Decimal(0)
    usual = Decimal(median(history))
    mad = Decimal(median([abs(h - usual) for h in history]))
    spread = max(MAD_TO_SIGMA * mad, MIN_RELATIVE_SPREAD * abs(usual), Decimal("1e-9"))
    if metric in COUNT_METRICS:
        # Counts are at least Poisson-noisy: 11 conversions after a usual 5 is luck, not news.
        spread = max(spread, usual.sqrt())
    z = (value - usual) / spread
    floor = MIN_VOLUME.get(metric, Decimal(0))
    if max(value, usual) < floor:
        return False, usual, z
    material = value >= usual * MIN_RATIO or value * MIN_RATIO <= usual
    return abs(z) >= Z_THRESHOLD and material, usual, z


def _baseline_days(day: date, first_day: date | None) -> list[date]:
    days = [day - timedelta(weeks=k) for k in range(1, WEEKS + 1)]
    return [d for d in days if first_day is not None and d >= first_day]


def _viewer(session: Session, account_id: int) -> int | None:
    """Someone who can see the account: the analytics service answers for a user."""
    return session.scalar(
        select(AdAccountAccess.user_id)
        .where(AdAccountAccess.ad_account_id == account_id)
        .order_by(AdAccountAccess.id)
    )


def find_anomalies(session: Session, account_id: int, day: date) -> list[Finding]:
    """Every metric of the account (totals, then per placement) that left its usual range on ``day``."""
    user_id = _viewer(session, account_id)
    if user_id is None:
        return []
    since = day - timedelta(weeks=WEEKS)
    filters = Filters(account_ids=[account_id], since=since, until=day, compare="none")
    series = analytics.daily(session, user_id, filters)
    if not series:
        return []
    currency = series[0].currency
    points = {p.date: p for p in series[0].points}
    delivered = [d for d, p in sorted(points.items()) if p.impressions > 0]
    first_day = delivered[0] if delivered else None
    baseline = _baseline_days(day, first_day)
    if len(baseline) < MIN_WEEKS or day not in points:
        return []
    out: list[Finding] = []
    for metric in ACCOUNT_METRICS:
        value = Decimal(getattr(points[day], metric))
        history = [Decimal(getattr(points[d], metric)) for d in baseline]
        flagged, usual, z = detect(metric, value, history)
        if flagged:
            out.append(Finding(metric, "account", "", day, value, usual, z, tuple(history), currency))
    out.extend(_placement_findings(session, user_id, account_id, day, baseline, currency))
    return out


def _placement_cells(
    session: Session, user_id: int, account_id: int, day: date
) -> dict[tuple[str, str], Any]:
    filters = Filters(account_ids=[account_id], since=day, until=day, compare="none")
    groups = analytics.breakdown(session, user_id, filters, "placement")
    return {(r.value_1, r.value_2): r for g in groups for r in g.rows}


def _placement_findings(
    session: Session, user_id: int, account_id: int, day: date, baseline: list[date], currency: str
) -> list[Finding]:
    today_cells = _placement_cells(session, user_id, account_id, day)
    past = [_placement_cells(session, user_id, account_id, d) for d in baseline]
    keys = set(today_cells) | {k for cells in past for k in cells}
    out = []
    for key in sorted(keys):
        row = today_cells.get(key)
        label = row.label if row else next(cells[key].label for cells in past if key in cells)
        for metric in PLACEMENT_METRICS:
            value = Decimal(getattr(row, metric)) if row else Decimal(0)
            history = [Decimal(getattr(cells[key], metric)) if key in cells else Decimal(0) for cells in past]
            flagged, usual, z = detect(metric, value, history)
            if flagged:
                out.append(
                    Finding(
                        metric,
                        f"placement:{key[0]}:{key[1]}",
                        label,
                        day,
                        value,
                        usual,
                        z,
                        tuple(history),
                        currency,
                    )
                )
    return out


def record(
    session: Session, account_id: int, day: date, findings: list[Finding], now: datetime
) -> list[Alert]:
    """Store new findings as anomaly alerts (once per metric, slice and day); older days' close."""
    fresh: list[Alert] = []
    for old in session.scalars(
        select(Alert).where(
            Alert.ad_account_id == account_id, Alert.kind == "anomaly", Alert.resolved_at.is_(None)
        )
    ):
        if not old.subject_key.endswith(day.isoformat()):
            old.resolved_at = now
    for f in findings:
        key = wording.anomaly_subject_key(f.metric, f.slice_key, f.day)
        exists = session.scalar(
            select(Alert.id).where(Alert.ad_account_id == account_id, Alert.subject_key == key)
        )
        if exists:
            continue
        alert = Alert(
            kind="anomaly",
            rule_id=None,
            user_id=None,
            ad_account_id=account_id,
            subject_key=key,
            subject_name=f.slice_label or "Account",
            metric=f.metric,
            severity="info",
            title=wording.anomaly_title(f.metric, f.slice_key, "en"),
            message=f.explanation(),
            values={
                "day": f.day.isoformat(),
                "value": str(f.value),
                "usual": str(f.usual),
                "ratio": str(f.ratio.quantize(Decimal("0.01"))) if f.ratio is not None else None,
                "robust_z": str(f.z.quantize(Decimal("0.1"))),
                "history": [str(h) for h in f.history],
            },
            fired_at=now,
            last_seen_at=now,
        )
        session.add(alert)
        session.flush()
        channels.deliver(session, alert, None, now)
        fresh.append(alert)
    session.flush()
    return fresh


def run_for_account(
    session: Session, account_id: int, now: datetime | None = None, day: date | None = None
) -> list[Alert]:
    """The daily check: yesterday (the last full day in the account's time zone) by default."""
    now = now or utcnow()
    account = session.get(AdAccount, account_id)
    if account is None:
        return []
    day = day or local_today(account, now) - timedelta(days=1)
    findings = find_anomalies(session, account_id, day)
    log.info("anomalies of account %s on %s: %s", account_id, day, len(findings))
    return record(session, account_id, day, findings, now)
