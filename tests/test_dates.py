"""Dates: extraction, resolution against the publication date, and every rule of the dates check."""

from __future__ import annotations

import json
from datetime import date

import pytest

from conftest import SEEDS, SHARED, import_benchmark, json_findings, needs

MEANTIME = SHARED / "corpus" / "meantime"


def findings(cli, *paths, select="dates", extra=()):
    return json_findings(cli, *paths, select=select, extra=extra)


def story(tmp_path, body, published="2024-11-25", name="story.md", rules=None):
    front = f"---\ntitle: A story\ndate: {published}\n---\n\n" if published else "# A story\n\n"
    path = tmp_path / name
    path.write_text(front + body, encoding="utf-8")
    if rules:
        (tmp_path / "copydesk.yaml").write_text(rules, encoding="utf-8")
    return path


def by_rule(found, rule):
    return [(f["text"], f["suggestions"]) for f in found if f["rule"] == rule]


# -- Extraction and resolution --------------------------------------------------------

def texts(sentence):
    from copydesk.dates import extract

    return [mention.text for mention in extract(sentence)]


def test_extraction_covers_the_forms_of_news_dates():
    assert texts("Oct. 7, 2023 and 22 November 2024 and Nov 20 and Sept. 3") == [
        "Oct. 7, 2023", "22 November 2024", "Nov 20", "Sept. 3"]
    assert texts("Friday, Nov. 21, 2024 and Monday 6 December and the 5th of March") == [
        "Friday, Nov. 21, 2024", "Monday 6 December", "5th of March"]
    assert texts("2024-11-20, 25/12/2024 and 7/8/07") == ["2024-11-20", "25/12/2024", "7/8/07"]
    assert texts("since last October, in October last year, in May 2008 and early June") == [
        "last October", "October last year", "May 2008", "early June"]
    assert texts("said Friday, this Monday, next Tuesday, Monday night") == [
        "Friday", "this Monday", "next Tuesday", "Monday night"]
    assert texts("today, yesterday, tomorrow, last week, next month, this year, two months ago, "
                 "a week ago, 20 years ago, since 2008, in mid-2011") == [
        "today", "yesterday", "tomorrow", "last week", "next month", "this year", "two months ago",
        "a week ago", "20 years ago", "2008", "mid-2011"]


@pytest.mark.parametrize("sentence", [
    "May I ask whether the council may vote?",          # May the verb
    "The March organisers said the march was peaceful.",  # March the noun
    "Theresa May met Angela Merkel.",                   # a name
    "Thousands attended Friday prayers at the mosque.",  # a weekday naming prayers
    "Black Monday was recalled by the Sunday Times.",    # names
    "Veterans of the 1967 war met.",                    # a year naming a war
    "City won 3-1 at 10:30 on a wet pitch.",            # a score and a time
    "Call 020 7946 0958 or +44 20 7946 0958.",          # phone numbers
    "Under Section 20 of the act, 2008 people applied.",  # a section, a count
    "Version 2.10.4 ships with 12/2 split screens.",    # version numbers, ratios
])
def test_things_that_are_not_dates(sentence):
    assert texts(sentence) == []


def resolved(expression, published, sentence=None):
    from copydesk.dates import extract, resolve, tense

    sentence = sentence or expression
    (mention,) = [m for m in extract(sentence) if m.text == expression]
    return resolve(mention, published, tense(sentence, mention.start, mention.end)).value


