"""Attribution: unattributed claims and quotes, anonymous and vague sources, the sourcing summary."""

from __future__ import annotations

import json
import time

import pytest

from conftest import SEEDS, SHARED, import_benchmark, json_findings, needs

POLNEAR = SHARED / "corpus" / "polnear-train"
IRAQ = SEEDS / "000_ac87ea10dbb1d0c7.txt"
SETTLERS = SEEDS / "003_5d32d3a7631451d8.txt"


def findings(cli, *paths, select="attribution", extra=()):
    return json_findings(cli, *paths, select=select, extra=extra)


def story(tmp_path, *paragraphs, name="story.md", rules=None):
    path = tmp_path / name
    path.write_text("# A story\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    if rules:
        (tmp_path / "copydesk.yaml").write_text(rules, encoding="utf-8")
    return path


def texts(found, rule):
    return [f["text"] for f in found if f["rule"] == rule]


def claims(cli, tmp_path, *paragraphs, rules=None):
    return texts(findings(cli, story(tmp_path, *paragraphs, rules=rules), select="unattributed-claim"),
                 "unattributed-claim")


# Counts of harm are found (a figure restated needs no new source) but not reported bare by default.
WITH_COUNTS = ("checks:\n  attribution:\n"
               "    reported_claims: [proportions, counts, superlatives, trends, accusations, forecasts]\n")


# -- The seeds ----------------------------------------------------------------------------

@needs(SEEDS)
def test_iraqi_article_sources_are_reported_as_anonymous(cli):
    found = [f for f in findings(cli, IRAQ, select="anonymous-source") if f["line"] < 40]
    flagged = texts(found, "anonymous-source")
    assert "Iraqi sources told" in flagged
    assert any(t.startswith("A senior commander in an Iraqi faction") and t.endswith(" said") for t in flagged)
    assert "The commander, who wished to remain anonymous, said" in flagged
    granted = next(f for f in found if f["text"].startswith("The commander,"))
    assert "wished to remain anonymous" in granted["message"]


@needs(SEEDS)
def test_no_unattributed_claim_on_sourced_seed_sentences(cli):
    flagged = texts(findings(cli, SEEDS, select="unattributed-claim"), "unattributed-claim")
    sourced = ["Asharq Al-Awsat", "the Treasury Department said", "World Health Organization says",
               "UN health agency says", "Peace Now", "Hamoked", "Israeli Prison Service",
               "That figure stood around 1,200", "Nearly half of attacks on health care"]
    for sentence in flagged:
        assert not any(source in sentence for source in sourced), sentence


@needs(SEEDS)
def test_settler_article_unattributed_claims(cli):
    flagged = set(texts(findings(cli, SETTLERS, select="unattributed-claim"), "unattributed-claim"))
    assert flagged == {
        "Settlers are rarely arrested in the West Bank, where settler violence against Palestinians "
        "has spiraled since the outbreak of the war Oct. 7.",
        "In that time, attacks by Palestinian militants on settlers and within Israel have also grown "
        "more common.",
    }


@needs(SEEDS)
def test_sourcing_summary_counts_named_and_anonymous_attributions(cli):
    result = cli("check", IRAQ, "--select", "attribution", "--format", "json", "--fail-on", "never")
    documents = json.loads(result.out)["documents"]
    iraq, sanctions = (d["summaries"]["attribution"] for d in documents)
    assert iraq["anonymous"] > iraq["named"]
    assert "Asharq Al-Awsat" in iraq["named_sources"]
    assert sanctions["anonymous"] == 0 and sanctions["named"] >= 5
    assert "the Treasury Department" in sanctions["named_sources"]


# -- unattributed-claim ---------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "At least 40 people were killed in the raid, police said.",
    "Police said at least 40 people were killed in the raid.",
    "At least 40 people were killed in the raid, a police spokesman told Reuters.",
    "According to the health ministry, at least 40 people were killed in the raid.",
    "Data from the health ministry show at least 40 people were killed in the raid.",
    "At least 40 people were killed in the raid, the ministry said in a statement.",
    "The ministry confirmed that at least 40 people were killed in the raid.",
    "The army denied that 40 people were killed in the raid.",
    "He ruled out a ceasefire while 40 people were missing.",
    "The death toll rose to 40 people, the ministry has said.",
    "Police believe at least 40 people were killed in the raid.",
])
def test_reporting_expressions_attribute_a_claim(cli, tmp_path, sentence):
    assert claims(cli, tmp_path, sentence) == []


