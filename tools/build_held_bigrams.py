"""Build the table of word pairs the bundled trigram model holds, for real-word-error's evidence test.

    python tools/build_held_bigrams.py

Writes copydesk/held_bigrams.npz (2.5 MB): every pair "first second" for which
``LanguageModel.seen(first, second)`` is true for the model pocketsphinx ships,
as sorted keys ``first_id * 2**17 + second_id`` over the model's vocabulary
(numbered from the most frequent word), stored as the differences of successive keys split into
four byte planes, which compress well; and the model file's size, so a table
built for another model is never used. With it real-word-error answers "does
the model hold these pairs?" for a whole story in a few numpy operations
instead of two pocketsphinx look-ups per pair.

The candidate pairs are read from the model's binary (trie) file: for each
word, the middle (bigram) array lists every word the model has a bigram
"word before, word" for. pocketsphinx's ARPA writer cannot be used (it
crashes and writes wrong probabilities). Each candidate pair is then asked of
the model itself (``LanguageModel.holds``), so the table says exactly what
``seen`` says: a bigram kept in the file only to reach trigrams, or whose
probability is no more than the back-off's, is not held. A pair the file does
not list is a back-off and never held; the script checks that on every word
after which a probe word of ``holds`` is itself listed (there the back-off
weight is measured differently) and on 300,000 random pairs, and stops if any
is held. Deterministic: the same model gives the same file, byte for byte.
Rebuild after upgrading pocketsphinx; tests/test_held_pairs.py says when the
table no longer matches the installed model.
"""

from __future__ import annotations

import random
import struct
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "copydesk" / "held_bigrams.npz"
_MAGIC = b"Trie Language Model"
# pocketsphinx's quantiser: 2**16 bins of 4-byte floats, a probability and a back-off table per
# middle order and a probability table for the longest (lm_trie_quant.c).
_BINS = 2**16 * 4
# Bits of one middle entry's quantised probability and back-off (lm_trie_quant_msize).
_QUANT_BITS = 32
_RANDOM_PAIRS = 300_000


def _read_bits(data: np.ndarray, offsets: np.ndarray, width: int) -> np.ndarray:
    """The ``width``-bit little-endian integers at bit ``offsets`` of ``data`` (bitarr.c)."""
    at = (offsets >> 3)[:, None] + np.arange(8)
    words = data[at].copy().view("<u8").ravel()
    return ((words >> (offsets & 7).astype(np.uint64)) & np.uint64((1 << width) - 1)).astype(np.int64)


def trie_bigrams(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The vocabulary of a pocketsphinx binary trigram model and every bigram its file lists,
    as (words, first word ids, second word ids)."""
    data = path.read_bytes()
    if not data.startswith(_MAGIC) or data[len(_MAGIC)] != 3:
        raise SystemExit(f"{path}: not a pocketsphinx binary (trie) trigram model")
    counts = struct.unpack_from("<3I", data, len(_MAGIC) + 1)
    vocabulary = counts[0]
    at = len(_MAGIC) + 1 + 3 * 4 + 4 + 3 * _BINS  # the header, then a dummy int and the quantiser
    unigrams = np.frombuffer(data, dtype=[("prob", "<f4"), ("bo", "<f4"), ("next", "<u4")],
                             count=vocabulary + 1, offset=at)
    at += unigrams.nbytes
    word_bits, next_bits = vocabulary.bit_length(), counts[2].bit_length()
    entry_bits = word_bits + _QUANT_BITS + next_bits
    middle_bytes = ((1 + counts[1]) * entry_bits + 7) // 8 + 8
    middle = np.frombuffer(data, dtype=np.uint8, count=middle_bytes, offset=at)
    at += middle_bytes + ((1 + counts[2]) * (word_bits + 16) + 7) // 8 + 8  # and the trigrams
    (length,) = struct.unpack_from("<i", data, at)
    if at + 4 + length != len(data):
        raise SystemExit(f"{path}: the file's layout is not the one this script reads")
    words = [word.decode("utf-8") for word in data[at + 4: at + 4 + length].split(b"\0")[:-1]]
    # Each word's bigrams are the middle entries from its "next" to the next word's: the words before it.
    ends = unigrams["next"].astype(np.int64)
    listed = int(ends[vocabulary])
    firsts = _read_bits(middle, np.arange(listed, dtype=np.int64) * entry_bits, word_bits)
    seconds = np.repeat(np.arange(vocabulary, dtype=np.int64), np.diff(ends))
    return words, firsts, seconds


def main() -> None:
    sys.path.insert(0, str(REPO))
    from copydesk.langmodel import _PROBES, PAIR_SHIFT, bundled_model, language_model

    path = bundled_model()
    model = language_model()
    words, firsts, seconds = trie_bigrams(path)
    if len(words) >= 1 << PAIR_SHIFT or not all(model.knows(word) for word in words):
        raise SystemExit("the vocabulary read from the model is wrong")
    held = np.fromiter((model.holds(words[second], words[first]) for first, second in zip(firsts, seconds)),
                       dtype=bool, count=len(firsts))
    # Ids by frequency, most common first: a story's pairs are mostly of common words, which
    # HeldPairs answers from a bitmap of the most frequent words' pairs.
    order = sorted(range(len(words)), key=lambda word: (-model.log_prob(words[word]), words[word]))
    rank = np.empty(len(words), dtype=np.int64)
    rank[order] = np.arange(len(words))
    keys = np.unique(rank[firsts[held]] * (1 << PAIR_SHIFT) + rank[seconds[held]])
    listed = set((firsts * (1 << PAIR_SHIFT) + seconds).tolist())
    probed = sorted({int(first) for first, second in zip(firsts, seconds) if words[second] in _PROBES})
    unlisted = [(first, second) for first in probed for second in range(len(words))
                if first * (1 << PAIR_SHIFT) + second not in listed]
    draw, drawn = random.Random(20), 0
    while drawn < _RANDOM_PAIRS:
        pair = draw.randrange(len(words)), draw.randrange(len(words))
        if pair[0] * (1 << PAIR_SHIFT) + pair[1] not in listed:
            unlisted.append(pair)
            drawn += 1
    wrong = [(words[first], words[second]) for first, second in unlisted if model.holds(words[second], words[first])]
    if wrong:
        raise SystemExit(f"the model holds pairs its file does not list: {wrong[:5]}")
    deltas = np.diff(keys, prepend=0)
    if deltas.max() >= 1 << 32:
        raise SystemExit("a gap between held pairs does not fit four bytes")
    planes = deltas.astype("<u4").view(np.uint8).reshape(-1, 4).T
    ranked = "\n".join(words[word] for word in order)
    np.savez_compressed(OUTPUT, words=np.frombuffer(ranked.encode("utf-8"), dtype=np.uint8),
                        planes=np.ascontiguousarray(planes), model_bytes=np.array(path.stat().st_size))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1e6:.1f} MB): {len(keys):,} pairs held of "
          f"{len(firsts):,} bigrams the file lists; {len(unlisted):,} unlisted pairs checked")


if __name__ == "__main__":
    main()