def test_relative_dates_follow_news_convention():
    friday = date(2024, 11, 22)
    assert resolved("Friday", friday, "The minister said Friday that") == "2024-11-22"
    assert resolved("Monday", friday, "The minister said Monday that") == "2024-11-18"
    assert resolved("Monday", friday, "The minister will visit Monday") == "2024-11-25"
    assert resolved("this Monday", friday, "between Oct. 7, 2023 and this Monday") == "2024-11-18"
    assert resolved("last Friday", friday) == "2024-11-15"
    assert resolved("yesterday", friday) == "2024-11-21"
    assert resolved("two months ago", friday) == "2024-09"
    assert resolved("a week ago", friday) == "2024-11-15"
    assert resolved("last week", friday) == "2024-W46"
    # "last October" written in November is a year and a month back; "last month" is October.
    assert resolved("last October", friday) == "2023-10"
    assert resolved("last October", date(2025, 3, 1)) == "2024-10"
    assert resolved("October last year", friday) == "2023-10"
    assert resolved("Oct. 7", friday, "the war that began Oct. 7") == "2024-10-07"
    assert resolved("Dec. 3", friday, "The deal will be signed on Dec. 3") == "2024-12-03"
    assert resolved("Sept. 3", friday, "The deal was signed on Sept. 3") == "2024-09-03"


def test_a_day_without_its_year_in_the_next_months_is_the_coming_one_whatever_the_verb():
    november = date(2024, 11, 22)
    # Past-tense reporting of what lies ahead: the dates are this winter's, not last winter's.
    assert resolved("Jan. 8", november, "The trust said the coupon was payable Jan. 8") == "2025-01-08"
    assert resolved("Feb. 14", november, "Officials said the permits expire Feb. 14") == "2025-02-14"
    assert resolved("Dec. 3", november, "The deal was signed on Dec. 3") == "2024-12-03"
    # "set" is no future here: the record stands from this August.
    assert resolved("Aug. 2", november, "She broke the mark set on Aug. 2 by her sister") == "2024-08-02"
    # Further ahead, the day is last year's unless the copy looks ahead.
    assert resolved("April 30", november, "The plant closed on April 30") == "2024-04-30"
    assert resolved("Sept. 1", november, "The school reported its figures on Sept. 1") == "2024-09-01"
    assert resolved("July 1", november, "The tax will rise on July 1") == "2025-07-01"
    # Feb. 29 in a story of 1901: no leap year within one of it (1900 was none).
    assert resolved("Feb. 29", date(1901, 3, 1), "The bank opened on Feb. 29") == "1896-02-29"


def test_a_stated_weekday_chooses_the_year_within_one_of_publication():
    march = date(2026, 3, 10)
    sentence = "The society said it moved its spring fair to Saturday, May 9"
    assert resolved("Saturday, May 9", march, sentence) == "2026-05-09"
    # Friday, May 9 is last year's: the weekday says so even in a story of March.
    assert resolved("Friday, May 9", march, "The fair was held on Friday, May 9") == "2025-05-09"


# -- Seeds ---------------------------------------------------------------------------

@needs(SEEDS)
def test_seed_002_mixes_a_day_first_caption_into_month_first_copy(cli):
    found = findings(cli, SEEDS / "002_62c41b247a7a4074.txt")
    mixed = [f for f in found if f["rule"] == "mixed-date-format"]
    assert [(f["line"], f["text"], f["suggestions"]) for f in mixed] == [
        (line, "22 November 2024", ["Nov. 22, 2024"]) for line in (42, 43, 48, 49)]
    assert {(r["line"], r["text"]) for f in mixed for r in f["related"]} == {(59, "Oct. 7, 2023")}
    assert not [f for f in found if f["rule"] == "date-style" and f["text"] == "22 November 2024"]


@needs(SEEDS)
def test_seed_003_writes_a_caption_date_off_ap_style(cli):
    found = findings(cli, SEEDS / "003_5d32d3a7631451d8.txt")
    style = [(f["line"], f["text"], f["suggestions"]) for f in found if f["rule"] == "date-style"]
    assert style == [(line, "November 20, 2024", ["Nov. 20, 2024"]) for line in (42, 43, 48, 49)]


@needs(SEEDS)
@pytest.mark.parametrize("published", [None, "2024-11-25"])
def test_the_seeds_dates_are_consistent(cli, published):
    extra = ("--published", published) if published else ()
    found = findings(cli, SEEDS, extra=extra)
    rules = {f["rule"] for f in found}
    assert not rules & {"weekday-mismatch", "impossible-date", "date-conflict", "future-date"}, found


