"""duplicate-article: stories of one run that are the same story, identical or nearly so.

Each story is summarised as it is read: a digest of its normalised body (for
identical copies), the hashes of its 3-word shingles and their MinHash
signature (for near copies). At the end, datasketch's MinHash LSH index, banded
so that a pair at the threshold is proposed with probability ``recall`` (0.99),
proposes candidate pairs; their exact Jaccard similarity, from the shingle
hashes, confirms them, so no pair below the threshold is joined; connected pairs
form clusters. Every story of a cluster but the first is reported, with the
others as related locations; the JSON report lists the clusters.

A summary is 4 bytes a shingle plus 4 a permutation (about 2 KB for a story of
400 words), so memory grows linearly with the archive and no story has to be
kept once it has been checked.
"""

from __future__ import annotations

import hashlib
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from copydesk.checking import CheckContext, Option, Rule, collection_check
from copydesk.document import Document
from copydesk.findings import Finding, Location
from copydesk.hookspecs import hookimpl

if TYPE_CHECKING:
    import numpy as np

_SEED = 1
MAX_RELATED = 10  # copies listed with each finding; the cluster in the JSON summary lists them all
_WORD_HASHES_MAX = 2_000_000


@dataclass(frozen=True)
class ArticleSummary:
    document_id: str
    headline: str | None
    location: Location
    digest: str | None  # None: too short to compare
    # The MinHash values as little-endian uint32 bytes, or None: a summary read back from the
    # audit cache or shipped by a cluster needs no numpy until stories are compared.
    signature: bytes | None
    # The story's distinct shingle hashes, sorted, as little-endian uint32 bytes: the exact
    # similarity of a pair the index proposes. None in a summary cached before they were kept
    # (then the MinHash estimate stands in).
    shingles: bytes | None = None

    def hashvalues(self) -> np.ndarray:
        import numpy as np

        return np.frombuffer(self.signature, dtype="<u4")

    def shingle_set(self) -> np.ndarray:
        import numpy as np

        return np.frombuffer(self.shingles, dtype="<u4")


class _WordHashes(dict):
    """crc32 of each word, computed once: the same in every process (unlike hash()), so
    parallel and distributed runs agree."""

    def __missing__(self, word: str) -> int:
        value = self[word] = zlib.crc32(word.encode("utf-8", "surrogatepass"))
        return value


_WORD_HASHES = _WordHashes()


