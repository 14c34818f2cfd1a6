"""WCAG 2.1 AA / RGAA 4.1 criteria that axe-core does not check, measured in the page.

`PageAudit(page).check(name)` runs every measure below on the page as it is, collects what it
finds (one report for a whole story, not the first failure only), and leaves the page as it was:
- 2.4.1 bypass blocks: the first Tab reaches a visible "skip to content" link that moves the
  focus to <main>;
- 2.5.3 label in name: each link's and button's accessible name contains its visible text;
- 1.4.11 non-text contrast: the focus indicator of each control reached by Tab (its rings, from
  the computed outline and box-shadow, against each other and the background around), and the
  border of each form field against the background around it;
- 1.4.10 reflow: at 320 CSS px the document does not scroll horizontally, and any container that
  scrolls is a focusable, named region (tabindex="0", a role, a label);
- 1.4.12 text spacing: with the text-spacing bookmarklet's style sheet, at 320 px and on a
  desktop screen, no box clips or overflows its content;
- 1.4.4 resize text (optional): with text at 200 %, no horizontal scrolling, nothing clipped;
- 2.4.2 page titled: the title is recorded, for the story to compare the pages it visited.
Injecting style sheets needs a context opened with `bypass_csp=True` (the app's CSP is strict).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from tests.browser.a11y import WIDEST, screenshot
from tests.browser.people import SessionData

NARROW = {"width": 320, "height": 640}
# The bookmarklet of WCAG's Understanding 1.4.12 (Steve Faulkner's), as a style sheet.
TEXT_SPACING = ("*{line-height:1.5!important;letter-spacing:.12em!important;"
                "word-spacing:.16em!important}p{margin-bottom:2em!important}")
BIG_TEXT = "html{font-size:200%!important}"
MIN_NON_TEXT_CONTRAST = 3.0
MAX_TABS = 80

# Boxes whose content does not fit: clipped (overflow hidden/clip), spilling out of a box of fixed
# size (overflow visible: it covers what follows), or scrolling without the keyboard being able
# to reach and scroll it. Form controls scroll their own value by design and are left out.
UNFITTING = """() => {
  const leaves = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'PROGRESS', 'BR', 'IMG']);
  const label = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
    + (typeof e.className === 'string' && e.className.trim()
       ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const clipped = e => {
    for (let n = e; n; n = n.parentElement) if (getComputedStyle(n).clip !== 'auto') return true;
    return false;
  };
  const found = [];
  for (const e of document.body.querySelectorAll('*')) {
    if (leaves.has(e.tagName) || e.closest('.visually-hidden, [hidden], .skip-link')) continue;
    if (clipped(e)) continue;  // visually hidden for screen readers, by a style sheet rule
    const s = getComputedStyle(e);
    if (['none', 'inline', 'contents'].includes(s.display) || s.visibility === 'hidden') continue;
    if (!e.getClientRects().length) continue;
    const wide = e.scrollWidth > e.clientWidth + 1, tall = e.scrollHeight > e.clientHeight + 1;
    if (!wide && !tall) continue;
    const scrolls = v => v === 'auto' || v === 'scroll';
    const size = `content ${e.scrollWidth}×${e.scrollHeight} px`
      + ` in ${e.clientWidth}×${e.clientHeight}`;
    if ((!wide || scrolls(s.overflowX)) && (!tall || scrolls(s.overflowY))) {
      const ok = e.getAttribute('tabindex') === '0' && e.hasAttribute('role')
        && (e.hasAttribute('aria-label') || e.hasAttribute('aria-labelledby'));
      if (!ok) found.push([e, `${label(e)} scrolls (${size}) but is not a focusable, named `
                              + 'region']);
      continue;
    }
    const how = s.overflowX === 'visible' && s.overflowY === 'visible' ? 'overflows' : 'is clipped';
    found.push([e, `${label(e)}: its content ${how} (${size})`]);
  }
  // The innermost boxes only: their ancestors overflow because of them.
  return found.filter(([e]) => !found.some(([o]) => o !== e && e.contains(o))).map(([, t]) => t);
}"""

# The first Tab of a fresh visit: from a temporary starting point at the top of <body>.
FOCUS_FROM_TOP = """() => {
  const start = document.createElement('span');
  start.tabIndex = -1;
  start.id = 'wcag-audit-start';
  document.body.prepend(start);
  start.focus();
}"""
# No htmx request, swap or settle under way, then two frames: the focus that a swap moves (to
# the new heading, web/static/js/app.js) has moved before the audit moves it itself.
SETTLED = """() => new Promise(resolve => {
  const busy = '.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added';
  const check = () => document.querySelector(busy) ? setTimeout(check, 20)
    : requestAnimationFrame(() => requestAnimationFrame(resolve));
  check();
})"""
REMOVE_START = "() => document.getElementById('wcag-audit-start')?.remove()"

DESCRIBE_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const colour = el => {
    for (let n = el; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (!/^rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  // What is drawn just outside the indicator, on the right (a positioned element, such as the
  // skip link, may be over something else than its parent).
  const x = Math.min(r.right + 7, innerWidth - 1), y = r.top + r.height / 2;
  const beside = document.elementsFromPoint(x, y).find(n => n !== e && !e.contains(n));
  return {
    what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "'
      + (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 40) + '"',
    key: e.tagName + (e.id || '') + (e.getAttribute('name') || '') + (e.getAttribute('href') || '')
      + (e.innerText || '').trim().slice(0, 40) + (e.value || '') + r.top,
    outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    outlineOffset: parseFloat(s.outlineOffset) || 0, outlineColor: s.outlineColor,
    boxShadow: s.boxShadow, around: colour(beside || e.parentElement || e),
  };
}"""

