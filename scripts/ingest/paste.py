"""Text pasted from any news page ("select all, copy") into an article.

A paste keeps no markup: menus, sign-in and share buttons, bylines, captions,
"Advertisement", newsletter boxes, related links and footers arrive as lines
like the article's own. What sets the article apart is that it is prose:
long lines that read as sentences, one after another. So:

1. every line gets a weight: positive for prose (its length in words),
   negative for everything else (menus, buttons, short labels);
2. the article is the run of lines with the greatest total weight (a
   maximum-sum run, so a caption or an ad line inside the story costs a
   little but does not split it);
3. inside that run, only prose and subheads are kept;
4. the headline is the title-like line closest above the run, and the date
   the first full date near the top (never "2 hours ago").

Several articles in one file are separated by a line of three or more dashes.
"""

from __future__ import annotations

import re

from .clean import Article, Block, is_subhead
from .dates import find_dates
from .dump import CJK, Line

ARTICLE_RULE = re.compile(r"^\s*(-{3,}|={3,}|\*{3,})\s*$")
_SENTENCE_END = re.compile(r"[.!?…。！？”\"’»)]$")
_BOILERPLATE = re.compile(
    r"(advertisement|advertising|sponsored|read more|continue reading|related( stories| articles)?|"
    r"share( this)?( article| story)?|comments?|sign up|subscribe|newsletter|follow us|log ?in|sign in|"
    r"(photo|image|picture)( credit)?:.*|©.*|copyright.*|all rights reserved.*|"
    r"(article )?continues below|listen to (this )?(article|story)|skip (advert|ad)|watch now|"
    r"(tags?|keywords?|topics?|filed under|categor(y|ies)|related topics)\s*:.*)\b.*",
    re.IGNORECASE,
)
# Headings that close an article on most sites: what follows is not the story,
# so the article never runs past one.
_END_OF_ARTICLE = re.compile(
    r"(related( stories| articles| posts| coverage| content| news| links)?|more (from|on|in|stories|news)\b.*|"
    r"more( \w+){1,3}|recommended( for you| stories| reading)?|you (may|might) (also )?(like|enjoy)|"
    r"most (popular|read|viewed|shared)( \w+)?|trending( now| stories| news)?|popular( now| stories| news)?|"
    r"\[? ?(\d+ )?comments?( \(\d+\))? ?\]?|top( rated)? comments|leave a (reply|comment)|"
    r"(show|view|see|read) (all )?comments|join the (conversation|discussion)|"
    r"about the author|next (article|post|story)|previous (article|post|story)|latest (news|stories|articles)|"
    r"around the web|what to read next|don't miss|elsewhere on \w+|from around the web)[.:!]?",
    re.IGNORECASE,
)
END_WEIGHT = -1000.0  # a wall: the run never crosses one...
# ...unless the story goes on right after it: a "Related articles" box set
# inside the story holds a few headlines, then the story's next paragraph,
# where a list of teasers after the story brings a dateline first.
INLINE_BOX_WEIGHT = -10.0
INLINE_BOX_LINES = 4
# Readers' comments come after the story and are prose too: below a heading
# that opens them, prose counts for less, so a long thread never outweighs it.
_DISCUSSION_HEADING = re.compile(
    r"\[? ?(\d+ )?(comments?|responses|replies|reactions)( \(\d+\))? ?\]?|"
    r"(reader|readers'?) (comments|reactions|views)|"
    r"discussion( \(\d+\))?|conversation|join the (conversation|discussion)|have your say|what do you think\??|"
    r"leave a (reply|comment)|(show|view|see|read) (all )?comments|top( rated)? comments|add a comment",
    re.IGNORECASE)
