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

_POSSESSIVE_ENDINGS = ("'s", "’s")


def _uppercase_class() -> str:
    """A regex character class of every upper-case letter, as ranges."""
    codes = [c for c in range(0x250) if chr(c).isupper()] + [
        c for c in range(0x370, 0x2000) if chr(c).isupper()
    ]
    ranges, start = [], codes[0]
    for previous, code in zip(codes, codes[1:] + [None], strict=True):
        if code != previous + 1:
            ranges.append(re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else ""))
            start = code
    return "[" + "".join(ranges) + "]"


# A capitalised word ("Jae-myung", "O’Brien", "Yoon’s"), and runs of them
# separated by single spaces. Found by one regex: far faster than a Python
# loop over every word of every paragraph.
# Each pattern opens with a look-ahead for its first letter: the regex engine
# then skips to candidate positions instead of testing the look-behind at
# every character (twice as fast on long stories).
_UPPER = _uppercase_class()
_CAPITALISED = rf"{_UPPER}[^\W\d_]*(?:[-'’.][^\W\d_]+)*"
_RUN = re.compile(rf"(?={_UPPER})(?<![\w-]){_CAPITALISED}(?: {_CAPITALISED})*")
# What replaces a known mention, so it breaks any run of capitalised words.
_MASK = "\x00"


@dataclass(frozen=True)
class Mentions:
    """How often and where each entity is mentioned in one story."""

    counts: Counter
    in_headline: frozenset[Entity]
    in_lead: frozenset[Entity]


def _trie_pattern(words: list[str]) -> str:
    """One regex for many literal words, shaped as a trie.

    Alternatives share their prefixes, so the engine tests each character
    once instead of once per alias: with ~600 aliases this is what keeps
    tagging fast. At every branch the longer match is tried first.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


@cache
def _alias_pattern() -> re.Pattern[str]:
    # Whole words only, but "Iranian-designed" and "Yoon's" still count.
    aliases = list(data.known_entities())
    first_letters = re.escape("".join(sorted({alias[0] for alias in aliases})))
    return re.compile(rf"(?=[{first_letters}])(?<![\w-]){_trie_pattern(aliases)}(?![\w])")


def _known_mentions(text: str) -> tuple[list[Entity], str]:
    """The known entities in `text`, and the text with each mention masked out."""
    known = data.known_entities()
    found: list[Entity] = []

    def mask(match: re.Match) -> str:
        found.append(known[match.group()])
        return _MASK

    return found, _alias_pattern().sub(mask, text)


@dataclass
class _Run:
    words: list[str]
    start: int
    end: int
    after_the: bool = False  # "the Main Rocket ...": a thing, not a person
    joined: bool = False  # "Institute of Presidential Leadership"


# Lower-case words that join the parts of one long proper name.
_CONNECTORS = frozenset({" of ", " and ", " for ", " of the ", " on ", " for the "})


def _capitalised_runs(text: str) -> list[_Run]:
    """Runs of capitalised words joined by single spaces, in text with known names masked.

    Runs linked by "of", "and" or "for" are joined into one, since only
    organisations and titles of things are named that way, never people. A
    masked name or a possessive between two runs keeps them apart.
    """
    runs: list[_Run] = []

    def add(run: _Run) -> None:
        previous = runs[-1] if runs else None
        if previous and text[previous.end : run.start] in _CONNECTORS:
            previous.words += run.words
            previous.end, previous.joined = run.end, True
        else:
            runs.append(run)

    for match in _RUN.finditer(text):
        position = match.start()
        current: _Run | None = None
        for word in match.group().split(" "):
            start, end = position, position + len(word)
            position = end + 1
            if word.isupper():  # "NATO", "TT": not part of a name
                if current:
                    add(current)
                current = None
                continue
            possessive = word.endswith(_POSSESSIVE_ENDINGS)
            if possessive:
                word, end = word[:-2], end - 2
            if current:
                current.words.append(word)
                current.end = end
            else:
                current = _Run([word], start, end, after_the=text[max(0, start - 4) : start] == "the ")
            if possessive:
                add(current)
                current = None
        if current:
            add(current)
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


def find_mentions(headline: str, lead: str, texts: list[str], by_shape: bool = True) -> Mentions:
    """Count every entity in `texts` (body and caption); note headline and lead ones.

    Without `by_shape` (a story in a language other than English, where every
    noun may be capitalised: "Der Sitz", "Elf Modelle"), only the entities the
    curated data names are found: no tag rather than a wrong one."""
    known = data.known_entities()
    counts: Counter = Counter()
    discovered: list[tuple[str, list[str]]] = []
    # One pass over all texts: runs never cross a line end, so joining the
    # texts with one changes nothing but the number of regex calls.
    found, masked = _known_mentions("\n".join(texts))
    counts.update(found)
    for run in _capitalised_runs(masked) if by_shape else ():
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
        found, masked = _known_mentions(text)
        result = set(found)
        for run in _capitalised_runs(masked) if by_shape else ():
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