@pytest.mark.parametrize("sentence", [
    "Unemployment reached 12% in the region.",
    "Nearly half of the city's clinics have closed since the war began.",
    "Crime has spiralled since the factory closed.",
    "Violence has soared to new heights.",
    "It is the highest rate since records began.",
    "The militia committed war crimes in the village.",
    "Rents in the capital will double by 2030.",
])
def test_claims_without_attribution_are_reported(cli, tmp_path, sentence):
    assert claims(cli, tmp_path, "The mayor opened the bridge on Monday.", sentence) == [sentence]


@pytest.mark.parametrize("sentence", [
    "The mayor opened the new bridge on Monday.",
    "Shares in the firm rose 5% on Friday.",
    "The dollar hit a record low against the euro.",
    "The former chief executive was jailed for fraud in 2003.",
    "United won 3-1 in the second half.",
    "Did 40 people really die?",
])
def test_sentences_that_are_not_checkable_claims_or_are_public_data(cli, tmp_path, sentence):
    assert claims(cli, tmp_path, sentence) == []


def test_attribution_carries_to_a_continuing_sentence_but_not_a_new_claim(cli, tmp_path):
    carried = "That figure stood around 1,200 just before the war."
    continued = "It has spiralled since the war began."
    new_claim = "In that time, attacks on settlers have also grown more common."
    flagged = claims(cli, tmp_path,
                     f"Israel holds 3,443 detainees, according to the prison service. {carried} {continued}",
                     f"Violence has soared to new heights, according to Peace Now. {new_claim}")
    assert flagged == [new_claim]


def test_a_restated_figure_and_a_claim_backed_by_the_next_sentence_are_attributed(cli, tmp_path):
    flagged = claims(
        cli, tmp_path,
        "The agency says nearly half of the attacks on clinics have been deadly.",
        "Nearly half of attacks on clinics occurred in the past two months.",
        "A growing number of patients are treated abroad. The ministry said 3,000 patients left last year.",
        "The clinic reopened in May.",
        "A growing number of doctors have left the country.")
    assert flagged == ["A growing number of doctors have left the country."]


def test_headlines_captions_and_quotations_are_not_read_for_claims(cli, tmp_path):
    path = tmp_path / "story.md"
    path.write_text("# At least 40 people killed in raid\n\n"
                    "![x](x.jpg)\n*At least 40 people were killed in the raid. (Reuters)*\n\n"
                    "“At least 40 people were killed in the raid.” The words were painted on a wall.\n",
                    encoding="utf-8")
    (tmp_path / "copydesk.yaml").write_text(WITH_COUNTS, encoding="utf-8")  # a count is reported where read
    assert texts(findings(cli, path, select="unattributed-claim"), "unattributed-claim") == []


# -- unattributed-quote ---------------------------------------------------------------------

def test_quotations_need_a_speaker_nearby(cli, tmp_path):
    lonely = "“We will not give up the fight for this town.”"
    path = story(tmp_path,
                 "“We will rebuild every house on this street,” the mayor said.",
                 "The council met on Tuesday. She called the plan “a betrayal of every tenant here.”",
                 "The mayor spoke for an hour.",
                 f"The crowd left at noon. {lonely}",
                 "The vote is next week. Protesters called the cuts “cruel”, “sort of unfair” and "
                 "waved copies of “The Lord of the Rings”.")
    assert texts(findings(cli, path, select="unattributed-quote"), "unattributed-quote") == [lonely]


def test_a_quotation_running_on_over_paragraphs_keeps_its_speaker(cli, tmp_path):
    path = story(tmp_path,
                 "The minister said: “We have done what we promised to do.",
                 "“Every school in the county now has a nurse and a counsellor.”",
                 "The session ended at noon.")
    assert findings(cli, path, select="unattributed-quote") == []


def test_min_quote_words_comes_from_rules_yaml(cli, tmp_path):
    quote = "“Never again, never.”"
    path = story(tmp_path, "The crowd gathered at noon.", f"Nobody moved. {quote}")
    assert findings(cli, path, select="unattributed-quote") == []
    rules = "checks:\n  attribution:\n    min_quote_words: 3\n"
    (tmp_path / "copydesk.yaml").write_text(rules, encoding="utf-8")
    assert texts(findings(cli, path, select="unattributed-quote"), "unattributed-quote") == [quote]


