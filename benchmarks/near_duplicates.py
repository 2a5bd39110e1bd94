"""duplicate-article recall on near-copies of BBC stories at known similarities (issue 18).

    python benchmarks/near_duplicates.py [--sources 400] [--seed 18]

Each of ``--sources`` BBC stories (150 words or more, one of each set of exact
copies the corpus holds) gets one near-copy, edited the way a re-send, a
correction or a rewrite is: words changed, a correction of a figure or name,
paragraphs dropped or moved, a sentence added, apostrophes and quotation marks
made curly or straight. Edits are applied until the copy's shingle similarity
to its source falls in the band it was drawn for (identical, 0.95-1, 0.9-0.95,
0.85-0.9, 0.8-0.85, 0.7-0.8, 0.5-0.7, below 0.5). The similarity is measured
here, independently of copydesk: the Jaccard similarity of the sets of 3-word
sequences of the lower-cased words, with curly apostrophes read as straight.

The sources and their copies (twice ``--sources`` stories) go through the
duplicate-article check as one run, and the benchmark prints recall per band
(the share of source-copy pairs put in one cluster), and false merges: pairs in
one cluster whose similarity is below 0.5, and below the configured threshold.
Targets: recall >= 0.95 at 0.8 and above, 1.0 for identical copies, no false
merges below 0.5.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import time
from collections import defaultdict

from common import BBC_SECTIONS

_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
BANDS = [(1.0, 1.0, "identical"), (0.95, 0.9999, "0.95-1"), (0.9, 0.95, "0.90-0.95"),
         (0.85, 0.9, "0.85-0.90"), (0.8, 0.85, "0.80-0.85"), (0.7, 0.8, "0.70-0.80"),
         (0.5, 0.7, "0.50-0.70"), (0.0, 0.5, "below 0.50")]


def shingles(text: str) -> set[tuple[str, str, str]]:
    words = [word.casefold().replace("\u2019", "'") for word in _WORD.findall(text)]
    return set(zip(words, words[1:], words[2:]))


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def bbc_stories(min_words: int = 150) -> list[tuple[str, list[str]]]:
    """(headline, paragraphs) of each distinct BBC story of ``min_words`` or more."""
    stories, seen = [], set()
    for section in BBC_SECTIONS:
        for path in sorted(section.glob("*.txt")):
            title, _, body = path.read_bytes().decode("cp1252").partition("\n")
            paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
            digest = hashlib.sha1(" ".join(_WORD.findall(body.lower())).encode()).hexdigest()
            if digest in seen or len(_WORD.findall(body)) < min_words:
                continue
            seen.add(digest)
            stories.append((title.strip(), paragraphs))
    return stories


def _edit(paragraphs: list[str], rng: random.Random, vocabulary: list[str]) -> list[str]:
    """One editing step, drawn the way copy is changed between versions."""
    paragraphs = list(paragraphs)
    kind = rng.choice(["word", "word", "correction", "drop", "move", "add", "quotes"])
    index = rng.randrange(len(paragraphs))
    words = paragraphs[index].split()
    if kind == "word" and words:
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
        paragraphs[index] = " ".join(words)
    elif kind == "correction":
        numbers = [i for i, w in enumerate(words) if any(c.isdigit() for c in w)]
        at = rng.choice(numbers) if numbers else rng.randrange(len(words)) if words else None
        if at is not None:
            words[at] = re.sub(r"\d", lambda m: str((int(m.group()) + 1) % 10), words[at]) if numbers \
                else words[at].capitalize() + "s"
            paragraphs[index] = " ".join(words)
    elif kind == "drop" and len(paragraphs) > 2:
        del paragraphs[index]
    elif kind == "move" and len(paragraphs) > 2:
        paragraphs.insert(rng.randrange(len(paragraphs)), paragraphs.pop(index))
    elif kind == "add":
        paragraphs.insert(index, " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 20))) + ".")
    elif kind == "quotes":
        text = paragraphs[index]
        paragraphs[index] = text.replace("'", "\u2019").replace('"', "\u201c") if "'" in text or '"' in text \
            else text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return paragraphs


def near_copy(paragraphs: list[str], low: float, high: float, rng: random.Random,
              vocabulary: list[str]) -> tuple[list[str], float] | None:
    """A copy of ``paragraphs`` edited until its similarity lies in [low, high], or None."""
    original = shingles(" ".join(paragraphs))
    if low == 1.0:  # identical words; only the quotation marks may differ
        copy = [p.replace("'", "\u2019") for p in paragraphs]
        return copy, jaccard(original, shingles(" ".join(copy)))
    for _ in range(20):
        copy = list(paragraphs)
        for _ in range(400):
            copy = _edit(copy, rng, vocabulary)
            similarity = jaccard(original, shingles(" ".join(copy)))
            if similarity < low:
                break
            if similarity <= high:
                return copy, similarity
    return None


def build(sources: int, seed: int):
    from copydesk.document import Block, Document, OffsetMap, SourceText

    rng = random.Random(seed)
    stories = bbc_stories()
    rng.shuffle(stories)
    vocabulary = [word for _, paragraphs in stories[:200] for p in paragraphs for word in p.split()]
    documents, pairs = [], []
    for number, (title, paragraphs) in enumerate(stories[:sources]):
        low, high, band = BANDS[number % len(BANDS)]
        made = near_copy(paragraphs, low, high, rng, vocabulary)
        if made is None:
            continue
        copy, similarity = made
        ids = []
        for suffix, body in (("source", paragraphs), ("copy", copy)):
            path = f"bbc-near/{number}-{suffix}.txt"
            text = title + "\n\n" + "\n\n".join(body) + "\n"
            blocks, offset = [Block("headline", title, OffsetMap.shifted(0))], len(title) + 2
            for paragraph in body:
                blocks.append(Block("paragraph", paragraph, OffsetMap.shifted(offset)))
                offset += len(paragraph) + 2
            source = SourceText(path, text)
            documents.append(Document(source, path, "text", blocks))
            ids.append(path)
        pairs.append((ids[0], ids[1], band, similarity))
    return documents, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=400)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    if not all(path.is_dir() for path in BBC_SECTIONS):
        raise SystemExit(f"needs the BBC corpus at {BBC_SECTIONS[0].parent}")

    from bench_duplicates import _run_check

    documents, pairs = build(args.sources, args.seed)
    texts = {d.id: shingles(" ".join(b.text for b in d.body)) for d in documents}
    started = time.perf_counter()
    findings, summary = _run_check(documents)
    seconds = time.perf_counter() - started
    cluster_of = {}
    for number, cluster in enumerate(summary.get("clusters", [])):
        for member in cluster["documents"]:
            cluster_of[member] = number

    from copydesk.config import load_config
    from copydesk.plugins import load_registry

    threshold = load_config().options(load_registry().checks["duplicate-article"])["threshold"]
    print(f"{len(documents)} stories ({len(pairs)} BBC sources and a near-copy of each), "
          f"check {seconds:.2f} s, threshold {threshold}")
    print(f"{'band':>11} {'pairs':>6} {'found':>6} {'recall':>7}")
    by_band = defaultdict(lambda: [0, 0])
    for source, copy, band, _ in pairs:
        by_band[band][0] += 1
        by_band[band][1] += source in cluster_of and cluster_of.get(copy) == cluster_of[source]
    for _, _, band in BANDS:
        total, found = by_band[band]
        print(f"{band:>11} {total:>6} {found:>6} {found / total if total else 0:>7.3f}")
    at_threshold = [(s, c) for s, c, _, similarity in pairs if similarity >= threshold]
    found = sum(s in cluster_of and cluster_of.get(c) == cluster_of[s] for s, c in at_threshold)
    print(f"recall at similarity >= {threshold}: {found}/{len(at_threshold)} = "
          f"{found / len(at_threshold):.3f}")

    members = defaultdict(list)
    for document, number in cluster_of.items():
        members[number].append(document)
    merged = [jaccard(texts[a], texts[b]) for group in members.values()
              for i, a in enumerate(group) for b in group[i + 1:]]
    print(f"pairs in one cluster: {len(merged)}; below 0.5 (false merges): "
          f"{sum(s < 0.5 for s in merged)}; below the threshold: {sum(s < threshold for s in merged)}")


if __name__ == "__main__":
    main()
