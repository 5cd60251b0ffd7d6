"""Every readable field the SDK declares, through the real SDK over real HTTP: all at once and one by one.

Creation-only parameters (listed by the SDK's Field classes, refused by Meta when read) and made-up
names are error 100. The per-object counts of fields modelled with values vs omitted are printed
(run with -s) for the record.
"""

from __future__ import annotations

import re

import httpx
import pytest
from facebook_business.adobjects.ad import Ad
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adcreative import AdCreative
from facebook_business.adobjects.adset import AdSet
from facebook_business.adobjects.adsinsights import AdsInsights
from facebook_business.adobjects.campaign import Campaign
from facebook_business.exceptions import FacebookRequestError

from trafficdash.sandbox.fields import CREATION_ONLY, READABLE

SDK_CLASSES = {
    "AdAccount": AdAccount,
    "Campaign": Campaign,
    "AdSet": AdSet,
    "Ad": Ad,
    "AdCreative": AdCreative,
    "AdsInsights": AdsInsights,
}


def sdk_fields(cls: type) -> set[str]:
    return {v for k, v in vars(cls.Field).items() if not k.startswith("_") and isinstance(v, str)}


def sdk_readable(name: str) -> list[str]:
    return sorted(sdk_fields(SDK_CLASSES[name]) - CREATION_ONLY[name])


@pytest.mark.parametrize("name", sorted(SDK_CLASSES))
def test_catalogue_matches_the_sdk_field_lists(name):
    declared = sdk_fields(SDK_CLASSES[name])
    assert CREATION_ONLY[name] <= declared
    assert set(READABLE[name]) == declared - CREATION_ONLY[name]


@pytest.fixture
def objects(fb_api, sandbox_server):
    """One object of each kind in the first user's first account, the campaign with a budget (CBO)
    first so budget fields have values."""
    acc_id = sandbox_server.users[0]["ad_account_ids"][0]
    acc = AdAccount(acc_id, api=fb_api)
    status = {"effective_status": ["ACTIVE", "PAUSED", "ARCHIVED"]}
    camps = list(acc.get_campaigns(fields=["id", "daily_budget"], params=status))
    ads = list(acc.get_ads(fields=["id", "adset_id", "campaign_id", "creative"], params=status))
    adsets = list(acc.get_ad_sets(fields=["id", "campaign_id"], params=status))
    return {
        "AdAccount": acc,
        "Campaign": [Campaign(c["id"], api=fb_api) for c in camps],
        "AdSet": [AdSet(s["id"], api=fb_api) for s in adsets],
        "Ad": [Ad(a["id"], api=fb_api) for a in ads],
        "AdCreative": [AdCreative(a["creative"]["id"], api=fb_api) for a in ads],
        "ads": ads,
        "acc_id": acc_id,
    }


def _get(obj, fields: list[str]) -> dict:
    return obj.api_get(fields=fields).export_all_data()


def _insights(acc: AdAccount, fields: list[str]) -> list[dict]:
    params = {"level": "ad", "date_preset": "last_7d", "limit": 100}
    return [r.export_all_data() for r in acc.get_insights(fields=fields, params=params)]


