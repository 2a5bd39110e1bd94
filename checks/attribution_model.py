"""Who said what: a linear-chain CRF tagging the Source, Cue and Content of attributions.

Trained on PolNeAR (../shared/corpus/polnear-train) by
``tools/train_attribution_model.py``; the model ships beside this module in
``models/`` and is loaded once per process, on first use, so a run that never
needs it (``copydesk --version``, a story with no quotation or claim) never
imports python-crfsuite.

A sentence is tagged as a sequence of tokens (words and punctuation marks) with
BIO tags: B-Source, I-Source, B-Cue, I-Cue, B-Content, I-Content, O. What the
model sees of a token is a list of string features (:func:`features`): the word,
its shape and suffix, the words around it, whether it is a known cue (the cue
words learned from the training split, shipped beside the model), whether it
stands inside a quotation, how far it is from the nearest quotation mark and
the nearest cue, and where its sentence stands in its paragraph.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODEL_DIR / "attribution.crfsuite"
CUES_PATH = MODEL_DIR / "attribution-cues.json"

ROLES = ("Source", "Cue", "Content")
TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
QUOTE_MARKS = frozenset("\"“”‘’«»")
_OPENERS = frozenset("“‘«")
_CLOSERS = frozenset("”’»")
# A quotation mark standing as a token of its own (an apostrophe inside a word, "don’t", is not).
_MARKS = re.compile("[“‘«”»\"]|(?<!\\w)’|’(?!\\w)")
_SHAPE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                       "X" * 26 + "x" * 26 + "d" * 10)


class Span(NamedTuple):
    """A tagged span: its role and its [start, end) in the tagged text."""

    role: str
    start: int
    end: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each token of ``text[start:end]``, in ``text``'s positions."""
    return [match.span() for match in TOKEN.finditer(text, start, len(text) if end is None else end)]


def _bucket(distance: int) -> str:
    return str(distance) if distance < 3 else "3-5" if distance < 6 else "6+"


_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def _shape(word: str) -> str:
    """"Obama" → "Xxx", "2016" → "dd": letters as X/x and digits as d, runs cut to two, five at most."""
    return _REPEATS.sub(r"\1\1", word.translate(_SHAPE))[:5]


def features(text: str, tokens: list[tuple[int, int]], cues: frozenset[str], *,
             first_in_paragraph: bool, quote_open: bool) -> list[list[str]]:
    """The features of each token of one sentence.

    ``quote_open`` says whether a quotation opened earlier in the paragraph is
    still open when the sentence begins; ``first_in_paragraph`` whether the
    sentence opens its paragraph (where a continuation quote starts).
    """
    words = [text[s:e] for s, e in tokens]
    lowered = [w.lower() for w in words]
    n = len(words)
    is_cue = [w in cues for w in lowered]
    if QUOTE_MARKS.isdisjoint(words) and "'" not in words:  # most sentences: no mark to follow
        is_quote = [False] * n
        inside = ["1" if quote_open else "0"] * n
    else:
        is_quote = [w in QUOTE_MARKS or w == "'" and 0 < i < n - 1 and not words[i - 1].isalnum()
                    for i, w in enumerate(words)]
        # Inside a quotation: toggled by straight marks, opened and closed by curly ones.
        inside = []
        state = quote_open
        for w, mark in zip(words, is_quote):
            if mark:
                state = w in _OPENERS or (w not in _CLOSERS and not state)
                inside.append("q" if state else "Q")
            else:
                inside.append("1" if state else "0")
    shapes = [_shape(w) for w in words]
    # Built column by column (one list per feature, then zipped): a sentence is tagged in well
    # under a millisecond.
    start, stop = ["<s>", "<s>"], ["</s>", "</s>"]
    padded, padded_shapes = start + lowered + stop, start[:1] + shapes + stop[:1]
    columns = [
        ["w=" + w for w in lowered], ["s3=" + w[-3:] for w in lowered], ["sh=" + x for x in shapes],
        ["in=" + x for x in inside], ["pos=" + ("first" if first_in_paragraph else "later")] * n,
        ["lq=" + x for x in _distances(is_quote, n, 1)], ["rq=" + x for x in _distances(is_quote, n, -1)],
        ["lc=" + x for x in _distances(is_cue, n, 1)], ["rc=" + x for x in _distances(is_cue, n, -1)],
        ["w-1=" + w for w in padded[1:n + 1]], ["w+1=" + w for w in padded[3:n + 3]],
        ["w-2=" + w for w in padded[:n]], ["w+2=" + w for w in padded[4:n + 4]],
        ["sh-1=" + x for x in padded_shapes[:n]], ["sh+1=" + x for x in padded_shapes[2:n + 2]],
    ]
    found = [["b", *row] for row in zip(*columns)]
    for i in range(n):
        if is_cue[i]:
            found[i] += ("cue", "cue|in=" + inside[i])
    found[0].append("first")
    found[-1].append("last")
    return found


def _distances(marks: list[bool], n: int, step: int) -> list[str]:
    """How far each token is from the nearest marked token before it (step 1) or after it (step -1)."""
    found = ["none"] * n
    if not any(marks):
        return found
    last = None
    for i in (range(n) if step == 1 else range(n - 1, -1, -1)):
        if last is not None:
            found[i] = _bucket(abs(i - last))
        if marks[i]:
            last = i
    return found


def quote_state(text: str, start: int, end: int, quote_open: bool) -> bool:
    """Whether a quotation is open at ``end``, given whether it was open at ``start``."""
    state = quote_open
    for mark in _MARKS.findall(text, start, end):
        state = mark in _OPENERS or (mark not in _CLOSERS and not state)
    return state


def spans(labels: list[str], tokens: list[tuple[int, int]]) -> list[Span]:
    """The Source, Cue and Content spans of a tag sequence."""
    found: list[Span] = []
    role, start, end = None, 0, 0
    for label, (token_start, token_end) in zip(labels, tokens):
        tag, _, label_role = label.partition("-")
        if tag == "I" and label_role == role:
            end = token_end
            continue
        if role is not None:
            found.append(Span(role, start, end))
        role, start, end = (label_role, token_start, token_end) if tag in "BI" and label_role else (None, 0, 0)
    if role is not None:
        found.append(Span(role, start, end))
    return found


class Model:
    """The trained tagger and the cue words it was trained with."""

    def __init__(self, model_path: Path = MODEL_PATH, cues_path: Path = CUES_PATH) -> None:
        import pycrfsuite  # imported here: only a run that tags a sentence pays for it

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self.cues = frozenset(json.loads(cues_path.read_text(encoding="utf-8")))

    def tag(self, text: str, sentences: list[tuple[int, int]]) -> list[list[Span]]:
        """The spans of each given sentence ``(start, end)`` of a paragraph's ``text``, in order.

        Sentences may be skipped: the quotation state is followed from the paragraph's start.
        """
        found = []
        tagger, cues = self._tagger, self.cues
        quote_open, done = False, 0
        for start, end in sentences:
            quote_open = quote_state(text, done, start, quote_open)
            tokens = tokenize(text, start, end)
            if tokens:
                labels = tagger.tag(features(text, tokens, cues, first_in_paragraph=not text[:start].strip(),
                                             quote_open=quote_open))
                found.append(spans(labels, tokens))
            else:
                found.append([])
            quote_open, done = quote_state(text, start, end, quote_open), end
        return found


@cache
def model() -> Model:
    """The shipped model, loaded once per process."""
    return Model()