# -- anonymous-source and vague-attribution -------------------------------------------------

@pytest.mark.parametrize("sentence, source", [
    ("Sources said the talks had failed.", "Sources said"),
    ("A senior official said the talks had failed.", "A senior official said"),
    ("US officials say the talks had failed.", "US officials say"),
    ("The talks had failed, according to officials familiar with the matter.",
     "according to officials familiar with the matter"),
    ("A source close to the prime minister said the talks had failed.",
     "A source close to the prime minister said"),
    ("The diplomat, who spoke on condition of anonymity, said the talks had failed.",
     "The diplomat, who spoke on condition of anonymity, said"),
])
def test_anonymous_sources(cli, tmp_path, sentence, source):
    found = findings(cli, story(tmp_path, sentence), select="anonymous-source")
    assert texts(found, "anonymous-source") == [source]


@pytest.mark.parametrize("sentence", [
    "Official figures show the talks had failed.",
    "Spokeswoman Haley Morris said the talks had failed.",
    "Treasury official Jane Doe said the talks had failed.",
    "The prime minister's official spokesman said the talks had failed.",
])
def test_named_sources_are_not_anonymous(cli, tmp_path, sentence):
    assert findings(cli, story(tmp_path, sentence), select="anonymous-source") == []


def test_an_anonymous_source_is_reported_once_but_counted_each_time(cli, tmp_path):
    path = story(tmp_path, "Iraqi sources said the fighters had crossed the border.",
                 "The sources said more would follow. They said the leaders were in Beirut.")
    result = cli("check", path, "--select", "attribution", "--format", "json", "--fail-on", "never")
    document = json.loads(result.out)["documents"][0]
    assert texts(document["findings"], "anonymous-source") == ["Iraqi sources said"]
    assert document["summaries"]["attribution"]["anonymous"] == 3


@pytest.mark.parametrize("sentence, vague", [
    ("Some say the plan will fail.", "Some say"),
    ("Critics say the plan will fail.", "Critics say"),
    ("It is believed the plan will fail.", "It is believed"),
    ("The plan reportedly failed.", "reportedly"),
    ("Many believe the plan will fail.", "Many believe"),
    ("Experts say the plan will fail.", "Experts say"),
])
def test_vague_attributions(cli, tmp_path, sentence, vague):
    found = findings(cli, story(tmp_path, sentence), select="vague-attribution")
    assert [t.lower() for t in texts(found, "vague-attribution")] == [vague.lower()]


def test_a_letter_that_lowers_to_two_keeps_the_offsets_after_it(cli, tmp_path):
    """ "İ" is two characters in lower case: the phrases after it are still found on their words."""
    found = findings(cli, story(tmp_path, "İzmir was calm. The plan reportedly failed."), select="vague-attribution")
    assert texts(found, "vague-attribution") == ["reportedly"]


def test_named_experts_are_not_vague(cli, tmp_path):
    path = story(tmp_path, "Experts such as Jane Doe of Leeds University say the plan will fail.")
    assert findings(cli, path, select="vague-attribution") == []


def test_a_newsroom_adds_its_own_reporting_verb(cli, tmp_path):
    path = story(tmp_path, "The committee met on Monday.", "The committee opined that the detentions were wrong.")

    def attributions():
        result = cli("check", path, "--select", "attribution", "--format", "json", "--fail-on", "never")
        return json.loads(result.out)["documents"][0]["summaries"]["attribution"]["attributions"]

    assert attributions() == 0
    rules = "checks:\n  attribution:\n    reporting_verbs: [say/says/said/saying, opine]\n"
    (tmp_path / "copydesk.yaml").write_text(rules, encoding="utf-8")
    assert attributions() == 1


def test_the_model_finds_a_verb_of_saying_no_list_has(cli, tmp_path):
    # The rules list "estimated" only; the model reads "estimates" as a cue and "The charity" as its source.
    sentence = "The charity estimates that 40 people had been wrongly detained."
    assert claims(cli, tmp_path, "The charity met on Monday.", sentence) == []