@needs(SEEDS)
def test_publication_dates_of_the_seeds_say_where_they_come_from(cli):
    result = cli("check", SEEDS / "002_62c41b247a7a4074.txt", "--select", "dates", "--format", "json",
                 "--fail-on", "never")
    published = [d["published"] for d in json.loads(result.out)["documents"]]
    assert published == [{"date": None, "source": "unknown"},
                         {"date": "2024-11-22", "source": "latest caption date"}]


# -- Rules ---------------------------------------------------------------------------

def test_weekday_mismatch_names_the_right_day(cli, tmp_path):
    path = story(tmp_path, "The vote was held on Friday, Nov. 21, 2024, and counted on "
                           "Thursday, Nov. 21, 2024. Polls open on Tuesday 26 November.\n")
    found = findings(cli, path)
    assert by_rule(found, "weekday-mismatch") == [("Friday, Nov. 21, 2024", ["Thursday, Nov. 21, 2024"])]
    assert found[0]["message"] == "Nov. 21, 2024 was a Thursday, not a Friday."


def test_weekday_mismatch_without_a_year_only_when_no_year_near_publication_fits(cli, tmp_path):
    # Within a year of Nov. 25, 2024, Nov. 26 is a Sunday (2023) or a Tuesday (2024): never a Monday.
    path = story(tmp_path, "Polls open on Monday, Nov. 26, and close on Tuesday, Nov. 26.\n")
    found = findings(cli, path)
    assert by_rule(found, "weekday-mismatch") == [("Monday, Nov. 26", ["Tuesday, Nov. 26"])]
    message = found[0]["message"]
    assert message.startswith("November 26 is a Sunday in 2023 and a Tuesday in 2024, ")
    assert "never a Monday within a year of publication" in message
    assert "taking 2024 (the coming one, 1 day after publication), it is a Tuesday" in message
    assert found[0]["fixable"] is False


def test_a_weekday_right_for_the_coming_year_is_no_mismatch(cli, tmp_path):
    # Written in March 2026 in the past tense, about a fair that is still to come: May 9, 2026
    # is a Saturday, so the date is right, though May 9, 2025 was a Friday.
    path = story(tmp_path, "The society said on Tuesday that it had moved its spring fair to "
                           "Saturday, May 9, because of the rain.\n", published="2026-03-10")
    assert by_rule(findings(cli, path), "weekday-mismatch") == []
    # And a weekday right only for last year's day, in a story looking back, is right too.
    path = story(tmp_path, "Last spring's fair, held on Friday, May 9, drew 4,000 visitors.\n",
                 published="2026-03-10")
    assert by_rule(findings(cli, path), "weekday-mismatch") == []


@pytest.mark.parametrize("rule, body", [
    # Days ahead in past-tense sentences are the coming ones, not future dates.
    ("future-date", "The trust said the coupon was payable Jan. 8. Officials said the permits "
                    "expire Feb. 14. The council announced the vote was moved to Dec. 12.\n"),
    # A forward date after a passive or a preposition names a plan.
    ("future-date", "The index is reshuffled next month. The bill is debated next Monday. "
                    "He was picked for next year's tour.\n"),
    # A past and a planned date of the same month are two events.
    ("date-conflict", "The levy was introduced last October for small firms.\n\n"
                      "The levy for small firms rises again in October 2025.\n"),
])
def test_right_dates_raise_no_alarm(cli, tmp_path, rule, body):
    assert by_rule(findings(cli, story(tmp_path, body)), rule) == []


def test_a_table_of_numeric_dates_is_one_finding(cli, tmp_path):
    path = story(tmp_path, "Trading days: 04/09/87 03/09/87 02/09/87 01/09/87.\n", published=None)
    (finding,) = [f for f in findings(cli, path) if f["rule"] == "ambiguous-date"]
    assert finding["text"] == "04/09/87" and "3 other dates written the same way" in finding["message"]
    assert [r["text"] for r in finding["related"]] == ["03/09/87", "02/09/87", "01/09/87"]


