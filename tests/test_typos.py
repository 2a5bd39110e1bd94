"""Typos: real-word errors, in-story spelling inconsistencies and the house spelling list."""

from __future__ import annotations

import json

from conftest import SEEDS, json_findings, needs

HEATH_SEED = "002_62c41b247a7a4074.txt"
TYPO_CHECKS = "real-word-error,inconsistent-spelling,house-spelling"


def findings(cli, *paths, select=TYPO_CHECKS, extra=()):
    return json_findings(cli, *paths, select=select, extra=extra)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@needs(SEEDS)
def test_heath_care_headlines_are_real_word_errors_without_any_house_entry(cli):
    found = findings(cli, SEEDS / HEATH_SEED, select="real-word-error", extra=("--ignore", "house-spelling"))
    assert [(f["line"], f["column"], f["text"], f["suggestions"]) for f in found] == [
        (40, 27, "Heath Care", ["Health Care"]), (46, 27, "Heath Care", ["Health Care"])]


@needs(SEEDS)
def test_heath_is_inconsistent_with_the_storys_health_care(cli):
    found = findings(cli, SEEDS / HEATH_SEED, select="inconsistent-spelling")
    assert [(f["line"], f["text"], f["suggestions"]) for f in found] == [
        (40, "Heath", ["Health"]), (46, "Heath", ["Health"])]
    related_lines = {r["line"] for r in found[0]["related"]}
    seed_lines = (SEEDS / HEATH_SEED).read_text(encoding="utf-8").splitlines()
    assert all("health" in seed_lines[line - 1].lower() for line in related_lines)


@needs(SEEDS)
def test_no_typo_finding_on_the_seeds_names_or_anywhere_else(cli):
    found = findings(cli, SEEDS)
    assert {f["text"] for f in found} == {"Heath Care", "Heath"}


def test_a_name_is_not_a_real_word_error(cli, tmp_path):
    story = write(tmp_path, "name.md", "# Heath Care Plan Unveiled\n\n"
                  "Ministers backed the plan drawn up by Mr Heath on Monday. The health care\n"
                  "reforms will take effect next year, said Sarah Heath, who chairs the board.\n")
    assert findings(cli, story, select="real-word-error") == []


def test_real_word_error_in_markdown_points_into_the_file(cli, tmp_path):
    story = write(tmp_path, "story.md", "---\ntitle: Budget\n---\n\nThe council said the *new* fund\n"
                  "would pay for mental heath services in the city.\n")
    (found,) = findings(cli, story, select="real-word-error")
    assert (found["line"], found["column"], found["text"], found["suggestions"]) == (
        6, 22, "heath services", ["health services"])


def test_a_variant_the_story_uses_elsewhere_needs_less_margin(cli, tmp_path):
    # "at his trial." is ~125 times as likely as "at his trail.": not enough alone for the learned decision.
    slip = "He said little at his trail.\n"
    alone = write(tmp_path, "alone.txt", "Court\n\n" + slip)
    assert findings(cli, alone, select="real-word-error") == []
    story = write(tmp_path, "story.txt", "Court\n\nThe murder trial opened in May.\n\n" + slip)
    (found,) = findings(cli, story, select="real-word-error")
    assert (found["line"], found["text"], found["suggestions"]) == (5, "his trail", ["his trial"])
    rules = write(tmp_path, "rules.yaml", "checks:\n  real-word-error:\n    story_evidence: 1\n")
    assert findings(cli, story, select="real-word-error", extra=("--rules", rules)) == []


def test_function_word_slips_are_left_to_confusion_sets(cli, tmp_path):
    story = write(tmp_path, "form.txt", "Cuts\n\nThe letter came form the mayor's office on Tuesday.\n")
    assert [f["suggestions"] for f in findings(cli, story, select="real-word-error")] == [["came from"]]
    rules = write(tmp_path, "rules.yaml", "checks:\n  real-word-error:\n    confusion_sets: []\n")
    assert findings(cli, story, select="real-word-error", extra=("--rules", rules)) == []


def test_minority_spelling_of_a_name_is_flagged_with_the_majority_as_related(cli, tmp_path):
    story = write(tmp_path, "hezbollah.txt", "Border clashes\n\n"
                  "Hezbollah fired rockets overnight. Israel said Hezbollah had been warned.\n\n"
                  "A Hizbollah spokesman denied it. Hezbollah later issued a statement.\n")
    (found,) = findings(cli, story, select="inconsistent-spelling")
    assert (found["line"], found["text"], found["suggestions"]) == (5, "Hizbollah", ["Hezbollah"])
    assert [(r["line"], r["text"]) for r in found["related"]] == [(3, "Hezbollah"), (3, "Hezbollah"),
                                                                  (5, "Hezbollah")]


