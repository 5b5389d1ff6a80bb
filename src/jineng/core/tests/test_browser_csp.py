"""The Content-Security-Policy in chromium: the API docs (Swagger UI) render from this site's own files
with no violation, and the browser kit's page fixture does catch a violation when one happens (every
browser test relies on that)."""

from __future__ import annotations

from typing import Any

import pytest

from jineng.core.tests import browser_kit

pytestmark = pytest.mark.browser

browser = browser_kit.browser
page = browser_kit.page


def test_api_docs_render_from_this_site_without_a_violation(
    transactional_db: None, live_server: Any, page: Any
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    response = page.goto(base + "/api/v1/docs")
    assert response is not None and response.status == 200
    # Swagger renders once /api/v1/openapi.json (every route's schema) is built: slow on a loaded machine.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("技能 Jineng API", timeout=30_000)
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    # A bureau's network reaches no CDN: everything came from Jineng itself (or is inline data).
    assert [u for u in requested if not u.startswith((base, "data:"))] == []
    assert any(u.endswith("/static/ninja/swagger-ui-bundle.js") for u in requested)


def test_the_kit_fails_on_a_violation(transactional_db: None, live_server: Any, browser: Any) -> None:
    context = browser.new_context()
    try:
        pg = context.new_page()
        seen: list[str] = []
        browser_kit.watch_csp(pg, seen)
        pg.goto(live_server.url + "/login/")
        # What an injected inline script would be: blocked by script-src 'self', and reported.
        pg.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.ran = true"; document.body.appendChild(s); }"""
        )
        pg.wait_for_timeout(300)
        assert pg.evaluate("() => window.ran === undefined")
        assert any("script-src" in line for line in seen), seen
    finally:
        context.close()


def test_the_kit_records_a_request_to_another_host(browser: Any) -> None:
    """Every browser test fails on a request leaving the machine: shown here on a page of our own making."""
    context = browser.new_context()
    try:
        pg = context.new_page()
        seen: list[str] = []
        browser_kit.watch_outside(pg, seen)
        pg.set_content('<img src="http://cdn.example.invalid/x.png"><img src="http://localhost:9/ok.png">')
        pg.wait_for_timeout(300)
        assert seen == ["外部请求 http://cdn.example.invalid/x.png"]
    finally:
        context.close()
