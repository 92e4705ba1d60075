"""Escaping: every scraped string renders exactly as written."""

from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ingest.render import escape_markdown, is_hand_edited, metadata_value, without_modified
from pelican.settings import DEFAULT_CONFIG


class Elements(HTMLParser):
    """Collects the elements and the text of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def render(text: str) -> Elements:
    """Render a body paragraph the way Pelican does: its default extensions, after a header."""
    settings = DEFAULT_CONFIG["MARKDOWN"]
    html = markdown.Markdown(
        extensions=list(settings["extension_configs"]),
        extension_configs=settings["extension_configs"],
    ).convert("Title: A post\n\n" + text)
    parsed = Elements()
    parsed.feed(html)
    return parsed


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "#1 on the list",
    "*extra*",
    "__bold__",
    "[x](javascript:alert(1))",
    "![img](javascript:alert(1))",
    "<https://example.com>",
    "---",
    "===",
    "> quote",
    "1. item",
    "2) item",
    "- bullet",
    "+ bullet",
    "| a | b |",
    "{: onclick=alert(1) }",
    "`code`",
    "~~~",
    "```",
    ": definition",
    "*[HTML]: Hyper Text",
    "[^1]: footnote",
    "&amp; &lt;b&gt;",
    "a\\*b",
    "    indented code",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_one_literal_paragraph(text):
    parsed = render(escape_markdown(text))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == " ".join(text.split())


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1))
def test_any_single_line_renders_literally(text):
    line = " ".join(text.split())
    if not line:
        return
    parsed = render(escape_markdown(line))
    assert [tag for tag, _ in parsed.tags] == ["p"]
    assert "".join(parsed.text) == line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<script>x</script>", "<script>x</script>"),  # plain text: the theme escapes it
        ("Tom & Jerry\nwalk", "Tom & Jerry walk"),
        ("  spaced   out ", "spaced out"),
    ],
)
def test_metadata_values_are_plain_text_on_one_line(value, expected):
    assert metadata_value(value) == expected


POST = "Title: T\nDate: 2025-01-01\nImport-Hash: {hash}\n\nBody.\n"


def test_hand_edit_detection_uses_the_hash_line():
    from ingest.render import content_hash

    pristine = POST.format(hash=content_hash("Title: T\nDate: 2025-01-01\n\nBody.\n"))
    assert not is_hand_edited(pristine)
    assert is_hand_edited(pristine.replace("Body.", "Body, edited."))
    assert is_hand_edited(pristine.replace("Import-Hash", "Import-Hash-gone"))


def test_modified_line_is_ignored_when_comparing_imports():
    assert without_modified("Title: T\nModified: 2026-01-01\nSlug: t\n") == "Title: T\nSlug: t\n"
