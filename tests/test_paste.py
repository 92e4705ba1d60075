"""Pages pasted from a browser: the story, its headline and date, and nothing of the page around it."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import FIXTURES, body_of, header_of, read_posts
from ingest.paste import best_run, find_headline, is_dateline, split_pasted

FERRY = FIXTURES / "pastes" / "ferry_fares.txt"
STORY = [
    "The ferry operator serving the northern isles will raise fares by 21 percent from January",
    "The increase, announced on Tuesday, applies to foot passengers and vehicles alike",
    "Community councils on three islands said the change would make it harder",
    '"For a family travelling with a car, the return trip will now cost more',
    "Why fuel costs matter",
    "The operator said fuel now made up almost a third of its running costs",
    "It added that concession fares for pensioners and students would be frozen.",
    "The regional transport authority said it would meet the company next week",
]


def paragraphs(post: str) -> list[str]:
    return [block.removeprefix("## ") for block in body_of(post).strip().split("\n\n")]


def post_of_paste(convert, tmp_path, lines: list[str]) -> str:
    """The one post a paste of these lines becomes, converted without a word on stderr."""
    paste = tmp_path / "paste.txt"
    paste.write_text("\n".join(lines), encoding="utf-8")
    code, _, stderr = convert(paste, "--output", tmp_path / "posts")
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path / "posts").values()
    return post


def test_a_pasted_page_becomes_the_story_alone(convert, tmp_path):
    code, _, stderr = convert(FERRY, "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    assert header_of(post)["Title"] == "Ferry fares to rise by a fifth as operator blames fuel costs"
    assert header_of(post)["Date"] == "2025-10-14"  # the dateline, not "Updated 2 hours ago"
    found = paragraphs(post)
    assert len(found) == len(STORY)
    for text, start in zip(found, STORY, strict=True):
        assert text.startswith(start.replace('"', '\\\\"')) or text.startswith(start), (text, start)


def test_menus_captions_boxes_teasers_and_comments_stay_out(convert, tmp_path):
    convert(FERRY, "--output", tmp_path)
    (post,) = read_posts(tmp_path).values()
    body = body_of(post)
    for noise in ("Sign in", "Islanders say", "Aileen Murray", "Photo: Iain Scott", "Advertisement",
                  "Harbour strike ends", "morning briefing", "Bridge repairs", "Engineers will close",
                  "third rise in two years", "All rights reserved"):
        assert noise not in body, noise


def test_several_pasted_pages_in_one_file_are_separated_by_a_rule(convert, tmp_path):
    both = tmp_path / "two.txt"
    bridge = FIXTURES / "pastes" / "bridge_closure.txt"
    both.write_text(FERRY.read_text(encoding="utf-8") + "\n---\n" + bridge.read_text(encoding="utf-8"),
                    encoding="utf-8")
    code, stdout, _ = convert(both, "--output", tmp_path / "posts")
    assert code == 0 and "2 new" in stdout
    titles = sorted(header_of(post)["Title"] for post in read_posts(tmp_path / "posts").values())
    assert titles == ["Coast road to close for a month while bridge bearings are replaced",
                      "Ferry fares to rise by a fifth as operator blames fuel costs"]


def test_a_paste_that_repeats_a_line_like_a_dump_headline_is_still_a_paste(convert, tmp_path):
    """A repeated line with interface noise between looks like the dump layout;
    the layout is taken only when its articles hold most of the prose."""
    paste = tmp_path / "paste.txt"
    paste.write_text(FERRY.read_text(encoding="utf-8")
                     + "Most recent newsletter\nTT\n20\nMost recent newsletter\nRead it online.\n", encoding="utf-8")
    code, _, _ = convert(paste, "--output", tmp_path / "posts")
    (post,) = read_posts(tmp_path / "posts").values()
    assert code == 0 and header_of(post)["Title"].startswith("Ferry fares")


@pytest.mark.parametrize(
    ("weights", "run"),
    [
        ([-3, 10, 20, -3, 30, -3], (1, 5)),  # a caption inside the story costs a little
        ([50, -1000, 60], (2, 3)),  # a wall is never crossed
        ([-3, -3], (0, 1)),  # nothing positive: the least bad line
    ],
)
def test_best_run(weights, run):
    assert best_run(weights) == run


def test_find_headline_prefers_the_headline_over_the_standfirst_under_it():
    lines = split_pasted(["News", "Ferry fares to rise by a fifth", "Islanders say the rise will cut them off",
                          "By Aileen Murray", "The story starts here."])[0]
    assert find_headline(lines, 4) == 1


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("Tuesday, 14 October 2025", True),
        ("PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019", True),
        ("Updated 2 hours ago", True),
        ("The vote on 14 October 2025 was the closest the island has seen in a decade, "
         "election officials said on Tuesday evening.", False),
    ],
)
def test_is_dateline(text, dateline):
    assert is_dateline(text) is dateline


def test_relative_stamps_are_never_dates():
    from ingest.dates import find_dates

    assert find_dates("Updated 2 hours ago") == [] and find_dates("3 days ago") == []
    assert find_dates("Posted: Fri 6:45 PM, Feb 16, 2018") == [date(2018, 2, 16)]


@pytest.mark.parametrize("line", [
    "Ferries Fares Fuel costs Northern isles Kirkwall Stromness Orkney Shetland Community councils Transport "
    "authority Pensioners Students Harbour strike Winter timetable Island life Marine fuel Concession fares",
    "Filed under: ferries, fares, fuel costs, the northern isles, island communities and transport policy.",
    "Tags: Ferries, Fares, Fuel costs, Northern isles, Community councils, Transport authority, Pensioners",
    "Topics: island life, transport, fuel prices, regional government and the cost of living this winter.",
])
def test_a_keyword_or_tag_line_below_the_story_is_not_the_story(convert, tmp_path, line):
    paste = tmp_path / "ferry.txt"
    last = "The regional transport authority said it would meet the company next week"
    text = FERRY.read_text(encoding="utf-8")
    end = text.index("\n", text.index(last))
    paste.write_text(text[:end] + "\n" + line + text[end:], encoding="utf-8")
    convert(paste, "--output", tmp_path / "posts")
    (post,) = read_posts(tmp_path / "posts").values()
    assert line.split(":")[0] not in body_of(post)
    assert len(paragraphs(post)) == len(STORY)


LIBRARY = FIXTURES / "pastes" / "library_sundays_discussion.txt"


HEADINGS = ["12 comments", "Join the conversation", "Discussion", "5 Responses", "Have your say", "What do you think?"]


@pytest.mark.parametrize(("heading", "replies"), [*((heading, True) for heading in HEADINGS),
                                                  *((heading, False) for heading in HEADINGS), (None, True)])
def test_a_discussion_longer_than_the_story_is_never_taken_for_it(convert, tmp_path, heading, replies):
    """Ten readers' comments, four times the story's length: under a heading
    that opens them (with or without "Reply" lines under each), or under none,
    a thread of "Reply" lines."""
    lines = [line for line in LIBRARY.read_text(encoding="utf-8").splitlines()
             if line not in ("10 comments", "Join the conversation") and (replies or line not in ("Reply", "Like"))]
    if heading:
        lines.insert(lines.index("Sort by: Newest"), heading)
    post = post_of_paste(convert, tmp_path, lines)
    found = paragraphs(post)
    assert found[0].startswith("The town library will open on Sunday afternoons")
    assert found[-1].startswith("The trial will run for six months")
    assert len(found) == 4
    for comment in ("Finally.", "Eighteen thousand a year", "Reply", "riverside_reader"):
        assert comment not in body_of(post), comment


def test_a_comments_link_above_a_blog_post_opens_no_discussion(convert, tmp_path):
    """"2 Replies" under the headline is a link to the comments, not their start."""
    lines = LIBRARY.read_text(encoding="utf-8").splitlines()
    lines.insert(lines.index("By Tom Bell") + 1, "2 Replies")
    lines[lines.index("Join the conversation")] = "Leave a Reply"
    post = post_of_paste(convert, tmp_path, [line for line in lines if line != "10 comments"])
    assert paragraphs(post)[0].startswith("The town library will open on Sunday afternoons")
    assert len(paragraphs(post)) == 4


def test_a_paste_the_reader_is_unsure_of_is_written_with_one_warning_line(convert, tmp_path):
    """Two runs of prose of like weight, with a box between them that walls
    them apart: the post is written, and the editor is told which lines were
    kept and how many words of prose were left out."""
    first = ["A storm brought down power lines across the valley on Tuesday night, leaving "
             f"homes in {place} without electricity until the morning." for place in ("Ashby", "Brook", "Carlow")]
    second = ["Engineers said the repairs would take until Friday in the worst-hit streets, where "
              f"falling trees had crushed poles in {place}." for place in ("Denholm", "Eastwick")]
    paste = tmp_path / "storm.txt"
    menu = ["Weather", "Traffic", "Schools", "Jobs", "Homes", "Motors", "Puzzles", "Obituaries", "Letters",
            "Events", "Tickets", "Podcasts", "Video", "Photos", "Archive", "Contact", "Advertise", "Careers",
            "Help", "Terms", "Privacy", "Cookies", "Accessibility", "Sitemap", "Newsletters"]
    paste.write_text("\n".join(["The Valley Courier", "Menu", "Storm leaves thousands without power",
                                "Tuesday, 4 March 2025", *first, *menu, *second]), encoding="utf-8")
    code, _, stderr = convert(paste, "--output", tmp_path / "posts")
    assert code == 0
    (post,) = read_posts(tmp_path / "posts").values()
    assert len(paragraphs(post)) == 3
    (warning,) = stderr.splitlines()
    assert header_of(post)["Title"] == "Storm leaves thousands without power"
    assert warning.startswith(f"warning: {paste}:3: unsure which text is the story: kept 63 words (lines 5-7), "
                              "dropped 40 words of prose elsewhere")
    assert "another run of prose, 40 words at lines 33-34, was left out" in warning


def test_a_story_read_with_confidence_gets_no_warning(convert, tmp_path):
    code, _, stderr = convert(LIBRARY, "--output", tmp_path)
    assert (code, stderr) == (0, "")


def test_a_table_copied_from_a_page_stays_a_table(convert, tmp_path):
    """A browser copies a table a row a line, its cells apart by tabs: a list-shaped
    story (a schedule) keeps every row, as a Markdown table under its head."""
    import markdown

    code, _, stderr = convert(FIXTURES / "pastes" / "bin_collection_days.txt", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    assert header_of(post)["Title"] == "Bin collections move by a day after the holidays"
    body = body_of(post)
    assert "| Date | Area | Bins |\n|---|---|---|\n| Mon 6 Jan | Ashby and Brook | Green and blue |" in body
    html = markdown.markdown(body, extensions=["markdown.extensions.extra"])
    assert html.count("<tr>") == 8 and "<td>Tue 14 Jan</td>" in html
    assert paragraphs(post)[0].startswith("Bin collections across the valley")
    assert paragraphs(post)[-1].startswith("Garden waste collections resume in March")


def test_a_sidebar_table_does_not_take_the_storys_place(convert, tmp_path):
    """A league table right after a story, a share bar between: kept out, the story whole."""
    table = "\n".join(["Pos\tTeam\tPld\tPts", *(f"{n}\tTeam {n}\t12\t{30 - n}" for n in range(1, 11))])
    last = "The regional transport authority said it would meet the company next week"
    text = FERRY.read_text(encoding="utf-8")
    end = text.index("\n", text.index(last))
    post = post_of_paste(convert, tmp_path, [text[:end], "Share", "League table", table, text[end + 1:]])
    assert len(paragraphs(post)) == len(STORY) and "Team 1" not in body_of(post)
    assert "League table" not in body_of(post)


def test_a_table_with_empty_cells_stays_one_table(convert, tmp_path):
    """An empty corner over the row names, an empty cell in a row: the rows keep their columns."""
    rows = ["\tHigh tide\tLow tide", "Mon\t06:10\t12:25", "Tue\t\t13:05", "Wed\t07:40\t13:50"]
    lines = FERRY.read_text(encoding="utf-8").splitlines()
    at = lines.index("It added that concession fares for pensioners and students would be frozen.")
    post = post_of_paste(convert, tmp_path, [*lines[:at], *rows, *lines[at:]])
    assert "|   | High tide | Low tide |\n|---|---|---|\n| Mon | 06:10 | 12:25 |\n| Tue |   | 13:05 |" in body_of(post)


def test_a_table_above_the_story_is_never_its_headline(convert, tmp_path):
    rows = ["Station and harbour\tHigh tide\tLow tide", "Kirkwall\t06:10\t12:25", "Stromness\t06:40\t12:55"]
    lines = FERRY.read_text(encoding="utf-8").splitlines()
    at = lines.index("Ferry fares to rise by a fifth as operator blames fuel costs")
    post = post_of_paste(convert, tmp_path, [*lines[:at - 2], *rows, *lines[at - 2:]])
    assert header_of(post)["Title"] == "Ferry fares to rise by a fifth as operator blames fuel costs"


def test_a_paste_that_is_only_a_table_is_a_one_line_error(convert, tmp_path):
    paste = tmp_path / "tides.txt"
    paste.write_text("\n".join(["Tide times for the northern isles", "Station\tHigh tide\tLow tide",
                                *(f"Harbour {n}\t06:{n}0\t12:{n}5" for n in range(1, 6))]), encoding="utf-8")
    code, _, stderr = convert(paste, "--output", tmp_path / "posts")
    assert code == 1
    assert stderr.startswith(f"error: {paste}: no article found") and len(stderr.splitlines()) == 1


def test_one_short_line_before_a_paragraph_is_no_subhead(convert, tmp_path):
    """A byline's role, or a button inside the story: left out, where the
    headings of a list-shaped story's items are kept."""
    lines = FERRY.read_text(encoding="utf-8").splitlines()
    lines.insert(lines.index("Transport correspondent") + 1, "Local Democracy Reporter")
    lines.insert(lines.index("Why fuel costs matter"), "Article continues below")
    body = body_of(post_of_paste(convert, tmp_path, lines))
    assert "Local Democracy Reporter" not in body and "continues below" not in body


