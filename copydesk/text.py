"""Sentence splitting and word tokenisation shared by every check.

Rule-based and fast: news copy is edited prose, and the hard cases are known
(abbreviated months and titles, initials, "U.S.", decimals, quotes that close
after the full stop).
"""

from __future__ import annotations

import re

# Letters, digits and inner apostrophes/hyphen-less joins: "don't", "Kata'ib", "2024".
WORD = re.compile(r"\w+(?:['’]\w+)*")

# Splitting on a capturing WORD gives [separator, word, separator, …, separator].
split_words = re.compile(f"({WORD.pattern})").split

# A full stop, question or exclamation mark (or several), any closing quotes and
# brackets, then white space and something that can open a sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")

# Words that end in a full stop without ending the sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sen rep gov gen lt col capt cmdr maj sgt cpl pvt adm st jr sr rev fr hon
    pres supt insp det messrs mme mlle
    jan feb mar apr jun jul aug sep sept oct nov dec
    mon tue tues wed thu thur thurs fri sat sun
    inc corp ltd co bros plc llc dept univ assn ave blvd rd mt ft
    no nos vol vols fig p pp ch sec art para approx est vs v etc al cf
    a.m p.m e.g i.e u.s u.k u.n u.s.a e.u d.c n.y l.a
    """.split()
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of ``text``, white space trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        punctuation_end = match.end()
        if text[match.start()] == "." and _is_abbreviation(text, match.start()):
            continue
        spans.append((start, punctuation_end))
        start = punctuation_end
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial."""
    if dot + 1 < len(text) and text[dot + 1] == ".":  # an ellipsis ends a sentence
        return False
    word_start = dot
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot]
    if not word:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "J. Smith"
        return True
    return word.lower() in ABBREVIATIONS