def test_particle_case_inside_a_compound_name(cli, tmp_path):
    story = write(tmp_path, "nujaba.txt", "Militia\n\n"
                  "Fighters of al-Nujaba moved north, and al-Nujaba commanders met.\n\n"
                  "Leaders of Al-Nujaba declined to comment.\n")
    (found,) = findings(cli, story, select="inconsistent-spelling")
    assert (found["text"], found["suggestions"]) == ("Al-Nujaba", ["al-Nujaba"])


def test_forms_of_a_word_and_possessives_are_not_spellings(cli, tmp_path):
    story = write(tmp_path, "forms.txt", "Markets\n\n"
                  "The firm's profits rose. Two firms settled; the firm settles its debts. "
                  "Firms said last year's profit beat the year before, and years of losses ended.\n")
    assert findings(cli, story, select="inconsistent-spelling") == []


def test_house_spellings_follow_case_and_phrases_span_line_breaks(cli, tmp_path):
    story = write(tmp_path, "house.txt", "Review\n\n"
                  "Pouring over the figures, the committee\nfound alot to accomodate. "
                  "She bought an Ipad; an ipad is not listed as exact.\n"
                  "Critics gave it free\nreign.\n")
    found = findings(cli, story, select="house-spelling")
    assert [(f["line"], f["text"], f["suggestions"][0]) for f in found] == [
        (3, "Pouring over", "Poring over"), (4, "alot", "a lot"), (4, "accomodate", "accommodate"),
        (4, "Ipad", "iPad"), (5, "free\nreign", "free rein")]
    assert {f["severity"] for f in found} == {"error"}


def test_house_spellings_match_whole_words_and_never_inside_an_earlier_match(cli, tmp_path):
    story = write(tmp_path, "edges.txt", "Notes\n\n"
                  "They re-accomodate guests who were accomodated. "
                  "He has free reign in the lab; she is a shoe-in for the job.\n")
    found = findings(cli, story, select="house-spelling")
    # "reign in" is listed too, but it starts inside "free reign", as a scan of the text would see it.
    assert [(f["text"], f["suggestions"][0]) for f in found] == [
        ("free reign", "free rein"), ("shoe-in", "shoo-in")]


def test_a_newsroom_adds_house_spellings_and_patterns(cli, tmp_path):
    story = write(tmp_path, "own.txt", "Notes\n\nThe Grey Cup final, in colour, drew 3m viewers 'til midnight.\n")
    rules = write(tmp_path, "rules.yaml", "checks:\n  house-spelling:\n    spellings:\n      colour: color\n"
                  "      \"'til\": until\n"
                  "    patterns:\n      '(\\d+)m viewers': '\\1 million viewers'\n")
    found = findings(cli, story, select="house-spelling", extra=("--rules", rules))
    assert [(f["text"], f["suggestions"][0]) for f in found] == [
        ("colour", "color"), ("3m viewers", "3 million viewers"), ("'til", "until")]


def test_real_word_memory_stays_bounded_over_an_endless_vocabulary(monkeypatch):
    from copydesk.checks import real_word
    from copydesk.config import load_config
    from copydesk.langmodel import language_model
    from copydesk.lexicon import lexicon
    from copydesk.plugins import load_registry

    monkeypatch.setattr(real_word, "_STRANGERS_REMEMBERED", 50)
    options = load_config().options(load_registry().checks["real-word-error"])
    scorer = real_word._Scorer(language_model(), lexicon(), options)
    assert "health" in dict(scorer.candidates("heath"))
    for number in range(1_000):
        assert scorer.candidates(f"qzx{number}name") == ()
    assert len(scorer.hopeless) <= 51
    assert list(scorer.known_candidates) == ["heath"]
    assert scorer.candidates("the") == () and "the" in scorer.hopeless


def test_untied_nations_in_a_title_case_headline_is_scored_lower_cased(cli, tmp_path):
    story = write(tmp_path, "un.txt", "Untied Nations Council Meets on Gaza Ceasefire\n\n"
                  "Diplomats gathered in New York on Tuesday to discuss the ceasefire.\n")
    (found,) = findings(cli, story, select="real-word-error")
    assert (found["line"], found["column"], found["text"], found["suggestions"], found["severity"]) == (
        1, 1, "Untied Nations", ["United Nations"], "warning")
    assert "times as likely here" in found["message"]


def test_homophones_come_from_the_pronouncing_dictionary(cli, tmp_path):
    story = write(tmp_path, "homophone.txt", "Schools\n\n"
                  "Parents said they did not know what there children were taught.\n")
    (found,) = findings(cli, story, select="real-word-error")
    assert (found["text"], found["suggestions"]) == ("there children", ["their children"])
    right = write(tmp_path, "right.txt", "Schools\n\nParents said they did not know what their children were taught.\n")
    assert findings(cli, right, select="real-word-error") == []


