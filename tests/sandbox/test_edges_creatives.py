"""Account edges besides campaigns/ad sets/ads, creatives' images and ad previews."""

from __future__ import annotations

import re
import struct
from datetime import datetime

import httpx
import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.exceptions import FacebookRequestError

from trafficdash.sandbox.creatives import IMAGE_SIZES, THUMBNAIL_SIZE
from trafficdash.sandbox.versions import DEFAULT_VERSION as SDK_VERSION


@pytest.fixture
def account(fb_api, sandbox_server) -> AdAccount:
    return AdAccount(sandbox_server.users[0]["ad_account_ids"][0], api=fb_api)


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_adcreatives_page_with_cursors(account):
    # A creative outlives its ad: the edge lists the creatives of deleted ads too.
    every_status = ["ACTIVE", "PAUSED", "ARCHIVED", "DELETED"]
    ads = list(account.get_ads(fields=["creative"], params={"effective_status": every_status}))
    cursor = account.get_ad_creatives(fields=["name", "title", "body", "image_url"], params={"limit": 5})
    creatives = list(cursor)
    assert len(creatives) == len(ads)
    assert {c["id"] for c in creatives} == {a["creative"]["id"] for a in ads}
    assert all(c["title"] and c["body"] and c["image_url"].endswith(".png") for c in creatives)


@pytest.mark.parametrize(
    ("getter", "fields", "check"),
    [
        ("get_ad_images", ["hash", "url", "width", "height"], lambda r: r["width"] in (1080, 1280)),
        ("get_ad_videos", ["title", "length", "picture"], lambda r: r["length"] > 0),
        ("get_custom_conversions", ["name", "custom_event_type", "pixel"], lambda r: "id" in r["pixel"]),
        (
            "get_custom_audiences",
            ["name", "subtype", "approximate_count_lower_bound"],
            lambda r: r["approximate_count_lower_bound"] > 0,
        ),
        (
            "get_activities",
            ["event_type", "event_time", "object_id"],
            lambda r: r["event_type"].startswith(("create_", "update_")),
        ),
    ],
)
def test_account_edges(account, getter, fields, check):
    rows = list(getattr(account, getter)(fields=fields, params={"limit": 2}))
    assert len(rows) > 2  # several pages followed through the cursors
    assert all(check(r) and set(fields) <= set(r.export_all_data()) for r in rows)


@pytest.mark.filterwarnings("ignore:.*does not allow field")  # the SDK warns before sending it
def test_edge_fields_and_filtering(account):
    with pytest.raises(FacebookRequestError) as exc:
        list(account.get_custom_audiences(fields=["made_up"]))
    assert (
        exc.value.api_error_message()
        == "(#100) Tried accessing nonexisting field (made_up) on node type (CustomAudience)"
    )
    lookalikes = list(
        account.get_custom_audiences(
            fields=["subtype"],
            params={"filtering": [{"field": "subtype", "operator": "IN", "value": ["LOOKALIKE"]}]},
        )
    )
    assert lookalikes and all(a["subtype"] == "LOOKALIKE" for a in lookalikes)
    images = list(account.get_ad_images(fields=["hash"]))
    one = list(account.get_ad_images(fields=["hash"], params={"hashes": [images[0]["hash"]]}))
    assert [i["hash"] for i in one] == [images[0]["hash"]]


def test_activities_since_until(account):
    events = list(account.get_activities(fields=["event_time"], params={"limit": 500}))
    times = [datetime.strptime(e["event_time"], "%Y-%m-%dT%H:%M:%S%z").timestamp() for e in events]
    assert times == sorted(times, reverse=True)
    mid = int(times[len(times) // 2])
    newer = list(account.get_activities(fields=["event_time"], params={"since": mid, "limit": 500}))
    assert 0 < len(newer) < len(events)


def test_images_of_each_kind_are_served_at_their_size(account):
    creatives = list(account.get_ad_creatives(fields=["image_url", "thumbnail_url", "object_story_spec"]))
    seen = set()
    for c in creatives:
        data = httpx.get(c["image_url"]).content
        size = png_size(data)
        assert size in IMAGE_SIZES.values()
        seen.add(size)
        assert png_size(httpx.get(c["thumbnail_url"]).content) == (THUMBNAIL_SIZE, THUMBNAIL_SIZE)
        assert httpx.get(c["image_url"]).content == data  # deterministic
    assert len(seen) >= 2


def test_unknown_media_is_404(sandbox_server):
    assert httpx.get(f"{sandbox_server.url}/__sandbox__/media/{'0' * 32}.png").status_code == 404


@pytest.mark.parametrize("ad_format", ["DESKTOP_FEED_STANDARD", "MOBILE_FEED_STANDARD", "INSTAGRAM_STANDARD"])
def test_previews_are_iframes_the_sandbox_serves(account, ad_format):
    ad = account.get_ads(fields=["id", "name"])[0]
    previews = list(ad.get_previews(params={"ad_format": ad_format}))
    assert len(previews) == 1
    body = previews[0]["body"]
    m = re.fullmatch(
        r'<iframe src="([^"]+)" width="(\d+)" height="(\d+)" scrolling="yes" style="border: none;"></iframe>',
        body,
    )
    assert m
    page = httpx.get(m.group(1).replace("&amp;", "&"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"data-ad-format='{ad_format}'" in page.text


@pytest.mark.filterwarnings("ignore:value of ad_format might not be compatible")
def test_unknown_ad_format_is_error_100(account):
    ad = account.get_ads(fields=["id"])[0]
    with pytest.raises(FacebookRequestError) as exc:
        list(ad.get_previews(params={"ad_format": "NOT_A_FORMAT"}))
    assert exc.value.api_error_code() == 100
    assert exc.value.api_error_message().startswith("(#100) param ad_format must be one of {")


def test_media_urls_follow_the_mount_prefix(sandbox_server):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from trafficdash.sandbox import SandboxConfig, create_sandbox_app

    host = FastAPI()
    host.mount("/sandbox", create_sandbox_app(SandboxConfig(scale="test")))
    client = TestClient(host)
    token = sandbox_server.users[0]["access_token"]
    acc = sandbox_server.users[0]["ad_account_ids"][0]
    r = client.get(
        f"/sandbox/{SDK_VERSION}/{acc}/adcreatives",
        params={"access_token": token, "fields": "image_url", "limit": 1},
    )
    url = r.json()["data"][0]["image_url"]
    assert url.startswith("http://testserver/sandbox/__sandbox__/media/")
    assert client.get(url).headers["content-type"] == "image/png"