# Visible text (what a speech-input user reads and says) and accessible name, as far as the
# pages need it: aria-labelledby, aria-label, else the text content (hidden-text spans included).
LABELS = """() => {
  const clean = t => (t || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  const visible = n => {
    if (n.nodeType === Node.TEXT_NODE) return n.textContent;
    if (n.nodeType !== Node.ELEMENT_NODE) return '';
    if (n.matches('.visually-hidden, [aria-hidden="true"], [hidden]')) return '';
    if (n.tagName === 'IMG') return '';
    return Array.from(n.childNodes).map(visible).join('');
  };
  const name = e => {
    const by = e.getAttribute('aria-labelledby');
    if (by) return by.split(/\\s+/)
      .map(id => document.getElementById(id)?.textContent || '').join(' ');
    if (e.hasAttribute('aria-label')) return e.getAttribute('aria-label');
    if (e.tagName === 'INPUT') return e.value;
    return Array.from(e.childNodes).map(n => n.nodeType === Node.ELEMENT_NODE && n.tagName === 'IMG'
      ? n.alt : n.textContent).join('');
  };
  return Array.from(document.querySelectorAll(
      'a[href], button, [role=button], [role=link], input[type=submit], input[type=button]'))
    .filter(e => e.getClientRects().length && !e.closest('[hidden]'))
    .map(e => [e.outerHTML.slice(0, 120), clean(visible(e) || e.value), clean(name(e))])
    .filter(([, shown, named]) => shown && !named.includes(shown));
}"""

