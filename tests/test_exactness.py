"""Exactness, proven: whatever an editor does between builds, `make html` ends where a clean build would.

A Hypothesis state machine drives one copy of the project through a random
sequence of an editor's days: stories added, edited, re-tagged, moved to
another desk, re-dated, re-titled and deleted; a template, a setting or the
stylesheet edited; and after each edit the real `make html`, sometimes
killed with SIGKILL after a random delay (the next `make html` must finish
the job). At the end of the sequence one more `make html`, then the same
sources (content, theme, settings: everything but output/ and cache/) are
built from nothing in a fresh folder and the two sites compared over every
folder: every page byte for byte, the search bundles by their entries
(tests/sitecompare.py).

Cost on the 2-core machine: about 1 s a build, 12 sequences of up to 6 steps
and their two final builds: about 90 s when the property holds; a failure
stops at the first failing sequence, and is replayed first from Hypothesis's
database on the next run. In CI the sequences are the same on every run
(tests/conftest.py); EXACTNESS_SEQUENCES=200 explores longer on a desk.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from project import MAKE_ENV, make, make_command, ok, project_copy
from sitecompare import differing_files

pytestmark = pytest.mark.site

# No shrinking: a failing sequence is at most 6 steps, readable as it is, and each
# shrinking attempt builds the site again (it ran past 5 minutes when tried).
SEQUENCES = settings(settings.default, max_examples=int(os.environ.get("EXACTNESS_SEQUENCES", "12")),
                     stateful_step_count=6, deadline=None,
                     phases=[Phase.explicit, Phase.reuse, Phase.generate],
                     suppress_health_check=[HealthCheck.too_slow])
BUILT_STATE = ("output", "cache")  # what a clean build starts without

WORDS = ["Markets", "Rally", "Storm", "Election", "Talks", "Café", "Close", "Higher", "Floods", "Summit", "Q&A"]
DAYS = ["2024-04-16", "2024-04-17", "2024-05-02", "2025-04-08", "2025-04-09"]
DESKS = ["Middle East", "Asia", "Business"]
TOPICS = ["Iran", "Markets", "Elections", "Weather", "Russia"]

title = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)
sentence = st.lists(st.sampled_from([w.lower() for w in WORDS]), min_size=3, max_size=12).map(
    lambda words: " ".join(words).capitalize() + ".")
topics = st.lists(st.sampled_from(TOPICS), max_size=3, unique=True)
which = st.integers(0, 20)  # a story, counted in file-name order (modulo how many there are)
# No kill (most builds), or a kill after a delay within a small build's second or so:
# in the converter, in Pelican's reading or writing, in Pagefind's indexing, or after the end.
kill_after = st.one_of(st.none(), st.none(), st.floats(0.02, 1.4))

# (template, text, replacement): each edit swaps one for the other, so a later edit can undo it.
TEMPLATE_EDITS = [
    ("base.html", "Skip to content", "Skip to the stories"),
    ("base.html", "no trackers, no cookies", "no cookies, no trackers"),
    ("article.html", '"@type": "NewsArticle"', '"@type": "ReportageNewsArticle"'),
    ("pagination.html", "Older stories", "Earlier stories"),
    ("tags.html", "{% extends", "{# edited #}{% extends"),
]
# (setting, its value in pelican.conf.py, another value); each edit swaps them.
SETTING_EDITS = [
    ("SITENAME", '"News Digest"', '"World Digest"'),
    ("SITE_DESCRIPTION", '"The day\'s world news, one edition a day."', '"The world\'s news, daily."'),
    ("LISTING_PAGE_STORIES", "50", "2"),
    ("FRONT_PAGE_LATEST_STORIES", "8", "1"),
    ("DEFAULT_DATE_FORMAT", '"%A, %-d %B %Y"', '"%-d %B %Y"'),
    ("TAG_URL", '"tag/{slug}/"', '"topic/{slug}/"'),
]
CSS_EDITS = [".masthead { border-bottom-width: 3px; }", ".site-footer { font-size: 0.9rem; }"]


def swap(path: Path, text: str, replacement: str) -> None:
    """`text` becomes `replacement`, or back again when the replacement is already there."""
    content = path.read_text(encoding="utf-8")
    assert text in content or replacement in content, f"{path.name} holds neither {text!r} nor {replacement!r}"
    if text in content:
        path.write_text(content.replace(text, replacement, 1), encoding="utf-8")
    else:
        path.write_text(content.replace(replacement, text, 1), encoding="utf-8")


def set_setting(settings_file: Path, name: str, value: str, other: str) -> None:
    """NAME = value <-> NAME = other (TAG_URL takes TAG_SAVE_AS with it)."""
    text = settings_file.read_text(encoding="utf-8")
    line = re.compile(rf"^{name} = (.*?)(\s*#.*)?$", re.MULTILINE)
    found = line.search(text)
    assert found, f"pelican.conf.py sets no {name}"
    new = other if found.group(1) == value else value
    text = line.sub(lambda match: f"{name} = {new}{match.group(2) or ''}", text, count=1)
    if name == "TAG_URL":
        save_as = new.replace('/"', '/index.html"')
        text = re.sub(r"^TAG_SAVE_AS = .*$", f"TAG_SAVE_AS = {save_as}", text, count=1, flags=re.MULTILINE)
    settings_file.write_text(text, encoding="utf-8")


def post_text(header: dict[str, str], body: str) -> str:
    return "".join(f"{key}: {value}\n" for key, value in header.items() if value) + "\n" + body + "\n"


def read_post(path: Path) -> tuple[dict[str, str], str]:
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    return dict(line.split(": ", 1) for line in head.splitlines()), body.rstrip("\n")


def edit_header(path: Path, **fields: str) -> None:
    header, body = read_post(path)
    write_post(path, {**header, **fields}, body)


def write_post(path: Path, header: dict[str, str], body: str) -> None:
    path.write_text(post_text(header, body), encoding="utf-8")


def build(project: Path, kill_after: float | None) -> None:
    """`make html`; or `make html` killed, with all it started, `kill_after` seconds in."""
    if kill_after is None:
        ok(make(project, "html"))
        return
    command = subprocess.Popen(make_command("html"), cwd=project, env={**os.environ, **MAKE_ENV},
                               start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        command.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        pass
    finally:
        with contextlib.suppress(ProcessLookupError):  # the build was over before the kill came
            os.killpg(command.pid, signal.SIGKILL)
        command.wait()


def sources_of(project: Path, where: Path) -> Path:
    """The project's sources as they stand, without what a build left (output/, cache/)."""
    def built_state(folder: str, names: list[str]) -> list[str]:
        return [name for name in names if Path(folder) == project and name in BUILT_STATE]

    return Path(shutil.copytree(project, where, symlinks=True, ignore=built_state))


