"""Build real-word-error's table of one-edit variants for the bundled language model.

    python tools/build_real_word_variants.py

Writes copydesk/real_word_variants.json: for every word of the trigram model
that pocketsphinx ships, the words of copydesk's lexicon (symspellpy's lists)
one edit away from it, keeping its first letter, that the model also knows
(exactly what ``Lexicon.variants`` finds, less the variants the check would
drop as unknown; 0.6 MB); and the lexicon's 1,000 most common words, most
common first. With them, a check that uses the bundled model never reads the
lexicon (0.2 s of a one-story check) nor searches for variants while it runs.
Rebuild after upgrading pocketsphinx or symspellpy; tests/test_typos.py
compares a sample of the table with the lexicon's answers.

The model's vocabulary is read from the end of its binary file, where
pocketsphinx's trie format keeps the words, NUL-terminated, after the n-grams
(the header's first count says how many); every word read is checked against
the model.
"""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "copydesk" / "real_word_variants.json"
MOST_COMMON = 1_000
_MAGIC = b"Trie Language Model"


def model_vocabulary(path: Path) -> list[str]:
    """The words of a pocketsphinx binary trigram model, in the file's order."""
    data = path.read_bytes()
    if not data.startswith(_MAGIC):
        raise SystemExit(f"{path}: not a pocketsphinx binary (trie) language model")
    # The header: the magic, the order (one byte), then the count of each order's n-grams.
    (unigrams,) = struct.unpack_from("<I", data, len(_MAGIC) + 1)
    words = data.rstrip(b"\0").split(b"\0")[-unigrams:]
    return [word.decode("utf-8") for word in words]


def main() -> None:
    sys.path.insert(0, str(REPO))
    from copydesk.langmodel import bundled_model, language_model
    from copydesk.lexicon import lexicon

    model, lex = language_model(), lexicon()
    vocabulary = model_vocabulary(bundled_model())
    unknown = [word for word in vocabulary if not model.knows(word)]
    if unknown or len(vocabulary) < 1_000:
        raise SystemExit(f"the vocabulary read from the model is wrong: {unknown[:5]} …")
    variants = {}
    for word in vocabulary:
        if word.isalpha():
            known = [variant for variant in lex.variants(word) if model.knows(variant)]
            if known:
                variants[word] = known
    table = {
        "about": "real-word-error's one-edit variants for the bundled model; see tools/build_real_word_variants.py",
        "most_common": sorted(lex.words, key=lex.words.__getitem__, reverse=True)[:MOST_COMMON],
        # One line per word, sorted, "word<TAB>variant variant …": one string is read in a few
        # milliseconds, and the check looks up the few hundred words of a story by bisection.
        "variants": "\n".join(sorted(f"{word}\t{' '.join(found)}" for word, found in variants.items())),
    }
    OUTPUT.write_text(json.dumps(table, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT}: {len(variants):,} of {len(vocabulary):,} words have variants")


if __name__ == "__main__":
    main()
