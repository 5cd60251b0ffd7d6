"""The overview and campaigns pages in a real headless Chromium at desktop and phone width:
the KPI values shown equal the API's, after a real login and first sync from the sandbox.
Screenshots land in screenshots/ (looked at by a person, not compared by pixels)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.browser.live_app import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    browser,
    serve,
    sign_in_with_sandbox,
    wait_for_data,
)
from trafficdash.i18n.metric_format import format_metric
from trafficdash.ui.pages.overview import OVERVIEW_KPIS

pytestmark = pytest.mark.browser


def _value(raw: object) -> Decimal | int | None:
    if raw is None:
        return None
    text = str(raw)
    return Decimal(text) if "." in text or "E" in text.upper() else int(text)


def _shown_currency(page) -> str:
    label = page.locator("[data-testid=account-select]").inner_text()
    match = re.search(r"All (\w{3}) accounts|\w{3}(?= ·)", label)
    assert match, label
    return match.group(1) or match.group(0)


def _check_kpis_equal_api(page, base: str, currency: str) -> dict:
    response = page.request.get(f"{base}/api/insights/summary?preset=last_30d&currency={currency}")
    assert response.ok, response.text()
    group = response.json()["groups"][0]
    assert _value(group["kpis"]["impressions"]["value"]), "the first sync delivered nothing"
    for key in OVERVIEW_KPIS:
        expected = format_metric(key, _value(group["kpis"][key]["value"]), currency, "en")
        shown = page.locator(f"[data-kpi-value={key}]").inner_text().strip()
        assert shown == expected, (key, shown, expected)
    return group


def test_overview_and_campaigns_in_chromium() -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    with serve() as base, browser() as chromium:
        desktop = chromium.new_context(viewport=DESKTOP, device_scale_factor=1)
        page = desktop.new_page()
        sign_in_with_sandbox(page, base)
        body = wait_for_data(page, base)
        currency = next(g["currency"] for g in body["groups"] if _value(g["kpis"]["impressions"]["value"]))

        page.goto(f"{base}/")
        page.wait_for_selector("[data-testid=account-select]", timeout=20_000)
        if _shown_currency(page) != currency:  # choose the synced currency, as a user would
            page.locator("[data-testid=account-select]").click()
            page.locator(".q-menu .q-item", has_text=f"All {currency} accounts").click()
        page.wait_for_selector("[data-kpi-value=spend]", timeout=20_000)
        assert _shown_currency(page) == currency
        _check_kpis_equal_api(page, base, currency)
        page.wait_for_timeout(800)  # let the charts finish their entry animation
        page.screenshot(path=str(SCREENSHOTS / "overview-desktop.png"), full_page=True)

        page.goto(f"{base}/campaigns")
        page.wait_for_selector(".td-table tbody tr", timeout=20_000)
        api = page.request.get(
            f"{base}/api/campaigns?preset=last_30d&currency={currency}&page_size=25"
        ).json()
        first_row = page.locator(".td-table tbody tr").first.inner_text()
        top = api["rows"][0]
        assert top["name"] in first_row
        assert format_metric("spend", _value(top["metrics"]["spend"]), currency, "en") in first_row
        page.screenshot(path=str(SCREENSHOTS / "campaigns-desktop.png"), full_page=True)

        page.locator(".td-table tbody tr a").first.click()
        page.wait_for_selector("[data-kpi-value=spend]", timeout=20_000)
        page.wait_for_timeout(800)
        page.screenshot(path=str(SCREENSHOTS / "campaign-detail-desktop.png"), full_page=True)

        phone = chromium.new_context(
            viewport=PHONE, device_scale_factor=2, storage_state=desktop.storage_state()
        )
        mobile = phone.new_page()
        mobile.goto(f"{base}/")
        mobile.wait_for_selector("[data-kpi-value=spend]", timeout=20_000)
        _check_kpis_equal_api(mobile, base, currency)
        # Nothing may push the page sideways at phone width.
        overflow = mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the overview is {overflow}px wider than a 390px phone"
        mobile.wait_for_timeout(800)
        mobile.screenshot(path=str(SCREENSHOTS / "overview-phone.png"), full_page=True)
        mobile.goto(f"{base}/campaigns")
        mobile.wait_for_selector(".td-table tbody tr", timeout=20_000)
        mobile.screenshot(path=str(SCREENSHOTS / "campaigns-phone.png"), full_page=True)
        for path in ("/campaigns", "/audience", "/accounts", "/sync", "/alerts", "/reports", "/settings"):
            mobile.goto(f"{base}{path}")
            mobile.wait_for_selector(
                ".td-metric-switch" if path == "/audience" else ".td-card", timeout=20_000
            )
            mobile.wait_for_timeout(800)
            if path == "/audience":
                mobile.screenshot(path=str(SCREENSHOTS / "audience-phone.png"), full_page=True)
            overflow = mobile.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} is {overflow}px wider than a 390px phone"