AFTER_COMMENTS = 0.25
# ...and so does a thread that opens under no heading: its comments end in "Reply"
# or "Report" lines, each comment's author, time and text the lines above.
_THREAD_MARKER = re.compile(r"(reply|report( abuse| comment)?|flag|permalink)( \(\d+\))?", re.IGNORECASE)
THREAD_MARKERS = 2
COMMENT_LINES = 3
# A comments link above the story (a blog post's "Leave a comment", "2 Replies")
# opens nothing: a discussion starts only below this many words of prose.
STORY_ABOVE_DISCUSSION = 40
# A dateline on a line of its own belongs to a story's header; after the
# article it starts the next teaser of a "more stories" list.
DATELINE_WEIGHT = -20.0
_RELATIVE_TIME = re.compile(r"\b(\d+|an?|one) (second|minute|hour|day|week|month)s? ago\b", re.IGNORECASE)
SENTENCE_WORDS = 4  # inside the article, a line this long that ends as a sentence is kept
PROSE_WORDS = 10  # a line this long, ending as a sentence does, is prose
LONG_PROSE_WORDS = 25  # a line this long is prose however it ends
NOISE_WEIGHT = -3.0  # what a line that is not prose costs the run it sits in
# A browser copies a table a row a line, its cells apart by tabs: rows of as
# many cells, at least this many, are a table (a schedule, a league table), kept whole
# and weighed as prose (at this share of their words: a sidebar's table must not outweigh a story).
TABLE_ROWS = 3
TABLE_SHARE = 0.5
# A list-shaped story has several items, each under a short heading: one such
# line alone before a paragraph is a byline's role or a button, not a heading.
LIST_LABELS = 2
# When the reader is unsure, the post is written and the editor told: another run
# of prose nearly as heavy as the one kept, a story this short, or more prose
# left out than kept.
RIVAL_RUN_SHARE = 0.5
SHORT_STORY_WORDS = 80
HEADLINE_WINDOW = 30  # lines above the article where its headline may stand
DATELINE_ABOVE = 10  # lines above the headline where the dateline may stand


_CAPTION = re.compile(r".*(\((image|photo|picture|video)s?\b.*\)|\b(photo|image|picture)s?:|getty|reuters|"
                      r"\bap photo|afp|shutterstock|istock|credit:).*", re.IGNORECASE)


def line_words(text: str) -> float:
    """Length in words; scripts written without spaces count two characters a word."""
    cjk = len(CJK.findall(text))
    return max(len(text.split()), cjk / 2)


_PUNCTUATION = re.compile(r"[.,;:!?。，、！？]")


def is_prose(text: str) -> bool:
    words = line_words(text)
    if words < LONG_PROSE_WORDS and _CAPTION.match(text):
        return False
    if words >= LONG_PROSE_WORDS:
        return bool(_PUNCTUATION.search(text))  # a tag cloud or a run of links has none
    return words >= PROSE_WORDS and bool(_SENTENCE_END.search(text)) and not _BOILERPLATE.match(text)


def prose_words(texts) -> float:
    return sum(line_words(text) for text in texts if is_prose(text))


def line_weight(text: str) -> float:
    if is_prose(text):
        return line_words(text)
    if line_words(text) <= 6 and _END_OF_ARTICLE.fullmatch(text):
        return END_WEIGHT
    if is_dateline(text):
        return DATELINE_WEIGHT
    return NOISE_WEIGHT


_BYLINE = re.compile(r"(by|por|von|di|par|de|written by|posted by)\s+\S.*", re.IGNORECASE)


def is_dateline(text: str) -> bool:
    return line_words(text) <= 16 and bool(find_dates(text) or _RELATIVE_TIME.search(text))


def is_byline(text: str) -> bool:
    return line_words(text) <= 8 and bool(_BYLINE.fullmatch(text))


_PROMO = re.compile(r"newsletter|subscribe|sign up|briefing|download (our|the) app|follow us", re.IGNORECASE)


def is_promo(text: str) -> bool:
    """A newsletter box, an app or social-media plug: short, and selling something."""
    return line_words(text) <= 10 and bool(_PROMO.search(text))


def is_sentence(text: str) -> bool:
    """A short line inside the article that reads as text (a short paragraph,
    a list item), not as a caption or a label: kept, though not enough to find it."""
    return (line_words(text) >= SENTENCE_WORDS and not _BOILERPLATE.match(text) and not is_byline(text)
            and not is_promo(text)
            and not _CAPTION.match(text) and line_weight(text) == NOISE_WEIGHT)


def discussion_start(texts: list[str], weights: list[float]) -> int:
    """Where readers' comments start (len(texts) when the paste has none): a
    heading that opens them, or the first comment of a thread of "Reply" lines,
    either below some story."""
    above, markers = 0.0, []
    for index, (text, weight) in enumerate(zip(texts, weights, strict=True)):
        if above >= STORY_ABOVE_DISCUSSION and weight <= 0:
            if _DISCUSSION_HEADING.fullmatch(text):
                return index
            if _THREAD_MARKER.fullmatch(text):
                markers.append(index)
                if len(markers) == THREAD_MARKERS:
                    return max(0, markers[0] - COMMENT_LINES)
        above += max(weight, 0)
    return len(texts)


