"""The word and pair lists: parsed once, kept in the cache folder, and their one-edit variants."""

from __future__ import annotations

import random

import pytest

from copydesk import lexicon as lexicon_module


@pytest.fixture
def fresh_lexicon(monkeypatch, tmp_path):
    """lexicon() as a new process would meet it, with its cache folder under tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lexicon_module.lexicon.cache_clear()
    yield lexicon_module.lexicon
    lexicon_module.lexicon.cache_clear()


def _kept(tmp_path):
    return sorted((tmp_path / "copydesk").glob("lexicon-*.marshal"))


def test_parsed_lists_are_kept_and_read_back_without_parsing(fresh_lexicon, monkeypatch, tmp_path):
    parsed = fresh_lexicon()
    assert len(_kept(tmp_path)) == 1 and parsed.pair("health", "care") > 0

    def no_parsing(*lists):
        raise AssertionError("the kept lists should have been read")

    monkeypatch.setattr(lexicon_module, "_parse", no_parsing)
    fresh_lexicon.cache_clear()
    kept = fresh_lexicon()
    assert kept.words == parsed.words and kept.following == parsed.following


def test_a_damaged_kept_file_is_parsed_again_and_replaced(fresh_lexicon, tmp_path):
    fresh_lexicon()
    [kept] = _kept(tmp_path)
    good = kept.read_bytes()
    kept.write_bytes(good[: len(good) // 3])  # a write cut short
    fresh_lexicon.cache_clear()
    assert fresh_lexicon().count("health") > 0
    assert kept.read_bytes() == good


def test_a_cache_folder_that_cannot_be_written_is_no_error(fresh_lexicon, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert fresh_lexicon().count("health") > 0
    assert list(tmp_path.iterdir()) == [blocker]


def test_variants_from_edits_equal_variants_from_the_deletion_index(fresh_lexicon, monkeypatch):
    lex = fresh_lexicon()
    random.seed(2)
    words = random.sample(sorted(lex.words), 400) + ["heath", "manger", "form", "trial", "aab", "there"]
    monkeypatch.setattr(lexicon_module, "EDITS_BEFORE_INDEX", len(words))
    with monkeypatch.context() as during_edits:
        during_edits.setattr(lexicon_module.Lexicon, "deletion_index", lambda self: pytest.fail("index built"))
        from_edits = {word: lex.variants(word) for word in words}
    monkeypatch.setattr(lexicon_module, "EDITS_BEFORE_INDEX", 0)
    from_index = {word: lex.variants(word) for word in words}
    assert from_edits == from_index
    assert "health" in from_edits["heath"] and "manager" in from_edits["manger"]


def test_small_corruptions_of_the_kept_file_are_detected_and_the_file_rebuilt(fresh_lexicon, tmp_path):
    parsed = fresh_lexicon()
    [kept] = _kept(tmp_path)
    good = kept.read_bytes()
    rng = random.Random(5)
    for _ in range(8):  # a flipped byte inside a count or a word would load silently without the digest
        damaged = bytearray(good)
        damaged[rng.randrange(len(good) // 2, len(good))] ^= 1 << rng.randrange(8)
        kept.write_bytes(bytes(damaged))
        fresh_lexicon.cache_clear()
        again = fresh_lexicon()
        assert again.words == parsed.words and again.following == parsed.following
        assert kept.read_bytes() == good
