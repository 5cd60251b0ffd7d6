"""Graph API semantics independent of HTTP: auth, nodes, edges, paging, insights, async runs, faults."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from . import errors as E
from .config import FaultConfig, SandboxConfig
from .creatives import AD_FORMATS, Creative, creative_values, preview_body
from .delivery import COL, Delivery
from .edges import EDGE_TYPES, creative_index, edge_values, select
from .errors import GraphError, param_error
from .fields import readable, unknown_field
from .hashing import digits, unit
from .insights import InsightQuery, InsightsEngine, format_row, match, parse_json, parse_list, parse_query
from .lifecycle import lifted_statuses, shown
from .login import granular_scopes, login_configurations
from .money import api_amount
from .node_values import extra_values, targeting_of
from .pressure import check_insights_page, check_listing_page, reach_withheld
from .users import LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS, make_token, parse_token
from .versions import check_version
from .world import (
    OPTIMIZATION,
    Account,
    Ad,
    AdSet,
    Campaign,
    World,
    ad_status,
    adset_status,
    campaign_status,
    created_time,
    meta_time,
    updated_time,
)
from .writes import Writes

# What a sandbox user has granted the app until they go through the dialog (the ready-made tokens
# of ``sandbox_users`` stand for a consent given earlier). The dialog then grants what the app asks
# for, minus what the user declines, as Facebook's "Edit access" lets them untick permissions.
SCOPES = ["ads_read", "ads_management", "business_management", "read_insights", "email", "public_profile"]
# Permissions Facebook grants with any login and does not let the user decline.
ALWAYS_GRANTED = ("public_profile",)
# What a Login for Business login grants besides its configuration's permissions.
LOGIN_DEFAULTS = ("public_profile", "email")


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ReportRun:
    id: str
    account: Account
    node: object
    query: InsightQuery
    created: datetime
    fails: bool
    polls: int = 0
    # How a failing run ends: "Job Failed" or "Job Skipped". Source: the async_status values in
    # airbytehq/airbyte source_facebook_marketing/streams/async_job.py (Status enum); no Meta page found.
    ending: str = "Job Failed"


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"c:{offset}".encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("c:"):
            return max(0, int(raw[2:]))
    except (ValueError, UnicodeDecodeError):
        pass
    raise param_error("Invalid cursor: after")


def parse_fields(text: str | None) -> list[tuple[str, list | None]]:
    """'id,name,creative{id,name}' -> [('id', None), ('name', None), ('creative', [('id',None),...])]."""
    if not text:
        return []
    if text.strip().startswith("["):
        return [(str(f), None) for f in parse_list(text, "fields")]
    out: list[tuple[str, list | None]] = []
    _i, n = 0, len(text)

    def parse(i: int) -> tuple[list, int]:
        items: list[tuple[str, list | None]] = []
        name = ""
        while i < n:
            ch = text[i]
            if ch == "{":
                sub, i = parse(i + 1)
                items.append((name.strip(), sub))
                name = ""
                continue
            if ch == "}":
                if name.strip():
                    items.append((name.strip(), None))
                return items, i + 1
            if ch == ",":
                if name.strip():
                    items.append((name.strip(), None))
                name = ""
            else:
                name += ch
            i += 1
        if name.strip():
            items.append((name.strip(), None))
        return items, i

    out, _ = parse(0)
    return [(k.split(".")[0], v) for k, v in out]


class Graph:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.world = World(config)
        self.delivery = Delivery(self.world)
        self.engine = InsightsEngine(self.world, self.delivery)
        self.writes = Writes(self.world)
        self.delivery.writes = self.writes
        self.creatives = creative_index(self.world)
        self.image_kinds = {
            Creative(ad).image_hash: Creative(ad).image_kind for ad in self.creatives.values()
        }
        self.faults: FaultConfig = config.faults
        self.lock = threading.Lock()
        self.calls = 0
        self.auth_calls = 0
        self.storm_left = config.faults.rate_limit_storm_calls
        self.failed_listings: set[str] = set()
        self.revoked: set[str] = set()
        # Per user (Facebook keeps permissions per user and app, shared by all their tokens).
        self.granted: dict[str, list[str]] = {}
        self.declined: dict[str, list[str]] = {}
        # Per user, after a Login for Business dialog: the ad accounts (ids without act_) granted.
        self.granted_accounts: dict[str, list[str]] = {}
        self.configs = {c.config_id: c for c in login_configurations(config.seed)}
        self.call_times: deque[float] = deque()
        self.account_calls: dict[str, deque[float]] = {}
        self.runs: dict[str, ReportRun] = {}
        self.run_seq = 0
        self.results: OrderedDict[tuple, list] = OrderedDict()
        self.amount_spent: dict[str, tuple[int, int]] = {}

    # ---- control -------------------------------------------------------------------------------
    def set_faults(self, values: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            revoke = values.pop("revoke_user", None)
            if revoke:
                self.revoked.add(str(revoke))
            if values.pop("reset", False):
                self.faults = FaultConfig()
                self.calls = self.auth_calls = 0
                self.failed_listings.clear()
                self.revoked.clear()
                self.granted.clear()
                self.declined.clear()
                self.granted_accounts.clear()
            self.faults = self.faults.updated(values)
            if "rate_limit_storm_calls" in values:
                self.storm_left = self.faults.rate_limit_storm_calls
            if "token_expiry_after_calls" in values:
                self.auth_calls = 0
            if "fail_paged_listing_at_page" in values:
                self.failed_listings.clear()
            return self.state()

    def state(self) -> dict[str, Any]:
        return {
            "seed": self.config.seed,
            "calls": self.calls,
            "authenticated_calls": self.auth_calls,
            "rate_limit_storm_left": self.storm_left,
            "faults": self.faults.as_dict(),
            "revoked_users": sorted(self.revoked),
            "report_runs": len(self.runs),
            "granted_scopes": dict(self.granted),
            "declined_scopes": dict(self.declined),
            "granted_accounts": dict(self.granted_accounts),
            "login_configurations": [c.as_dict() for c in self.configs.values()],
            "app_id": self.world.app_id,
            "api_version": self.config.api_version,
            "users": self.world.users,
        }

    # ---- usage headers ----------------------------------------------------------------------------
    def usage_headers(self, account: Account | None, throttled: bool) -> dict[str, str]:
        now = time.monotonic()
        budget = max(1, self.config.call_budget)
        while self.call_times and now - self.call_times[0] > 3600:
            self.call_times.popleft()
        app_pct = min(100, round(len(self.call_times) * 100 / budget)) if not throttled else 100
        headers = {
            "x-app-usage": json.dumps(
                {"call_count": app_pct, "total_cputime": max(0, app_pct - 1), "total_time": app_pct}
            )
        }
        acc_pct = 0.0
        buc: dict[str, Any] = {}
        if account is not None:
            dq = self.account_calls.setdefault(account.id, deque())
            while dq and now - dq[0] > 300:
                dq.popleft()
            acc_pct = 100.0 if throttled else round(min(100.0, len(dq) * 100 / max(1, budget / 12)), 2)
            buc[account.business_id] = [
                {
                    "type": "ads_insights",
                    "call_count": int(acc_pct),
                    "total_cputime": int(acc_pct * 0.6),
                    "total_time": int(acc_pct * 0.8),
                    "estimated_time_to_regain_access": 5 if throttled else 0,
                    "ads_api_access_tier": "standard_access",
                }
            ]
        headers["x-ad-account-usage"] = json.dumps(
            {
                "acc_id_util_pct": acc_pct,
                "reset_time_duration": 300 if throttled else 0,
                "ads_api_access_tier": "standard_access",
            }
        )
        # Source: Meta: Graph API › Overview › Rate Limiting, Business Use Case Rate Limits
        # (https://developers.facebook.com/docs/graph-api/overview/rate-limiting/): a JSON object keyed by
        # business object id, each a list of {type, call_count, total_cputime, total_time,
        # estimated_time_to_regain_access}; ads_api_access_tier as recorded by public clients.
        headers["x-business-use-case-usage"] = json.dumps(buc)
        headers["x-fb-ads-insights-throttle"] = json.dumps(
            {
                "app_id_util_pct": float(app_pct),
                "acc_id_util_pct": acc_pct,
                "ads_api_access_tier": "standard_access",
            }
        )
        return headers

    # ---- entry ----------------------------------------------------------------------------------
    def handle(
        self,
        method: str,
        parts: list[str],
        params: dict[str, str],
        base_url: str,
        auth_header: str | None = None,
        version: str | None = None,
    ) -> Reply:
        method = method.upper()
        version = version or self.config.api_version
        account: Account | None = None
        throttled = False
        with self.lock:
            self.calls += 1
            call_no = self.calls
            self.call_times.append(time.monotonic())
        try:
            token = params.get("access_token")
            if not token and auth_header:
                scheme, _, value = auth_header.partition(" ")
                if scheme.lower() in ("oauth", "bearer"):
                    token = value.strip()
            check_version(version, self.today_utc())
            account = self._account_hint(parts)
            if account is not None:
                with self.lock:
                    self.account_calls.setdefault(account.id, deque()).append(time.monotonic())
            body = self._dispatch(method, parts, params, token, base_url, call_no)
            reply = Reply(200, body)
        except GraphError as exc:
            throttled = exc.code in E.THROTTLE
            reply = Reply(exc.status, exc.body())
            if exc.code == 190:
                reply.headers["www-authenticate"] = (
                    f'OAuth "Facebook Platform" "invalid_token" "{exc.message[:120]}"'
                )
        with self.lock:
            reply.headers.update(self.usage_headers(account, throttled))
        reply.headers["facebook-api-version"] = version
        reply.headers["x-fb-trace-id"] = E.fbtrace_id()
        reply.headers["x-fb-rev"] = "1019876543"
        return reply

    def today_utc(self) -> date:
        """The sandbox's calendar day (the pinned test day, if any): what version lifetimes go by."""
        return self.config.today or datetime.now(UTC).date()

    def _account_hint(self, parts: list[str]) -> Account | None:
        if not parts:
            return None
        head = parts[0]
        if head in self.world.accounts:
            return self.world.accounts[head]
        node = self.world.nodes.get(head)
        if node is not None:
            return self.world.account_of(node)
        run = self.runs.get(head)
        return run.account if run else None

    # ---- auth -----------------------------------------------------------------------------------
    def _user_from_token(self, token: str | None, params: dict[str, str], call_no: int) -> dict:
        if not token:
            raise E.no_token()
        if "|" in token:
            raise GraphError(102, "A user access token is required to request this resource.")
        parsed = parse_token(self.config.seed, token)
        if parsed is None or parsed[0] not in self.world.users_by_id:
            raise E.token_invalid()
        user_id, _kind, expires = parsed
        proof = params.get("appsecret_proof")
        if proof is not None or self.config.app_secret_proof_required:
            expected = hmac.new(self.world.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
            if proof is None:
                raise GraphError(
                    100,
                    "API calls from the server require an appsecret_proof argument",
                    type_="GraphMethodException",
                )
            if not hmac.compare_digest(proof, expected):
                raise GraphError(
                    100, "Invalid appsecret_proof provided in the API argument", type_="GraphMethodException"
                )
        if user_id in self.revoked:
            raise E.token_invalidated()
        now = int(time.time())
        if expires and expires < now:
            raise E.token_expired(
                time.strftime("%A, %d-%b-%y %H:%M:%S PST", time.gmtime(expires)),
                time.strftime("%A, %d-%b-%y %H:%M:%S PST", time.gmtime(now)),
            )
        with self.lock:
            self.auth_calls += 1
            n_auth = self.auth_calls
        limit = self.faults.token_expiry_after_calls
        if limit and n_auth > limit:
            raise E.token_expired(
                time.strftime("%A, %d-%b-%y %H:%M:%S PST", time.gmtime(now - 60)),
                time.strftime("%A, %d-%b-%y %H:%M:%S PST", time.gmtime(now)),
            )
        return self.world.users_by_id[user_id]

    def _inject(self, call_no: int, family: str) -> None:
        f = self.faults
        with self.lock:
            if self.storm_left > 0:
                self.storm_left -= 1
                code = f.rate_limit_code or {"insights": 80000, "ads": 80004}.get(family, 17)
                raise E.throttled(code)
        if f.transient_error_rate and unit(self.config.seed, "transient", call_no) < f.transient_error_rate:
            raise E.transient_error()

    # ---- dispatch ---------------------------------------------------------------------------------
    def _dispatch(
        self,
        method: str,
        parts: list[str],
        params: dict[str, str],
        token: str | None,
        base_url: str,
        call_no: int,
    ) -> Any:
        if parts[:2] == ["oauth", "access_token"]:
            return self._oauth_access_token(params)
        if parts == ["debug_token"]:
            return self._debug_token(params, token)
        if not parts:
            raise GraphError(
                100,
                "Unsupported get request. Please read the Graph API documentation",
                type_="GraphMethodException",
            )
        user = self._user_from_token(token, params, call_no)
        node_id = parts[0]
        edge = parts[1] if len(parts) > 1 else ""
        if len(parts) > 2:
            raise E.unsupported_get(node_id, method.lower())
        family = "insights" if edge == "insights" else ("ads" if edge else "node")
        self._inject(call_no, family)
        writable = not edge and isinstance(self.world.nodes.get(node_id), (Campaign, AdSet))
        if method == "DELETE" or (method == "POST" and edge != "insights" and not writable):
            raise E.permission_app()
        if node_id == "me":
            node: object = user
        elif node_id == user["id"]:
            node = user
        elif node_id in self.world.accounts:
            node = self.world.accounts[node_id]
        elif node_id in self.world.nodes:
            node = self.world.nodes[node_id]
        elif node_id in self.creatives:
            node = Creative(self.creatives[node_id])
        elif node_id in self.runs:
            return self._report_run(self.runs[node_id], edge, params, base_url, parts)
        else:
            raise E.unsupported_get(node_id, method.lower())
        if node is not user:
            acc = self.world.account_of(node)
            if not self.may_read(user["id"], acc):
                if edge:
                    raise E.permission_ads()
                raise E.unsupported_get(node_id)
        if not edge and method == "POST":
            if "ads_management" not in self.scopes_of(user["id"]):
                raise GraphError(200, "(#200) Requires ads_management permission to manage the object")
            assert isinstance(node, (Campaign, AdSet))  # the only writable nodes (checked above)
            return self.writes.apply(node, params)
        if not edge:
            return self._serialize(node, params.get("fields"), user, base_url)
        if node is user:
            if edge == "adaccounts":
                items = [a for a in self.world.accounts.values() if self.may_read(user["id"], a)]
                return self._page(items, params, base_url, parts, user)
            if edge == "permissions":
                return {
                    "data": [{"permission": s, "status": "granted"} for s in self.scopes_of(user["id"])]
                    + [{"permission": s, "status": "declined"} for s in self.declined.get(user["id"], [])]
                }
            raise E.unsupported_get(node_id)
        if edge == "insights":
            if method == "POST":
                return self._create_run(node, params)
            return self._insights(node, params, base_url, parts)
        if edge in ("campaigns", "adsets", "ads"):
            items = self._children(node, edge)
            if items is None:
                raise param_error(
                    f"Tried accessing nonexisting field ({edge}) on node type ({type(node).__name__})"
                )
            items = self._filter_entities(items, params)
            return self._page(items, params, base_url, parts, user)
        if isinstance(node, Account) and edge in EDGE_TYPES:
            return self._edge_page(node, edge, params, base_url, parts)
        if edge == "previews" and isinstance(node, (Ad, Creative)):
            return self._previews(node, params, base_url)
        raise param_error(f"Tried accessing nonexisting field ({edge}) on node type ({type_name(node)})")

    def _children(self, node: object, edge: str) -> list | None:
        if isinstance(node, Account):
            camps = node.campaigns
        elif isinstance(node, Campaign):
            camps = [node]
            if edge == "campaigns":
                return None
        elif isinstance(node, AdSet):
            if edge != "ads":
                return None
            return list(node.ads)
        else:
            return None
        if edge == "campaigns":
            return list(camps)
        if edge == "adsets":
            return [s for c in camps for s in c.adsets]
        return [a for c in camps for s in c.adsets for a in s.ads]

    def _filter_entities(self, items: list, params: dict[str, str]) -> list:
        filters = parse_json(params.get("filtering"), "filtering") or []
        if not isinstance(filters, list):
            raise param_error("param filtering must be an array.")
        statuses = parse_list(params.get("effective_status"), "effective_status")
        lifted = lifted_statuses(filters)
        out = []
        for it in items:
            eff = self._status(it)[1]
            if statuses:
                if eff not in statuses:
                    continue
            elif not shown(eff, lifted):
                continue
            keep = True
            for f in filters:
                if not isinstance(f, dict) or "field" not in f or "operator" not in f:
                    raise param_error("Filter specification must contain field, operator and value")
                fld = str(f["field"]).split(".")[-1] if "." in str(f["field"]) else str(f["field"])
                if fld in ("updated_time", "created_time"):
                    dt = updated_time(self.world, it) if fld == "updated_time" else created_time(it)
                    value: Any = int(dt.timestamp())
                elif fld in ("effective_status", "status", "configured_status"):
                    st = self._status(it)
                    value = st[1] if fld == "effective_status" else st[0]
                elif fld == "id":
                    value = it.id
                elif fld == "name":
                    value = it.name
                elif fld == "objective":
                    value = (it if isinstance(it, Campaign) else it.campaign).objective
                else:
                    raise param_error(
                        f"Filtering field '{f['field']}' with operation '{f['operator']}' is not supported"
                    )
                if not match(value, str(f["operator"]), f.get("value")):
                    keep = False
                    break
            if keep:
                out.append(it)
        return out

    def _status(self, it: object) -> tuple[str, str]:
        if isinstance(it, Campaign):
            return self.writes.effective(it, campaign_status(self.world, it))
        if isinstance(it, AdSet):
            return self.writes.effective(it, adset_status(self.world, it))
        return self.writes.effective(it, ad_status(self.world, it))

    # ---- the other account edges, previews ------------------------------------------------------
    def _edge_page(
        self, acc: Account, edge: str, params: dict[str, str], base_url: str, parts: list[str]
    ) -> dict:
        node_type, default = EDGE_TYPES[edge]
        items = edge_values(self.world, acc, edge, params, base_url, self._status)
        wanted = parse_fields(params.get("fields")) or [(f, None) for f in default]
        limit = self._limit(params)
        offset = _uncursor(params["after"]) if params.get("after") else 0
        self._maybe_fail_page(offset, limit, parts, params)
        out: dict[str, Any] = {"data": [select(node_type, v, wanted) for v in items[offset : offset + limit]]}
        if items:
            out["paging"] = self._paging(offset, limit, len(items), params, base_url, parts)
        if str(params.get("summary", "")).lower() in ("true", "1", "total_count"):
            out["summary"] = {"total_count": len(items)}
        return out

    def _previews(self, node: Ad | Creative, params: dict[str, str], base_url: str) -> dict:
        ad_format = params.get("ad_format")
        if not ad_format:
            raise param_error("(#100) The parameter ad_format is required")
        if ad_format not in AD_FORMATS:
            raise param_error(f"(#100) param ad_format must be one of {{{', '.join(sorted(AD_FORMATS))}}}")
        ad = node.ad if isinstance(node, Creative) else node
        return {"data": [{"body": preview_body(base_url, ad, ad_format)}]}

    # ---- paging ---------------------------------------------------------------------------------
    def _limit(self, params: dict[str, str], default: int = 25) -> int:
        try:
            limit = int(params.get("limit") or default)
        except ValueError as exc:
            raise param_error("param limit must be an integer") from exc
        return max(1, min(limit, self.config.max_page_limit))

    def _maybe_fail_page(self, offset: int, limit: int, parts: list[str], params: dict[str, str]) -> None:
        page_at = self.faults.fail_paged_listing_at_page
        if page_at and offset // limit + 1 == page_at:
            key = (
                "/".join(parts)
                + "?"
                + json.dumps(
                    {
                        k: v
                        for k, v in sorted(params.items())
                        if k not in ("after", "access_token", "appsecret_proof")
                    }
                )
            )
            with self.lock:
                if key in self.failed_listings:
                    return
                self.failed_listings.add(key)
            raise E.unknown_error()

    def _paging(
        self, offset: int, limit: int, total: int, params: dict[str, str], base_url: str, parts: list[str]
    ) -> dict[str, Any]:
        end = min(total, offset + limit)
        paging: dict[str, Any] = {
            "cursors": {"before": _cursor(offset), "after": _cursor(max(offset, end - 1) + 1)}
        }
        query = {k: v for k, v in params.items() if k not in ("after", "before")}
        path = f"{base_url}/{self.config.api_version}/{'/'.join(parts)}"
        if end < total:
            paging["next"] = f"{path}?{urlencode({**query, 'after': paging['cursors']['after']})}"
        if offset > 0:
            paging["previous"] = f"{path}?{urlencode({**query, 'before': paging['cursors']['before']})}"
        return paging

    def _page(self, items: list, params: dict[str, str], base_url: str, parts: list[str], user: dict) -> dict:
        limit = self._limit(params)
        offset = _uncursor(params["after"]) if params.get("after") else 0
        self._maybe_fail_page(offset, limit, parts, params)
        check_listing_page(
            limit, [k for k, _ in parse_fields(params.get("fields"))], self.config.max_page_weight
        )
        chunk = items[offset : offset + limit]
        data = [self._serialize(it, params.get("fields"), user, base_url) for it in chunk]
        out: dict[str, Any] = {"data": data}
        if items:
            out["paging"] = self._paging(offset, limit, len(items), params, base_url, parts)
        if str(params.get("summary", "")).lower() in ("true", "1", "total_count"):
            out["summary"] = {"total_count": len(items)}
        return out

    # ---- insights -------------------------------------------------------------------------------
    def _grouped(self, node: object, q: InsightQuery, limit_rows: int | None) -> list:
        acc = self.world.account_of(node)
        key = (getattr(node, "id", None), q.key(), self.world.today(acc), self.world.day_fraction(acc))
        with self.lock:
            hit = self.results.get(key)
            if hit is not None:
                self.results.move_to_end(key)
                return hit
        groups = self.engine.run(node, q, limit_rows)
        buckets = self.engine.buckets(q)
        value = [(g, buckets[g.bucket]) for g in groups]
        with self.lock:
            self.results[key] = value
            while len(self.results) > 48:
                self.results.popitem(last=False)
        return value

    def _insights(self, node: object, params: dict[str, str], base_url: str, parts: list[str]) -> dict:
        q = parse_query(self.world, node, params)
        rows = self._grouped(node, q, self.config.max_sync_insight_rows)
        withhold = reach_withheld(q.breakdowns, q.since, self.world.today(self.world.account_of(node)))
        return self._insight_page(q, rows, params, base_url, parts, withhold)

    def _insight_page(
        self,
        q: InsightQuery,
        rows: list,
        params: dict[str, str],
        base_url: str,
        parts: list[str],
        withhold_reach: bool = False,
    ) -> dict:
        limit = self._limit(params)
        offset = _uncursor(params["after"]) if params.get("after") else 0
        self._maybe_fail_page(offset, limit, parts, params)
        check_insights_page(limit, q.fields, len(q.breakdowns), self.config.max_page_weight)
        data = [format_row(self.world, q, g, b, withhold_reach) for g, b in rows[offset : offset + limit]]
        out: dict[str, Any] = {"data": data}
        if rows:
            out["paging"] = self._paging(offset, limit, len(rows), params, base_url, parts)
        return out

    def _create_run(self, node: object, params: dict[str, str]) -> dict:
        q = parse_query(self.world, node, params)
        with self.lock:
            self.run_seq += 1
            seq = self.run_seq
        run_id = digits(16, "run", self.config.seed, seq, time.time_ns())
        draw = unit(self.config.seed, "asyncfail", seq)
        failed = self.faults.async_job_failure_rate
        skipped = failed + self.faults.async_job_skipped_rate
        acc = self.world.account_of(node)
        ending = "Job Failed" if draw < failed else "Job Skipped"
        self.runs[run_id] = ReportRun(
            run_id, acc, node, q, self.world.now(acc), draw < skipped, ending=ending
        )
        return {"report_run_id": run_id}

    def _report_run(
        self, run: ReportRun, edge: str, params: dict[str, str], base_url: str, parts: list[str]
    ) -> dict:
        need = max(1, self.faults.async_polls_to_complete)
        if edge == "insights":
            if run.polls < need or run.fails:
                raise GraphError(
                    100,
                    "(#100) Report is not ready yet. Please poll the report run until "
                    "async_status is Job Completed",
                    type_="GraphMethodException",
                )
            rows = self._grouped(run.node, run.query, None)
            return self._insight_page(run.query, rows, params, base_url, parts)
        if edge:
            raise E.unsupported_get(run.id)
        run.polls += 1
        pct = min(100, int(run.polls * 100 / need))
        if run.fails and run.ending == "Job Skipped":
            status, pct = "Job Skipped", 0  # never picked up: Meta skipped the job
        elif run.fails and pct >= 50:
            status, pct = "Job Failed", 50
        elif pct >= 100:
            status = "Job Completed"
        elif run.polls == 1:
            status = "Job Started"
        else:
            status = "Job Running"
        body = {
            "id": run.id,
            "account_id": run.account.account_id,
            "async_status": status,
            "async_percent_completion": pct,
            "date_start": run.query.since.isoformat(),
            "date_stop": run.query.until.isoformat(),
            "time_ref": int(run.created.timestamp()),
            "is_running": status in ("Job Started", "Job Running"),
            "time_completed": int(run.created.timestamp()) + run.polls if pct == 100 else 0,
        }
        if status == "Job Failed":
            body["error_code"] = 2
            body["error_message"] = "An unexpected error has occurred. Please retry your request later."
        wanted = parse_fields(params.get("fields"))
        if wanted:
            keep = {k for k, _ in wanted} | {"id"}
            body = {k: v for k, v in body.items() if k in keep}
        return body

    # ---- nodes -----------------------------------------------------------------------------------
    def _account_spent(self, acc: Account) -> int:
        today = self.world.today(acc).toordinal()
        hit = self.amount_spent.get(acc.id)
        if hit and hit[0] == today:
            return hit[1]
        total = 0
        for ad in self.world.ads_of(acc):
            _, m = self.delivery.series(ad)
            total += int(m[:-1, COL["spend"]].sum())
        self.amount_spent[acc.id] = (today, total)
        return total

    def _fields_of(self, node: object, user: dict) -> dict[str, Any]:
        """Lazy field producers for a node (values computed on demand): the core ones below over the
        rest of the catalogue's modelled values (node_values), under what writes changed."""
        return {**extra_values(node), **self._core_fields(node, user), **self._written(node)}

    def _written(self, node: object) -> dict[str, Any]:
        return {k: (lambda v=v: v) for k, v in self.writes.values(node).items()}

    def _core_fields(self, node: object, user: dict) -> dict[str, Any]:
        w = self.world
        if isinstance(node, dict):  # a user
            first, _, last = node["name"].partition(" ")
            return {
                "id": lambda: node["id"],
                "name": lambda: node["name"],
                "email": lambda: node["email"],
                "first_name": lambda: first,
                "last_name": lambda: last,
                "short_name": lambda: first,
            }
        if isinstance(node, Account):
            a = node
            return {
                "id": lambda: a.id,
                "account_id": lambda: a.account_id,
                "name": lambda: a.spec.name,
                "currency": lambda: a.spec.currency,
                "timezone_name": lambda: a.spec.timezone,
                "timezone_offset_hours_utc": lambda: w.now(a).utcoffset().total_seconds() / 3600,
                "account_status": lambda: a.spec.status,
                "disable_reason": lambda: DISABLE_REASON.get(a.spec.status, 0),
                "amount_spent": lambda: api_amount(self._account_spent(a), a.spec.currency),
                "balance": lambda: "0",
                "spend_cap": lambda: "0",
                "min_daily_budget": lambda: int(api_amount(int(100 * a.scale), a.spec.currency)),
                "business": lambda: {"id": a.business_id, "name": f"{a.spec.name} Ltda"},
                "owner": lambda: a.business_id,
                "is_personal": lambda: 0,
                "created_time": lambda: meta_time(
                    a.at(
                        min(c.created for c in a.campaigns) - timedelta(days=30)
                        if a.campaigns
                        else w.today(a),
                        "acct",
                    )
                ),
                "age": lambda: 400.0,
                "funding_source": lambda: digits(16, "fs", a.account_id),
                "attribution_spec": lambda: [
                    {"event_type": "CLICK_THROUGH", "window_days": 7},
                    {"event_type": "VIEW_THROUGH", "window_days": 1},
                ],
                "users": lambda: {"data": [{"id": u, "name": w.users_by_id[u]["name"]} for u in a.owners]},
            }
        st = self._status(node)
        cur = w.account_of(node).spec.currency
        base = {
            "id": lambda: node.id,
            "name": lambda: node.name,
            "status": lambda: st[0],
            "configured_status": lambda: st[0],
            "effective_status": lambda: st[1],
            "created_time": lambda: meta_time(created_time(node)),
            "updated_time": lambda: meta_time(updated_time(w, node)),
            "account_id": lambda: w.account_of(node).account_id,
        }
        if isinstance(node, Campaign):
            c = node
            base.update(
                {
                    "objective": lambda: c.objective,
                    "buying_type": lambda: "AUCTION",
                    "special_ad_categories": lambda: [],
                    "special_ad_category": lambda: "NONE",
                    "start_time": lambda: meta_time(created_time(c) + timedelta(minutes=5)),
                    "budget_remaining": lambda: api_amount(c.cbo_budget or 0, cur),
                    "lifetime_budget": lambda: "0",
                    "smart_promotion_type": lambda: "GUIDED_CREATION",
                    "source_campaign_id": lambda: "0",
                    "can_use_spend_cap": lambda: True,
                }
            )
            if c.cbo_budget:
                base["daily_budget"] = lambda: api_amount(c.cbo_budget or 0, cur)
                base["bid_strategy"] = lambda: "LOWEST_COST_WITHOUT_CAP"
            return base
        if isinstance(node, AdSet):
            s = node
            acc = s.campaign.account
            base.update(
                {
                    "campaign_id": lambda: s.campaign.id,
                    "campaign": lambda: {"id": s.campaign.id},
                    "optimization_goal": lambda: OPTIMIZATION[s.campaign.objective],
                    "billing_event": lambda: "IMPRESSIONS",
                    "lifetime_budget": lambda: "0",
                    "budget_remaining": lambda: api_amount(
                        0 if s.campaign.cbo_budget else s.daily_budget, cur
                    ),
                    "targeting": lambda: targeting_of(s),
                    "attribution_spec": lambda: [
                        {"event_type": "CLICK_THROUGH", "window_days": 7},
                        {"event_type": "VIEW_THROUGH", "window_days": 1},
                    ],
                    "destination_type": lambda: (
                        "WEBSITE" if s.campaign.objective != "OUTCOME_APP_PROMOTION" else "APP"
                    ),
                    "start_time": lambda: meta_time(created_time(s) + timedelta(minutes=10)),
                    "promoted_object": lambda: {
                        "pixel_id": digits(15, "pixel", acc.account_id),
                        "custom_event_type": "PURCHASE",
                    },
                }
            )
            if not s.campaign.cbo_budget:
                base["daily_budget"] = lambda: api_amount(s.daily_budget, cur)
                base["bid_strategy"] = lambda: "LOWEST_COST_WITHOUT_CAP"
            return base
        a = node
        base.update(
            {
                "adset_id": lambda: a.adset.id,
                "campaign_id": lambda: a.campaign.id,
                "adset": lambda: {"id": a.adset.id},
                "campaign": lambda: {"id": a.campaign.id},
                "creative": lambda: {
                    "id": a.creative_id,
                    "name": f"{a.name} creative",
                    "object_story_spec": {"page_id": digits(15, "page", a.account.account_id)},
                },
                "tracking_specs": lambda: [
                    {
                        "action.type": ["offsite_conversion"],
                        "fb_pixel": [digits(15, "pixel", a.account.account_id)],
                    }
                ],
                "conversion_domain": lambda: "shop.example.com",
                "preview_shareable_link": lambda: f"https://fb.me/sandbox{a.id[-8:]}",
            }
        )
        return base

    def _serialize(
        self, node: object, fields_param: str | None, user: dict, base_url: str = ""
    ) -> dict[str, Any]:
        wanted = parse_fields(fields_param)
        if isinstance(node, Creative):
            return {"id": node.id, **select("AdCreative", creative_values(node, base_url), wanted)}
        producers = self._fields_of(node, user)
        if not wanted:
            if isinstance(node, Account):
                wanted = [("account_id", None), ("id", None)]
            elif isinstance(node, dict):
                wanted = [("name", None), ("id", None)]
            else:
                wanted = [("id", None)]
        out: dict[str, Any] = {}
        for name, sub in wanted:
            if name in ("insights", "adsets", "ads", "campaigns"):
                continue  # nested edges are not expanded by the sandbox
            fn = producers.get(name)
            if fn is None:
                if readable(type_name(node), name):
                    continue  # a real field, unset on this object: Meta omits it
                raise unknown_field(type_name(node), name)
            if name == "creative" and sub and isinstance(node, Ad):
                out[name] = self._serialize(Creative(node), ",".join(s for s, _ in sub), user, base_url)
                continue
            value = fn()
            if sub and isinstance(value, dict):
                value = {k: v for k, v in value.items() if k in {s for s, _ in sub}}
            out[name] = value
        if "id" not in out and not isinstance(node, Account):
            out["id"] = node["id"] if isinstance(node, dict) else node.id
        elif "id" not in out:
            out["id"] = node.id
        return out

    # ---- OAuth ------------------------------------------------------------------------------------
    def may_read(self, user_id: str, acc: Account) -> bool:
        """The user's own account, and one the user granted if they logged in with a configuration."""
        granted = self.granted_accounts.get(user_id)
        return self.world.accessible(user_id, acc) and (granted is None or acc.account_id in granted)

    def consent_config(self, user_id: str, config_id: str, account_ids: list[str] | None) -> list[str]:
        """A Login for Business dialog: every permission of the configuration (none can be declined),
        on the ad accounts the user picked (None: all of theirs). Returns the granted permissions."""
        config = self.configs[config_id]
        own = [a.account_id for a in self.world.accounts.values() if user_id in a.owners]
        picked = own if account_ids is None else [a for a in own if a in set(account_ids)]
        with self.lock:
            granted = set(config.permissions) | set(LOGIN_DEFAULTS)
            self.granted[user_id] = [s for s in SCOPES if s in granted]
            self.declined[user_id] = []
            self.granted_accounts[user_id] = picked
            return self.granted[user_id]

    def scopes_of(self, user_id: str) -> list[str]:
        """The permissions the user has granted this app (all of SCOPES until a dialog says otherwise)."""
        return list(self.granted.get(user_id, SCOPES))

    def consent(self, user_id: str, requested: list[str], declined: list[str]) -> list[str]:
        """The dialog's answer: the requested permissions are granted unless declined; earlier grants stay
        unless declined now. Unknown permissions are never granted. Returns the granted list."""
        known = set(SCOPES)
        refused = {s for s in declined if s in known and s not in ALWAYS_GRANTED}
        with self.lock:
            before = set(self.granted.get(user_id, SCOPES))
            wanted = {s for s in requested if s in known} | set(ALWAYS_GRANTED)
            now_granted = (before | wanted) - refused
            self.granted[user_id] = [s for s in SCOPES if s in now_granted]
            self.declined[user_id] = [s for s in SCOPES if s in refused]
            self.granted_accounts.pop(user_id, None)  # a classic login reaches all the user's accounts
            return self.granted[user_id]

    def make_code(self, user_id: str, client_id: str, redirect_uri: str) -> str:
        exp = int(time.time()) + 600
        payload = f"{user_id}.{exp}.{hashlib.sha256(redirect_uri.encode()).hexdigest()[:12]}"
        sig = hmac.new(self.world.app_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:24]
        return "AQ" + base64.urlsafe_b64encode(f"{payload}.{sig}".encode()).decode().rstrip("=")

    def _check_app(self, params: dict[str, str]) -> None:
        if params.get("client_id") != self.world.app_id:
            raise GraphError(101, "Error validating application. Invalid application ID.")
        if params.get("client_secret") != self.world.app_secret:
            raise GraphError(1, "Error validating client secret.", type_="OAuthException")

    def _oauth_access_token(self, params: dict[str, str]) -> dict:
        grant = params.get("grant_type")
        self._check_app(params)
        now = int(time.time())
        if grant == "client_credentials":
            return {"access_token": f"{self.world.app_id}|{self.world.app_secret}", "token_type": "bearer"}
        if grant == "fb_exchange_token":
            parsed = parse_token(self.config.seed, params.get("fb_exchange_token", ""))
            if parsed is None or parsed[0] in self.revoked:
                raise E.token_invalid()
            if parsed[2] and parsed[2] < now:
                raise E.token_expired("the past", "now")
            token = make_token(self.config.seed, parsed[0], "L", now + LONG_LIVED_SECONDS)
            return {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS}
        code = params.get("code")
        if not code:
            raise param_error("Missing authorization code", subcode=None)
        try:
            raw = base64.urlsafe_b64decode(code[2:] + "=" * (-len(code[2:]) % 4)).decode()
            user_id, exp, ruri, sig = raw.split(".")
        except (ValueError, UnicodeDecodeError) as exc:
            raise GraphError(100, "Invalid verification code format.", subcode=36007) from exc
        payload = f"{user_id}.{exp}.{ruri}"
        good = hmac.new(self.world.app_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:24]
        if not hmac.compare_digest(sig, good) or user_id not in self.world.users_by_id:
            raise GraphError(100, "Invalid verification code format.", subcode=36007)
        if int(exp) < now:
            raise GraphError(100, "This authorization code has expired.", subcode=36007)
        if ruri != hashlib.sha256(params.get("redirect_uri", "").encode()).hexdigest()[:12]:
            raise GraphError(
                100,
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request",
                subcode=36008,
            )
        token = make_token(self.config.seed, user_id, "S", now + SHORT_LIVED_SECONDS)
        return {"access_token": token, "token_type": "bearer", "expires_in": SHORT_LIVED_SECONDS}

    def _granular(self, user_id: str) -> list[dict[str, Any]]:
        accounts = self.granted_accounts.get(user_id)
        businesses = None
        if accounts is not None:
            by_id = {a.account_id: a for a in self.world.accounts.values()}
            businesses = sorted({by_id[a].business_id for a in accounts})
        return granular_scopes(self.scopes_of(user_id), accounts, businesses)

    def _debug_token(self, params: dict[str, str], token: str | None) -> dict:
        if not token:
            raise E.no_token()
        app_token = f"{self.world.app_id}|{self.world.app_secret}"
        if token != app_token and parse_token(self.config.seed, token) is None:
            raise E.token_invalid()
        inp = params.get("input_token", "")
        parsed = parse_token(self.config.seed, inp)
        now = int(time.time())
        if parsed is None or parsed[0] not in self.world.users_by_id:
            return {
                "data": {
                    "error": {"code": 190, "message": "Invalid OAuth access token."},
                    "is_valid": False,
                    "scopes": [],
                }
            }
        user_id, _kind, expires = parsed
        valid = user_id not in self.revoked and (not expires or expires > now)
        data: dict[str, Any] = {
            "app_id": self.world.app_id,
            "type": "USER",
            "application": "Sandbox App",
            "data_access_expires_at": (expires or now + 90 * 86400) + 30 * 86400,
            "expires_at": expires,
            "is_valid": valid,
            "issued_at": max(0, (expires or now) - LONG_LIVED_SECONDS),
            "scopes": self.scopes_of(user_id),
            "granular_scopes": self._granular(user_id),
            "user_id": user_id,
        }
        if not valid:
            data["error"] = {
                "code": 190,
                "message": "Error validating access token",
                "subcode": 463 if user_id not in self.revoked else 460,
            }
        return {"data": data}


# disable_reason for a disabled account (ADS_INTEGRITY_POLICY); a closed one gives none.
DISABLE_REASON = {2: 1}


def type_name(node: object) -> str:
    if isinstance(node, dict):
        return "User"
    return {Account: "AdAccount", Campaign: "Campaign", AdSet: "AdSet", Ad: "Ad", Creative: "AdCreative"}.get(
        type(node), "Node"
    )
