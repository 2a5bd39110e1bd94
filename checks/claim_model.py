"""Does news normally source a claim like this one? A logistic regression over the claim's sentence.

Trained on PolNeAR (../shared/corpus/polnear-train) by ``tools/train_claim_model.py``:
every sentence in which the attribution check finds a claim (a figure, a record, a
trend, an accusation, a forecast) is an example, labelled by whether PolNeAR puts the
claim inside the Content of an attribution with a Source (the newsroom took it from
someone) or not (the paper states it on its own authority: background, results,
history). What the model reads is the sentence's content only (:func:`features`):
its words but the words of attribution (the cue words the attribution model learned
and the check's reporting verbs), the kinds of claim it makes, and a few marks of
register (first person, hedges, future, a year, a quotation mark, where the sentence
stands). So it answers "is this the kind of claim news gives a source for?", not "is
a source written here?" — the check has already looked for one.

The weights ship beside this module as JSON (``models/claim-sourcing.json``) and load
once per process, on the first claim the check finds with no source.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "models" / "claim-sourcing.json"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d[\d,.]*")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# The subjects of attributions, which say who speaks rather than what is claimed.
_PRONOUNS = frozenset("he she they him her them his their its it".split())
_FIRST_PERSON = frozenset("we our us i my".split())
_HEDGES = frozenset("may might could would likely expected reportedly appear appears seem seems possibly".split())


def features(sentence: str, kinds: list[str], opens_paragraph: bool, opens_story: bool,
             attribution_words: frozenset[str] = frozenset()) -> list[str]:
    """What the model reads of a claim's sentence (see the module's docstring)."""
    words = [word.lower() for word in _WORD.findall(sentence)]
    found = {f"kind={kind}" for kind in kinds}
    for match in _WORD.finditer(sentence):
        word = match.group().lower()
        if word[0].isdigit():
            found.add("number")
        elif match.group()[0].isupper() and match.start():
            found.add("name")  # which names a story has says little about how news sources a claim
        elif word not in attribution_words and word not in _PRONOUNS:
            found.add(f"w={word}")
    if not _FIRST_PERSON.isdisjoint(words):
        found.add("first-person")
    if not _HEDGES.isdisjoint(words):
        found.add("hedge")
    if "will" in words:
        found.add("future")
    if _YEAR.search(sentence):
        found.add("year")
    if "%" in sentence or "percent" in words or "per" in words and "cent" in words:
        found.add("percent")
    if "$" in sentence or "£" in sentence or "€" in sentence:
        found.add("money")
    if any(mark in sentence for mark in "“”\""):
        found.add("quotation-mark")
    found.add("opens-paragraph" if opens_paragraph else "within-paragraph")
    if opens_story:
        found.add("opens-story")
    found.add(f"length={min(len(words) // 10, 4)}")
    return sorted(found)


class ClaimModel:
    """The shipped weights: P(news sources a claim) from its sentence's features."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.bias: float = data["bias"]
        self.weights: dict[str, float] = data["weights"]
        # Flag a bare claim only when claims like it are sourced at least this often (tuned on a held-out
        # part of polnear-train; see tools/train_claim_model.py).
        self.threshold: float = data["threshold"]
        # The words of attribution the model was trained without (it ships them: the same list, always).
        self.attribution_words = frozenset(data["attribution_words"])

    def features(self, sentence: str, kinds: list[str], opens_paragraph: bool, opens_story: bool) -> list[str]:
        return features(sentence, kinds, opens_paragraph, opens_story, self.attribution_words)

    def probability(self, features: list[str]) -> float:
        score = self.bias + sum(self.weights.get(feature, 0.0) for feature in features)
        return 1 / (1 + math.exp(-score))

    def normally_sourced(self, features: list[str]) -> bool:
        return self.probability(features) >= self.threshold


@cache
def model() -> ClaimModel:
    return ClaimModel()
