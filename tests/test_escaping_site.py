"""Hostile text in posts, built by Pelican, never becomes live markup."""

from html.parser import HTMLParser

import pytest

from conftest import FIXTURES
from sitebuild import build_site


class LiveMarkup(HTMLParser):
    """Records elements and attributes that could only have come from the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not dict(attrs).get("type", "").startswith("application/ld+json"):
            if dict(attrs).get("src") is None:
                self.found.append("<script> without src")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")
        if tag == "b":
            self.found.append("<b>")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    posts = sorted((FIXTURES / "posts" / "hostile").glob("*.md"))
    return build_site(posts, tmp_path_factory.mktemp("hostile"))


def test_no_page_carries_markup_from_scraped_text(hostile_site):
    pages = sorted(hostile_site.rglob("*.html")) + sorted(hostile_site.rglob("*.xml"))
    assert len(pages) > 5
    for page in pages:
        parser = LiveMarkup()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.found == [], page


def test_hostile_article_shows_its_text_literally(hostile_site):
    (article,) = hostile_site.glob("2025/03/10/*/index.html")
    html = article.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;body&#34;)&lt;/script&gt;" in html or \
        "&lt;script&gt;alert(\"body\")&lt;/script&gt;" in html
    assert "<p>#1 on the list" in html
    assert "*extra*" in html
    assert "[click me](javascript:alert(document.cookie))" in html
