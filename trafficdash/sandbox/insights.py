"""The insights engine: parameters, aggregation by level / time bucket / breakdown, row formatting."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from .breakdowns import KNOWN, check_combination, expand_actions, present
from .delivery import ACTION_TYPES, BASE, COL, CONV, VALUED, Delivery, breakdown_group, reach_of
from .errors import GraphError, param_error, reduce_data
from .fields import readable
from .hashing import digits
from .insight_metrics import extra_metric
from .lifecycle import lifted_statuses, shown
from .pressure import REACH_FIELDS
from .world import Account, Ad, AdSet, Campaign, World, ad_status, adset_status, campaign_status

LEVELS = ["account", "campaign", "adset", "ad"]
DEFAULT_FIELDS = ["impressions", "spend"]
WINDOW_NAMES = {
    "1d_click",
    "7d_click",
    "28d_click",
    "1d_view",
    "7d_view",
    "28d_view",
    "dda",
    "default",
    "1d_ev",
    "skan_view",
    "skan_click",
}
PRESETS = {
    "today",
    "yesterday",
    "this_month",
    "last_month",
    "this_quarter",
    "maximum",
    "data_maximum",
    "last_3d",
    "last_7d",
    "last_14d",
    "last_28d",
    "last_30d",
    "last_90d",
    "last_week_mon_sun",
    "last_week_sun_sat",
    "last_quarter",
    "last_year",
    "this_week_mon_today",
    "this_week_sun_today",
    "this_year",
    "lifetime",
}


def parse_list(value: str | None, name: str) -> list:
    if value is None or value == "":
        return []
    text = value.strip()
    if text.startswith("["):
        try:
            out = json.loads(text)
        except ValueError as exc:
            raise param_error(f"param {name} must be an array.") from exc
        if not isinstance(out, list):
            raise param_error(f"param {name} must be an array.")
        return out
    return [p.strip() for p in text.split(",") if p.strip()]


def parse_json(value: str | None, name: str) -> Any:
    if value is None or value == "":
        return None
    try:
        return json.loads(value)
    except ValueError as exc:
        raise param_error(f"param {name} must be a JSON object or array.") from exc


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _add_months(d: date, k: int) -> date:
    y, m = divmod(d.month - 1 + k, 12)
    return date(d.year + y, m + 1, 1)


def preset_range(preset: str, today: date) -> tuple[date, date]:
    y = today - timedelta(days=1)
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return y, y
    if preset.startswith("last_") and preset.endswith("d"):
        n = int(preset[5:-1])
        return today - timedelta(days=n), y
    if preset == "this_month":
        return _month_start(today), today
    if preset == "last_month":
        start = _add_months(_month_start(today), -1)
        return start, _month_start(today) - timedelta(days=1)
    q0 = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    if preset == "this_quarter":
        return q0, today
    if preset == "last_quarter":
        return _add_months(q0, -3), q0 - timedelta(days=1)
    if preset == "this_year":
        return date(today.year, 1, 1), today
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if preset == "this_week_mon_today":
        return today - timedelta(days=today.weekday()), today
    if preset == "this_week_sun_today":
        return today - timedelta(days=(today.weekday() + 1) % 7), today
    if preset == "last_week_mon_sun":
        start = today - timedelta(days=today.weekday() + 7)
        return start, start + timedelta(days=6)
    if preset == "last_week_sun_sat":
        start = today - timedelta(days=(today.weekday() + 1) % 7 + 7)
        return start, start + timedelta(days=6)
    # maximum / data_maximum / lifetime
    return _add_months(_month_start(today), -37), today


@dataclass(frozen=True)
class InsightQuery:
    level: str
    fields: tuple[str, ...]
    since: date
    until: date
    increment: str  # "all_days", "monthly" or a number of days
    breakdowns: tuple[str, ...]
    windows: tuple[str, ...]
    filtering: str  # normalised JSON
    action_breakdowns: tuple[str, ...] = ("action_type",)

    def key(self) -> tuple:
        return (
            self.level,
            self.fields,
            self.since,
            self.until,
            self.increment,
            self.breakdowns,
            self.windows,
            self.filtering,
            self.action_breakdowns,
        )


def node_level(node: object) -> str:
    return {Account: "account", Campaign: "campaign", AdSet: "adset", Ad: "ad"}[type(node)]


def parse_query(world: World, node: object, params: dict[str, str]) -> InsightQuery:
    acc = world.account_of(node)
    today = world.today(acc)
    fields = parse_list(params.get("fields"), "fields") or list(DEFAULT_FIELDS)
    for f in fields:
        if not readable("AdsInsights", f):
            raise param_error(
                f"{f} is not valid for fields param. please check "
                "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ "
                "for all valid values"
            )
    level = params.get("level") or node_level(node)
    if level not in LEVELS:
        raise param_error(f"param level must be one of {{{', '.join(LEVELS)}}}")
    # time
    if params.get("time_range"):
        tr = parse_json(params["time_range"], "time_range")
        try:
            since = date.fromisoformat(tr["since"])
            until = date.fromisoformat(tr["until"])
        except (TypeError, KeyError, ValueError) as exc:
            raise param_error(
                "param time_range must be an object with since and until dates formatted YYYY-MM-DD"
            ) from exc
    else:
        preset = params.get("date_preset") or "last_30d"
        if preset not in PRESETS:
            raise param_error(f"param date_preset must be one of {{{', '.join(sorted(PRESETS))}}}")
        since, until = preset_range(preset, today)
    if since > until:
        raise param_error("(#100) The since date must be before or equal to the until date")
    if since < _add_months(_month_start(today), -37):
        raise GraphError(
            3018, "(#3018) The start date of the time range cannot be beyond 37 months from the current date"
        )
    until = min(until, today)
    inc = str(params.get("time_increment") or "all_days")
    if inc not in ("all_days", "monthly") and not (inc.isdigit() and 1 <= int(inc) <= 90):
        raise param_error("param time_increment must be 'monthly', 'all_days' or an integer between 1 and 90")
    breakdowns = [str(b) for b in parse_list(params.get("breakdowns"), "breakdowns")]
    for b in breakdowns:
        if b not in KNOWN:
            raise param_error(f"param breakdowns must be one of {{{', '.join(sorted(KNOWN))}}}")
    action_breakdowns = [
        str(a) for a in parse_list(params.get("action_breakdowns"), "action_breakdowns") or ["action_type"]
    ]
    check_combination(
        breakdowns, action_breakdowns, not breakdowns or breakdown_group(breakdowns) is not None
    )
    windows = [
        str(w) for w in parse_list(params.get("action_attribution_windows"), "action_attribution_windows")
    ]
    for w in windows:
        if w not in WINDOW_NAMES:
            raise param_error(
                f"param action_attribution_windows must be one of {{{', '.join(sorted(WINDOW_NAMES))}}}"
            )
    filtering = parse_json(params.get("filtering"), "filtering") or []
    if not isinstance(filtering, list):
        raise param_error("param filtering must be an array.")
    for f in filtering:
        if not isinstance(f, dict) or not {"field", "operator"} <= set(f):
            raise param_error("Filter specification must contain field, operator and value")
    return InsightQuery(
        level,
        tuple(fields),
        since,
        until,
        inc,
        tuple(breakdowns),
        tuple(windows),
        json.dumps(filtering, sort_keys=True),
        tuple(action_breakdowns),
    )


# ---- filtering ------------------------------------------------------------------------------------

OPS = {
    "EQUAL",
    "NOT_EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE",
    "CONTAIN",
    "NOT_CONTAIN",
    "IN",
    "NOT_IN",
    "STARTS_WITH",
    "ENDS_WITH",
    "ANY",
    "ALL",
    "AFTER",
    "BEFORE",
    "NONE",
}


def match(value: Any, op: str, target: Any) -> bool:
    if op not in OPS:
        raise param_error(f"param filtering[operator] must be one of {{{', '.join(sorted(OPS))}}}")
    if op in ("IN", "ANY"):
        return value in (target if isinstance(target, list) else [target])
    if op in ("NOT_IN", "NONE"):
        return value not in (target if isinstance(target, list) else [target])
    if op == "EQUAL":
        return str(value) == str(target)
    if op == "NOT_EQUAL":
        return str(value) != str(target)
    if op == "CONTAIN":
        return str(target).lower() in str(value).lower()
    if op == "NOT_CONTAIN":
        return str(target).lower() not in str(value).lower()
    if op == "STARTS_WITH":
        return str(value).startswith(str(target))
    if op == "ENDS_WITH":
        return str(value).endswith(str(target))
    try:
        v, t = float(value), target
        if op in ("IN_RANGE", "NOT_IN_RANGE"):
            inside = float(t[0]) <= v <= float(t[1])
            return inside if op == "IN_RANGE" else not inside
        t = float(t)
    except (TypeError, ValueError, IndexError) as exc:
        raise param_error("param filtering[value] must be a number for this operator") from exc
    return {
        "GREATER_THAN": v > t,
        "AFTER": v > t,
        "GREATER_THAN_OR_EQUAL": v >= t,
        "LESS_THAN": v < t,
        "BEFORE": v < t,
        "LESS_THAN_OR_EQUAL": v <= t,
    }.get(op, False)


def entity_value(world: World, ad: Ad, field: str) -> tuple[bool, Any]:
    """(known, value) of an entity filter field like campaign.id or ad.effective_status."""
    prefix, _, attr = field.partition(".")
    if not attr:
        return False, None
    node = {"ad": ad, "adset": ad.adset, "campaign": ad.campaign, "account": ad.account}.get(prefix)
    if node is None:
        return False, None
    if attr == "id":
        return True, node.id if prefix != "account" else ad.account.account_id
    if attr == "name":
        return True, getattr(node, "name", None) or ad.account.spec.name
    if attr == "objective":
        return True, ad.campaign.objective
    if attr in ("effective_status", "configured_status", "status"):
        fn = {"ad": ad_status, "adset": adset_status, "campaign": campaign_status}.get(prefix)
        if fn is None:
            return False, None
        configured, effective = fn(world, node)
        return True, effective if attr == "effective_status" else configured
    return False, None


METRIC_FILTERS = {"impressions", "clicks", "spend", "reach", "inline_link_clicks"}


# ---- engine -----------------------------------------------------------------------------------------


@dataclass
class Group:
    bucket: int
    entity: object
    cell: tuple[str, ...]
    vec: np.ndarray
    n: int
    max_reach: int


class InsightsEngine:
    def __init__(self, world: World, delivery: Delivery) -> None:
        self.world = world
        self.delivery = delivery

    def buckets(self, q: InsightQuery) -> list[tuple[date, date]]:
        out = []
        if q.increment == "all_days":
            return [(q.since, q.until)]
        if q.increment == "monthly":
            start = q.since
            while start <= q.until:
                end = min(q.until, _add_months(_month_start(start), 1) - timedelta(days=1))
                out.append((start, end))
                start = end + timedelta(days=1)
            return out
        step = int(q.increment)
        start = q.since
        while start <= q.until:
            end = min(q.until, start + timedelta(days=step - 1))
            out.append((start, end))
            start = end + timedelta(days=1)
        return out

    def run(self, node: object, q: InsightQuery, limit_rows: int | None = None) -> list[Group]:
        world = self.world
        filters = json.loads(q.filtering)
        ads = world.ads_of(node)
        metric_filters = []
        for f in filters:
            field, op, value = f["field"], f["operator"], f.get("value")
            if field in METRIC_FILTERS:
                metric_filters.append((field, op, value))
                continue
            if field == "action_type":
                continue
            known, _ = entity_value(world, ads[0], field) if ads else (True, None)
            if not known:
                raise param_error(f"Filtering field '{field}' with operation '{op}' is not supported")
            ads = [ad for ad in ads if match(entity_value(world, ad, field)[1], op, value)]
        if q.level != "account":  # archived/deleted objects' rows only when a status filter asks
            lifted = lifted_statuses(filters)
            ads = [ad for ad in ads if self._shown_at_level(node, ad, q.level, lifted)]
        buckets = self.buckets(q)
        b_starts = np.array([b[0].toordinal() for b in buckets], dtype=np.int64)
        group_name = breakdown_group(list(q.breakdowns)) if q.breakdowns else ""
        acc_groups: dict[tuple, Group] = {}
        lvl = q.level
        s_ord, u_ord = q.since.toordinal(), q.until.toordinal()
        for ad in ads:
            days, m = self.delivery.series(ad)
            lo = max(s_ord, int(days[0]))
            hi = min(u_ord, int(days[-1]))
            if lo > hi:
                continue
            i0, i1 = lo - int(days[0]), hi - int(days[0]) + 1
            sl_days, sl = days[i0:i1], m[i0:i1]
            if not sl.any():
                continue
            if group_name:
                cells = self.delivery.cells(ad, group_name)
                parts = self.delivery.split(ad, group_name, sl_days, sl)  # d x C x M
                cell_keys = [tuple(c[b] for b in q.breakdowns) for c, _ in cells]
            else:
                parts = sl[:, None, :]
                cell_keys = [()]
            bidx = np.searchsorted(b_starts, sl_days, side="right") - 1
            starts = np.nonzero(np.r_[True, bidx[1:] != bidx[:-1]])[0]
            sums = np.add.reduceat(parts, starts, axis=0)  # B' x C x M
            active = np.add.reduceat((parts[:, :, 0] > 0).astype(np.int64), starts, axis=0)
            maxr = np.maximum.reduceat(parts[:, :, COL["reach"]], starts, axis=0)
            entity = {"ad": ad, "adset": ad.adset, "campaign": ad.campaign, "account": ad.account}[lvl]
            for bi, st in enumerate(starts):
                b = int(bidx[st])
                for ci in np.nonzero(sums[bi].any(axis=1))[0]:
                    key = (b, entity.id, cell_keys[ci])
                    g = acc_groups.get(key)
                    if g is None:
                        acc_groups[key] = Group(
                            b,
                            entity,
                            cell_keys[ci],
                            sums[bi, ci].copy(),
                            int(active[bi, ci]),
                            int(maxr[bi, ci]),
                        )
                    else:
                        g.vec += sums[bi, ci]
                        g.n += int(active[bi, ci])
                        g.max_reach = max(g.max_reach, int(maxr[bi, ci]))
            if limit_rows is not None and len(acc_groups) > limit_rows:
                raise reduce_data()
        groups = list(acc_groups.values())
        if metric_filters:
            groups = [
                g for g in groups if all(match(self.metric(g, f), op, v) for f, op, v in metric_filters)
            ]
        groups.sort(key=lambda g: (g.bucket, g.entity.id, g.cell))
        return groups

    def _shown_at_level(self, node: object, ad: Ad, level: str, lifted: set[str]) -> bool:
        entity = {"ad": ad, "adset": ad.adset, "campaign": ad.campaign}[level]
        if entity is node:  # an object's own insights edge answers even when it is deleted
            return True
        return shown(entity_value(self.world, ad, f"{level}.effective_status")[1], lifted)

    @staticmethod
    def metric(g: Group, name: str) -> float:
        if name == "spend":
            return g.vec[COL["spend"]] / 100.0
        if name == "reach":
            return reach_of(float(g.vec[COL["reach"]]), g.n, g.max_reach)
        return float(g.vec[COL[name]])


# ---- formatting ---------------------------------------------------------------------------------------


def num(x: float) -> str:
    text = f"{x:.6f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def money(cents: int) -> str:
    cents = int(cents)
    text = f"{cents // 100}.{cents % 100:02d}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _count(vec: np.ndarray, base: str, window: str) -> int:
    if base in BASE:
        return (
            int(vec[COL[base]])
            if window in ("value", "1d_click", "7d_click", "28d_click", "default", "dda")
            else 0
        )
    w = {"28d_view": "7d_view"}.get(window, window)
    if w in ("value", "default", "dda"):
        return int(vec[COL[f"{base}:7d_click"]] + vec[COL[f"{base}:1d_view"]])
    if f"{base}:{w}" in COL:
        return int(vec[COL[f"{base}:{w}"]])
    return 0


def _value(vec: np.ndarray, base: str, window: str) -> int:
    w = {"28d_view": "7d_view"}.get(window, window)
    if w in ("value", "default", "dda"):
        return int(vec[COL[f"{base}$:7d_click"]] + vec[COL[f"{base}$:1d_view"]])
    if f"{base}$:{w}" in COL:
        return int(vec[COL[f"{base}$:{w}"]])
    return 0


ACTION_BASES = [
    "inline_link_clicks",
    "landing_page_view",
    "post_engagement",
    "page_engagement",
    "post_reaction",
    "video_view",
    *CONV,
]


def format_row(
    world: World, q: InsightQuery, g: Group, bucket: tuple[date, date], withhold_reach: bool = False
) -> dict[str, Any]:
    """One insights row; ``withhold_reach`` leaves reach and its ratios out (omitted, never zero)."""
    ent = g.entity
    vec = g.vec
    acc = world.account_of(ent)
    ad = ent if isinstance(ent, Ad) else None
    adset = ent if isinstance(ent, AdSet) else (ad.adset if ad else None)
    camp = ent if isinstance(ent, Campaign) else (adset.campaign if adset else None)
    impressions = int(vec[COL["impressions"]])
    clicks = int(vec[COL["clicks"]])
    link = int(vec[COL["inline_link_clicks"]])
    spend_c = int(vec[COL["spend"]])
    spend = spend_c / 100.0
    reach = min(impressions, reach_of(float(vec[COL["reach"]]), g.n, g.max_reach))
    row: dict[str, Any] = {}
    windows = q.windows
    for f in q.fields:
        if f == "account_id":
            row[f] = acc.account_id
        elif f == "account_name":
            row[f] = acc.spec.name
        elif f == "account_currency":
            row[f] = acc.spec.currency
        elif f in ("campaign_id", "campaign_name", "objective", "buying_type"):
            if camp is not None:
                row[f] = {
                    "campaign_id": camp.id,
                    "campaign_name": camp.name,
                    "objective": camp.objective,
                    "buying_type": "AUCTION",
                }[f]
        elif f in ("adset_id", "adset_name", "optimization_goal"):
            if adset is not None:
                from .world import OPTIMIZATION

                row[f] = {
                    "adset_id": adset.id,
                    "adset_name": adset.name,
                    "optimization_goal": OPTIMIZATION[adset.campaign.objective],
                }[f]
        elif f in ("ad_id", "ad_name"):
            if ad is not None:
                row[f] = ad.id if f == "ad_id" else ad.name
        elif f == "attribution_setting":
            row[f] = "7d_click_1d_view"
        elif f == "impressions":
            row[f] = str(impressions)
        elif f == "reach":
            row[f] = str(reach)
        elif f == "frequency":
            if reach:
                row[f] = num(impressions / reach)
        elif f == "clicks":
            row[f] = str(clicks)
        elif f == "inline_link_clicks":
            row[f] = str(link)
        elif f == "spend":
            row[f] = money(spend_c)
        elif f == "ctr":
            row[f] = num(clicks / impressions * 100) if impressions else "0"
        elif f == "inline_link_click_ctr":
            row[f] = num(link / impressions * 100) if impressions else "0"
        elif f == "cpc":
            if clicks:
                row[f] = num(spend / clicks)
        elif f == "cost_per_inline_link_click":
            if link:
                row[f] = num(spend / link)
        elif f == "cpm":
            if impressions:
                row[f] = num(spend / impressions * 1000)
        elif f == "cpp":
            if reach:
                row[f] = num(spend / reach * 1000)
        elif f in ("actions", "conversions"):
            items = []
            for base in ACTION_BASES if f == "actions" else ["purchase", "lead", "mobile_app_install"]:
                total = _count(vec, base, "value")
                if total <= 0 and not any(_count(vec, base, w) for w in windows):
                    continue
                for t in ACTION_TYPES[base]:
                    item = {"action_type": t, "value": str(total)}
                    for w in windows:
                        item[w] = str(_count(vec, base, w))
                    items.append(item)
            if items:
                row[f] = items
        elif f == "action_values":
            items = []
            for base in VALUED:
                total = _value(vec, base, "value")
                if total <= 0 and not any(_value(vec, base, w) for w in windows):
                    continue
                for t in ACTION_TYPES[base]:
                    item = {"action_type": t, "value": money(total)}
                    for w in windows:
                        item[w] = money(_value(vec, base, w))
                    items.append(item)
            if items:
                row[f] = items
        elif f == "cost_per_action_type":
            items = []
            for base in ACTION_BASES:
                total = _count(vec, base, "value")
                if total <= 0:
                    continue
                for t in ACTION_TYPES[base]:
                    item = {"action_type": t, "value": num(spend / total)}
                    for w in windows:
                        c = _count(vec, base, w)
                        if c:
                            item[w] = num(spend / c)
                    items.append(item)
            if items:
                row[f] = items
        elif f in ("purchase_roas", "website_purchase_roas"):
            total = _value(vec, "purchase", "value")
            if spend_c and total:
                t = "omni_purchase" if f == "purchase_roas" else "offsite_conversion.fb_pixel_purchase"
                item = {"action_type": t, "value": num(total / spend_c)}
                for w in windows:
                    item[w] = num(_value(vec, "purchase", w) / spend_c)
                row[f] = [item]
        elif f not in row:
            value = extra_metric(f, vec, ad)
            if value is not None:
                row[f] = value
    if q.action_breakdowns != ("action_type",):
        hint = digits(15, "page", acc.account_id)  # the Page that ads' actions land on
        for f in ("actions", "conversions", "action_values"):
            if f in row:
                row[f] = expand_actions(row[f], list(q.action_breakdowns), hint, money=f == "action_values")
    if withhold_reach:
        for f in REACH_FIELDS:
            row.pop(f, None)
    row["date_start"] = bucket[0].isoformat()
    row["date_stop"] = bucket[1].isoformat()
    for b, v in zip(q.breakdowns, g.cell, strict=True):
        row[b] = present(b, v)
    return row