class EditorsDays(RuleBasedStateMachine):
    """One project copy, a random editor's sequence of edits and builds."""

    project: Path  # where the editor works, built once
    as_built: Path  # a copy of it as built: every sequence starts from it, in the same place
    # (the caches name files by their full path: the editor's first build is a warm one)

    def __init__(self):
        super().__init__()
        shutil.rmtree(self.project)
        shutil.copytree(self.as_built, self.project, symlinks=True)
        self.added = 0

    @property
    def posts(self) -> list[Path]:
        return sorted((self.project / "content/articles").glob("*.md"))

    def story(self, index: int) -> Path:
        posts = self.posts
        return posts[index % len(posts)]

    def has_stories(self) -> bool:
        return bool(self.posts)

    @rule(day=st.sampled_from(DAYS), headline=title, desk=st.sampled_from(DESKS), tags=topics, body=sentence,
          kill_after=kill_after)
    def add_story(self, day, headline, desk, tags, body, kill_after):
        self.added += 1
        slug = f"story-{self.added}"
        header = {"Title": headline, "Date": day, "Slug": slug, "Category": desk, "Tags": ", ".join(tags)}
        write_post(self.project / f"content/articles/{day}-{slug}.md", header, body)
        build(self.project, kill_after)

    @precondition(has_stories)
    @rule(index=which, body=sentence, kill_after=kill_after)
    def edit_story(self, index, body, kill_after):
        path = self.story(index)
        header, _ = read_post(path)
        write_post(path, header, body)
        build(self.project, kill_after)

    @precondition(has_stories)
    @rule(index=which, headline=title, kill_after=kill_after)
    def retitle_story(self, index, headline, kill_after):
        edit_header(self.story(index), Title=headline)
        build(self.project, kill_after)

    @precondition(has_stories)
    @rule(index=which, day=st.sampled_from(DAYS), kill_after=kill_after)
    def redate_story(self, index, day, kill_after):
        edit_header(self.story(index), Date=day)
        build(self.project, kill_after)

    @precondition(has_stories)
    @rule(index=which, desk=st.sampled_from(DESKS), tags=topics, kill_after=kill_after)
    def refile_story(self, index, desk, tags, kill_after):
        edit_header(self.story(index), Category=desk, Tags=", ".join(tags))
        build(self.project, kill_after)

    @precondition(has_stories)
    @rule(index=which, kill_after=kill_after)
    def delete_story(self, index, kill_after):
        self.story(index).unlink()
        build(self.project, kill_after)

    @rule(edits=st.lists(st.sampled_from(TEMPLATE_EDITS), min_size=1, unique=True), kill_after=kill_after)
    def edit_templates(self, edits, kill_after):
        for template, text, replacement in edits:
            swap(self.project / "theme/templates" / template, text, replacement)
        build(self.project, kill_after)

    @rule(edits=st.lists(st.sampled_from(SETTING_EDITS), min_size=1, unique=True), kill_after=kill_after)
    def edit_settings(self, edits, kill_after):
        for edit in edits:
            set_setting(self.project / "pelican.conf.py", *edit)
        build(self.project, kill_after)

    @rule(css=st.sampled_from(CSS_EDITS), kill_after=kill_after)
    def edit_css(self, css, kill_after):
        stylesheet = self.project / "theme/static/css/site.css"
        text = stylesheet.read_text(encoding="utf-8")
        stylesheet.write_text(text.replace(css + "\n", "") if css in text else text + css + "\n", encoding="utf-8")
        build(self.project, kill_after)

    def teardown(self):
        ok(make(self.project, "html"))  # the editor's next build finishes whatever a kill cut short
        clean = self.project.with_name("clean")
        shutil.rmtree(clean, ignore_errors=True)
        ok(make(sources_of(self.project, clean), "html"))
        differing = differing_files(self.project / "output", clean / "output")
        assert not differing, f"{len(differing)} file(s) differ from a clean build: {', '.join(differing[:20])}"


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> dict[str, Path]:
    """The project built once where the editor works, and a copy of it as built."""
    root = tmp_path_factory.mktemp("exactness")
    project = project_copy(root / "project")
    ok(make(project, "html"))
    return {"project": project, "as_built": Path(shutil.copytree(project, root / "as-built", symlinks=True))}


def test_any_sequence_of_edits_and_killed_builds_ends_as_a_clean_build(desk):
    run_state_machine_as_test(type("EditorsDaysAtThisDesk", (EditorsDays,), desk), settings=SEQUENCES)
