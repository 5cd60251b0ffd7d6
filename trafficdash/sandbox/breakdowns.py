"""Insights breakdowns beyond placement, demographics and country, and the combination rules.

Meta's "Insights API Breakdowns" page lists which ``breakdowns`` go together and which
``action_breakdowns`` go with them; anything else is answered with error 100 "Current combination of
data breakdown columns (...) is invalid". Each breakdown family below is a list of cells with a share;
delivery splits an ad's daily totals over the cells exactly (largest remainder), so rows always sum
to the totals. The original families (placement, demo, geo) live in delivery.py and are unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .errors import param_error
from .hashing import digits
from .world import Ad

Cells = list[tuple[dict[str, str], float]]

# Breakdowns the original families serve (delivery.breakdown_group): placement, demographics, country.
PLACEMENT = frozenset({"publisher_platform", "platform_position", "impression_device", "device_platform"})
DEMO = frozenset({"age", "gender"})
ASSETS = (
    "ad_format_asset",
    "body_asset",
    "call_to_action_asset",
    "description_asset",
    "image_asset",
    "link_url_asset",
    "title_asset",
    "video_asset",
)

REGIONS = {
    "BR": ["Sao Paulo (state)", "Rio de Janeiro (state)", "Minas Gerais", "Parana", "Bahia"],
    "US": ["California", "Texas", "New York", "Florida", "Illinois"],
    "PT": ["Lisbon District", "Porto District", "Braga District"],
    "ES": ["Community of Madrid", "Catalonia", "Andalusia"],
    "FR": ["Ile-de-France", "Auvergne-Rhone-Alpes", "Provence-Alpes-Cote d'Azur"],
    "DE": ["Bavaria", "Berlin", "North Rhine-Westphalia"],
    "GB": ["England", "Scotland", "Wales"],
    "IE": ["Dublin", "Cork"],
    "CA": ["Ontario", "Quebec", "British Columbia"],
    "MX": ["Mexico City", "Jalisco", "Nuevo Leon"],
    "AR": ["Buenos Aires", "Cordoba"],
}
DMAS = [
    "New York",
    "Los Angeles",
    "Chicago",
    "Philadelphia",
    "Dallas-Ft. Worth",
    "San Francisco-Oak-San Jose",
]
# Share of a day's delivery per hour (people scroll in the evening), normalised by the split.
HOURLY = [0.9, 0.5, 0.3, 0.2, 0.2, 0.4, 1.0, 2.0, 3.0, 3.6, 4.0, 4.4, 5.0, 4.6, 4.4, 4.4]
HOURLY += [4.6, 5.0, 5.6, 6.4, 7.0, 7.2, 5.6, 3.0]
FREQUENCY_VALUES = [
    ("1", 0.46),
    ("2", 0.2),
    ("3", 0.11),
    ("4", 0.07),
    ("5", 0.05),
    ("6-10", 0.08),
    ("11+", 0.03),
]
PRODUCTS = ["Classic Tee", "Denim Jacket", "Canvas Sneakers", "Leather Belt", "Wool Beanie"]


def _region_cells(ad: Ad) -> Cells:
    countries = ad.account.spec.countries
    out: Cells = []
    for i, c in enumerate(countries):
        share = 0.8 if i == 0 else 0.2 / max(1, len(countries) - 1)
        names = REGIONS.get(c, ["Unknown"])
        weights = [1.0 / (k + 1.5) for k in range(len(names))]
        total = sum(weights)
        out += [({"region": n}, share * w / total) for n, w in zip(names, weights, strict=True)]
    return out


def _hour_label(h: int) -> str:
    return f"{h:02d}:00:00 - {h:02d}:59:59"


def _hourly(name: str) -> Callable[[Ad], Cells]:
    return lambda ad: [({name: _hour_label(h)}, s) for h, s in enumerate(HOURLY)]


def _products(ad: Ad) -> Cells:
    acc = ad.account.account_id
    return [
        ({"product_id": f"{digits(13, 'product', acc, i)}, {name}"}, 1.0 / (i + 2))
        for i, name in enumerate(PRODUCTS)
    ]


def _asset(name: str) -> Callable[[Ad], Cells]:
    """A creative without dynamic creative has one asset of each kind: one cell per ad."""

    def cells(ad: Ad) -> Cells:
        from .creatives import Creative

        c = Creative(ad)
        asset_id = digits(15, "asset", name, ad.key)
        value: dict[str, Any] = {"id": asset_id}
        if name == "body_asset":
            value["text"] = c.body
        elif name == "title_asset":
            value["text"] = c.title
        elif name == "description_asset":
            value["text"] = ""
        elif name == "link_url_asset":
            value["website_url"] = c.link
        elif name == "call_to_action_asset":
            value["name"] = c.call_to_action_type
        elif name == "image_asset":
            value["hash"] = c.image_hash
            value["name"] = f"{ad.name.replace(' ', '_').lower()}.png"
        elif name == "video_asset":
            value["video_id"] = c.video_id or "0"
            value["video_name"] = ad.name
        else:
            value = {"id": asset_id, "ad_format": "SINGLE_VIDEO" if c.is_video else "SINGLE_IMAGE"}
        return [({name: json.dumps(value, sort_keys=True)}, 1.0)]

    return cells


# family name -> (its breakdowns, cells for an ad). A family serves exactly the listed combinations.
FAMILIES: dict[str, tuple[frozenset[str], Callable[[Ad], Cells]]] = {
    "region": (frozenset({"region"}), _region_cells),
    "dma": (frozenset({"dma"}), lambda ad: [({"dma": d}, 1.0 / (i + 2)) for i, d in enumerate(DMAS)]),
    "hourly_advertiser": (
        frozenset({"hourly_stats_aggregated_by_advertiser_time_zone"}),
        _hourly("hourly_stats_aggregated_by_advertiser_time_zone"),
    ),
    "hourly_audience": (
        frozenset({"hourly_stats_aggregated_by_audience_time_zone"}),
        _hourly("hourly_stats_aggregated_by_audience_time_zone"),
    ),
    "frequency_value": (
        frozenset({"frequency_value"}),
        lambda ad: [({"frequency_value": v}, s) for v, s in FREQUENCY_VALUES],
    ),
    "product_id": (frozenset({"product_id"}), _products),
    "place_page_id": (
        frozenset({"place_page_id"}),
        lambda ad: [({"place_page_id": digits(15, "place", ad.account.account_id)}, 1.0)],
    ),
    **{name: (frozenset({name}), _asset(name)) for name in ASSETS},
}
KNOWN = frozenset(PLACEMENT | DEMO | {"country"} | {b for dims, _ in FAMILIES.values() for b in dims})


def family_of(breakdowns: list[str]) -> str | None:
    """The new family serving exactly these breakdowns (None: not one of them)."""
    wanted = frozenset(breakdowns)
    for name, (dims, _cells) in FAMILIES.items():
        if wanted == dims:
            return name
    return None


def cells(ad: Ad, family: str) -> Cells:
    return FAMILIES[family][1](ad)


def present(breakdown: str, value: str) -> Any:
    """A cell's value as Meta writes it in a row (asset breakdowns are objects)."""
    return json.loads(value) if breakdown in ASSETS else value


