"""API versions expire as Meta's version table says: 2635 through the SDK, on the OAuth dialog too."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from facebook_business.adobjects.user import User
from facebook_business.api import FacebookAdsApi
from facebook_business.apiconfig import ads_api_config
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession

from trafficdash.sandbox.versions import DEFAULT_VERSION, latest_version, live_versions


def test_the_sandbox_default_is_the_sdks_version_and_live() -> None:
    assert ads_api_config["API_VERSION"] == DEFAULT_VERSION
    assert DEFAULT_VERSION in live_versions(date(2026, 11, 30))


def test_live_window_on_the_day_v24_has_expired() -> None:
    assert live_versions(date(2026, 11, 30)) == ["v25.0", "v26.0", "v27.0"]
    assert "v24.0" in live_versions(date(2026, 11, 9))
    assert latest_version(date(2026, 11, 30)) == "v27.0"


@pytest.mark.parametrize("version", ["v24.0", "v19.0", "v99.0"])
def test_expired_or_unknown_version_is_2635_through_the_sdk(clean_faults, version: str) -> None:
    """Source: recorded 2635 responses, e.g. facebook/facebook-nodejs-business-sdk issue #239 (https://github.com/facebook/facebook-nodejs-business-sdk/issues/239)."""
    srv = clean_faults
    session = FacebookSession(srv.app_id, srv.app_secret, srv.users[0]["access_token"])
    session.GRAPH = srv.url
    api = FacebookAdsApi(session, api_version=version)
    with pytest.raises(FacebookRequestError) as err:
        User(fbid="me", api=api).get_ad_accounts(fields=["id"])
    assert err.value.api_error_code() == 2635
    assert err.value.api_error_message() == (
        "(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: v27.0."
    )


def test_every_live_version_answers(clean_faults) -> None:
    srv = clean_faults
    for version in live_versions(srv.config.today):
        r = httpx.get(f"{srv.url}/{version}/me", params={"access_token": srv.users[0]["access_token"]})
        assert r.status_code == 200 and r.headers["facebook-api-version"] == version


def test_batch_and_oauth_dialog_on_an_expired_version(clean_faults) -> None:
    srv = clean_faults
    token = srv.users[0]["access_token"]
    r = httpx.post(f"{srv.url}/v24.0/", data={"access_token": token, "batch": '[{"relative_url": "me"}]'})
    assert r.status_code == 400 and r.json()["error"]["code"] == 2635
    r = httpx.get(
        f"{srv.url}/v24.0/dialog/oauth", params={"client_id": srv.app_id, "redirect_uri": "http://x/cb"}
    )
    assert r.status_code == 400 and "deprecated version" in r.text
    ok = httpx.get(
        f"{srv.url}/{DEFAULT_VERSION}/dialog/oauth",
        params={"client_id": srv.app_id, "redirect_uri": "http://x/cb"},
    )
    assert ok.status_code == 200
