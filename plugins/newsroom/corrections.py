"""Corrections: an editor's `Correction:` lines, on the story and in a record of their own.

A post may carry one or more `Correction: YYYY-MM-DD: what was corrected`
lines (reader/fields.py reads them into `article.corrections`, oldest
first). The story shows them above its body, its feed entries carry them,
and its JSON-LD names each as a `CorrectionComment`. `corrections/` lists
every correction of every published story, newest first, with its own Atom
and JSON feeds (`feeds/corrections.atom.xml`, `feeds/corrections.json`).

Nothing here writes a correction: they are the editor's words. A story the
converter updates because its source changed gets none by itself.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from feedgenerator import Atom1Feed
from markupsafe import escape
from pelican.generators import Generator

from .epoch import dated_by_its_items
from .jsonfeed import absolute, feed_document, site_address
from .sitemap import write_if_changed

CORRECTIONS_SAVE_AS = "corrections/index.html"
CORRECTIONS_URL = "corrections/"
FEED_PATH = "feeds/corrections.atom.xml"
JSON_FEED_PATH = "feeds/corrections.json"


def corrections_html(article) -> str:
    """The story's corrections as the paragraphs its feed entries open with."""
    return "".join(f"<p><strong>Correction, {correction.day.day} {correction.day:%B %Y}:</strong> "
                   f"{escape(correction.text)}</p>" for correction in reversed(getattr(article, "corrections", ())))


def every_correction(articles) -> list[tuple]:
    """(correction, story) for every published story's corrections, newest first."""
    found = [(correction, article) for article in articles for correction in getattr(article, "corrections", ())]
    return sorted(found, key=lambda pair: (pair[0].day, pair[1].date, pair[1].url), reverse=True)


def corrections_atom(listed: list[tuple], settings: dict) -> str:
    base = site_address(settings)
    feed = dated_by_its_items(Atom1Feed(
        title=f"{settings['SITENAME']} - Corrections", link=absolute(base, CORRECTIONS_URL),
        feed_url=absolute(base, FEED_PATH), description="", language=settings.get("DEFAULT_LANG")))
    for correction, article in listed:
        link = absolute(base, article.url)
        stamp = datetime.combine(correction.day, datetime.min.time(), UTC)
        feed.add_item(title=f"Correction: {article.title}", link=f"{link}#corrections",
                      unique_id=f"{link}#correction-{correction.day.isoformat()}-{_number(correction, article)}",
                      description=str(escape(correction.text)), pubdate=stamp, updateddate=stamp)
    return feed.writeString("utf-8")


def corrections_json(listed: list[tuple], settings: dict) -> str:
    base = site_address(settings)
    items = []
    for correction, article in listed:
        link = absolute(base, article.url)
        items.append({"id": f"{link}#correction-{correction.day.isoformat()}-{_number(correction, article)}",
                      "url": f"{link}#corrections", "title": f"Correction: {article.title}",
                      "content_text": correction.text, "date_published": f"{correction.day.isoformat()}T00:00:00Z"})
    return feed_document(settings, f"{settings['SITENAME']} - Corrections", CORRECTIONS_URL, JSON_FEED_PATH, items)


def _number(correction, article) -> str:
    """A name for the correction that no other correction of the story changes: its words' hash."""
    return hashlib.sha256(correction.text.encode("utf-8")).hexdigest()[:8]


class CorrectionsGenerator(Generator):
    """Writes `corrections/` and its two feeds."""

    def generate_context(self) -> None:
        pass  # the stories are read by the articles generator

    def generate_output(self, writer) -> None:
        listed = every_correction(self.context.get("articles", []))
        writer.write_file(CORRECTIONS_SAVE_AS, self.get_template("corrections"), self.context,
                          corrections=listed, template_name="corrections", url=CORRECTIONS_URL)
        output = Path(writer.output_path)
        write_if_changed(output / FEED_PATH, corrections_atom(listed, self.settings))
        write_if_changed(output / JSON_FEED_PATH, corrections_json(listed, self.settings))


def add_corrections_generator(pelican_object):
    return CorrectionsGenerator
