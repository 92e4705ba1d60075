"""The site as a reader meets it: headless Chromium over HTTP, with axe-core for accessibility."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import ARTIFACTS

pytestmark = pytest.mark.browser

SEOUL = "/2025/04/08/south-korea-will-hold-presidential-election-june-3-to-choose-yoons-successor/"
PAGE_TYPES = {
    "front": "/",
    "article": SEOUL,
    "article-photo": "/2024/04/17/russian-missile-experts-flew-to-iran-amid-clashes-with-israel/",
    "article-arabic": "/2025/01/11/india-weighs-monsoon-planning-as-talks-resume-part-4/",
    "tag": "/tag/united-nations/",
    "tags": "/tags/",
    "desk": "/category/asia/",
    "desks": "/categories/",
    "archives": "/archives/",
    "year": "/2025/",
    "month": "/2025/02/",
    "day": "/2025/01/11/",
    "search": "/search/",
    "about": "/about/",
    "not-found": "/404.html",
}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.errors = errors
    yield page
    context.close()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reader_goes_from_front_page_to_article_tag_edition_and_previous_edition(page, site_url):
    page.goto(site_url + "/")
    shoot(page, "front")
    page.click(".lead-title a")
    assert page.url == site_url + SEOUL
    assert page.locator("h1").inner_text().startswith("South Korea Will Hold")
    shoot(page, "article")

    page.click(".tag-group a:text-is('Yoon Suk Yeol')")
    assert page.url == site_url + "/tag/yoon-suk-yeol/"
    assert page.locator("h1").inner_text() == "Yoon Suk Yeol"
    shoot(page, "tag")

    page.click(f".headlines a[href='{SEOUL}']")
    assert page.url == site_url + SEOUL
    page.click(".article-header .story-meta a[href='/2025/04/08/']")  # the dateline: that day's edition
    assert page.url == site_url + "/2025/04/08/"
    assert page.locator("h1").inner_text() == "Tuesday, 8 April 2025"
    shoot(page, "day")

    page.click(".neighbours a[rel=prev]")
    assert page.url == site_url + "/2025/03/31/"
    assert page.locator("h1").inner_text() == "Monday, 31 March 2025"
    assert page.errors == []


def test_search_finds_an_article_by_a_word_only_in_its_body_and_opens_it(page, site_url, site):
    listing = json.loads((site / "pagefind/bundles.json").read_text())
    assert listing["primary"] == "2025-04" and "2025" in listing["bundles"]  # the story is in a merged bundle
    page.goto(site_url + "/search/")
    page.fill("#search-q", "glacier")
    results = page.locator(".search-result h2 a")
    results.first.wait_for(timeout=15000)
    assert results.count() == 1
    shoot(page, "search")
    results.first.click()
    page.wait_for_load_state()
    assert page.url == site_url + "/2025/01/18/quotes-markup-in-mexico-vaccine-supply-talks/"
    assert "glacier" in page.locator(".article-body").inner_text()
    assert page.errors == []


def test_first_tab_reaches_the_skip_link_and_focus_is_visible(page, site_url):
    page.goto(site_url + SEOUL)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
          const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
          return {text: el.textContent, href: el.getAttribute('href'), outline: style.outlineStyle,
                  width: parseFloat(style.outlineWidth), top: box.top};
        }"""
    )
    assert focused["text"] == "Skip to content" and focused["href"] == "#main"
    assert focused["outline"] != "none" and focused["width"] >= 2 and focused["top"] >= 0
    shoot(page, "skip-link-focused")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_dark_colour_scheme_changes_the_page_colours(browser, site_url):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(site_url + SEOUL)
        colours[scheme] = page.evaluate(
            "[getComputedStyle(document.body).backgroundColor, getComputedStyle(document.body).color]"
        )
        shoot(page, f"article-{scheme}")
        context.close()
    assert colours["light"][0] != colours["dark"][0]
    assert colours["light"][1] != colours["dark"][1]


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_page_scrolls_sideways_at_360_px(browser, site_url, name):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    shoot(page, f"phone-{name}")
    context.close()
    assert overflow <= 0


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_axe_finds_no_wcag_22_aa_violation(browser, site_url, name, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + PAGE_TYPES[name])
    if name == "search":
        page.goto(site_url + "/search/?q=talks&desk=Asia&sort=newest")
        page.locator(".search-result").first.wait_for(timeout=15000)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    context.close()
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]
    assert violations == []


def test_print_stylesheet_prints_only_the_story(page, site_url):
    page.goto(site_url + "/2025/01/06/germany-weighs-defence-spending-as-talks-resume-part-2/")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.masthead nav', '.site-footer', '.story-aside', '.neighbours']
              .map(s => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert hidden == ["none"] * 4
    assert page.locator(".article-body").is_visible()
    pdf = page.pdf(format="A4")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "article-print.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")


