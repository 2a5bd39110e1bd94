"""Build real-word-error's confusion sets and tune their ratios from ../shared.

    python tools/tune_real_word.py split   # the sets and their halves (commit this before tuning)
    python tools/tune_real_word.py tune    # each tuning-half set's ratio, written into the same file

Writes copydesk/real_word_sets.json.

split: homophone sets from the CMU Pronouncing Dictionary that pocketsphinx
ships (words spelled differently and pronounced alike, each common in the
model: unigram log10 probability ≥ -5.5) and the listed sets of rules.yaml.
Every set goes to the tuning half or the held-out half by a hash of its words,
so the split is fixed before any tuning and does not depend on results. The
held-out half is never tuned: benchmarks/accuracy_real_word.py measures
recall on it.

tune: balanced data from the BBC corpus and polnear-train. For each
occurrence of a tuning-half set's word where the check would look (not a name,
a compound or capitals; a context the model knows), the sentence as written
is a negative and the sentence with each other member swapped in is a
positive (weighted so both sides weigh the same). A set's ratio is the lowest
of a ladder of ratios whose balanced precision is ≥ 0.95 (counting one
pseudo false alarm, so a handful of examples cannot pass by luck) and at which
the set flags at most one in 1,000 of its occurrences (at least one) in the
whole tuning copy as written (story filters not applied); a set that cannot
reach both, or has under 20 occurrences, gets ``false``: not checked.

The check no longer uses the ratio itself: candidates are judged by the
decision tools/learn_real_word.py learns from the tuning half; a set's ratio
here decides only whether a tuning-half set is checked at all (``false``: not
checked), and is kept in the file as the balanced per-set table the
benchmark prints. Needs the language model the check uses (rules.yaml's
``language_model``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
OUTPUT = REPO / "copydesk" / "real_word_sets.json"
CORPORA = [SHARED / "corpus" / "bbc", SHARED / "corpus" / "polnear-train" / "text"]
COMMON_LOG10 = -5.5
PRECISION = 0.95
MIN_OCCURRENCES = 20
PER_WORD = 300
# A set may flag at most this share of its occurrences in the tuning copy as written (at least one):
# 1.5 million words of edited copy, where a flag is far more often a false alarm than a slip.
MAX_FLAG_SHARE = 0.001
LADDER = [2, 3, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 100_000, 1_000_000]
# Two-letter words are mostly abbreviations and names in the dictionary; only these are words.
_SPELLING = re.compile(r"[a-z]{3,}|by|to|no|so|be|in|we|or|oh|hi"
                       r"|(?:it|who|they|you|we|there|let|he|she|i)'(?:s|re|ll|ve|d)")


def half(key: str) -> str:
    """The half a set (or a pair of words) belongs to, fixed by its words alone."""
    return "tuning" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "held-out"


def homophone_sets() -> list[list[str]]:
    from copydesk.langmodel import LOG_UNIT, bundled_dictionary, language_model
    from copydesk.lexicon import same_word

    model = language_model()
    floor = COMMON_LOG10 * 2.302585 / LOG_UNIT
    by_sound: dict[str, set[str]] = defaultdict(set)
    for line in bundled_dictionary().read_text(encoding="utf-8").splitlines():
        spelling, _, sound = line.partition(" ")
        spelling = spelling.split("(")[0]
        if _SPELLING.fullmatch(spelling) and model.log_prob(spelling) >= floor:
            by_sound[sound.strip()].add(spelling)
    sets = set()
    for words in by_sound.values():
        # Forms of one word, and British and American spellings ("programme"/"program"), are not slips.
        words = {w for w in words if not any(w != o and (same_word(w, o) or (w.startswith(o) and w[len(o):] in
                                                                            ("me", "ue"))) for o in words)}
        if len(words) > 1:
            sets.add(tuple(sorted(words)))
    return [list(words) for words in sorted(sets)]


def listed_sets() -> list[list[str]]:
    import yaml

    rules = yaml.safe_load((REPO / "rules.yaml").read_text(encoding="utf-8"))
    return [sorted(entry.lower().split()) for entry in rules["checks"]["real-word-error"]["confusion_sets"]]


def split() -> None:
    entries = [{"key": " ".join(words), "source": source, "half": half(" ".join(words)), "ratio": None}
               for source, sets in (("listed", listed_sets()), ("homophone", homophone_sets()))
               for words in sets]
    write({"about": "real-word-error's confusion sets; see tools/tune_real_word.py", "sets": entries})
    for name in ("tuning", "held-out"):
        chosen = [e for e in entries if e["half"] == name]
        print(f"{name}: {sum(e['source'] == 'listed' for e in chosen)} listed sets, "
              f"{sum(e['source'] == 'homophone' for e in chosen)} homophone sets")


def write(data: dict) -> None:
    """The file, one set a line, so a retuning reads as a diff of the sets that changed."""
    lines = ",\n".join(json.dumps(entry) for entry in data["sets"])
    OUTPUT.write_text(f'{{"about": {json.dumps(data["about"])},\n"sets": [\n{lines}\n]}}\n', encoding="utf-8")


def documents(paths):
    from copydesk.config import load_config
    from copydesk.engine import Engine
    from copydesk.plugins import load_registry

    return [item for item in Engine(load_registry(), load_config(), []).documents(map(str, paths))
            if not hasattr(item, "fatal")]


def occurrences(docs, words: set[str], model):
    """(word, left, right) for every place the check would look at one of ``words``."""
    from copydesk.checks.real_word import _Story, checkable, context, informative, is_title_case

    for document in docs:
        story = _Story(document)
        for block in document.blocks:
            if block.kind == "residue":
                continue
            parts, lowered = block.parts, block.lowered_words
            title_case = block.kind == "headline" and is_title_case(parts[1::2])
            for position, word in enumerate(lowered):
                if word in words and checkable(parts, 2 * position + 1, title_case, story.names):
                    left, right = context(parts, lowered, position, model)
                    if informative(left, right):
                        yield word, left, right


def balanced(scorer, members: list[str], places):
    """Per ladder rung: (true positives, false positives, positives) on balanced data for one set.

    Candidates are scored as the check scores them (its evidence rules,
    :meth:`leads_of`); the ladder then applies each ratio.
    """
    tallies = [[0.0, 0.0, 0.0] for _ in LADDER]
    weight = 1 / (len(members) - 1)

    def winner(word, left, right):
        leads = scorer.leads_of(word, left, right, tuple((m, 1.0) for m in members if m != word))
        return max(((lead, candidate) for candidate, _, lead in leads), default=(0.0, None))

    for word, left, right in places:
        # The sentence as written: any flag is a false alarm.
        lead, _ = winner(word, left, right)
        for tally, rung in zip(tallies, LADDER):
            tally[1] += lead >= rung
        # Each other member swapped in: a hit when the original wins by the ratio.
        for slip in members:
            if slip == word:
                continue
            lead, candidate = winner(slip, left, right)
            for tally, rung in zip(tallies, LADDER):
                tally[2] += weight
                if lead >= rung:
                    tally[0 if candidate == word else 1] += weight
    return tallies


def flags_on_copy(scorer, members: list[str], places) -> list[int]:
    """Per ladder rung: how many of the set's occurrences in the tuning copy, as written, it would flag."""
    flags = [0] * len(LADDER)
    for word, left, right in places:
        leads = scorer.leads_of(word, left, right, tuple((m, 1.0) for m in members if m != word))
        lead = max((lead for _, _, lead in leads), default=0.0)
        for number, rung in enumerate(LADDER):
            flags[number] += lead >= rung
    return flags


