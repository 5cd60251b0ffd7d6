"""Values of the catalogue fields beyond the core ones graph.py produces, consistent with the world.

Each producer is lazy (a callable), like graph's own; a field left out here and in graph has no value
on this node and is omitted from the answer, as Meta omits unset fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .hashing import digits
from .money import api_amount
from .users import ACCOUNT_LOCALES
from .world import OPTIMIZATION, Account, Ad, AdSet, Campaign

Producers = dict[str, Callable[[], Any]]
# Meta's fb_entity for ad accounts (85 = Facebook ads).
FB_ENTITY = 85
COUNTRY_OF_TIMEZONE = {tz: countries[0] for _c, tz, _n, countries in ACCOUNT_LOCALES}


def targeting_of(s: AdSet) -> dict[str, Any]:
    """An ad set's targeting (its ads report the same targeting)."""
    return {
        "age_min": 18,
        "age_max": 65,
        "geo_locations": {
            "countries": list(s.campaign.account.spec.countries),
            "location_types": ["home", "recent"],
        },
        "publisher_platforms": ["facebook", "instagram", "audience_network", "messenger"],
        "targeting_automation": {"advantage_audience": 1},
    }


def account_values(a: Account) -> Producers:
    country = COUNTRY_OF_TIMEZONE.get(a.spec.timezone, a.spec.countries[0])
    return {
        "business_name": lambda: f"{a.spec.name} Ltda",
        "business_country_code": lambda: country,
        "end_advertiser": lambda: a.business_id,
        "end_advertiser_name": lambda: f"{a.spec.name} Ltda",
        "fb_entity": lambda: FB_ENTITY,
        "capabilities": lambda: [],
        "brand_safety_content_filter_levels": lambda: ["FACEBOOK_STANDARD", "AN_STANDARD"],
        "can_create_brand_lift_study": lambda: False,
        "has_migrated_permissions": lambda: True,
        "has_page_authorized_adaccount": lambda: True,
        "is_attribution_spec_system_default": lambda: True,
        "is_direct_deals_enabled": lambda: False,
        "is_in_3ds_authorization_enabled_market": lambda: False,
        "is_notifications_enabled": lambda: True,
        "is_prepay_account": lambda: False,
        "is_tax_id_required": lambda: False,
        "offsite_pixels_tos_accepted": lambda: True,
        "min_campaign_group_spend_cap": lambda: api_amount(int(10_000 * a.scale), a.spec.currency),
        "user_tasks": lambda: ["DRAFT", "ANALYZE", "ADVERTISE", "MANAGE"],
        "funding_source_details": lambda: {
            "id": digits(16, "fs", a.account_id),
            "display_string": f"Visa *{digits(4, 'card', a.account_id)}",
            "type": 1,
        },
        "owner_business": lambda: {"id": a.business_id, "name": f"{a.spec.name} Ltda"},
    }


def campaign_values(c: Campaign) -> Producers:
    return {
        "budget_rebalance_flag": lambda: False,
        "can_create_brand_lift_study": lambda: False,
        "has_secondary_skadnetwork_reporting": lambda: False,
        "is_adset_budget_sharing_enabled": lambda: False,
        "is_budget_schedule_enabled": lambda: False,
        "is_direct_send_campaign": lambda: False,
        "is_message_campaign": lambda: False,
        "is_skadnetwork_attribution": lambda: False,
        "pacing_type": lambda: ["standard"],
        "special_ad_category_country": lambda: [],
        "topline_id": lambda: "0",
        "advantage_state_info": lambda: {
            "advantage_state": "DISABLED",
            "advantage_budget_state": "ENABLED" if c.cbo_budget else "DISABLED",
            "advantage_audience_state": "ENABLED",
            "advantage_placement_state": "ENABLED",
        },
    }


def adset_values(s: AdSet) -> Producers:
    return {
        "is_dynamic_creative": lambda: False,
        "is_budget_schedule_enabled": lambda: False,
        "lifetime_imps": lambda: 0,
        "pacing_type": lambda: ["standard"],
        "recurring_budget_semantics": lambda: False,
        "source_adset_id": lambda: "0",
        "use_new_app_click": lambda: False,
        "multi_optimization_goal_weight": lambda: "UNDEFINED",
        "optimization_sub_event": lambda: "NONE",
        "targeting_optimization_types": lambda: [],
        "learning_stage_info": lambda: {"status": "SUCCESS"},
        "creative_sequence": lambda: [],
        "is_dc_follow_optimized": lambda: False,
    }


def ad_values(a: Ad) -> Producers:
    pixel = digits(15, "pixel", a.account.account_id)
    return {
        "bid_type": lambda: "ABSOLUTE_OCPM",
        "source_ad_id": lambda: "0",
        "engagement_audience": lambda: False,
        "targeting": lambda: targeting_of(a.adset),
        "conversion_specs": lambda: [
            {"action.type": ["offsite_conversion"], "fb_pixel": [pixel]}
            if OPTIMIZATION[a.campaign.objective] == "OFFSITE_CONVERSIONS"
            else {"action.type": ["link_click"], "post": [a.creative_id]}
        ],
        "display_sequence": lambda: 0,
    }


def extra_values(node: object) -> Producers:
    if isinstance(node, Account):
        return account_values(node)
    if isinstance(node, Campaign):
        return campaign_values(node)
    if isinstance(node, AdSet):
        return adset_values(node)
    if isinstance(node, Ad):
        return ad_values(node)
    return {}
