"""Posts with arbitrary header values, in Markdown, reST and HTML: no traceback, and every
post that cannot stand (no Title, no usable Date) counted as left out, the rest built.

Many examples go through Pelican's real reading path (the articles generator's
generate_context and the plugin's signals after it, as a build runs them); a
few go through a whole build. A build per example would take hours.
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sitebuild import build_content, site_settings

# Text an editor can type on one header line: any character but control ones and surrogates.
VALUE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=24)
OPTIONAL = ["Modified", "Slug", "Category", "Tags", "Summary", "Lang", "Timezone", "Source", "Source-URL",
            "Authors", "Caption", "Credit", "Photo", "Photo-Size", "Photo-Widths", "Photo-Formats",
            "Translation"]
DATES = {"good": "2025-03-{day:02d}", "none": None, "bad": "yesterday", "bad-month": "2025-13-40"}
STATUSES = st.sampled_from([None, "published", "Hidden", "draft", "DRAFT", "pubished", "live", ""])


@st.composite
def posts(draw):
    """One post: its format, the header as (key, value) pairs and whether it must be left out."""
    fmt = draw(st.sampled_from(["md", "rst", "html"]))
    title = draw(st.sampled_from(["Harbour Fees Rise", "Élections à Lyon", None]))
    date = draw(st.sampled_from(sorted(DATES)))
    status = draw(STATUSES)
    fields = draw(st.dictionaries(st.sampled_from(OPTIONAL), VALUE, max_size=6))
    known = status is None or status.strip() == "" or status.lower() in ("published", "hidden", "draft")
    draft = status is not None and status.lower() == "draft"  # Pelican dates a draft itself
    return {"format": fmt, "title": title, "date": date, "status": status, "fields": fields,
            "left_out": title is None or not known or date.startswith("bad") or (date == "none" and not draft)}


def _rst_value(value: str) -> str:
    return value.replace("\\", "\\\\")


def post_text(post: dict, day: int) -> str:
    """The post as its format writes it. Drafts' addresses have no date, so the
    title and any Slug start with the post's number: no two posts share an address."""
    date = DATES[post["date"]]
    header = [("Date", date.format(day=day))] if date else []
    if post["status"] is not None:
        header.append(("Status", post["status"]))
    fields = {**post["fields"], **({"Slug": f"p{day}-{post['fields']['Slug']}"} if "Slug" in post["fields"] else {})}
    header += sorted(fields.items())
    post = {**post, "title": post["title"] and f"{post['title']} {day}"}
    if post["format"] == "md":
        lines = ([f"Title: {post['title']}"] if post["title"] else []) + [f"{k}: {v}" for k, v in header]
        return "\n".join(lines) + "\n\nThe story's body.\n"
    if post["format"] == "rst":
        title = f"{post['title']}\n{'#' * 40}\n\n" if post["title"] else ""
        fields = "".join(f":{k.lower()}: {_rst_value(v)}\n" for k, v in header)
        return f"{title}{fields}\nThe story's body.\n"
    metas = "".join(f'<meta name="{k.lower()}" content="{html.escape(v)}">\n' for k, v in header)
    title = f"<title>{html.escape(post['title'])}</title>" if post["title"] else ""
    return f"<html><head>{title}\n{metas}</head><body><p>The story's body.</p></body></html>\n"


def write_posts(content: Path, batch: list[dict]) -> None:
    articles = content / "articles"
    shutil.rmtree(articles, ignore_errors=True)
    articles.mkdir(parents=True)
    for day, post in enumerate(batch, start=1):  # one day each: no two share an address
        (articles / f"post{day}.{post['format']}").write_text(post_text(post, day), encoding="utf-8")


def read_as_a_build_does(workdir: Path) -> tuple[dict, list]:
    """({post left out: why}, stories kept) through Pelican's real reading path, without writing."""
    from newsroom.left_out import LEFT_OUT
    from newsroom.speed import collect_as_usual
    from pelican import Pelican, signals
    from pelican.generators import ArticlesGenerator

    pelican_settings = site_settings(workdir)
    logging.getLogger("pelican").setLevel(logging.ERROR)
    site = Pelican(pelican_settings)  # `initialized`: the plugin's patches and counters
    context = {**pelican_settings, "generated_content": {}, "static_links": set(), "static_content": {},
               "localsiteurl": pelican_settings["SITEURL"]}
    generator = ArticlesGenerator(context=context, settings=pelican_settings, path=site.path, theme=site.theme,
                                  output_path=site.output_path)
    try:
        generator.generate_context()
        signals.article_generator_finalized.send(generator)
    finally:
        collect_as_usual()
    return dict(LEFT_OUT), [*generator.articles, *generator.translations, *generator.hidden_articles,
                           *generator.hidden_translations, *generator.drafts, *generator.drafts_translations]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(posts(), min_size=1, max_size=4))
def test_any_header_is_read_without_a_traceback_and_bad_posts_are_counted(batch):
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        write_posts(workdir / "content", batch)
        left_out, kept = read_as_a_build_does(workdir)
    assert len(left_out) == sum(post["left_out"] for post in batch)
    assert "could not be read" not in left_out.values()  # each one said why: no exception got through
    assert len(kept) == sum(not post["left_out"] for post in batch)
    for story in kept:
        assert story.title.strip() and (story.date.year == 2025 or story.status == "draft")


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(posts(), min_size=2, max_size=4))
def test_a_whole_build_of_any_headers_ends_with_the_right_count(batch):
    from newsroom.left_out import PostsLeftOut

    expected = sum(post["left_out"] for post in batch)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        write_posts(workdir / "content", batch)
        try:
            build_content(workdir)
            said = None
        except PostsLeftOut as error:
            said = str(error)
        built = sorted((workdir / "output").glob("2025/03/*/*/index.html"))
    if expected:
        assert said.startswith(f"{expected} post{'s' if expected != 1 else ''} left out of the site")
    else:
        assert said is None
    published = [post for post in batch if not post["left_out"]
                 and (post["status"] or "published").strip().lower() in ("published", "")]
    assert len(built) >= len(published)
