"""Sandbox configuration: seed, size knobs, faults."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from .pressure import MAX_PAGE_WEIGHT
from .versions import DEFAULT_VERSION as API_VERSION


@dataclass
class FaultConfig:
    """Faults injected by one sandbox instance; deterministic under the seed.

    Every Graph call gets a call number n (per instance). Random-looking decisions hash
    (seed, n), so the same sequence of calls meets the same faults.
    """

    transient_error_rate: float = 0.0  # share of calls answered with code 2 (or 1) transient errors
    rate_limit_storm_calls: int = 0  # the next N calls get throttled (codes 4, 17, 613, 80000)
    rate_limit_code: int = 80000  # which throttling family the storm uses
    token_expiry_after_calls: int = 0  # after N authenticated calls every token is "expired" (190/463)
    async_job_failure_rate: float = 0.0  # share of async report runs ending in "Job Failed"
    async_job_skipped_rate: float = 0.0  # share (after the failed ones) ending in "Job Skipped"
    batch_part_error_at: int = 0  # in every batch, part N (1-based) is answered with code 960
    batch_timeout_after_parts: int = 0  # a batch "times out" after N parts: the rest answer null
    slow_response_ms: int = 0  # added latency per call
    fail_paged_listing_at_page: int = 0  # edges/insights: the Nth page (2 = second) fails once with code 2
    async_polls_to_complete: int = 3  # polls of a report run before it reaches 100%

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def updated(self, values: dict[str, Any]) -> FaultConfig:
        known = {f.name: f.type for f in fields(self)}
        unknown = set(values) - set(known)
        if unknown:
            raise ValueError(f"unknown fault settings: {sorted(unknown)}")
        cast = {}
        for key, value in values.items():
            current = getattr(self, key)
            cast[key] = type(current)(value)
        return replace(self, **cast)


SCALES: dict[str, dict[str, int]] = {
    # a few users and accounts, ~10 campaigns each, a few ad sets and ads per campaign
    "demo": {
        "users": 3,
        "accounts_per_user": 2,
        "campaigns_per_account": 10,
        "adsets_per_campaign": 3,
        "ads_per_adset": 3,
        "history_days": 180,
        "world_accounts": 1,
    },
    # one account with 1,000 ads and 90 days
    "bench": {
        "users": 1,
        "accounts_per_user": 1,
        "campaigns_per_account": 20,
        "adsets_per_campaign": 5,
        "ads_per_adset": 10,
        "history_days": 90,
        "world_accounts": 0,
    },
    # tiny world for fast tests
    "test": {
        "users": 3,
        "accounts_per_user": 2,
        "campaigns_per_account": 3,
        "adsets_per_campaign": 2,
        "ads_per_adset": 2,
        "history_days": 60,
        "world_accounts": 0,
    },
}


@dataclass
class SandboxConfig:
    """What the sandbox serves. Size knobs left as None take the `scale` preset's value."""

    seed: int = 42
    history_days: int | None = None
    scale: str = "demo"
    users: int | None = None
    accounts_per_user: int | None = None
    campaigns_per_account: int | None = None
    adsets_per_campaign: int | None = None
    ads_per_adset: int | None = None
    world_accounts: int | None = None  # 1: a demo user with the WORLD_LOCALES accounts (users.py)
    today: date | None = None  # pin "today" (in every account's time zone) for tests
    api_version: str = API_VERSION
    app_secret_proof_required: bool = False
    max_sync_insight_rows: int = 250_000  # larger synchronous insight requests: "reduce the amount of data"
    max_page_limit: int = 5000
    max_page_weight: int = MAX_PAGE_WEIGHT  # rows x field weight a page may carry (pressure.py)
    call_budget: int = 5000  # simulated calls per hour behind the usage headers
    faults: FaultConfig = field(default_factory=FaultConfig)

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {sorted(SCALES)}")
        preset = SCALES[self.scale]
        for key, value in preset.items():
            if getattr(self, key) is None:
                setattr(self, key, value)
        if isinstance(self.faults, dict):
            self.faults = FaultConfig().updated(self.faults)