def choose(tallies, flags=None, occurrences: int = 0) -> tuple[float | bool, float, float]:
    """The lowest rung with balanced precision ≥ PRECISION and at most MAX_FLAG_SHARE of the set's
    ``occurrences`` flagged on the tuning copy as written: (ratio or False, precision, recall)."""
    allowed = max(1, int(MAX_FLAG_SHARE * occurrences))
    for number, (rung, (hits, false, positives)) in enumerate(zip(LADDER, tallies)):
        precision = hits / (hits + false + 1)
        if precision >= PRECISION and hits and (flags is None or flags[number] <= allowed):
            return rung, round(hits / (hits + false), 3), round(hits / positives, 3)
    return False, 0.0, 0.0


def tune() -> None:
    from copydesk.checks.real_word import scorer as make_scorer
    from copydesk.config import load_config
    from copydesk.plugins import load_registry

    options = load_config().options(load_registry().checks["real-word-error"])
    scorer = make_scorer(options)
    data = json.loads(OUTPUT.read_text(encoding="utf-8"))
    tuning = [entry for entry in data["sets"] if entry["half"] == "tuning"]
    words = {w for entry in tuning for w in entry["key"].split()}
    docs = documents(CORPORA)
    print(f"{len(docs)} stories from BBC and polnear-train", file=sys.stderr)
    by_word: dict[str, list] = defaultdict(list)
    for word, left, right in occurrences(docs, words, scorer.model):
        by_word[word].append((word, left, right))
    random.seed(20)
    pooled = [[0.0, 0.0, 0.0] for _ in LADDER]
    for entry in data["sets"]:
        if entry["half"] != "tuning":
            entry.update(ratio=None, precision=None, recall=None, occurrences=None)
            continue
        members = entry["key"].split()
        places = [place for m in members for place in random.sample(by_word[m], min(PER_WORD, len(by_word[m])))]
        entry["occurrences"] = sum(len(by_word[m]) for m in members)
        if entry["occurrences"] < MIN_OCCURRENCES:
            entry.update(ratio=False, precision=None, recall=None)
            continue
        tallies = balanced(scorer, members, places)
        for total, tally in zip(pooled, tallies):
            for i in range(3):
                total[i] += tally[i]
        flags = flags_on_copy(scorer, members, [place for m in members for place in by_word[m]])
        entry["ratio"], entry["precision"], entry["recall"] = choose(tallies, flags, entry["occurrences"])
    write(data)
    kept = [e for e in tuning if e["ratio"]]
    print(f"tuning half: {len(kept)} of {len(tuning)} sets kept; all tuning sets pooled: "
          f"(ratio, precision, recall) = {choose(pooled)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", choices=["split", "tune"])
    {"split": split, "tune": tune}[parser.parse_args().step]()


if __name__ == "__main__":
    main()
