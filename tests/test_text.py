"""Sentence splitting and tokenisation shared by all checks."""

from __future__ import annotations

import pytest

from copydesk.text import split_sentences


def sentences(text):
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith arrived. He left.", ["Mr. Smith arrived.", "He left."]),
    ("Prices rose 3.5 percent on Oct. 7 in Gaza. Then they fell.",
     ["Prices rose 3.5 percent on Oct. 7 in Gaza.", "Then they fell."]),
    ('"We feel it," he said. "Soon." The end', ['"We feel it," he said.', '"Soon."', "The end"]),
    ("“We will win.” The crowd cheered.", ["“We will win.”", "The crowd cheered."]),
    ("J. K. Rowling spoke. Yes! Really? No.", ["J. K. Rowling spoke.", "Yes!", "Really?", "No."]),
    ("Wait... What happened?", ["Wait...", "What happened?"]),
    ("It ended at 5 p.m. on Friday.", ["It ended at 5 p.m. on Friday."]),
    ("no capital after. so no split", ["no capital after. so no split"]),
])
def test_sentence_boundaries(text, expected):
    assert sentences(text) == expected


def test_blocks_cache_sentences_and_tokens_once():
    from copydesk.document import Block, OffsetMap

    text = "Kata'ib Sayyid al-Shuhada said. It's 2024."
    block = Block("paragraph", text, OffsetMap.shifted(10))
    assert block.sentences is block.sentences
    assert [t.text for t in block.tokens] == ["Kata'ib", "Sayyid", "al", "Shuhada", "said", "It's", "2024"]
    token = block.tokens[-1]
    assert block.source_span(token.start, token.end) == (10 + text.index("2024"), 10 + len(text) - 1)


def test_lowered_words_line_up_with_parts():
    from copydesk.document import Block, OffsetMap

    block = Block("headline", "Attacks on Heath Care — İSTANBUL’s Kata'ib", OffsetMap.shifted(0))
    assert block.lowered_words == [word.lower() for word in block.parts[1::2]]
    assert block.lowered_words[2:4] == ["heath", "care"]
    assert Block("paragraph", " — ", OffsetMap.shifted(0)).lowered_words == []