def table_runs(texts: list[str]) -> list[range]:
    """The tables among the lines: runs of TABLE_ROWS or more lines with as many
    tabs, each row with two cells or more that say something."""
    def cells(text: str) -> int:
        return text.count("\t") if sum(1 for cell in text.split("\t") if cell) >= 2 else 0

    tables, start = [], 0
    for index in range(1, len(texts) + 1):
        if index == len(texts) or cells(texts[index]) != cells(texts[start]):
            if cells(texts[start]) and index - start >= TABLE_ROWS:
                tables.append(range(start, index))
            start = index
    return tables


def is_label(text: str) -> bool:
    """A list-shaped story's short heading ("Meal 2", "Open-air cinema"): two or
    three words, capitalised, no caption, byline, date or button; a subhead when
    a paragraph follows it."""
    return (2 <= line_words(text) < SENTENCE_WORDS and text[:1].isupper() and not _BOILERPLATE.match(text)
            and not _CAPTION.match(text) and not is_promo(text) and not is_byline(text) and not is_dateline(text))


def line_weights(texts: list[str], tables: list[range]) -> tuple[list[float], int]:
    """Each line's weight, and where readers' comments start."""
    weights = [line_weight(text) for text in texts]
    for index in (index for table in tables for index in table):
        weights[index] = line_words(texts[index]) * TABLE_SHARE
    comments_from = discussion_start(texts, weights)
    for index in range(comments_from, len(texts)):
        weights[index] *= AFTER_COMMENTS if weights[index] > 0 else 1
    for index, weight in enumerate(weights):
        if weight != END_WEIGHT:
            continue
        for following in weights[index + 1 : index + 1 + INLINE_BOX_LINES]:
            if following in (END_WEIGHT, DATELINE_WEIGHT):
                break
            if following > 0:
                weights[index] = INLINE_BOX_WEIGHT
                break
    return weights, comments_from


def with_whole_tables(run: tuple[int, int], tables: list[range]) -> tuple[int, int]:
    """The run widened so that it cuts no table."""
    start, end = run
    for table in tables:
        if table.start < start < table.stop:
            start = table.start
        if table.start < end < table.stop:
            end = table.stop
    return start, end


def without_a_trailing_table(run: tuple[int, int], weights: list[float], tables: list[range],
                             texts: list[str]) -> tuple[int, int]:
    """The run without a table that closes it after more prose than the table
    holds words: a sidebar's table (a league table after the story); a table
    that is most of the run (a schedule, standings) stays."""
    start, end = run
    table = next((table for table in tables if start < table.start < end and table.stop >= end), None)
    if table is None:
        return run
    story = prose_words(texts[start:table.start])
    if story <= sum(line_words(texts[index]) for index in table):
        return run
    last = max(index for index in range(start, table.start) if weights[index] > 0)
    return start, last + 1


def in_boxes(weights: list[float]) -> set[int]:
    """The lines of related-stories boxes set inside the story: from the box's
    heading to the story's next paragraph."""
    boxed: set[int] = set()
    for index, weight in enumerate(weights):
        if weight == INLINE_BOX_WEIGHT:
            following = index
            while following < len(weights) and not (following > index and weights[following] > 0):
                boxed.add(following)
                following += 1
    return boxed


def best_run(weights: list[float]) -> tuple[int, int]:
    """The [start, end) run of lines whose weights add up to the most."""
    best, best_start, best_end = float("-inf"), 0, 0
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = 0.0, index
        total += weight
        if total > best:
            best, best_start, best_end = total, start, index + 1
    return best_start, best_end


def is_headline_like(text: str) -> bool:
    words = line_words(text)
    return (3 <= words <= 30 and "\t" not in text and not text.endswith((".", ",", ":", ";", "|"))
            and not _BOILERPLATE.match(text) and not find_dates(text))


def find_headline(lines: list[Line], start: int) -> int | None:
    """The headline's index: among the title-like lines just above the article,
    the longest (up to 20 words), the nearer one winning a tie."""
    candidates = [index for index in range(max(0, start - HEADLINE_WINDOW), start)
                  if is_headline_like(lines[index].text)]
    # Of a headline and the standfirst right under it, the headline comes first.
    candidates = [index for index in candidates if index - 1 not in candidates]
    if not candidates:
        return None
    return max(candidates, key=lambda index: (min(line_words(lines[index].text), 20), index))


