"""Reading an ad account through the official SDK: details, entities, insights, report runs.

Every call goes through ``FacebookAdsApi.call`` of the caller's per-token API object and
through a ``Throttle`` (pacing + bounded retries). Pages are yielded as plain dicts as they
arrive, so the caller can write one page while the next is fetched; a failed page is
retried from the same cursor, so a listing that breaks mid-way resumes where it broke.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from facebook_business.api import FacebookAdsApi

from trafficdash.meta import throttle as throttle_mod
from trafficdash.meta.errors import AsyncReportFailed
from trafficdash.meta.throttle import Throttle

ACCOUNT_FIELDS = [
    "id",
    "account_id",
    "name",
    "currency",
    "timezone_name",
    "account_status",
    "amount_spent",
    "attribution_spec",
]
_COMMON = ["id", "name", "status", "effective_status", "created_time", "updated_time"]
ENTITY_FIELDS: dict[str, list[str]] = {
    "campaigns": [
        *_COMMON,
        "objective",
        "buying_type",
        "bid_strategy",
        "daily_budget",
        "lifetime_budget",
        "budget_remaining",
        "start_time",
        "stop_time",
    ],
    "adsets": [
        *_COMMON,
        "campaign_id",
        "targeting",
        "optimization_goal",
        "billing_event",
        "bid_strategy",
        "daily_budget",
        "lifetime_budget",
        "budget_remaining",
        "start_time",
        "end_time",
    ],
    "ads": [*_COMMON, "campaign_id", "adset_id", "creative{id,name}"],
}
# Listing edges hide archived/deleted objects unless asked for by status: ask for every status.
ALL_EFFECTIVE_STATUSES = [
    "ACTIVE",
    "PAUSED",
    "DELETED",
    "PENDING_REVIEW",
    "DISAPPROVED",
    "PREAPPROVED",
    "PENDING_BILLING_INFO",
    "CAMPAIGN_PAUSED",
    "ARCHIVED",
    "ADSET_PAUSED",
    "IN_PROCESS",
    "WITH_ISSUES",
]
INSIGHT_FIELDS = [
    "account_id",
    "campaign_id",
    "adset_id",
    "ad_id",
    "impressions",
    "clicks",
    "inline_link_clicks",
    "spend",
    "reach",
    "frequency",
    "actions",
    "action_values",
    "cost_per_action_type",
    "purchase_roas",
]
BREAKDOWN_FIELDS = [
    "account_id",
    "campaign_id",
    "adset_id",
    "ad_id",
    "impressions",
    "clicks",
    "inline_link_clicks",
    "spend",
    "reach",
    "actions",
    "action_values",
]


@dataclass
class ReaderTuning:
    entity_page_size: int = 500
    insight_page_size: int = 1000
    async_page_size: int = 2000
    poll_initial: float = 1.0
    poll_max: float = 15.0
    async_timeout: float = 30 * 60.0


class AccountReader:
    """Reads one ad account with one user's API object."""

    def __init__(
        self, api: FacebookAdsApi, account_id: int, throttle: Throttle, tuning: ReaderTuning | None = None
    ) -> None:
        self.api = api
        self.account_id = account_id
        self.act = f"act_{account_id}"
        self.throttle = throttle
        self.tuning = tuning or ReaderTuning()

    # ---- raw -------------------------------------------------------------------------------------
    def _get(self, path: Sequence[str], params: dict[str, Any], what: str, method: str = "GET") -> dict:
        def call() -> dict:
            response = self.api.call(method, tuple(path), params=dict(params))
            self.throttle.observe(response.headers())
            return response.json()

        return self.throttle.call(call, what)

    def pages(self, path: Sequence[str], params: dict[str, Any], what: str) -> Iterator[list[dict]]:
        """Each page's ``data``, following cursors; a failed page is retried from its own cursor."""
        params = dict(params)
        while True:
            body = self._get(path, params, what)
            data = body.get("data") or []
            yield data
            paging = body.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                return
            params["after"] = after

    # ---- account and entities --------------------------------------------------------------------
    def account_details(self) -> dict:
        return self._get((self.act,), {"fields": ",".join(ACCOUNT_FIELDS)}, "ad account details")

    def entity_pages(self, edge: str, updated_since: datetime | None = None) -> Iterator[list[dict]]:
        """Campaigns, ad sets or ads of the account (every status), optionally only the changed ones."""
        params: dict[str, Any] = {
            "fields": ",".join(ENTITY_FIELDS[edge]),
            "limit": self.tuning.entity_page_size,
            "effective_status": json.dumps(ALL_EFFECTIVE_STATUSES),
        }
        if updated_since is not None:
            params["filtering"] = json.dumps(
                [
                    {
                        "field": "updated_time",
                        "operator": "GREATER_THAN",
                        "value": int(updated_since.timestamp()),
                    }
                ]
            )
        return self.pages((self.act, edge), params, f"{edge} of {self.act}")

    # ---- insights ----------------------------------------------------------------------------------
    def insight_params(
        self,
        since: date,
        until: date,
        *,
        fields: Sequence[str],
        level: str = "ad",
        breakdowns: Sequence[str] = (),
        time_increment: int | str = 1,
        campaign_ids: Sequence[int] | None = None,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "level": level,
            "fields": ",".join(fields),
            "time_range": json.dumps({"since": since.isoformat(), "until": until.isoformat()}),
            "time_increment": time_increment,
        }
        if breakdowns:
            params["breakdowns"] = ",".join(breakdowns)
        # Meta leaves archived and deleted objects' stats out of level insights unless the level's
        # status filter asks for them ("Manage your ad object's status"): ask for every status.
        status_field = "ad" if level == "account" else level
        filtering: list[dict[str, Any]] = [
            {"field": f"{status_field}.effective_status", "operator": "IN", "value": ALL_EFFECTIVE_STATUSES}
        ]
        if campaign_ids:
            filtering.append(
                {"field": "campaign.id", "operator": "IN", "value": [str(c) for c in campaign_ids]}
            )
        params["filtering"] = json.dumps(filtering)
        return params

    def insight_pages(self, params: dict[str, Any], what: str) -> Iterator[list[dict]]:
        """A synchronous insights request, page by page."""
        return self.pages((self.act, "insights"), {**params, "limit": self.tuning.insight_page_size}, what)

    def batch_insights(self, requests: Sequence[tuple[dict[str, Any], str]]) -> list[list[dict]]:
        """Several small insights requests on the account in one Graph batch call (50 at most each).

        A sub-request that fails inside the batch is retried on its own (with backoff), and a
        sub-answer with more pages is followed; results keep the order of ``requests``.
        """
        results: list[list[dict] | None] = [None] * len(requests)
        for start in range(0, len(requests), 50):
            chunk = list(enumerate(requests))[start : start + 50]
            bodies: dict[int, dict] = {}

            def run_batch(chunk: list = chunk, bodies: dict = bodies) -> None:
                bodies.clear()
                batch = self.api.new_batch()
                for index, (params, _what) in chunk:
                    batch.add(
                        "GET",
                        (self.act, "insights"),
                        params={**params, "limit": self.tuning.insight_page_size},
                        success=lambda response, i=index: bodies.__setitem__(i, response.json()),
                    )
                batch.execute()

            self.throttle.call(run_batch, f"batch of {len(chunk)} insights requests")
            for index, (params, what) in chunk:
                body = bodies.get(index)
                if body is None:  # failed inside the batch: on its own, with retries and classification
                    results[index] = [row for page in self.insight_pages(params, what) for row in page]
                    continue
                rows = list(body.get("data") or [])
                paging = body.get("paging") or {}
                after = (paging.get("cursors") or {}).get("after")
                if paging.get("next") and after:
                    more = {**params, "limit": self.tuning.insight_page_size, "after": after}
                    rows += [row for page in self.pages((self.act, "insights"), more, what) for row in page]
                results[index] = rows
        return [r or [] for r in results]

    def node_insights(self, node_id: str, params: dict[str, Any], what: str) -> list[dict]:
        full = {**params, "limit": self.tuning.insight_page_size}
        return [row for page in self.pages((node_id, "insights"), full, what) for row in page]

    def async_insight_pages(self, params: dict[str, Any], what: str) -> Iterator[list[dict]]:
        """An async report run: start, poll until complete (or fail/time out), then page the result."""
        started = self._get((self.act, "insights"), params, f"start report run: {what}", method="POST")
        run_id = str(started.get("report_run_id") or started.get("id") or "")
        if not run_id:
            raise AsyncReportFailed(f"Meta did not return a report run id for {what}")
        delay = self.tuning.poll_initial
        deadline = time.monotonic() + self.tuning.async_timeout
        waited = 0.0
        while True:
            status = self._get(
                (run_id,), {"fields": "id,async_status,async_percent_completion"}, f"poll report run {run_id}"
            )
            state = str(status.get("async_status", ""))
            if state == "Job Completed" and int(status.get("async_percent_completion") or 0) >= 100:
                break
            if state in ("Job Failed", "Job Skipped"):
                raise AsyncReportFailed(f"report run {run_id} for {what} ended with '{state}'")
            if time.monotonic() > deadline or waited > self.tuning.async_timeout:
                raise AsyncReportFailed(
                    f"report run {run_id} for {what} did not finish within {self.tuning.async_timeout:.0f}s"
                )
            throttle_mod.sleep(delay)
            waited += delay
            delay = min(self.tuning.poll_max, delay * 1.5)
        return self.pages((run_id, "insights"), {"limit": self.tuning.async_page_size}, f"result of {what}")