def test_a_table_whose_order_the_story_settles_is_no_finding(cli, tmp_path):
    # Month first would put three of the days after publication (March 20, 1987).
    path = story(tmp_path, "Trading days: 04/03/87 03/03/87 05/03/87.\n", published="1987-03-20")
    assert by_rule(findings(cli, path), "ambiguous-date") == []
    # A 17 in another cell can only be a day: the table is day first.
    path = story(tmp_path, "Trading days: 04/09/87 17/09/87 03/09/87.\n", published=None)
    assert by_rule(findings(cli, path), "ambiguous-date") == []


def test_relative_dates_in_a_quotation_are_not_counted_from_publication(cli, tmp_path):
    path = story(tmp_path, "\u201cEverything we built was stolen tomorrow,\u201d the poet read. "
                           '"They came back yesterday, as always," she said.\n')
    found = findings(cli, path)
    assert by_rule(found, "future-date") == []
    # Outside the quotation the same slip is still caught.
    path = story(tmp_path, "The bill was passed tomorrow, the clerk said.\n")
    assert [f["text"] for f in findings(cli, path) if f["rule"] == "future-date"] == ["tomorrow"]


# -- Input no calendar has (issue 17, item 12) --------------------------------------------

def test_year_zero_in_copy_is_an_impossible_date_not_a_crash(cli, tmp_path):
    path = story(tmp_path, "The register starts at 0000-01-01 and at 1/1/0000, the clerk said.\n")
    found = findings(cli, path)
    assert [(f["rule"], f["text"]) for f in found if f["rule"] != "date-style"] == [
        ("impossible-date", "0000-01-01"), ("impossible-date", "1/1/0000")]
    assert "the calendar has no year 0" in found[0]["message"]


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31"])
def test_a_placeholder_publication_date_is_no_date(cli, tmp_path, placeholder):
    path = tmp_path / "story.md"
    path.write_text(f"---\ntitle: A story\npublished: {placeholder}\n---\n\n"
                    "The mayor said on Monday that the vote was last week.\n", encoding="utf-8")
    result = cli("check", path, "--format", "json", "--fail-on", "never")
    assert result.code == 0
    (document,) = json.loads(result.out)["documents"]
    assert document["published"]["date"] is None
    (finding,) = document["findings"]
    assert finding["rule"] == "publication-date-unknown" and "placeholder" in finding["message"]


@pytest.mark.parametrize("published", ["9999-12-31", "0001-01-01", "1970-01-01"])
def test_published_option_out_of_range_is_a_usage_error(cli, capsys, tmp_path, published):
    path = story(tmp_path, "The vote was held on Monday.\n", published=None)
    with pytest.raises(SystemExit) as stopped:
        cli("check", path, "--published", published, "--fail-on", "never")
    assert stopped.value.code == 2
    assert "cannot be a publication date" in capsys.readouterr().err


def test_impossible_dates(cli, tmp_path):
    path = story(tmp_path, "Filed on Feb. 30 and April 31, dated 2024-13-01 and 31/04/2024, "
                           "on Feb. 29, 2023 and on Feb. 29, 2024.\n")
    found = findings(cli, path)
    assert [f["text"] for f in found if f["rule"] == "impossible-date"] == [
        "Feb. 30", "April 31", "2024-13-01", "31/04/2024", "Feb. 29, 2023"]
    assert any("April has no day 31" in f["message"] for f in found)


def test_ambiguous_numeric_dates_are_flagged_not_guessed(cli, tmp_path):
    path = story(tmp_path, "The memo of 7/8/07 and the order of 25/12/2024 were read out.\n")
    found = findings(cli, path)
    assert by_rule(found, "ambiguous-date") == [("7/8/07", ["July 8, 2007", "Aug. 7, 2007"])]
    assert not [f for f in found if f["rule"] == "weekday-mismatch"]