FIELD_BORDERS = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea'))
  .filter(e => e.getClientRects().length)
  .map(e => {
    const s = getComputedStyle(e);
    let around = 'rgb(255, 255, 255)';
    for (let n = e.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (!/^rgba\\(.*, 0\\)$/.test(c) && c !== 'transparent') { around = c; break; }
    }
    return {what: e.tagName.toLowerCase() + '#' + e.id, width: parseFloat(s.borderTopWidth) || 0,
            border: s.borderTopColor, inside: s.backgroundColor, around};
  })"""


def parse_colour(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    if css.startswith("rgb") and len(numbers) >= 3:
        return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)  # type: ignore[return-value]
    raise ValueError(f"unexpected colour {css!r}")


def luminance(rgb: tuple[float, ...]) -> float:
    def linear(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str | tuple[float, ...], b: str | tuple[float, ...]) -> float:
    la = luminance(parse_colour(a) if isinstance(a, str) else a)
    lb = luminance(parse_colour(b) if isinstance(b, str) else b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def focus_rings(style: dict) -> list[tuple[str, float]]:
    """The focus indicator as rings from the element's edge outwards: (colour, thickness in px),
    from its outline (width, offset) and first box-shadow (spread, no blur); gaps are left as
    the background colour."""
    shadow_colour, spread = style["around"], 0.0
    match = re.match(r"(rgba?\([^)]*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+([\d.]+)px",
                     style["boxShadow"] or "")
    if match and float(match[2]) == 0 and float(match[3]) == 0 and float(match[4]) == 0:
        shadow_colour, spread = match[1], float(match[5])
    width = style["outlineWidth"] if style["outlineStyle"] not in ("none", "hidden") else 0
    offset = max(style["outlineOffset"], 0) if width else 0
    rings: list[tuple[str, float]] = []
    step, radius = 0.5, 0.0
    while radius < max(spread, offset + width):
        if offset <= radius < offset + width:
            colour = style["outlineColor"]
        elif radius < spread:
            colour = shadow_colour
        else:
            colour = style["around"]
        if rings and rings[-1][0] == colour:
            rings[-1] = (colour, rings[-1][1] + step)
        else:
            rings.append((colour, step))
        radius += step
    return rings


def focus_indicator_problem(style: dict) -> str | None:
    rings = [ring for ring in focus_rings(style) if ring[0] != style["around"]]
    if not rings or sum(thickness for _, thickness in rings) < 2:
        return "no visible focus indicator (2 px or more)"
    outer = rings[-1][0]
    ratio = contrast(outer, style["around"])
    if ratio < MIN_NON_TEXT_CONTRAST:
        return (f"focus indicator's outer ring {outer} has {ratio:.2f}:1 against the "
                f"background {style['around']} around it")
    for (inner, _), (outer_ring, _) in zip(rings, rings[1:], strict=False):
        ratio = contrast(inner, outer_ring)
        if ratio < MIN_NON_TEXT_CONTRAST:
            return f"focus indicator's rings {inner} and {outer_ring}: {ratio:.2f}:1"
    return None


@dataclass
class PageAudit:
    page: Page
    problems: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)

    def problem(self, name: str, text: str) -> None:
        line = f"{name} ({self.page.url.split('#')[0]}): {text}"
        if line not in self.problems:  # a page and its variants: each problem once
            self.problems.append(line)

    def check_refused(self, name: str, *, big_text: bool = False) -> None:
        """The page again once its form was refused: with its error summary shown."""
        expect(self.page.get_by_role("alert")).to_be_visible()
        self.check(name, big_text=big_text)

    def check(self, name: str, *, big_text: bool = False) -> None:
        """Every measure on the page as it is now; `name` is the page (shared by its variants,
        e.g. a form and the same form with errors: they have one title)."""
        self.page.wait_for_load_state()
        self.page.evaluate(SETTLED)
        self.titles.setdefault(name, self.page.title())
        self.check_skip_link(name)
        for html, shown, named in self.page.evaluate(LABELS):
            self.problem(name, f"2.5.3 label in name: visible text {shown!r} not in the "
                               f"accessible name {named!r} of {html}")
        self.check_focus_indicators(name)
        self.check_field_borders(name)
        viewport = self.page.viewport_size
        try:
            self.page.set_viewport_size(NARROW)
            self.check_layout(name, "1.4.10 reflow at 320 px", "")
            self.check_layout(name, "1.4.12 text spacing at 320 px", TEXT_SPACING)
            if viewport:
                self.page.set_viewport_size(viewport)
            self.check_layout(name, "1.4.12 text spacing", TEXT_SPACING)
            if big_text:
                self.check_layout(name, "1.4.4 text at 200 %", BIG_TEXT)
        finally:
            if viewport:
                self.page.set_viewport_size(viewport)

    def check_skip_link(self, name: str) -> None:
        self.page.evaluate(FOCUS_FROM_TOP)
        self.page.keyboard.press("Tab")
        self.page.evaluate(REMOVE_START)
        first = self.page.evaluate("""() => {
            const e = document.activeElement, r = e.getBoundingClientRect();
            return {href: e.getAttribute('href'), text: e.textContent.trim(),
                    visible: r.width > 1 && r.height > 1 && r.right > 0 && r.bottom > 0
                             && r.left < innerWidth && r.top < innerHeight}; }""")
        if first["href"] != "#contenu":
            self.problem(name, f"2.4.1 the first Tab reaches {first}, not the skip link")
            return
        if not first["visible"]:
            self.problem(name, "2.4.1 the skip link is not visible when focused")
        self.page.keyboard.press("Enter")
        if self.page.evaluate("document.activeElement.id") != "contenu":
            self.problem(name, "2.4.1 the skip link does not move the focus to <main>")

    def check_focus_indicators(self, name: str) -> None:
        self.page.evaluate(FOCUS_FROM_TOP)
        seen: set[str] = set()
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            self.page.evaluate(REMOVE_START)
            style = self.page.evaluate(DESCRIBE_FOCUSED)
            if style is None or style["key"] in seen:
                break
            seen.add(style["key"])
            problem = focus_indicator_problem(style)
            if problem:
                self.problem(name, f"1.4.11 {style['what']}: {problem}")
        self.page.evaluate("document.activeElement && document.activeElement.blur()")

    def check_field_borders(self, name: str) -> None:
        for box in self.page.evaluate(FIELD_BORDERS):
            ratio = contrast(box["border"], box["around"])
            if box["width"] < 1 or ratio < MIN_NON_TEXT_CONTRAST:
                self.problem(name, f"1.4.11 the border of {box['what']} ({box['width']} px "
                                   f"{box['border']}) has {ratio:.2f}:1 against {box['around']}")

    def check_layout(self, name: str, criterion: str, css: str) -> None:
        sheet = self.page.add_style_tag(content=css) if css else None
        try:
            width = self.page.viewport_size["width"]  # type: ignore[index]
            scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                wide = "; ".join(self.page.evaluate(WIDEST, width))
                self.problem(name, f"{criterion}: the page is {scroll_width} px wide in "
                                   f"{width} px ({wide})")
            unfitting = self.page.evaluate(UNFITTING)
            for text in unfitting:
                self.problem(name, f"{criterion}: {text}")
            if unfitting or scroll_width > width:
                slug = re.sub(r"\W+", "-", f"{name}-{criterion}").strip("-")
                screenshot(self.page, f"wcag-{slug}")
        finally:
            if sheet is not None:
                sheet.evaluate("sheet => sheet.remove()")

    def report(self) -> str:
        return f"{len(self.problems)} problem(s):\n" + "\n".join(
            f"  {p}" for p in self.problems)


# --- shared by the stories -----------------------------------------------------------------------

SUFFIX = " – Passation"  # every page's title ends with the site's name


def assert_titles_tell_the_pages_apart(titles: dict[str, str]) -> None:
    """2.4.2 / RGAA 8.6: each page has its own title, saying what it is, then the site's name."""
    for name, title in titles.items():
        assert title.endswith(SUFFIX) and title != "Passation" + SUFFIX, (name, title)
    by_title: dict[str, list[str]] = {}
    for name, title in titles.items():
        by_title.setdefault(title, []).append(name)
    shared = {title: names for title, names in by_title.items() if len(names) > 1}
    assert not shared, f"pages sharing a title: {shared}"


def fill_join_form(page: Page, exam: SessionData, first_name: str, last_name: str,
                   born: dt.date) -> None:
    """The join form by field id: the same in either language."""
    for field_id, value in (("session", str(exam.id)), ("first_name", first_name),
                            ("last_name", last_name), ("day", str(born.day)),
                            ("month", str(born.month)), ("year", str(born.year))):
        page.locator(f"#{field_id}").fill(value)
    page.locator("form[action='/candidat'] button[type=submit]").click()