def test_a_missing_language_model_is_named_and_the_other_checks_still_run(cli, tmp_path):
    story = write(tmp_path, "story.txt", "Title\n\nThe fund manger said so. The the end.\n")
    rules = write(tmp_path, "rules.yaml", f"checks:\n  real-word-error:\n    language_model: {tmp_path / 'none.lm'}\n")
    result = cli("check", story, "--select", "real-word-error,repeated-word", "--format", "json", "--rules", rules)
    found = [f for d in json.loads(result.out)["documents"] for f in d["findings"]]
    assert sorted(f["rule"] for f in found) == ["internal-error", "repeated-word"]
    (failure,) = [f for f in found if f["rule"] == "internal-error"]
    assert "none.lm: no such language model file" in failure["message"]


def test_another_language_model_can_be_given_in_the_rules(cli, tmp_path):
    # A toy ARPA model in which "heath care" is the phrase and "health care" unheard of.
    arpa = write(tmp_path, "toy.arpa", "\\data\\\nngram 1=6\nngram 2=2\n\n\\1-grams:\n"
                 "-1.0 <s> -1.0\n-1.0 </s>\n-1.0 the -1.0\n-2.0 heath -1.0\n-2.0 health -1.0\n-1.0 care -1.0\n\n"
                 "\\2-grams:\n0.0 heath care\n0.0 the heath\n\n\\end\\\n")
    story = write(tmp_path, "story.txt", "Costs\n\nShe said the health care plan was late.\n")
    assert findings(cli, story, select="real-word-error") == []
    rules = write(tmp_path, "rules.yaml", f"checks:\n  real-word-error:\n    language_model: {arpa}\n")
    (found,) = findings(cli, story, select="real-word-error", extra=("--rules", rules))
    assert found["suggestions"] in (["heath care"], ["the heath"])


def test_the_shipped_variants_table_answers_as_the_lexicon_does():
    """The table tools/build_real_word_variants.py writes stands in for the lexicon when the bundled
    model is used: a stale table (pocketsphinx or symspellpy upgraded) fails here."""
    from copydesk.checks import real_word
    from copydesk.config import load_config
    from copydesk.langmodel import language_model
    from copydesk.lexicon import lexicon
    from copydesk.plugins import load_registry

    model, lex = language_model(), lexicon()
    table = real_word.variants_table()
    assert frozenset(table["most_common"][:100]) == lex.most_common(100)
    sample = [line.split("\t")[0] for line in table["variants"][::97]]
    sample += ["heath", "manger", "untied", "the", "zyuganov", "qzxname"]
    for word in sample:
        assert real_word._table_variants(word) == tuple(v for v in lex.variants(word) if model.knows(v)), word
    options = load_config().options(load_registry().checks["real-word-error"])
    from_table, from_lexicon = real_word._Scorer(model, None, options), real_word._Scorer(model, lex, options)
    assert "health" in dict(from_table.candidates("heath"))
    for word in sample:
        assert from_table.candidates(word) == from_lexicon.candidates(word), word


def test_a_story_with_hundreds_of_inconsistent_spellings_is_read_a_fixed_number_of_times():
    """The check once went over the whole story again for every spelling it reported (5 s on a
    400 KB page): how often it reads the story's blocks must not grow with what it finds."""
    from random import Random

    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    class CountedBlocks(list):
        passes = 0

        def __iter__(self):
            CountedBlocks.passes += 1
            return super().__iter__()

    registry, config = load_registry(), load_config()
    (active,) = plan(registry, config, ["inconsistent-spelling"])
    engine = Engine(registry, config, [])
    rng = Random(7)
    passes = []
    for count in (10, 200):
        made_up = set()
        while len(made_up) < count:  # "Bebuzeko": a name no word list holds
            made_up.add("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)).capitalize())
        # The usual spelling twice, a vowel changed once: "Bebuzeko", "Bebuzako"; and the
        # particle of a compound name capitalised once mid-sentence: "al-Bebuzeko", "Al-Bebuzeko".
        slips = {name: name[:5] + ("a" if name[5] != "a" else "e") + name[6:] for name in sorted(made_up)}
        story = "Council meets\n\n" + "\n\n".join(
            f"{name} met the board, and {name} said the plan would go ahead. Aides to {slip} declined "
            f"to comment. Fighters of al-{name} moved north; al-{name} and Al-{name} commanders met."
            for name, slip in slips.items()) + "\n"
        (document,) = engine.read(SourceText("names.txt", story), registry.readers["text"])
        document.blocks = CountedBlocks(document.blocks)
        CountedBlocks.passes = 0
        found = list(active.check.function(document, active.context(document)))
        expected = {(slip, name) for name, slip in slips.items()} | {(f"Al-{name}", f"al-{name}") for name in slips}
        assert {(finding.location.text, finding.suggestions[0]) for finding in found} == expected
        assert len(found) == 2 * count
        passes.append(CountedBlocks.passes)
    assert passes[0] == passes[1] <= 3
