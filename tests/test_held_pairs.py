"""The table of the pairs the bundled trigram model holds, and real-word-error's evidence test from it."""

from __future__ import annotations

import random

import numpy as np
import pytest

STORY = """Attacks on Heath Care

The council's plan for heath care was voted down on Tuesday after a long debate. Critics said
the untied front of the opposition had no other plan, and the mayor said she would not loose
the vote again. Their was no sign of a compromise, and the trail of the former manger begins
next week. "We will be back," he said as the meeting broke up, and the hall emptied quickly.
"""


def _options():
    from copydesk.config import load_config
    from copydesk.plugins import load_registry

    return load_config().options(load_registry().checks["real-word-error"])


def test_the_shipped_table_says_what_the_model_says_about_any_pair():
    """A table built for another model (pocketsphinx upgraded) is not used, and a stale one fails
    here: rebuild it with tools/build_held_bigrams.py."""
    from copydesk.langmodel import language_model

    model = language_model()
    pairs = model.held_pairs()
    assert pairs is not None, "copydesk/held_bigrams.npz was not built from the installed model"
    words = list(pairs.ids)
    draw = random.Random(7)
    asked = [("health", "care"), ("heath", "care"), ("the", "the"), ("a", "xylophone"), ("united", "nations")]
    asked += [(draw.choice(words[:3000]), draw.choice(words[:3000])) for _ in range(1500)]
    asked += [(draw.choice(words), draw.choice(words)) for _ in range(1500)]
    firsts = np.array([pairs.ids[first] for first, _ in asked])
    seconds = np.array([pairs.ids[second] for _, second in asked])
    held = pairs.held(firsts, seconds).tolist()
    assert held == [model.seen(first, second) for first, second in asked]
    assert held[0] and held[4] and any(held[5:3005]) and not all(held[5:3005])
    assert not pairs.held(np.array([-1, pairs.ids["health"]]), np.array([pairs.ids["care"], -1])).any()


def test_another_model_has_no_table(tmp_path):
    from copydesk.langmodel import LanguageModel, bundled_model

    copy = tmp_path / "model.lm.bin"
    copy.write_bytes(bundled_model().read_bytes())
    assert LanguageModel(copy).held_pairs() is None


@pytest.mark.parametrize("listed", [False, True])
def test_the_table_and_the_model_find_the_same_evidence_and_the_same_slips(listed):
    """The story-at-once test from the table keeps exactly the contexts the model's own look-ups
    keep, including for a listed partner the model does not know (which asks the model)."""
    from copydesk.checks import real_word
    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import plan
    from copydesk.langmodel import language_model
    from copydesk.plugins import load_registry
    from copydesk.readers.plaintext import read_plain_text

    options = dict(_options())
    if listed:
        options["confusion_sets"] = [*options["confusion_sets"], "vote qzxvote"]
    document = next(read_plain_text(SourceText("story.txt", STORY * 3), {}))
    model = language_model()
    by_model = real_word._Scorer(model, None, options)
    by_model.table = False
    by_table = real_word._Scorer(model, None, options)
    by_table.table = real_word._TableEvidence(by_table, model.held_pairs())
    contexts = []
    for block in document.blocks:
        for position, word in enumerate(block.lowered_words):
            candidates = by_model.candidates(word)
            if candidates:
                by_table.candidates(word)
                contexts.append((by_model.spelling(word), *by_model.nearest(block.parts, block.lowered_words, position),
                                 candidates))
    kept = by_table.evidence(contexts)
    assert kept == by_model.evidence(contexts)
    assert 5 < sum(kept) < len(contexts)
    (active,) = plan(load_registry(), load_config(), ["real-word-error"])

    def slips(scorer):
        real_word._scorers.clear()
        real_word._scorers[tuple((name, tuple(value) if isinstance(value, list) else value)
                                 for name, value in sorted(options.items()))] = scorer
        context = active.context(document)
        context.options = options
        return [(f.location.text, f.suggestions) for f in active.check.function(document, context)]

    try:
        found = slips(by_table)
        assert found == slips(by_model)
        assert ("former manger", ["former manager"]) in found
    finally:
        real_word._scorers.clear()