def test_positions_point_into_the_markdown_source(cli, tmp_path):
    path = tmp_path / "story.md"
    path.write_text("---\ntitle: Raid\n---\n\nThe town was quiet.\n\n*Police* say **at least 40 people**\n"
                    "were killed. Critics say the raid was botched.\n", encoding="utf-8")
    found = findings(cli, path, select="vague-attribution")
    assert [(f["line"], f["column"], f["text"]) for f in found] == [(8, 14, "Critics say")]
    source = path.read_text(encoding="utf-8")
    assert source[found[0]["offset"]:found[0]["offset"] + found[0]["length"]] == "Critics say"


# -- Accuracy against PolNeAR ---------------------------------------------------------------

@needs(POLNEAR)
def test_polnear_sentence_level_attribution_accuracy():
    scores = import_benchmark("accuracy_attribution").score()
    precision, recall = scores.attribution()
    assert scores.articles == 840
    assert precision >= 0.9
    assert recall >= 0.85


# -- The failure classes of issue 19, in sentences of our own -------------------------------

def quotes(cli, tmp_path, *paragraphs):
    return texts(findings(cli, story(tmp_path, *paragraphs), select="unattributed-quote"), "unattributed-quote")


@pytest.mark.parametrize("paragraph", [
    # A demonstrative before the verb: the old rules read "this, said" as a noun phrase.
    "“We will not sell the paper because of this,” said Ruth Okafor.",
    # A dash credit after the quotation.
    "“Every one of them behaved like a gangster.” ― Tomas Reyes",
    # A transcript label inside the quotation marks.
    "“HARTLEY: Well, look, the library stays open on Sundays and that is final.”",
    # A roundup credit: name, medium, colon.
    "Dana Whitfield, Twitter: “The library is the best thing this town has ever built.”",
    # A verb of saying no list holds.
    "“I have never seen the river this high in my life,” sighed Olu Bakare, the ferryman.",
])
def test_a_speaker_the_old_rules_missed_is_found(cli, tmp_path, paragraph):
    assert quotes(cli, tmp_path, "The town was quiet on Monday.", paragraph) == []


@pytest.mark.parametrize("credit", ["– Priya S.", "— Marco R., Leeds", "[Press Association]"])
def test_a_quotation_signed_by_a_credit_line_below_it_has_a_speaker(cli, tmp_path, credit):
    review = "“The best evening of theatre we have had in years, and the children loved every minute.”"
    assert quotes(cli, tmp_path, "The theatre reopened on Friday.", review, credit) == []


def test_a_paragraph_after_a_quotation_is_a_credit_only_when_it_is_nothing_else(cli, tmp_path):
    review = "“The best evening of theatre we have had in years, and the children loved every minute.”"
    bullet = "– The theatre will reopen in March after a refit paid for by the council and two local firms."
    assert quotes(cli, tmp_path, "The theatre reopened on Friday.", review, bullet) == [review]


def test_a_quotation_carries_its_speaker_into_the_next_paragraph_but_no_further(cli, tmp_path):
    carried = "“Every street, every house, every school will be rebuilt.”"
    assert quotes(cli, tmp_path, "“We will rebuild,” the mayor said.", f"She paused. {carried}") == []
    found = findings(cli, story(tmp_path, "“We will rebuild,” the mayor said.", "The council met on Tuesday.",
                                f"The crowd cheered. {carried}"), select="unattributed-quote")
    assert texts(found, "unattributed-quote") == [carried]
    assert "no speaker in this or the previous paragraph" in found[0]["message"]


@pytest.mark.parametrize("paragraphs", [
    # The source more than twelve words before its verb.
    ("Figures released on Monday by the regional statistics office for the three northern counties "
     "showed that 12% of homes were empty.",),
    # The source in the sentence before.
    ("Data from the 2019 housing survey show how the town has changed. Renters made up about 40 percent "
     "of households.",),
])
def test_a_claim_sourced_where_the_old_rules_did_not_look(cli, tmp_path, paragraphs):
    assert claims(cli, tmp_path, *paragraphs) == []


@pytest.mark.parametrize("paragraph", [
    "Several 9/11 families attended the ceremony in the square.",  # a date, not "11 families"
    "Follow Jo Baines on Twitter @jobaines.",  # a sign-off
])
def test_what_is_not_a_claim_or_a_quotation(cli, tmp_path, paragraph):
    assert findings(cli, story(tmp_path, paragraph)) == []


