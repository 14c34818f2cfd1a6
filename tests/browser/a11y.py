"""axe-core checks (WCAG 2.0/2.1 A and AA) and screenshots of every page a scenario visits.

`assert_accessible(page, name)` saves `test-output/screenshots/<name>.png` for a reviewer, then
runs axe-core in the page and fails with each violation and the elements it found it on.
axe-core needs JavaScript: a page from a JavaScript-disabled context is audited as a copy, loaded
in a JavaScript-enabled context at the same address with every script blocked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route

from web.settings import ROOT

SCREENSHOTS = ROOT / "test-output" / "screenshots"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
_axe = Axe()


def screenshot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} [{violation['impact']}] {violation['help']}"
                     f" – {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ").strip()
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict]:
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def assert_accessible(page: Page, name: str) -> None:
    """Screenshot, then zero WCAG 2.1 A/AA violations on the page as it is now."""
    screenshot(page, name)
    if page.context.browser is not None and _javascript_disabled(page):
        violations = _audit_copy(page.context.browser, page)
    else:
        violations = axe_violations(page)
    if violations:
        report = describe(violations)
        print(f"\naxe-core: {len(violations)} violation(s) on {name} ({page.url}):\n{report}")
        pytest.fail(f"axe-core found {len(violations)} WCAG 2.1 A/AA violation(s) on {name} "
                    f"({page.url}):\n{report}", pytrace=False)


def _javascript_disabled(page: Page) -> bool:
    return bool(getattr(page.context, "passation_no_js", False))


def _audit_copy(browser: Browser, page: Page) -> list[dict]:
    html, url = page.content(), page.url
    context = browser.new_context(viewport=page.viewport_size, bypass_csp=True)
    try:
        def serve(route: Route) -> None:
            if route.request.url == url:
                route.fulfill(body=html, content_type="text/html; charset=utf-8")
            elif route.request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        context.route("**/*", serve)
        copy = context.new_page()
        copy.goto(url)
        return axe_violations(copy)
    finally:
        context.close()


WIDEST = """width => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .slice(0, 8)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim() : '')
    + ' right=' + Math.round(e.getBoundingClientRect().right))"""


def assert_no_horizontal_scroll(page: Page, name: str) -> None:
    """WCAG 1.4.10 reflow / 1.4.4 resize text: nothing wider than the viewport."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        offenders = "\n".join(f"    {e}" for e in page.evaluate(WIDEST, width))
        screenshot(page, name)
        pytest.fail(f"{name}: the page is {scroll_width} px wide in a {width} px viewport "
                    f"({page.url}); too wide:\n{offenders}", pytrace=False)