@lru_cache(maxsize=4)
def _permutations(count: int) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    generator = np.random.default_rng(_SEED)
    a = generator.integers(1, 2**32, size=count, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = generator.integers(0, 2**32, size=count, dtype=np.uint64).astype(np.uint32)
    return a, b


def shingle_hashes(words: list[str]) -> np.ndarray:
    """The distinct hashes of the 3-word shingles of ``words``, sorted."""
    import numpy as np

    if len(_WORD_HASHES) > _WORD_HASHES_MAX:
        _WORD_HASHES.clear()
    ids = np.fromiter(map(_WORD_HASHES.__getitem__, words), dtype=np.uint32, count=len(words))
    with np.errstate(over="ignore"):
        shingles = ids[:-2] * np.uint32(0x9E3779B1) ^ ids[1:-1] * np.uint32(0x85EBCA77) ^ ids[2:]
        # MurmurHash3's finalizer spreads the shingle hashes before the permutations.
        shingles ^= shingles >> np.uint32(16)
        shingles *= np.uint32(0x85EBCA6B)
        shingles ^= shingles >> np.uint32(13)
        shingles *= np.uint32(0xC2B2AE35)
        shingles ^= shingles >> np.uint32(16)
    return np.unique(shingles)


def signature(shingles: np.ndarray, permutations: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """MinHash values of a shingle set (affine permutations mod 2^32)."""
    import numpy as np

    with np.errstate(over="ignore"):
        a, b = permutations
        return (shingles[:, None] * a + b).min(axis=0)


# Curly and straight apostrophes are one character to a reader ("don’t", "don't"): a story
# re-sent through another system must not look different for them.
_PLAIN_APOSTROPHES = str.maketrans("\u2018\u2019\u201b\u2032", "'" * 4)


def summarise(document: Document, ctx: CheckContext) -> ArticleSummary:
    words = " ".join(word for block in document.body for word in block.words).casefold() \
        .translate(_PLAIN_APOSTROPHES).split()
    anchor = next(iter(document.blocks_of("headline")), None) or next(iter(document.body), None)
    span = anchor.span if anchor else (0, 0)
    location = ctx.location(span, document=document)
    if len(words) < max(ctx.options["min_words"], 3):  # 3: at least one shingle
        return ArticleSummary(document.id, document.headline, location, None, None)
    digest = hashlib.sha1(" ".join(words).encode("utf-8", "surrogatepass")).hexdigest()
    shingles = shingle_hashes(words)
    minhash = signature(shingles, _permutations(ctx.options["num_perm"]))
    return ArticleSummary(document.id, document.headline, location, digest,
                          minhash.astype("<u4").tobytes(), shingles.astype("<u4").tobytes())


def bands_and_rows(threshold: float, num_perm: int, recall: float) -> tuple[int, int]:
    """The LSH banding that compares a pair at ``threshold`` with probability at least ``recall``
    and proposes the fewest pairs below it: the most rows per band that still reaches ``recall``.

    A pair of similarity s shares a band of r rows with probability s^r, so b bands compare it
    with probability 1 - (1 - s^r)^b. At 0.8 with 64 permutations that is 12 bands of 5 rows
    (0.991); datasketch's own choice, 5 bands of 11, compares such a pair 36% of the time.
    """
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= recall:
            best = (bands, rows)
    return best


def _clusters(summaries: list[ArticleSummary], threshold: float, num_perm: int,
              recall: float) -> list[list[int]]:
    """Indexes of summaries grouped into clusters of two or more, in reading order."""
    parent = list(range(len(summaries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[max(root(i), root(j))] = min(root(i), root(j))

    comparable = [i for i, summary in enumerate(summaries) if summary.digest is not None]
    first_with: dict[str, int] = {}
    for i in comparable:
        join(i, first_with.setdefault(summaries[i].digest, i))
    distinct = list(first_with.values())
    if len(distinct) > 1:
        from datasketch import (  # imported only when there is something to compare
            LeanMinHash,
            MinHashLSH,
        )

        index = MinHashLSH(num_perm=num_perm, params=bands_and_rows(threshold, num_perm, recall))
        hashes = {}
        with index.insertion_session() as session:
            for i in distinct:
                hashes[i] = LeanMinHash(seed=_SEED, hashvalues=summaries[i].hashvalues(), scheme="affine32")
                session.insert(i, hashes[i])
        # A pair whose MinHash estimate is four standard errors short of the threshold is not
        # worth its exact comparison: a pair at the threshold falls that low about once in 30,000.
        floor = threshold - 4 * math.sqrt(threshold * (1 - threshold) / num_perm)
        for i in distinct:
            for j in index.query(hashes[i]):
                if j > i and (summaries[i].hashvalues() == summaries[j].hashvalues()).mean() >= floor \
                        and similarity(summaries[i], summaries[j]) >= threshold:
                    join(i, j)
    groups: dict[int, list[int]] = {}
    for i in comparable:
        groups.setdefault(root(i), []).append(i)
    return [members for members in groups.values() if len(members) > 1]


def similarity(a: ArticleSummary, b: ArticleSummary) -> float:
    """The Jaccard similarity of two stories' shingle sets: exact, or the MinHash estimate for a
    summary cached without its shingles."""
    import numpy as np

    if a.digest == b.digest:
        return 1.0
    if a.shingles is None or b.shingles is None:
        return float((a.hashvalues() == b.hashvalues()).mean())
    first, second = a.shingle_set(), b.shingle_set()
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)


@collection_check(
    name="duplicate-article",
    description="Stories of one run that are the same story, identical or nearly so (MinHash LSH, "
                "confirmed by exact shingle similarity).",
    rules=[Rule("duplicate-article", "warning",
                "A story whose body repeats another story of the run, identically or nearly.")],
    options=[
        Option("threshold", float,
               "Jaccard similarity of two stories' 3-word shingles at which they are the same story."),
        Option("min_words", int, "Stories with fewer body words are not compared."),
        Option("num_perm", int, "MinHash permutations: more is more exact and slower."),
        Option("recall", float,
               "Least probability that two stories at the threshold are compared (sets the LSH bands)."),
    ],
    summarise=summarise,
    min_stories=2,  # a story alone is nobody's copy: no numpy for a one-story check
)
def duplicate_article(summaries: list[ArticleSummary], ctx: CheckContext) -> Iterator[Finding]:
    clusters = _clusters(summaries, ctx.options["threshold"], ctx.options["num_perm"], ctx.options["recall"])
    described = []
    for members in clusters:
        first = summaries[members[0]]
        identical = all(summaries[i].digest == first.digest for i in members)
        # Against the first copy only: clusters of hundreds of copies (a wire story syndicated across an
        # archive) would otherwise cost a comparison per pair.
        lowest = min(similarity(first, summaries[i]) for i in members[1:])
        described.append({"documents": [summaries[i].document_id for i in members],
                          "identical": identical, "similarity": round(lowest, 3)})
        for i in members[1:]:
            summary = summaries[i]
            named = first.document_id + (f' ("{first.headline}")' if first.headline else "")
            if summary.digest == first.digest:
                how = f"is identical to {named}"
            else:
                # Floored, so a story short of identical never reads "100%".
                shared = math.floor(similarity(summary, first) * 100)
                how = (f"is nearly the same as {named}: {shared}% of the 3-word sequences in the two "
                       "stories are in both")
            yield ctx.finding(
                "duplicate-article",
                f"This story {how}; {len(members)} copies in this run.",
                summary.location,
                document_id=summary.document_id,
                related=[_related(summaries[j], "first copy" if j == members[0] else "another copy")
                         for j in members[:MAX_RELATED + 1] if j != i][:MAX_RELATED],
            )
    if clusters:
        ctx.summary["clusters"] = described
        ctx.summary["duplicate_documents"] = sum(len(members) - 1 for members in clusters)


def _related(summary: ArticleSummary, label: str) -> Location:
    return replace(summary.location, message=f"{label}: {summary.document_id}")


@hookimpl
def register_checks() -> list:
    return [duplicate_article]