def doubt_about(lines: list[Line], weights: list[float], run: tuple[int, int], kept_words: float,
                discussion: int) -> str:
    """Why the story found in a paste may not be the story, for the editor's
    warning line ("" when nothing suggests it)."""
    start, end = run
    walled = [END_WEIGHT if start <= index < end else weight for index, weight in enumerate(weights)]
    rival_start, rival_end = best_run(walled)
    kept_weight, rival_weight = sum(weights[start:end]), sum(walled[rival_start:rival_end])
    texts = [line.text for line in lines]
    left_out = prose_words(texts[:start] + texts[end:max(end, discussion)])
    reasons = []
    if rival_end > rival_start and rival_weight >= RIVAL_RUN_SHARE * kept_weight and rival_weight > 0:
        words = prose_words(texts[rival_start:rival_end])
        reasons.append(f"another run of prose, {words:.0f} words at lines {lines[rival_start].number}-"
                       f"{lines[rival_end - 1].number}, was left out")
    if kept_words < SHORT_STORY_WORDS:
        reasons.append("the story is very short")
    if left_out > kept_words:
        reasons.append("more prose was left out than kept")
    if not reasons:
        return ""
    return (f"unsure which text is the story: kept {kept_words:.0f} words (lines {lines[start].number}-"
            f"{lines[end - 1].number}), dropped {left_out:.0f} words of prose elsewhere; "
            f"{'; '.join(reasons)}: check the post")


def split_pasted(lines: list[str]) -> list[list[Line]]:
    """The paste's articles: its non-blank lines, split at rules of dashes."""
    articles, current = [], []
    for number, text in enumerate(lines, start=1):
        if ARTICLE_RULE.match(text):
            articles.append(current)
            current = []
        elif text:
            current.append(Line(number, text))
    articles.append(current)
    return [article for article in articles if article]


def _without_standfirst(blocks: list[Block], dropped: list, run: list[Line]):
    """A first paragraph set above the byline or dateline is the standfirst
    (the summary under the headline), not the story's lead."""
    if len(blocks) < 2 or blocks[0].kind != "paragraph":
        return blocks, dropped
    between = [line for line in run if blocks[0].line < line.number < blocks[1].line]
    if any(is_byline(line.text) or is_dateline(line.text) for line in between):
        first = blocks[0]
        return blocks[1:], [*dropped, (Line(first.line, first.text), "standfirst")]
    return blocks, dropped


def extract_pasted(lines: list[Line], source: str) -> Article | None:
    """The article in one pasted page, or None when no run of prose is found."""
    tables = table_runs([line.text for line in lines])
    in_tables = {index for table in tables for index in table}
    lines = [line if index in in_tables else Line(line.number, " ".join(line.text.split()))
             for index, line in enumerate(lines)]
    texts = [line.text for line in lines]
    weights, discussion = line_weights(texts, tables)
    start, end = with_whole_tables(without_a_trailing_table(best_run(weights), weights, tables, texts), tables)
    boxed = in_boxes(weights)
    if end <= start or not (is_prose(lines[start].text) or start in in_tables):
        return None
    at = find_headline(lines, start)
    if at is None:
        return None
    headline = lines[at]
    labels = {index for index in range(start, end - 1) if is_label(texts[index]) and weights[index + 1] > 0}
    if len(labels) < LIST_LABELS:  # one short line before a paragraph is a byline's role or a button
        labels = set()
    blocks = []
    dropped = [(line, "page around the article") for line in lines[:start] if line is not headline]
    for index, line in enumerate(lines[start:end], start=start):
        table = next((table for table in tables if index in table), None)
        if index in boxed:
            dropped.append((line, "related stories"))
        elif table is not None:
            if index == table.start:
                blocks.append(Block("table", "\n".join(texts[row] for row in table), line.number))
        elif is_prose(line.text) or is_sentence(line.text):
            blocks.append(Block("paragraph", line.text, line.number))
        elif (is_subhead(line.text) and line_words(line.text) >= 2) or index in labels:
            blocks.append(Block("subhead", line.text, line.number))
        else:
            dropped.append((line, "not article text"))
    dropped += [(line, "page around the article") for line in lines[end:]]
    dropped = [(Line(line.number, " ".join(line.text.split())), reason) for line, reason in dropped]
    blocks, dropped = _without_standfirst(blocks, dropped, lines[start:end])
    if not any(block.kind == "paragraph" for block in blocks):
        return None  # a table alone, or labels: no story to summarise
    dates = [found for line in lines[max(0, at - DATELINE_ABOVE):start + 3] for found in find_dates(line.text)]
    kept_words = sum(line_words(block.text) for block in blocks)
    return Article(
        source=source, line=headline.number, headline=headline.text, caption="", credit="",
        blocks=tuple(blocks), dropped=tuple(dropped), published=dates[0] if dates else None,
        doubt=doubt_about(lines, weights, (start, end), kept_words, discussion),
    )