def test_future_date_in_past_tense_copy(cli, tmp_path):
    path = story(tmp_path, "The treaty was signed on Dec. 3, 2024, officials said. The summit will "
                           "open on Dec. 9, 2024. The bill was passed tomorrow. Ministers said they "
                           "would decide next week.\n")
    found = findings(cli, path)
    assert [f["text"] for f in found if f["rule"] == "future-date"] == ["Dec. 3, 2024", "tomorrow"]
    assert "front matter" in found[0]["message"]


def test_no_future_date_against_a_publication_date_that_is_only_a_lower_bound(cli, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Treaty signed\n\nDelegates arrive in Geneva, Nov. 20, 2024. (AP Photo)\n\n"
                    "The treaty was signed on Nov. 23, 2024, officials said.\n", encoding="utf-8")
    assert findings(cli, path) == []


def test_date_conflict_between_a_relative_and_an_absolute_date_of_one_event(cli, tmp_path):
    path = story(tmp_path, "Attacks have risen since the conflict erupted in October last year.\n\n"
                           "Since Oct. 7, 2022, the agency has counted 137 attacks.\n")
    found = findings(cli, path)
    (conflict,) = [f for f in found if f["rule"] == "date-conflict"]
    assert conflict["text"] == "Oct. 7, 2022"
    assert [r["text"] for r in conflict["related"]] == ["October last year"]


def test_anniversaries_and_comparisons_are_not_conflicts(cli, tmp_path):
    path = story(tmp_path, "On Oct. 7, 2024, a year after the attack of Oct. 7, 2023, crowds gathered. "
                           "Sales in June 2024 beat sales in June 2023.\n")
    assert [f for f in findings(cli, path) if f["rule"] == "date-conflict"] == []


def test_mixed_date_format_against_the_house_style(cli, tmp_path):
    path = story(tmp_path, "Talks began on Nov. 18 and ended on 20 November 2024.\n")
    found = findings(cli, path)
    assert by_rule(found, "mixed-date-format") == [("20 November 2024", ["Nov. 20, 2024"])]
    assert [r["text"] for r in found[0]["related"]] == ["Nov. 18"]
    assert by_rule(found, "date-style") == []  # one finding per date


def test_mixed_date_format_without_house_style_counts_a_repeated_block_once(cli, tmp_path):
    text = ("Strike ends\n\nDockers march, 20 November 2024. (Reuters)\n"
            "Dockers march, 20 November 2024. (Reuters)\n\n"
            "The strike began on Nov. 18 and talks resumed on Nov. 19, the union said.\n")
    path = tmp_path / "story.txt"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "copydesk.yaml").write_text("checks:\n  dates:\n    house_style: none\n", encoding="utf-8")
    found = findings(cli, path)
    # Counted per copy it would be a 2-2 tie and nothing would be reported.
    assert by_rule(found, "mixed-date-format") == [("20 November 2024", ["November 20, 2024"])] * 2


@pytest.mark.parametrize("style, written, wanted", [
    ("ap", "November 20, 2024", "Nov. 20, 2024"),
    ("ap", "March 5th", "March 5"),
    ("ap", "Sept 3", "Sept. 3"),
    ("ap", "Nov. 2024", "November 2024"),
    ("ap", "2024-11-20", "Nov. 20, 2024"),
    ("chicago", "Nov. 20, 2024", "November 20, 2024"),
    ("guardian", "20th November 2024", "20 November 2024"),
    ("iso", "Nov. 20, 2024", "2024-11-20"),
])
def test_date_style_suggests_the_house_form(cli, tmp_path, style, written, wanted):
    path = story(tmp_path, f"The ruling came on {written}, the court said.\n",
                 rules=f"checks:\n  dates:\n    house_style: {style}\n")
    assert by_rule(findings(cli, path), "date-style") == [(written, [wanted])]


