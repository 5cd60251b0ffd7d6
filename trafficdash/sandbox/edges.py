"""The ad account edges reporting clients read besides campaigns, ad sets, ads and insights:
adcreatives, adimages, advideos, customconversions, customaudiences and activities.

Each edge yields full value dicts; the caller pages them and keeps the requested fields through
``select`` (catalogue rules: a readable field without a value is omitted, an unknown name is error 100).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from .creatives import IMAGE_SIZES, Creative, creative_values, image_url, page_id
from .errors import param_error
from .fields import readable, unknown_field
from .hashing import between, digits
from .insights import match, parse_json
from .world import Account, Ad, AdSet, Campaign, World, created_time, meta_time, updated_time

# edge -> (node type in Meta's error messages, fields answered when the request names none)
EDGE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "adcreatives": ("AdCreative", ("id",)),
    "adimages": ("AdImage", ("hash", "id")),
    "advideos": ("AdVideo", ("id",)),
    "customconversions": ("CustomConversion", ("id",)),
    "customaudiences": ("CustomAudience", ("id",)),
    "activities": ("AdActivity", ("event_time", "event_type", "object_id", "object_name")),
}


def select(node_type: str, values: dict[str, Any], wanted: list[tuple[str, list | None]]) -> dict[str, Any]:
    """Keep the requested fields (nested ``{a,b}`` selections filter dicts) and the id; unknown names
    are error 100."""
    out: dict[str, Any] = {}
    for name, sub in wanted:
        if name not in values:
            if readable(node_type, name):
                continue
            raise unknown_field(node_type, name)
        value = values[name]
        if sub and isinstance(value, dict):
            keep = {s for s, _ in sub}
            value = {k: v for k, v in value.items() if k in keep}
        out[name] = value
    if "id" in values:  # Meta always answers an object's id
        out.setdefault("id", values["id"])
    return out


def _creatives(account: Account, world: World) -> list[Creative]:
    return [Creative(ad) for ad in world.ads_of(account)]


def _image_values(c: Creative, base_url: str) -> dict[str, Any]:
    w, h = IMAGE_SIZES[c.image_kind]
    acc = c.ad.account
    made = meta_time(created_time(c.ad) - timedelta(hours=2))
    return {
        "id": f"{acc.account_id}:{c.image_hash}",
        "hash": c.image_hash,
        "account_id": acc.account_id,
        "name": f"{c.ad.name.replace(' ', '_').lower()}.png",
        "url": image_url(base_url, c.image_hash),
        "url_128": image_url(base_url, c.image_hash, thumbnail=True),
        "permalink_url": image_url(base_url, c.image_hash),
        "width": w,
        "height": h,
        "original_width": w,
        "original_height": h,
        "status": "ACTIVE",
        "created_time": made,
        "updated_time": made,
        "creatives": [c.id],
        "is_associated_creatives_in_adgroups": True,
    }


def _video_values(c: Creative, base_url: str) -> dict[str, Any]:
    made = meta_time(created_time(c.ad) - timedelta(hours=3))
    return {
        "id": c.video_id,
        "title": c.title,
        "description": c.body,
        "length": round(between(6, 45, "length", c.ad.key), 2),
        "picture": image_url(base_url, c.image_hash, thumbnail=True),
        "permalink_url": f"/{page_id(c.ad)}/videos/{c.video_id}/",
        "source": image_url(base_url, c.image_hash),
        "format": [
            {
                "filter": "native",
                "width": IMAGE_SIZES[c.image_kind][0],
                "height": IMAGE_SIZES[c.image_kind][1],
            }
        ],
        "status": {"video_status": "ready"},
        "published": False,
        "created_time": made,
        "updated_time": made,
        "from": {"id": page_id(c.ad), "name": c.ad.account.spec.name},
    }


CONVERSION_EVENTS = [("Purchase", "PURCHASE"), ("Lead", "LEAD"), ("Add to cart", "ADD_TO_CART")]


def _custom_conversions(acc: Account, world: World) -> list[dict[str, Any]]:
    pixel = digits(15, "pixel", acc.account_id)
    first = min((c.created for c in acc.campaigns), default=world.today(acc))
    out = []
    for i, (label, event) in enumerate(CONVERSION_EVENTS):
        made = acc.at(first - timedelta(days=20 - i), ("cc", i))
        out.append(
            {
                "id": digits(16, "customconversion", acc.account_id, i),
                "name": f"{label} - thank you page",
                "account_id": acc.account_id,
                "custom_event_type": event,
                "rule": f'{{"and":[{{"event":{{"eq":"PageView"}}}},{{"URL":{{"i_contains":"/thanks/{i}"}}}}]}}',
                "pixel": {"id": pixel},
                "event_source_type": "pixel",
                "creation_time": meta_time(made),
                "first_fired_time": meta_time(made + timedelta(hours=5)),
                "last_fired_time": meta_time(world.now(acc) - timedelta(hours=1 + i)),
                "is_archived": False,
                "is_unavailable": False,
                "retention_days": 0,
                "default_conversion_value": 0,
                "data_sources": [{"id": pixel, "source_type": "PIXEL", "name": f"{acc.spec.name} Pixel"}],
            }
        )
    return out


AUDIENCES = [
    ("Website visitors 30d", "WEBSITE", 30),
    ("Purchasers 180d", "WEBSITE", 180),
    ("Customer list", "CUSTOM", 0),
    ("Lookalike (1%) - Purchasers", "LOOKALIKE", 0),
]


def _custom_audiences(acc: Account, world: World) -> list[dict[str, Any]]:
    first = min((c.created for c in acc.campaigns), default=world.today(acc))
    out = []
    for i, (name, subtype, days) in enumerate(AUDIENCES):
        made = acc.at(first - timedelta(days=10 + i), ("ca", i))
        size = int(between(20_000, 2_000_000, "aud", acc.account_id, i))
        aud: dict[str, Any] = {
            "id": "2385" + digits(13, "customaudience", acc.account_id, i),
            "name": name,
            "account_id": acc.account_id,
            "subtype": subtype,
            "description": "",
            "approximate_count_lower_bound": size,
            "approximate_count_upper_bound": int(size * 1.17),
            "time_created": int(made.timestamp()),
            "time_updated": int(made.timestamp()) + 3600,
            "time_content_updated": int(made.timestamp()) + 3600,
            "delivery_status": {"code": 200, "description": "This audience is ready for use."},
            "operation_status": {"code": 200, "description": "Normal"},
            "data_source": {
                "type": "EVENT_BASED" if subtype == "WEBSITE" else "FILE_IMPORTED",
                "sub_type": "ANYTHING",
            },
            "is_household": False,
            "is_value_based": False,
            "sharing_status": {"sharing_relationship_id": 0, "status": "NOT_SHARED"},
            "permission_for_actions": {"can_edit": True, "can_see_insight": "True", "can_share": "True"},
        }
        if days:
            aud["retention_days"] = days
            aud["pixel_id"] = digits(15, "pixel", acc.account_id)
        if subtype == "LOOKALIKE":
            aud["lookalike_spec"] = {"country": acc.spec.countries[0], "ratio": 0.01, "type": "similarity"}
        out.append(aud)
    return out


def _activities(acc: Account, world: World, status_of: Callable[[object], tuple[str, str]]) -> list[dict]:
    """Creation events of every object plus the latest status change of the paused or archived ones."""
    user_id = acc.owners[0] if acc.owners else ""
    actor = world.users_by_id[user_id]["name"] if user_id else ""
    out: list[tuple[datetime, dict]] = []

    def event(when: datetime, kind: str, node: Campaign | AdSet | Ad, object_type: str, extra: str) -> None:
        out.append(
            (
                when,
                {
                    "event_type": kind,
                    "translated_event_type": kind.replace("_", " ").capitalize(),
                    "event_time": meta_time(when),
                    "date_time_in_timezone": when.strftime("%m/%d/%Y at %-I:%M %p"),
                    "object_id": node.id,
                    "object_name": node.name,
                    "object_type": object_type,
                    "actor_id": user_id,
                    "actor_name": actor,
                    "application_id": world.app_id,
                    "application_name": "Sandbox App",
                    "extra_data": extra,
                },
            )
        )

    for c in acc.campaigns:
        event(created_time(c), "create_campaign_group", c, "CAMPAIGN_GROUP", "{}")
        for s in c.adsets:
            event(created_time(s), "create_ad_set", s, "CAMPAIGN", "{}")
            for ad in s.ads:
                event(created_time(ad), "create_ad", ad, "ADGROUP", "{}")
        configured = status_of(c)[0]
        if configured != "ACTIVE":
            extra = f'{{"old_value":"Active","new_value":"{configured.title()}"}}'
            event(updated_time(world, c), "update_campaign_run_status", c, "CAMPAIGN_GROUP", extra)
    out.sort(key=lambda p: (p[0], p[1]["object_id"], p[1]["event_type"]), reverse=True)
    return [e for _, e in out]


def _since_until(params: dict[str, str]) -> tuple[float | None, float | None]:
    def stamp(key: str) -> float | None:
        raw = params.get(key)
        if not raw:
            return None
        try:
            return float(raw) if raw.lstrip("-").isdigit() else datetime.fromisoformat(raw).timestamp()
        except ValueError as exc:
            raise param_error(f"param {key} must be a UNIX timestamp or a date") from exc

    return stamp("since"), stamp("until")


def edge_values(
    world: World,
    acc: Account,
    edge: str,
    params: dict[str, str],
    base_url: str,
    status_of: Callable[[object], tuple[str, str]],
) -> list[dict[str, Any]]:
    """The full values of an account edge's items, filtered as the request asks."""
    if edge == "adcreatives":
        items = [creative_values(c, base_url) for c in _creatives(acc, world)]
    elif edge == "adimages":
        seen: dict[str, dict] = {}
        for c in _creatives(acc, world):
            seen.setdefault(c.image_hash, _image_values(c, base_url))
        items = list(seen.values())
        hashes = params.get("hashes")
        if hashes:
            wanted = set(parse_json(hashes, "hashes") if hashes.startswith("[") else hashes.split(","))
            items = [i for i in items if i["hash"] in wanted]
    elif edge == "advideos":
        items = [_video_values(c, base_url) for c in _creatives(acc, world) if c.is_video]
    elif edge == "customconversions":
        items = _custom_conversions(acc, world)
    elif edge == "customaudiences":
        items = _custom_audiences(acc, world)
    else:
        items = _activities(acc, world, status_of)
        since, until = _since_until(params)
        if since is not None or until is not None:
            items = [
                e
                for e in items
                if (
                    since is None
                    or datetime.strptime(e["event_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp() >= since
                )
                and (
                    until is None
                    or datetime.strptime(e["event_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp() <= until
                )
            ]
        category = params.get("category")
        if category:
            items = [e for e in items if e["object_type"] == category.upper() or e["event_type"] == category]
    return _filter(items, params)


def _filter(items: list[dict[str, Any]], params: dict[str, str]) -> list[dict[str, Any]]:
    """The generic ``filtering`` parameter on the items' own fields (e.g. name CONTAIN, subtype IN)."""
    filters = parse_json(params.get("filtering"), "filtering") or []
    if not isinstance(filters, list):
        raise param_error("param filtering must be an array.")
    for f in filters:
        if not isinstance(f, dict) or "field" not in f or "operator" not in f:
            raise param_error("Filter specification must contain field, operator and value")
        name = str(f["field"])
        if items and name not in items[0]:
            raise param_error(f"Filtering field '{name}' with operation '{f['operator']}' is not supported")
        items = [i for i in items if match(i.get(name), str(f["operator"]), f.get("value"))]
    return items


def creative_index(world: World) -> dict[str, Ad]:
    """Creative id -> its ad (ads name their creatives; creative ids are not in world.nodes)."""
    return {n.creative_id: n for n in world.nodes.values() if isinstance(n, Ad)}
