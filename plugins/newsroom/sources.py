"""Each story credited to the outlet it comes from, and a page per outlet.

Posts converted from a web page, a feed or a URL carry `Source` (the
outlet), `Source-URL` (the original article) and `Authors`. Here:

- every story gets `source_slug` and `original_url` (only an http or https
  address: a hand-typed `javascript:` never becomes a link);
- `source/<slug>/` lists each outlet's stories, newest first, paginated like
  a desk (`SourcesGenerator`), with its feed (SOURCE_FEED_ATOM): one page
  per slug, so `Reuters` and `REUTERS` are one outlet (names.py gives them one name).
"""

from __future__ import annotations

from collections import defaultdict

from pelican.generators import Generator
from pelican.utils import slugify

SOURCE_SAVE_AS = "source/{slug}/index.html"
SOURCE_URL = "source/{slug}/"


def credit_sources(generator) -> None:
    subs = generator.settings["SLUG_REGEX_SUBSTITUTIONS"]
    slugs: dict[str, str] = {}
    for article in generator.articles:
        name = getattr(article, "source", "") or ""
        if name and name not in slugs:
            slugs[name] = slugify(name, regex_subs=subs)
        article.source_slug = slugs.get(name, "")
        address = article.metadata.get("source-url", "") or ""
        article.original_url = address if address.startswith(("http://", "https://")) else ""


class SourcesGenerator(Generator):
    """Writes `source/<slug>/`: one outlet's stories."""

    def generate_context(self) -> None:
        pass  # the stories are read by the articles generator

    def generate_output(self, writer) -> None:
        stories: dict[str, list] = defaultdict(list)
        for article in self.context.get("articles", []):
            if getattr(article, "source_slug", ""):
                stories[article.source_slug].append(article)
        template = self.get_template("source")
        for slug, articles in sorted(stories.items()):
            name = articles[0].source  # one name per outlet (names.py)
            save_as, url = SOURCE_SAVE_AS.format(slug=slug), SOURCE_URL.format(slug=slug)
            writer.write_file(save_as, template, self.context, articles=articles,
                              paginated={"articles": articles}, template_name="source", url=url,
                              source_name=name)
            if self.settings.get("SOURCE_FEED_ATOM"):
                writer.write_feed(articles, self.context, self.settings["SOURCE_FEED_ATOM"].format(slug=slug),
                                  feed_title=name)


def add_sources_generator(pelican_object):
    return SourcesGenerator
