"""real-word-error's learned decision: is a candidate the word meant, or the word as written right?

One likelihood ratio per set is a crude judge: a ratio of 100 won on a
seen trigram is strong evidence, the same ratio won because one side backed
off to unigram frequencies is not. The decision here weighs what the trigram
model says about the two words in this context — the whole context's ratio,
the left and the right side's separately, whether each side's pair and
trigram is one the model holds or a back-off, the two words' own
frequencies, the words' shapes — with two logistic regressions, one for
confusion-set partners and one for variants one edit away, learned from the
tuning half of the confusion sets and of the one-edit pairs on BBC +
polnear-train (tools/learn_real_word.py rebuilds ``real_word_decision.json``;
the weights are read lazily, once).

None of the features names a set or a word, so what is learned applies to
sets and pairs it never saw (the held-out half, a newsroom's own sets). The
model for set partners gives weight only to the ratios and whether each
side's pair is held (tools/learn_real_word.py's ``USED``): the rest let it
learn which tuning pairs are easy, which did not carry to other pairs. Clean
copy holds far more right words than slips, so the check asks for
``set_log_odds`` and ``edit_log_odds`` (rules.yaml), chosen on the tuning
copy for its findings per 1,000 words.
"""

from __future__ import annotations

import functools
import json
import math
from importlib import resources

from copydesk.langmodel import LOG_UNIT, SENTENCE_END, SENTENCE_START, LanguageModel
from copydesk.lexicon import one_edit_apart

WEIGHTS = "real_word_decision.json"
# Model log units (base 1.0001) to decimal orders of magnitude.
_TO_LOG10 = LOG_UNIT / math.log(10)

# The features, in the order of the weights file.
FEATURES = (
    "ratio",             # log10 of how many times as likely the candidate makes the whole context
    "left ratio",        # ... the word given the words before it
    "right ratio",       # ... the words after it, given it
    "agreed ratio",      # the smaller of the two sides' ratios: both sides must agree
    "prior ratio",       # log10 of the candidate's own frequency over the written word's
    "written frequency",  # log10 unigram probability of the word as written
    "candidate frequency",
    "written seen before",   # the model holds the pair (word before, written word) itself
    "candidate seen before",
    "written seen after",
    "candidate seen after",
    "written trigram before",   # the model holds the trigram (two words before, written word) itself
    "candidate trigram before",
    "written trigram across",   # ... (word before, the word, word after)
    "candidate trigram across",
    "written trigram after",    # ... (the word, two words after)
    "candidate trigram after",
    "no word before",    # the phrase starts at the word (punctuation, a name, the sentence's start)
    "no word after",
    "sentence start",
    "sentence end",
    "homophone",         # the two words sound alike
    "same first letter",
    "one edit apart",
    "bias",
)


def features(model: LanguageModel, word: str, candidate: str, left: tuple[str, ...], right: tuple[str, ...],
             homophone: bool) -> tuple[float, ...]:
    """What the model says about ``candidate`` in place of ``word`` (both lower case, as the model
    spells them) between ``left`` and ``right`` (nearest first, as :func:`checks.real_word.context`
    gives them), in the order of :data:`FEATURES`."""
    log_prob = model.log_prob
    ratio = (model.score(candidate, left, right) - model.score(word, left, right)) * _TO_LOG10
    left_ratio = (log_prob(candidate, *left) - log_prob(word, *left)) * _TO_LOG10
    right_ratio = ratio - left_ratio
    written_frequency, candidate_frequency = log_prob(word) * _TO_LOG10, log_prob(candidate) * _TO_LOG10
    before = left[0] if left and left[0] != SENTENCE_START else None
    after = right[0] if right and right[0] != SENTENCE_END else None
    return (
        ratio, left_ratio, right_ratio, min(left_ratio, right_ratio), candidate_frequency - written_frequency,
        written_frequency, candidate_frequency,
        float(before is not None and model.seen(before, word)),
        float(before is not None and model.seen(before, candidate)),
        float(after is not None and model.seen(word, after)),
        float(after is not None and model.seen(candidate, after)),
        float(_held(model, left[1:2], left[:1], word)), float(_held(model, left[1:2], left[:1], candidate)),
        float(_held(model, left[:1], (word,), right[0] if right else "")),
        float(_held(model, left[:1], (candidate,), right[0] if right else "")),
        float(_held(model, (word,), right[:1], right[1] if len(right) > 1 else "")),
        float(_held(model, (candidate,), right[:1], right[1] if len(right) > 1 else "")),
        float(before is None), float(after is None),
        float(left[:1] == (SENTENCE_START,)), float(right[:1] == (SENTENCE_END,)),
        float(homophone), float(word[0] == candidate[0]), float(one_edit_apart(word, candidate)),
        1.0,
    )


def _held(model: LanguageModel, first: tuple[str, ...], second: tuple[str, ...], third: str) -> bool:
    """Whether the model holds the trigram "first second third" itself rather than backing off.

    ``first`` and ``second`` are one-word tuples, empty where the context has
    no such word (then: no trigram).
    """
    return bool(first and second and third) and model.holds(third, second[0], first[0])


@functools.cache
def weights() -> dict[str, tuple[float, ...]]:
    """The learned weights, in the order of :data:`FEATURES`: one model for confusion-set
    partners ("set"), one for variants one edit away ("edit")."""
    data = json.loads(resources.files("copydesk").joinpath(WEIGHTS).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise RuntimeError(f"{WEIGHTS} was learned for other features: rebuild it with tools/learn_real_word.py")
    return {kind: tuple(values) for kind, values in data["weights"].items()}


def log_odds(kind: str, values: tuple[float, ...]) -> float:
    """The learned log odds that the candidate is what was meant, for a candidate of ``kind``
    ("set" or "edit"), on data where right words weigh 20 times the slips."""
    return sum(weight * value for weight, value in zip(weights()[kind], values))