# ---- action breakdowns --------------------------------------------------------------------------

ACTION_DEVICES = [
    ("android_smartphone", 0.47),
    ("iphone", 0.36),
    ("desktop", 0.11),
    ("ipad", 0.03),
    ("android_tablet", 0.02),
    ("other", 0.01),
]
REACTIONS = [("like", 0.7), ("love", 0.18), ("haha", 0.05), ("wow", 0.04), ("sad", 0.02), ("angry", 0.01)]
# Action breakdowns and the breakdowns each may be combined with (None: no breakdowns at all).
ACTION_RULES: dict[str, frozenset[str] | None] = {
    "action_type": KNOWN,
    "action_device": PLACEMENT,
    "action_destination": None,
    "action_target_id": None,
    "action_reaction": None,
    "action_carousel_card_id": DEMO | {"country", "impression_device", "publisher_platform"},
    "action_carousel_card_name": DEMO | {"country", "impression_device", "publisher_platform"},
}


def check_combination(breakdowns: list[str], action_breakdowns: list[str], valid_breakdowns: bool) -> None:
    """Meta's combination rules; ``valid_breakdowns`` says whether the breakdowns go together at all.

    Source: Meta: Marketing API › Insights API › Breakdowns
    (https://developers.facebook.com/docs/marketing-api/insights/breakdowns) for the combinations; the
    message "(#100) Current combination of data breakdown columns (action_type, country, dma, region) is
    invalid" is recorded in public client code (repository not identified by the search index).
    """
    bad = not valid_breakdowns
    for ab in action_breakdowns:
        if ab not in ACTION_RULES:
            raise param_error(f"param action_breakdowns must be one of {{{', '.join(sorted(ACTION_RULES))}}}")
        bad = bad or not set(breakdowns) <= (ACTION_RULES[ab] or frozenset())
    if bad:
        raise param_error(
            f"Current combination of data breakdown columns ({', '.join([*action_breakdowns, *breakdowns])}) "
            "is invalid "
        )