def test_every_readable_field_at_once_has_consistent_values(objects, sandbox_server):
    acc_id = objects["acc_id"]
    account_id = acc_id.removeprefix("act_")
    counts: dict[str, tuple[int, int]] = {}

    answers: dict[str, list[dict]] = {"AdAccount": [_get(objects["AdAccount"], sdk_readable("AdAccount"))]}
    for name in ("Campaign", "AdSet", "Ad", "AdCreative"):
        answers[name] = [_get(o, sdk_readable(name)) for o in objects[name]]
    answers["AdsInsights"] = _insights(objects["AdAccount"], sdk_readable("AdsInsights"))
    for name, rows in answers.items():
        assert rows
        valued = set().union(*(r.keys() for r in rows)) & set(sdk_readable(name))
        counts[name] = (len(valued), len(sdk_readable(name)) - len(valued))

    acc = answers["AdAccount"][0]
    assert acc["id"] == acc_id and acc["account_id"] == account_id
    assert acc["business"]["id"] == acc["owner_business"]["id"]
    by_id = {a["id"]: a for a in objects["ads"]}
    for c in answers["Campaign"]:
        assert c["account_id"] == account_id and c["objective"].startswith("OUTCOME_")
        cbo = "daily_budget" in c
        assert c["advantage_state_info"]["advantage_budget_state"] == ("ENABLED" if cbo else "DISABLED")
        assert ("bid_strategy" in c) == cbo
    campaigns = {c["id"]: c for c in answers["Campaign"]}
    for s in answers["AdSet"]:
        assert s["account_id"] == account_id and s["campaign"]["id"] == s["campaign_id"]
        assert ("daily_budget" in s) != ("daily_budget" in campaigns[s["campaign_id"]])
    adsets = {s["id"]: s for s in answers["AdSet"]}
    creatives = {c["id"]: c for c in answers["AdCreative"]}
    for a in answers["Ad"]:
        assert (
            a["campaign_id"] == by_id[a["id"]]["campaign_id"] and a["adset_id"] == by_id[a["id"]]["adset_id"]
        )
        assert a["targeting"] == adsets[a["adset_id"]]["targeting"]
        creative = creatives[a["creative"]["id"]]
        assert creative["name"] == a["creative"]["name"] == f"{a['name']} creative"
    for c in answers["AdCreative"]:
        spec = c["object_story_spec"]
        data = spec.get("link_data") or spec["video_data"]
        assert spec["page_id"] == c["actor_id"] and c["effective_object_story_id"].startswith(
            spec["page_id"] + "_"
        )
        assert c["image_hash"] in c["image_url"] and c["image_url"].startswith(sandbox_server.url + "/")
        assert data["call_to_action"]["type"] == c["call_to_action_type"]
        assert (data.get("name") or data["title"]) == c["title"] and data["message"] == c["body"]
    for r in answers["AdsInsights"]:
        assert r["account_id"] == account_id and r["ad_id"] in by_id
        assert int(r["inline_post_engagement"]) >= int(r["clicks"]) - int(r["inline_link_clicks"])

    print("\nSDK fields per object: modelled with values / omitted")
    for name, (valued, omitted) in counts.items():
        print(f"  {name:<12} {valued:>4} / {omitted:<4} of {valued + omitted}")


@pytest.mark.parametrize("name", ["AdAccount", "Campaign", "AdSet", "Ad", "AdCreative", "AdsInsights"])
def test_every_readable_field_one_by_one(objects, name):
    for field in sdk_readable(name):
        if name == "AdsInsights":
            rows = _insights(objects["AdAccount"], [field])
            assert rows, field
            continue
        obj = objects[name] if name == "AdAccount" else objects[name][0]
        out = _get(obj, [field])
        assert out["id"] == obj["id"], field


@pytest.mark.filterwarnings("ignore:.*does not allow field")  # the SDK warns before sending it
@pytest.mark.parametrize("name", ["AdAccount", "Campaign", "AdSet", "Ad", "AdCreative"])
def test_creation_only_and_made_up_fields_are_error_100(objects, name):
    obj = objects[name] if name == "AdAccount" else objects[name][0]
    for field in [*sorted(CREATION_ONLY[name]), "made_up_field"]:
        with pytest.raises(FacebookRequestError) as exc:
            _get(obj, ["id", field])
        assert exc.value.api_error_code() == 100
        assert exc.value.api_error_message() == (
            f"(#100) Tried accessing nonexisting field ({field}) on node type ({name})"
        )


@pytest.mark.filterwarnings("ignore:.*does not allow field")
def test_made_up_insights_field_is_error_100(objects):
    with pytest.raises(FacebookRequestError) as exc:
        _insights(objects["AdAccount"], ["impressions", "made_up_field"])
    assert exc.value.api_error_code() == 100
    assert re.match(r"\(#100\) made_up_field is not valid for fields param", exc.value.api_error_message())


def test_creative_image_urls_are_served(objects):
    out = _get(objects["AdCreative"][0], ["image_url", "thumbnail_url"])
    for url in (out["image_url"], out["thumbnail_url"]):
        r = httpx.get(url)
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        assert r.content.startswith(b"\x89PNG\r\n\x1a\n")