# ---- The width of the screen (issue: a site worth opening on a laptop) ---------

TEHRAN = "/2024/04/17/russian-missile-experts-flew-to-iran-amid-clashes-with-israel/"  # has a lead photo
LAYOUT_PAGES = {
    "front": "/", "story-photo": TEHRAN, "story": SEOUL, "tag": "/tag/united-nations/",
    "desk": "/category/asia/", "edition": "/2025/01/11/", "archives": "/archives/",
}
WIDTHS = (390, 1024, 1440)


@pytest.fixture(scope="module")
def widths(browser):
    contexts = {width: browser.new_context(viewport={"width": width, "height": 900}) for width in WIDTHS}
    yield {width: context.new_page() for width, context in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_and_each_is_shot_at_every_width(widths, site_url, width):
    page = widths[width]
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in LAYOUT_PAGES.items():
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_story_aside_sits_beside_the_body_from_1024_and_below_it_on_a_phone(widths, site_url, width):
    page = widths[width]
    page.goto(site_url + SEOUL)
    body, aside = box(page, ".article-body"), box(page, ".story-aside")
    if width >= 1024:
        assert aside["x"] >= body["x"] + body["width"] and aside["y"] < body["y"] + body["height"]
    else:
        assert aside["y"] >= body["y"] + body["height"]
    characters = page.evaluate("""() => {
        const p = document.querySelector('.article-body p'), range = document.createRange();
        const width = p.getBoundingClientRect().width, size = parseFloat(getComputedStyle(p).fontSize);
        const probe = document.createElement('span'); probe.textContent = 'abcdefghijklmnopqrstuvwxyz';
        p.append(probe); const letter = probe.getBoundingClientRect().width / 26; probe.remove();
        return width / letter; }""")
    if width >= 1024:
        assert 60 <= characters <= 80  # a readable measure, counted in average letters


@pytest.mark.parametrize("width", WIDTHS)
def test_the_front_page_sets_the_lead_beside_the_latest_from_1024(widths, site_url, width):
    page = widths[width]
    page.goto(site_url + "/")
    lead, latest = box(page, ".front-top .lead-story"), box(page, ".front-top .latest")
    beside = latest["x"] >= lead["x"] + lead["width"]
    assert beside == (width >= 1024)
    assert box(page, ".desk-grid")["y"] > latest["y"]


def test_the_lead_photo_loads_without_moving_anything(browser, site_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.add_init_script("""window.__shift = 0; new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
    }).observe({type: 'layout-shift', buffered: true});""")
    page.goto(site_url + TEHRAN)
    page.wait_for_load_state("networkidle")
    image = page.locator(".lead-photo img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.evaluate("img => img.currentSrc").endswith((".avif", ".webp"))
    assert page.evaluate("window.__shift") == 0
    context.close()


def test_the_charts_text_alternative_matches_the_stories_per_month(page, site_url, site):
    from collections import Counter

    from bs4 import BeautifulSoup

    expected = Counter()
    for story in site.glob("20*/*/*/*/index.html"):
        soup = BeautifulSoup(story.read_text(encoding="utf-8"), "html.parser")
        if soup.select_one('.article-tags a[href="/tag/united-nations/"]'):
            expected[story.relative_to(site).as_posix()[:7].replace("/", "-")] += 1
    page.goto(site_url + "/tag/united-nations/")
    rows = page.locator(".coverage-table tbody tr")
    table = {rows.nth(i).locator("time").get_attribute("datetime"): int(rows.nth(i).locator("td").text_content())
             for i in range(rows.count())}
    assert {month: count for month, count in table.items() if count} == dict(expected)
    caption = page.locator(".coverage figcaption").inner_text()
    assert f"{sum(expected.values())} stories over {len(table)} month" in caption
    bars = page.locator(".coverage-bars rect")
    assert bars.count() == len(table)


# ---- Search a newsroom would ship ----------------------------------------------

def results_of(page) -> list[dict]:
    page.locator("#search-status:has-text('found')").wait_for(timeout=15000)
    return page.evaluate("""() => [...document.querySelectorAll('.search-result')].map(item => ({
        url: item.querySelector('h2 a').getAttribute('href'),
        title: item.querySelector('h2 a').textContent,
        meta: item.querySelector('.story-meta').textContent}))""")


def test_a_shared_search_link_shows_its_results(page, site_url):
    page.goto(site_url + "/search/?q=martial+law")
    results = results_of(page)
    assert results[0]["url"] == SEOUL
    assert page.locator("#search-q").input_value() == "martial law"
    assert page.errors == []


def test_results_show_a_date_and_a_desk(page, site_url):
    page.goto(site_url + "/search/?q=martial+law")
    first = results_of(page)[0]
    assert first["meta"] == "Tuesday, 8 April 2025 · Asia"
    page.set_viewport_size({"width": 390, "height": 900})
    shoot(page, "search-results-390")


def test_the_header_form_searches_from_a_story_page(page, site_url):
    page.goto(site_url + SEOUL)
    page.fill("#site-search-q", "glacier")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=glacier")
    assert [r["url"] for r in results_of(page)] == ["/2025/01/18/quotes-markup-in-mexico-vaccine-supply-talks/"]


def test_newest_first_puts_a_2025_story_above_a_2024_one(page, site_url):
    page.goto(site_url + "/search/?q=minister&sort=newest")
    years = [int(r["url"][1:5]) for r in results_of(page)]
    assert 2024 in years and 2025 in years
    assert years == sorted(years, reverse=True)
    dates = page.evaluate("""() => [...document.querySelectorAll('.search-result h2 a')]
        .map(a => a.getAttribute('href').slice(1, 11))""")
    assert dates == sorted(dates, reverse=True)  # newest first across every bundle of the index


def test_a_desk_filter_keeps_only_that_desks_stories_and_the_address_follows(page, site_url):
    page.goto(site_url + "/search/?q=talks")
    everything = results_of(page)
    assert {r["meta"].split(" · ")[1] for r in everything} - {"Asia"}  # other desks first
    page.select_option("select[name=desk]", "Asia")
    page.wait_for_url("**/search/?q=talks&desk=Asia")
    page.locator(".search-result .story-meta:not(:has-text('Asia'))").first.wait_for(state="detached")
    asia = results_of(page)
    assert asia and all(r["meta"].endswith("· Asia") for r in asia)
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, "search-results-filtered-1280")


def test_a_year_filter_keeps_only_that_years_stories(page, site_url):
    page.goto(site_url + "/search/?q=minister&year=2024")
    results = results_of(page)
    assert results and all(r["url"].startswith("/2024/") for r in results)


def test_no_page_scrolls_sideways_at_360_with_the_header_form(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    for path in (SEOUL, "/", "/search/?q=talks", "/tag/united-nations/"):
        page.goto(site_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
    context.close()


def test_the_search_page_without_javascript_says_so_and_links_the_archives(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/search/?q=talks")
    notice = page.locator("noscript p")  # Playwright's text and role locators skip <noscript>
    assert notice.is_visible()
    assert "Search runs in your browser and needs JavaScript" in notice.inner_text()
    archives = notice.locator("a[href='/archives/']")
    assert archives.is_visible() and archives.inner_text() == "archives"
    assert page.locator("form.search-form").get_attribute("method") == "get"
    context.close()


# ---- A search that is slow, or fails, still ends well (issue 20, item 15) --------

def result_urls(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('.search-result h2 a')].map(a => a.getAttribute('href'))")


def first_page_of(browser, site_url, query: str) -> list[str]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "/search/?q=" + query)
    results_of(page)
    urls = result_urls(page)
    context.close()
    return urls


def search_again(page, words: str) -> None:
    page.fill("#search-q", words)
    page.keyboard.press("Enter")


def test_more_results_pressed_while_a_search_loads_shows_no_result_twice(page, site_url, browser):
    expected = first_page_of(browser, site_url, "minister")
    page.goto(site_url + "/search/?q=talks")
    results_of(page)
    assert page.locator("#search-more").is_visible()  # the first search has more than a page
    held = []  # the new search's result texts, held back until More is pressed

    def hold(route):
        if held is None:
            route.continue_()
        else:
            held.append(route)

    page.route("**/fragment/**", hold)
    with page.expect_request(lambda request: "/fragment/" in request.url):
        search_again(page, "minister")
    page.evaluate("document.getElementById('search-more').click()")  # pressed while the results load
    held, release = None, held
    for route in release:
        route.continue_()
    results_of(page)
    page.locator(".search-result").nth(len(expected) - 1).wait_for()
    shown = result_urls(page)
    assert len(shown) == len(set(shown))
    assert shown == expected


def test_more_results_pressed_twice_adds_each_page_once(page, site_url):
    page.goto(site_url + "/search/?q=talks")
    count = int(results_of(page) and page.locator("#search-status").inner_text().split()[0])
    page.evaluate("(() => { const more = document.getElementById('search-more'); more.click(); more.click(); })()")
    page.locator(".search-result").nth(min(count, 20) - 1).wait_for()
    shown = result_urls(page)
    assert len(shown) == len(set(shown)) == min(count, 20)


def test_a_later_search_that_fails_ends_in_a_one_line_error_not_searching(page, site_url):
    page.goto(site_url + "/search/?q=talks")
    results_of(page)
    page.route("**/fragment/**", lambda route: route.abort())
    search_again(page, "glacier")
    status = page.locator("#search-status")
    status.filter(has_not_text="Searching").wait_for(timeout=15000)
    message = status.inner_text()
    assert "could not" in message and "\n" not in message
    assert page.locator(".search-result").count() == 0  # the last search's results are gone
    assert not page.locator("#search-more").is_visible()
