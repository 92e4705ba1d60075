"""A day's edition as an email, written with the edition's page.

Readers of a news digest expect the day's edition in their inbox. When the
incremental writer renders a day's edition (`YYYY/MM/DD/`), it also writes
`YYYY/MM/DD/email.html` and `email.txt`, and keeps them with the page when
nothing changed. The HTML is one 600 px column (theme/templates/
edition_email.html) with its stylesheet inlined into style attributes by
css-inline, as mail clients that drop `<style>` need, and every link absolute
(SITEURL, or FEED_DOMAIN for the local preview); the text is its plain twin.
`scripts/edition.py` makes them one MIME message and sends it.

Gmail clips a message over 102 KB, so the first EDITION_EMAIL_SUMMARIES
stories carry their summaries (cut at EDITION_SUMMARY_CHARACTERS), the next
up to EDITION_EMAIL_STORIES their headlines, and the rest are one link to
the edition; an email over the limit all the same is one warning.
"""

from __future__ import annotations

import logging
import os
import textwrap

from markupsafe import Markup

from .files import write_atomically
from .jsonfeed import site_address

log = logging.getLogger(__name__)

EMAIL_HTML = "email.html"
EMAIL_TEXT = "email.txt"
TEMPLATE = "edition_email.html"
GMAIL_CLIP_BYTES = 102 * 1024
TEXT_WIDTH = 72


def is_day_edition(template_name: str | None, context: dict) -> bool:
    return template_name == "period_archives" and len(context.get("period_num", ())) == 3


def email_text(stories: list, settings: dict, page_url: str) -> str:
    """The edition as plain text: each story's desk, headline, summary and address."""
    base = site_address(settings)
    day = stories[0].date.strftime(settings["DEFAULT_DATE_FORMAT"])
    limit = settings.get("EDITION_SUMMARY_CHARACTERS", 400)
    summarised, listed = settings.get("EDITION_EMAIL_SUMMARIES", 30), settings.get("EDITION_EMAIL_STORIES", 60)
    lines = [f"{settings['SITENAME']}: the edition of {day}", f"Read it on the web: {base}/{page_url}", ""]
    for number, story in enumerate(stories[:listed], start=1):
        summary = " ".join(Markup(story.summary).striptags().split()) if number <= summarised else ""
        if len(summary) > limit:
            summary = summary[:limit].rsplit(" ", 1)[0] + "…"
        lines += [story.category.name.upper(), *textwrap.wrap(story.title, TEXT_WIDTH),
                  *(["", *textwrap.wrap(summary, TEXT_WIDTH)] if summary else []),
                  f"Read the story: {base}/{story.url}", "", "---", ""]
    if len(stories) > listed:
        lines += [f"{len(stories) - listed} more in the edition on the web: {base}/{page_url}", ""]
    unsubscribe = settings.get("EDITION_UNSUBSCRIBE_URL")
    lines.append(f"You get this email because you signed up for {settings['SITENAME']}'s daily edition."
                 + (f" Unsubscribe: {unsubscribe}" if unsubscribe else ""))
    return "\n".join(lines) + "\n"


def email_html(template, context: dict) -> str:
    """The edition's email HTML, its stylesheet inlined."""
    import css_inline

    html = template.environment.get_template(TEMPLATE).render(context)
    return css_inline.inline(html)


def write_edition_email(output_path: str, page_name: str, template, context: dict, journal) -> list[str]:
    """Write the edition's email beside its page; the names written, relative to the output.
    Each file is named in the writer's journal (`journal`) first, as its page is: a build
    killed here leaves nothing the next build does not know to remove."""
    folder = os.path.dirname(page_name)
    stories = context["articles_page"]["stories"]
    html = email_html(template, context)
    text = email_text(stories, context, context["articles_page"]["url"])
    names = [f"{folder}/{EMAIL_HTML}", f"{folder}/{EMAIL_TEXT}"]
    for name, body in zip(names, (html, text), strict=True):
        journal(os.path.join(output_path, name))
        write_atomically(os.path.join(output_path, name), body.encode("utf-8"))
    if len(html.encode("utf-8")) + len(text.encode("utf-8")) > GMAIL_CLIP_BYTES:
        log.warning("%s: the email is over Gmail's %d KB; Gmail clips it (lower EDITION_SUMMARY_CHARACTERS)",
                    names[0], GMAIL_CLIP_BYTES // 1024)
    return names