@pytest.mark.parametrize("style, written", [("ap", "Nov. 20, 2024"), ("ap", "March 5"), ("ap", "June 2024"),
                                            ("chicago", "November 20, 2024"), ("guardian", "20 November"),
                                            ("none", "20th of Nov. 2024")])
def test_dates_in_house_style_are_left_alone(cli, tmp_path, style, written):
    path = story(tmp_path, f"The ruling came on {written}, the court said.\n",
                 rules=f"checks:\n  dates:\n    house_style: {style}\n")
    assert findings(cli, path) == []


def test_on_before_a_weekday_is_optional(cli, tmp_path):
    body = "On Monday, the council met. The mayor said on Tuesday that it met John on Friday.\n"
    assert findings(cli, story(tmp_path, body)) == []
    path = story(tmp_path, body, rules="checks:\n  dates:\n    drop_on_before_weekday: true\n")
    assert by_rule(findings(cli, path), "date-style") == [("on Tuesday", ["Tuesday"])]


def test_unknown_publication_date_is_said_once_instead_of_guessed(cli, tmp_path):
    path = story(tmp_path, "The council met on Monday and again last week.\n", published=None)
    (found,) = findings(cli, path)
    assert found["rule"] == "publication-date-unknown" and found["severity"] == "info"
    assert found["text"] == "Monday" and "--published" in found["message"]
    assert findings(cli, path, extra=("--published", "2024-11-22")) == []


def test_date_line_dateline_and_published_option_are_publication_sources(cli, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Council meets\n\nNov. 19, 2024\n\nThe council met on Tuesday, Nov. 19.\n", encoding="utf-8")
    result = cli("check", path, "--format", "json", "--select", "dates", "--fail-on", "never")
    assert json.loads(result.out)["documents"][0]["published"] == {"date": "2024-11-19", "source": "date line"}
    result = cli("check", path, "--format", "json", "--select", "dates", "--published", "2024-11-20")
    assert json.loads(result.out)["documents"][0]["published"] == {"date": "2024-11-20", "source": "--published"}


def test_positions_point_into_markdown_with_front_matter(cli, tmp_path):
    path = story(tmp_path, "Intro.\n\nThe *vote* was held on\nFriday, Nov. 21, 2024, in Ghent.\n")
    (found,) = [f for f in findings(cli, path) if f["rule"] == "weekday-mismatch"]
    assert (found["line"], found["column"], found["end_column"]) == (9, 1, 22)
    assert path.read_text(encoding="utf-8")[found["offset"]:found["offset"] + found["length"]] == found["text"]


def test_an_unknown_house_style_is_a_config_error(cli, tmp_path):
    path = story(tmp_path, "Text.\n", rules="checks:\n  dates:\n    house_style: bbc\n")
    result = cli("check", path)
    assert result.code == 2
    assert "house_style" in result.err and "ap, chicago, guardian, iso, none" in result.err


# -- Accuracy ------------------------------------------------------------------------

@needs(MEANTIME)
def test_meantime_extraction_and_resolution_accuracy():
    scores = import_benchmark("accuracy_dates").score()
    assert scores.stories == 120
    assert scores.f1("calendar DATE") >= 0.9
    assert scores.value_accuracy("calendar DATE") >= 0.9
    assert scores.publication_right >= 110



def test_a_story_of_many_dates_lists_a_few_examples_with_each_finding(cli, tmp_path):
    # Before, each departing date listed every date of the other order: output grew with the square.
    lines = [f"Filed on Oct. {day}, 2024." for day in range(1, 29)] + \
            [f"Heard on {day} November 2024." for day in range(1, 6)]
    path = story(tmp_path, "\n\n".join(lines) + "\n", rules="checks:\n  dates:\n    house_style: none\n")
    mixed = [f for f in findings(cli, path) if f["rule"] == "mixed-date-format"]
    assert len(mixed) == 5 and all("(28 times)" in f["message"] for f in mixed)
    assert all(len(f["related"]) == 3 for f in mixed)
