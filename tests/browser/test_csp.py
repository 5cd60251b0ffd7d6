"""The security headers' Content-Security-Policy under a real Chromium: after a real login, every
main page renders, keeps its websocket connected, and the browser reports no CSP violation and no
console error."""

from __future__ import annotations

import pytest

from tests.browser.live_app import DESKTOP, browser, serve, sign_in_with_sandbox

pytestmark = pytest.mark.browser

PAGES = ["/", "/campaigns", "/audience", "/accounts", "/sync", "/reports", "/alerts", "/settings"]
# Recorded before any page script runs, so a violation during load is caught too.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
});
"""


def test_main_pages_work_under_the_csp() -> None:
    with serve() as base, browser() as chromium:
        context = chromium.new_context(viewport=DESKTOP)
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
        sign_in_with_sandbox(page, base)
        for path in PAGES:
            response = page.goto(f"{base}{path}")
            assert response is not None and response.ok, path
            csp = response.headers.get("content-security-policy", "")
            assert "default-src" in csp and "frame-ancestors 'none'" in csp, (path, csp)
            # NiceGUI draws the page over its socket.io websocket: connected means rendered and live.
            page.wait_for_function("() => window.socket && window.socket.connected", timeout=20_000)
            page.wait_for_selector(".q-page", timeout=20_000)
            assert "/login" not in page.url, path
            page.wait_for_timeout(500)  # late resources (fonts, charts) get the chance to be blocked
            violations = page.evaluate("() => window.__cspViolations")
            assert violations == [], (path, violations)
        assert errors == [], errors
        # The recorder works: an image from another origin is blocked (img-src) and reported.
        page.evaluate(
            "() => { const i = new Image(); i.src = 'http://192.0.2.1/x.png'; document.body.append(i); }"
        )
        page.wait_for_function("() => window.__cspViolations.length > 0", timeout=10_000)
        assert "img-src" in page.evaluate("() => window.__cspViolations")[0]
