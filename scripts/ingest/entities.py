"""Find the named entities a story is about, without a language model.

Known places, organisations and people come from the curated data files and
are matched by one compiled regex, longest alias first. Unknown people and
organisations are found by shape: a run of capitalised words (titles such as
"Labor Minister" stripped), and organisations by their last word ("Ewha
University"). A later surname-only mention ("Yoon") counts toward the full
name it uniquely belongs to ("Yoon Suk Yeol").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from . import data
from .data import Entity

_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Mentions:
    """How often and where each entity is mentioned in one story."""

    counts: Counter
    in_headline: frozenset[Entity]
    in_lead: frozenset[Entity]


@cache
def _alias_pattern() -> re.Pattern[str]:
    aliases = sorted(data.known_entities(), key=len, reverse=True)
    alternation = "|".join(re.escape(alias) for alias in aliases)
    # Whole words only, but "Iranian-designed" and "Yoon's" still count.
    return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w])")


def _known_mentions(text: str) -> tuple[list[Entity], list[tuple[int, int]]]:
    known = data.known_entities()
    found, spans = [], []
    for match in _alias_pattern().finditer(text):
        found.append(known[match.group()])
        spans.append(match.span())
    return found, spans


@dataclass
class _Run:
    words: list[str]
    start: int
    end: int
    after_the: bool = False  # "the Main Rocket ...": a thing, not a person
    joined: bool = False  # "Institute of Presidential Leadership"


# Lower-case words that join the parts of one long proper name.
_CONNECTORS = frozenset({" of ", " and ", " for ", " of the ", " on ", " for the "})


def _capitalised_runs(text: str, masked: list[tuple[int, int]]) -> list[_Run]:
    """Runs of capitalised words joined by single spaces, outside known mentions.

    Runs linked by "of", "and" or "for" are joined into one, since only
    organisations and titles of things are named that way, never people.
    """
    runs: list[_Run] = []
    current: _Run | None = None
    mask_index = 0
    joinable = False  # a known name or a possessive ends any chain of runs

    def close() -> None:
        nonlocal current, joinable
        if current:
            previous = runs[-1] if runs else None
            if joinable and previous and text[previous.end : current.start] in _CONNECTORS:
                previous.words += current.words
                previous.end, previous.joined = current.end, True
            else:
                runs.append(current)
            joinable = True
        current = None

    for match in _WORD.finditer(text):
        start, end = match.span()
        while mask_index < len(masked) and masked[mask_index][1] <= start:
            mask_index += 1
        inside_mask = mask_index < len(masked) and masked[mask_index][0] < end
        word = match.group()
        capitalised = word[0].isupper() and any(char.islower() for char in word)
        if inside_mask or not capitalised:
            close()
            joinable = joinable and not inside_mask
            continue
        if current and (start != current.end + 1 or text[current.end] != " "):
            close()
        possessive = _POSSESSIVE.search(word)
        if possessive:
            word, end = word[: possessive.start()], start + possessive.start()
        if current:
            current.words.append(word)
            current.end = end
        else:
            current = _Run([word], start, end, after_the=text[max(0, start - 4) : start] == "the ")
        if possessive:
            close()
            joinable = False
    close()
    return runs


def _name_from_run(run: _Run) -> tuple[str, list[str]] | None:
    """Classify a run as ("Organizations" | "People" | "Surname", words), or None."""
    words = run.words
    if words and words[0] == "The":
        words, run.after_the = words[1:], True
    while words and (
        words[0].casefold() in data.not_name_words() or words[0].casefold() in data.person_titles()
    ):
        words = words[1:]
    if len(words) >= 2 and any(word in data.org_suffixes() for word in words):
        return "Organizations", words
    if run.joined or run.after_the:
        return None
    titles = [i for i, word in enumerate(words) if word.casefold() in data.person_titles()]
    if titles:
        words = words[titles[-1] + 1 :]
    if any(word.casefold() in data.not_name_words() for word in words):
        return None
    if 2 <= len(words) <= 4:
        return "People", words
    if len(words) == 1:
        return "Surname", words
    return None


def find_mentions(headline: str, lead: str, texts: list[str]) -> Mentions:
    """Count every entity in `texts` (body and caption); note headline and lead ones."""
    known = data.known_entities()
    counts: Counter = Counter()
    discovered: list[tuple[str, list[str]]] = []
    for text in texts:
        found, spans = _known_mentions(text)
        counts.update(found)
        for run in _capitalised_runs(text, spans):
            named = _name_from_run(run)
            if named:
                discovered.append(named)

    # Full names seen in the text; surnames (first or last word) that point to one.
    full_names: dict[str, Entity] = {}
    for kind, words in discovered:
        if kind != "Surname":
            name = " ".join(words)
            full_names.setdefault(name, known.get(name) or Entity(name, kind))
    surname_owners: dict[str, set[Entity]] = {}
    for entity in [*full_names.values(), *(e for e in counts if e.kind == "People")]:
        if entity.kind == "People":
            words = entity.name.split()
            for word in {words[0], words[-1]}:
                surname_owners.setdefault(word, set()).add(entity)

    def resolve(kind: str, words: list[str]) -> Entity | None:
        if kind == "Surname":
            owners = surname_owners.get(words[0], set())
            return next(iter(owners)) if len(owners) == 1 else None
        return full_names[" ".join(words)]

    for kind, words in discovered:
        entity = resolve(kind, words)
        if entity:
            counts[entity] += 1

    def entities_in(text: str) -> frozenset[Entity]:
        found, spans = _known_mentions(text)
        result = set(found)
        for run in _capitalised_runs(text, spans):
            for word in run.words:
                owners = surname_owners.get(word, set())
                # A headline is in title case: only a well-attested name's
                # surname counts there, not any capitalised word.
                if len(owners) == 1 and counts[next(iter(owners))] >= 2:
                    result |= owners
            name = " ".join(run.words)
            if name in full_names:
                result.add(full_names[name])
        return frozenset(result)

    return Mentions(counts, entities_in(headline), entities_in(lead))


MIN_TAGS, MAX_TAGS = 3, 12


def salient_entities(mentions: Mentions) -> list[Entity]:
    """3 to 12 entities: in the headline or lead, or mentioned at least twice.

    Ranked by headline, then lead, then count; when fewer than three are
    salient, the next most mentioned fill up to three.
    """

    def rank(entity: Entity) -> tuple:
        return (
            -(entity in mentions.in_headline),
            -(entity in mentions.in_lead),
            -mentions.counts[entity],
            entity.kind,
            entity.name,
        )

    candidates = set(mentions.counts) | mentions.in_headline | mentions.in_lead
    ranked = sorted(candidates, key=rank)
    salient = [
        entity
        for entity in ranked
        if entity in mentions.in_headline
        or entity in mentions.in_lead
        or mentions.counts[entity] >= 2
    ]
    if len(salient) < MIN_TAGS:
        salient += [entity for entity in ranked if entity not in salient][
            : MIN_TAGS - len(salient)
        ]
    return salient[:MAX_TAGS]