def test_a_paste_dated_in_an_american_byline_under_a_repeated_section_label(convert, tmp_path):
    """"LOCAL" over the menu and again over the story is no dump headline; the
    byline's 03/13/25 dates the story."""
    story = LIBRARY.read_text(encoding="utf-8").splitlines()[11:15]
    post = post_of_paste(convert, tmp_path, ["The Valley Courier", "LOCAL",
                                             "Library to open on Sundays after residents' petition",
                                             "BY TOM BELL ON 03/13/25 AT 4:00 PM EST", "SHARE", "LOCAL", *story,
                                             "About us"])
    assert header_of(post)["Title"] == "Library to open on Sundays after residents' petition"
    assert header_of(post)["Date"] == "2025-03-13"
    assert len(paragraphs(post)) == 4


def test_a_list_shaped_story_keeps_the_short_heading_of_each_item(convert, tmp_path):
    events = {"Farmers market": "Stalls from twenty growers fill the square from eight until one on Saturday morning.",
              "Harbour fun run": "The five-kilometre course starts at the lifeboat station at ten, and entry is free.",
              "Open-air cinema": "A family film is shown on the green at dusk; bring a blanket and a torch."}
    lines = ["The Valley Courier", "Menu", "What's on this weekend in the valley", "Friday, 6 June 2025",
             "Three events bring the town centre to life this weekend, and the council has closed the high "
             "street to cars from Friday evening until Sunday night so that stalls and crowds have room.",
             *(line for name, text in events.items() for line in (name, text)), "Share", "About us"]
    body = body_of(post_of_paste(convert, tmp_path, lines))
    for name, text in events.items():
        assert f"## {name}\n\n{text}" in body
    assert "Share" not in body and "About us" not in body