@pytest.mark.parametrize("paragraph", [
    # The listener is not the source.
    "The mayor was heard telling one aide: “We are finished in this town, all of us.”",
    # A paraphrase before "says Palmiter" is the content, not a vague source.
    "Many people underestimate how long a flood takes to recede, says Dana Palmiter.",
    # The content after "they said" is not the source.
    "They said many people had left the valley before the flood.",
    # A named person's description is not an anonymous source.
    "Marta Kowalczyk, a former council employee who had accused the mayor of bullying, said the inquiry "
    "was a sham.",
])
def test_the_wrong_span_is_not_taken_for_the_source(cli, tmp_path, paragraph):
    assert findings(cli, story(tmp_path, paragraph)) == []


@pytest.mark.parametrize("sentence, rule, text", [
    ("The plant will close in March, according to a Labour strategist monitoring the talks.",
     "anonymous-source", "according to a Labour strategist monitoring the talks"),
    ("A Tesco spokeswoman said the store would reopen on Friday.", "anonymous-source",
     "A Tesco spokeswoman said"),
    ("But some note that the bridge was built in a hurry.", "vague-attribution", "some note"),
])
def test_unnamed_sources_the_old_rules_missed(cli, tmp_path, sentence, rule, text):
    found = findings(cli, story(tmp_path, sentence), select="attribution")
    assert [(f["rule"], f["text"]) for f in found] == [(rule, text)]


# -- The rules file's patterns run on RE2 --------------------------------------------------------

def test_a_catastrophic_pattern_in_the_attribution_options_finishes_at_once(cli, tmp_path):
    options = ("reporting_phrases", "vague_phrases", "anonymity_phrases", "claim_superlatives", "claim_accusations",
               "continuation_subjects", "exceptions")
    rules = "checks:\n  attribution:\n" + "".join(f"    {option}: ['(a+)+$']\n" for option in options)
    (tmp_path / "slow.yaml").write_text(rules, encoding="utf-8")
    path = story(tmp_path, "Officials said so. It was the highest rate on record, and 40 people were killed "
                 + "a" * 100_000 + "!")
    started = time.monotonic()
    result = cli("check", path, "--rules", "slow.yaml", "--select", "attribution", "--fail-on", "never")
    assert time.monotonic() - started < 5  # a backtracking engine takes forever on (a+)+$ over 100 KB
    assert result.code == 0 and "internal-error" not in result.out


@pytest.mark.parametrize("option, value, problem", [
    ("reporting_phrases", r"['according\s+to(?!\s+plan)']", "not one RE2 can run"),
    ("claim_number", r"'(?<!\d)\d+'", "not one RE2 can run"),
    ("continuation_subjects", r"['(\w)\1']", "not one RE2 can run"),
    ("claim_trends", r"['(?P<counts>soared)']", "names a group"),
    ("reported_claims", "[proportions, figures]", "no kind of claim is called figures"),
])
def test_an_attribution_pattern_re2_cannot_run_is_a_rules_file_error(cli, tmp_path, option, value, problem):
    (tmp_path / "bad.yaml").write_text(f"checks:\n  attribution:\n    {option}: {value}\n", encoding="utf-8")
    result = cli("check", story(tmp_path, "Officials said so."), "--rules", "bad.yaml")
    assert result.code == 2 and "internal-error" not in result.out
    assert f"bad.yaml:3: option '{option}' of check 'attribution'" in result.err and problem in result.err


@pytest.mark.parametrize("sentence, flagged", [
    ("Rents rose 3-5% in the capital.", True),
    ("Fans were 100 percent behind him.", False),
    ("The fund paid £5 million to 300 victims of the fire.", True),  # no count after "£", the one after it is
    ("The fund paid £300 to victims of the fire.", False),
    ("The first half of the match was dull.", False),
    ("They played like never before.", False),
    ("One in five days was lost to rain.", False),
    ("Covid-19 victims were buried on the hill.", False),
    ("The 9/11 victims were remembered.", False),
])
def test_what_the_look_arounds_excluded_is_excluded_by_the_exceptions(cli, tmp_path, sentence, flagged):
    assert claims(cli, tmp_path, "The mayor opened the bridge on Monday.", sentence, rules=WITH_COUNTS) == \
        ([sentence] if flagged else [])


@pytest.mark.parametrize("sentence, attributions", [
    ("The rebuilding went according to plan.", 0),
    ("The rebuilding went according to the council.", 1),
])
def test_according_to_plan_attributes_nothing(cli, tmp_path, sentence, attributions):
    result = cli("check", story(tmp_path, sentence), "--select", "attribution", "--format", "json", "--fail-on", "never")
    assert json.loads(result.out)["documents"][0]["summaries"]["attribution"]["attributions"] == attributions


