"""The fuzzer's properties under hypothesis: mutated stories through every reader, every default
check and --fix (see benchmarks/fuzz.py, which runs the same properties for as long as asked).

Bounded for CI: a fixed number of examples, derandomized and without an example database, so every
run tries the same inputs; about a minute on one core.
"""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import import_benchmark  # noqa: E402

fuzz = import_benchmark("fuzz")
SEEDS = fuzz.seeds()
READERS = sorted({seed.reader for seed in SEEDS} | {"text", "markdown", "html", "json", "jsonl", "csv"})

mutation = st.tuples(st.sampled_from(fuzz.KINDS), st.floats(0, 1, exclude_max=True), st.integers(0, 1 << 16))


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    return fuzz.Fuzzer(str(tmp_path_factory.mktemp("fuzz")))


@settings(max_examples=1000, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), own_reader=st.booleans(), reader=st.sampled_from(READERS),
       mutations=st.lists(mutation, min_size=1, max_size=6))
def test_no_mutated_story_crashes_hangs_misplaces_a_finding_or_fixes_twice(fuzzer, seed, own_reader, reader,
                                                                          mutations):
    data = fuzz.apply_mutations(seed.data, mutations)
    outcome = fuzzer.run(data, seed.reader if own_reader else reader)
    assert not outcome.failures, "\n".join(f"{f.kind} in {f.where}: {f.detail}" for f in outcome.failures)


def test_the_mutations_do_what_they_say():
    story = "Headline\n\nThe vote was held.\n".encode("utf-8")
    assert fuzz.apply_mutations(story, [("truncate", 0.5, 0)]) == story[:len(story) // 2]
    assert fuzz.apply_mutations(story, [("all_breaks", 0.0, 0)]) == story.replace(b"\n", b"\r")
    flipped = fuzz.apply_mutations(story, [("flip", 0.0, 1)])
    assert flipped[0] == story[0] ^ 2 and flipped[1:] == story[1:]
    assert "\u200b".encode() in fuzz.apply_mutations(story, [("mark", 0.5, fuzz.MARKS.index("\u200b"))])
    repeated = fuzz.apply_mutations(story, [("repeat_line", 0.99, 0)]).decode()
    assert repeated.count("The vote was held.") == 2


def test_the_fuzzer_catches_a_misplaced_block_and_a_fix_outside_its_findings(fuzzer, monkeypatch):
    """The properties can fail: a reader that maps a block one character off, and a fix that
    deletes more than its findings, are both caught."""
    from copydesk import fixing
    from copydesk.document import OffsetMap
    from copydesk.readers import plaintext

    story = b"Headline\n\nA pic. (AFP)\nA pic. (AFP)\n\nThe the vote was held.\n"
    assert fuzzer.run(story, "text").failures == []

    with monkeypatch.context() as patch:
        original = plaintext.blocks_from

        def one_off(text, article, offsets=None):
            blocks = original(text, article, offsets)
            for block in blocks:
                block.offsets = OffsetMap.shifted(block.offsets(0) + 1)
            return blocks

        patch.setattr(plaintext, "blocks_from", one_off)
        assert "wrong-position" in {failure.kind for failure in fuzzer.run(story, "text").failures}

    with monkeypatch.context() as patch:
        without = fixing._without
        patch.setattr(fixing, "_without", lambda lines, deleted: without(lines, deleted)[1:])
        assert "non-idempotent-fix" in {failure.kind for failure in fuzzer.run(story, "text").failures}
