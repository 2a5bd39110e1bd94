"""real-word-error's learned decision: the weights file, the features, the log odds."""

from __future__ import annotations

from copydesk.langmodel import language_model
from copydesk.real_word_decision import FEATURES, _held, features, log_odds, weights


def test_the_shipped_weights_fit_the_features_for_both_kinds_of_candidate():
    assert set(weights()) == {"set", "edit"}
    assert all(len(values) == len(FEATURES) for values in weights().values())


def test_a_slip_scores_far_higher_than_the_same_words_the_right_way_round():
    model = language_model()
    left, right = ("on", "attacks"), ("care", "</s>")
    slip = dict(zip(FEATURES, features(model, "heath", "health", left, right, homophone=False)))
    assert slip["ratio"] > 2 and slip["candidate seen before"] == 1.0 and slip["written seen before"] == 0.0
    assert slip["candidate trigram across"] == 1.0 and slip["written trigram across"] == 0.0
    assert log_odds("set", tuple(slip.values())) > 0 > log_odds(
        "set", features(model, "health", "heath", left, right, homophone=False))


def test_a_trigram_the_model_holds_is_told_from_a_backed_off_one():
    model = language_model()
    assert _held(model, ("the",), ("united",), "nations")
    assert not _held(model, ("the",), ("united",), "xylophone")
    assert not _held(model, (), ("united",), "nations")  # no word before: no trigram