def test_a_no_break_space_is_a_space_to_the_reporting_phrases(cli, tmp_path):
    assert claims(cli, tmp_path, "The mayor met them.", "Half of the homes were lost, according\u00a0to the council.") == []


# -- What needs a source, and who is an unnamed source (issue 19's failure classes) ---------------

@pytest.mark.parametrize("sentence", [
    "Under state law, candidates trailing by less than 0.5 percent of the votes cast may ask for a recount.",
    "Lawmakers disagree over the corporate tax rate of 35 percent.",
    "The governor got 10 percent and finished fourth.",
    "She was one of 20 students killed at the school three years ago.",
    "Thousands of people lined the streets to cheer the team.",
    "The gunman who carried out the massacre in the town had passed three checks.",
    "The senator surged to prominence after the debate.",
    "It was one of the most substantive contests in history.",
    "The bank will raise its rate by a quarter of a percent.",
])
def test_background_facts_are_not_claims(cli, tmp_path, sentence):
    assert claims(cli, tmp_path, "The mayor opened the bridge on Monday.", sentence) == []


@pytest.mark.parametrize("sentence", [
    "Latino registration was up by 123 percent compared with the same period last year.",
    "Soldiers tortured prisoners at the base.",
    "The count was rigged in three districts.",
    "Casino takings fell to $2.7 billion, the lowest take since the 1980s.",
])
def test_statistics_records_and_accusations_need_a_source(cli, tmp_path, sentence):
    assert claims(cli, tmp_path, "The mayor opened the bridge on Monday.", sentence) == [sentence]


@pytest.mark.parametrize("sentence", [
    "At least 40 people were killed in the raid.",
    "At least nine people were killed and 21 were wounded in the attack on Friday.",
    "The storm left 14 people dead and more than 20 injured.",
])
def test_a_bare_count_of_harm_is_reported_only_when_the_newsroom_asks(cli, tmp_path, sentence):
    # A toll stated bare is, in news, mostly one already reported: the default leaves it to the editor.
    assert claims(cli, tmp_path, "The mayor opened the bridge on Monday.", sentence) == []
    assert claims(cli, tmp_path, "The mayor opened the bridge on Monday.", sentence, rules=WITH_COUNTS) == [sentence]


def test_a_source_right_after_a_claim_or_ending_the_paragraph_before_it_covers_it(cli, tmp_path):
    assert claims(cli, tmp_path, "Unemployment rose 3 percent in the town. Officials blamed the plant closure.",
                  "The mayor met union leaders, the council said.",
                  "Trade fell 40 percent last year.") == []


@pytest.mark.parametrize("sentence", [
    "Two officials have not said whether they will attend.",
    "Aides asked the mayor to resign.",
    "It gets your attention when a leader says such things.",
    "Sen. Jane Doe (a Connecticut Democrat once mistaken for a junior staffer) says she was adrift.",
    "Obama's former campaign strategist said the plan would fail.",
    "Business Insider also commented on the deal.",
    "Would officials say that the plan failed?",
    "About 9,000 nurses in the county would get a bonus in the second year of the contract, according to a fact "
    "sheet union leaders handed out Friday.",
    "The rally will repeat the line that union officials expect to hear from the minister.",
    "His aides have been reluctant to reveal much of the budget before the vote.",
])
def test_what_is_no_anonymous_source(cli, tmp_path, sentence):
    found = findings(cli, story(tmp_path, "The mayor opened the bridge.", sentence), select="anonymous-source")
    assert texts(found, "anonymous-source") == []


@pytest.mark.parametrize("sentence, source", [
    ("A senior official said the plan would fail.", "A senior official said"),
    ("Clinton's advisers say the race is over.", "Clinton's advisers say"),
    ("Union leaders expect the strike to end on Friday.", "Union leaders expect"),
    ("One of the officials said the talks had stalled.", "One of the officials said"),
    ("Press reports and council sources said the deal was off.", "Press reports and council sources said"),
])
def test_unnamed_sources_still_found(cli, tmp_path, sentence, source):
    found = findings(cli, story(tmp_path, "The mayor opened the bridge.", sentence), select="anonymous-source")
    assert texts(found, "anonymous-source") == [source]