def _split(total: int, shares: list[tuple[str, float]]) -> list[tuple[str, int]]:
    """Largest-remainder split of an integer total: the parts sum to the total exactly."""
    weight = sum(s for _, s in shares)
    raw = [total * s / weight for _, s in shares]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda k: parts[k] - raw[k])[: total - sum(parts)]:
        parts[i] += 1
    return [(name, p) for (name, _), p in zip(shares, parts, strict=True)]


def _categories(ab: str, item: dict[str, str], ad_hint: str) -> list[tuple[str, float]] | None:
    if ab == "action_device":
        return ACTION_DEVICES
    if ab == "action_reaction":
        return REACTIONS if item["action_type"] == "post_reaction" else None
    if ab in ("action_destination", "action_target_id"):
        return [(ad_hint, 1.0)]
    if ab in ("action_carousel_card_id", "action_carousel_card_name"):
        cards = [(f"{i}" if ab.endswith("_id") else f"Card {i + 1}", 1.0 / (i + 2)) for i in range(3)]
        return cards if item["action_type"] in ("link_click", "landing_page_view") else None
    return None


def expand_actions(items: list[dict], action_breakdowns: list[str], hint: str, money: bool) -> list[dict]:
    """Split each action item over the extra action breakdowns: every window's value is split the same
    way and the parts sum to the item (``money``: the values are amounts, split in minor units).
    Items a breakdown does not apply to (e.g. action_reaction on link clicks) stay as they are."""
    for ab in action_breakdowns:
        if ab == "action_type":
            continue
        out: list[dict] = []
        for item in items:
            cats = _categories(ab, item, hint)
            if cats is None:
                out.append(item)
                continue
            pieces: dict[str, dict] = {
                name: {"action_type": item["action_type"], ab: name} for name, _ in cats
            }
            for key, value in item.items():
                if key == "action_type" or key.startswith("action_"):
                    continue
                total = round(float(value) * 100) if money else int(value)
                for name, part in _split(total, cats):
                    pieces[name][key] = _fmt(part, money)
            out += [
                p
                for p in pieces.values()
                if any(v != "0" for k, v in p.items() if not k.startswith("action_"))
            ]
        items = out
    return items


def _fmt(part: int, money: bool) -> str:
    if not money:
        return str(part)
    text = f"{part // 100}.{part % 100:02d}"
    return text.rstrip("0").rstrip(".")
