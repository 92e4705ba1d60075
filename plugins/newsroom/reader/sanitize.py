"""The one allow-list every post's HTML passes, whatever it was written in.

nh3 keeps what news text needs and nothing that runs: no script, style,
form, frame, meta or event attribute, and no `javascript:`, `vbscript:` or
`data:` URL. Then an image from another host becomes a plain link to it:
the site never hot-links (a page's CSP would block it anyway, leaving a
broken image; a feed would send every reader's address to that host).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from lxml import html as lxml_html

# What news text needs, and nothing that runs: no script, style, form, frame,
# meta or event attribute; `id` and `class` only where Markdown's footnotes use them.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"dir", "lang", "title"},
    "a": {"href", "class"},
    "img": {"src", "alt", "width", "height"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "sup": {"id"},
    "li": {"id"},
    "div": {"class"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def host_of(url: str) -> str | None:
    """The host a browser would fetch `url` from: None for a path on this site,
    '' for an address with a scheme but no readable host. Browsers read `\\`
    as `/` in web URLs, so `\\\\host/x` names another host too."""
    try:
        parts = urlsplit(url.strip().replace("\\", "/"))
    except ValueError:  # an address no browser can read: not ours either
        return ""
    if not (parts.scheme or parts.netloc):
        return None
    return (parts.hostname or "").lower()


def _remote_images_as_links(html: str, own_host: str | None) -> str:
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    changed = False
    for image in list(fragment.iter("img")):
        src = image.get("src", "")
        if host_of(src) in (None, own_host):
            continue
        link = lxml_html.Element("a", href=src)
        link.text = image.get("alt") or src
        link.tail = image.tail
        image.getparent().replace(image, link)
        changed = True
    if not changed:
        return html
    inner = (fragment.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in fragment)
    return nh3.clean(inner, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES)


def sanitize(html: str, siteurl: str = "") -> str:
    """`html` with nothing that runs and no image from a host other than `siteurl`'s."""
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES)
    if "<img" not in clean:
        return clean
    return _remote_images_as_links(clean, host_of(siteurl) or None)
