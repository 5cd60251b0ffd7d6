"""Writes the product needs: ``POST /{campaign_id|adset_id}`` with ``status`` and budgets.

Changes are state layered over the deterministic world, kept for the life of the sandbox process.
The object shows a change at once (its status and budget fields); delivery follows it from the next
day in the account's time zone, so today's and past numbers stay as they were delivered: a pause
stops delivery from tomorrow, a budget change scales tomorrow's delivery by new/old budget.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from .errors import GraphError, param_error
from .money import api_amount, whole_step
from .world import Ad, AdSet, Campaign, World

STATUSES = ("ACTIVE", "PAUSED", "DELETED", "ARCHIVED")
STOPPED = ("PAUSED", "DELETED", "ARCHIVED")


@dataclass(frozen=True)
class Change:
    from_day: int  # first day (ordinal, account time zone) delivered under the change
    status: str | None = None
    daily_budget: int | None = None  # the world's hundredths (whole units x 100 where Meta has no minor unit)


def min_daily_budget(node: Campaign | AdSet) -> int:
    """The account's minimum daily budget per ad set (minor units); a campaign budget (CBO) must cover
    the minimum of each of its ad sets. The same figure AdAccount.min_daily_budget reports."""
    acc = node.account if isinstance(node, Campaign) else node.campaign.account
    per_adset = int(100 * acc.scale)
    return per_adset * len(node.adsets) if isinstance(node, Campaign) else per_adset


def _money(hundredths: int, currency: str) -> str:
    if whole_step(currency) == 100:  # no minor unit
        return f"{hundredths // 100} {currency}"
    return f"{hundredths // 100}.{hundredths % 100:02d} {currency}"


def budget_too_low(minimum: int, currency: str) -> GraphError:
    # Source for code/subcode: public clients record 100 / 1885272 for a budget under the minimum (e.g.
    # a recorded error_user_msg "Your ad set budget must be more than MYR4.12 or your ads may not be
    # delivered."). UNVERIFIED: no Meta page found; the user_title/user_msg wording here differs from
    # those records.
    return GraphError(
        100,
        "Invalid parameter",
        subcode=1885272,
        user_title="Your Budget Is Too Low",
        user_msg=f"The minimum budget for this ad set is {_money(minimum, currency)}. Please increase your "
        "budget to continue.",
    )


def budget_conflict() -> GraphError:
    # Meta refuses an ad set budget while its campaign holds the budget (campaign budget optimisation).
    # UNVERIFIED: no Meta source found for subcode 1885621; the one public client mapping found reads
    # 1885621 as "bid_amount value is invalid or too low", not a budget conflict.
    return GraphError(
        100,
        "Invalid parameter",
        subcode=1885621,
        user_title="Budget Conflict: Campaign Already Has a Budget",
        user_msg="You can't set an ad set budget because this ad set's campaign uses Advantage campaign "
        "budget. Change the budget on the campaign instead, or turn off Advantage campaign budget.",
    )


def adset_budget_conflict() -> GraphError:
    # The reverse case: a campaign without campaign budget optimisation has its budgets on the ad sets.
    return GraphError(
        100,
        "Invalid parameter",
        subcode=1885621,
        user_title="Budget Conflict: Ad Sets Already Have Budgets",
        user_msg="You can't set a campaign budget because this campaign's ad sets have their own budgets.",
    )


def budget_type_change() -> GraphError:
    # Every object in the sandbox world has a daily budget; Meta does not switch a budget's type.
    return GraphError(
        100,
        "Invalid parameter",
        user_title="Can't Change Budget Type",
        user_msg="You can't switch between a daily and a lifetime budget after the budget has been set.",
    )


class Writes:
    def __init__(self, world: World) -> None:
        self.world = world
        self.changes: dict[str, list[Change]] = {}
        self.revision = 0  # bumped on every write: delivery caches key on it
        self._lock = threading.Lock()

    # ---- the write ------------------------------------------------------------------------------
    def apply(self, node: Campaign | AdSet, params: dict[str, str]) -> dict[str, bool]:
        status = params.get("status")
        if status is not None and status not in STATUSES:
            raise param_error(f"param status must be one of {{{', '.join(STATUSES)}}}")
        if params.get("lifetime_budget") not in (None, ""):
            raise budget_type_change()
        budget = None
        if params.get("daily_budget") not in (None, ""):
            raw = str(params["daily_budget"])
            if not raw.isdigit():
                raise param_error("param daily_budget must be a non-negative integer.")
            camp = node if isinstance(node, Campaign) else node.campaign
            budget = int(raw) * whole_step(camp.account.spec.currency)  # Meta's minor units -> hundredths
            if isinstance(node, AdSet) and camp.cbo_budget:
                raise budget_conflict()
            if isinstance(node, Campaign) and not camp.cbo_budget:
                raise adset_budget_conflict()
            minimum = min_daily_budget(node)
            if budget < minimum:
                raise budget_too_low(minimum, camp.account.spec.currency)
        if status is None and budget is None:
            return {"success": True}
        acc = self.world.account_of(node)
        tomorrow = (self.world.today(acc) + timedelta(days=1)).toordinal()
        with self._lock:
            self.changes.setdefault(node.id, []).append(Change(tomorrow, status, budget))
            self.revision += 1
        return {"success": True}

    # ---- what the object shows now --------------------------------------------------------------
    def status(self, node: object) -> str | None:
        for ch in reversed(self.changes.get(getattr(node, "id", ""), [])):
            if ch.status:
                return ch.status
        return None

    def daily_budget(self, node: object) -> int | None:
        for ch in reversed(self.changes.get(getattr(node, "id", ""), [])):
            if ch.daily_budget is not None:
                return ch.daily_budget
        return None

    def values(self, node: object) -> dict[str, str]:
        """Budget fields as the object reports them after a budget write."""
        budget = self.daily_budget(node)
        if budget is None:
            return {}
        shown = api_amount(budget, self.world.account_of(node).spec.currency)
        return {"daily_budget": shown, "budget_remaining": shown}

    def effective(self, node: object, world_status: tuple[str, str]) -> tuple[str, str]:
        """(configured, effective) status with the writes on the node and on its parents applied."""
        configured, effective = world_status
        own = self.status(node)
        if own is not None:
            configured = own
            if own in STOPPED:
                effective = own
            elif effective in STOPPED:  # re-activated: runs unless a parent stops it (below)
                effective = "ACTIVE"
        if effective in STOPPED:
            return configured, effective
        parents: list[tuple[object, str]] = []
        if isinstance(node, Ad):
            parents = [(node.campaign, "CAMPAIGN_PAUSED"), (node.adset, "ADSET_PAUSED")]
        elif isinstance(node, AdSet):
            parents = [(node.campaign, "CAMPAIGN_PAUSED")]
        for parent, paused in parents:
            written = self.status(parent)
            if written in ("DELETED", "ARCHIVED"):
                return configured, written
            if written == "PAUSED":
                return configured, paused
        return configured, effective

    # ---- delivery from the next day -------------------------------------------------------------
    def _on_day(self, node_id: str, days: np.ndarray, attr: str) -> list[tuple[np.ndarray, object]]:
        return [
            (days >= ch.from_day, getattr(ch, attr))
            for ch in self.changes.get(node_id, [])
            if getattr(ch, attr) is not None
        ]

    def factors(self, ad: Ad, days: np.ndarray) -> np.ndarray | None:
        """Per-day multipliers of an ad's delivery (None when nothing written touches it)."""
        camp, adset = ad.campaign, ad.adset
        if camp.id not in self.changes and adset.id not in self.changes:
            return None
        out = np.ones(len(days), dtype=np.float64)
        for node_id in (camp.id, adset.id):
            running = np.ones(len(days), dtype=bool)
            for mask, status in self._on_day(node_id, days, "status"):
                running = np.where(mask, status not in STOPPED, running)
            out *= running
        holder, original = (camp.id, camp.cbo_budget) if camp.cbo_budget else (adset.id, adset.daily_budget)
        scale = np.ones(len(days), dtype=np.float64)
        for mask, budget in self._on_day(holder, days, "daily_budget"):
            scale = np.where(mask, int(budget) / max(1, original), scale)
        return out * scale

    def adjust(self, ad: Ad, days: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """The delivered matrix under the writes: rows from a change on are scaled (floored, so every
        count stays below its parent, e.g. reach <= impressions, 1-day <= 7-day conversions)."""
        f = self.factors(ad, days)
        if f is None or np.all(f == 1.0):
            return matrix
        return np.floor(matrix * f[:, None]).astype(matrix.dtype)
