"""Findings and speed of real-word-error and inconsistent-spelling on the BBC corpus.

    python benchmarks/accuracy_typos.py [--list]

(real-word-error's accuracy on copy it was not tuned on — held-out recall,
false alarms judged on three corpora — is benchmarks/accuracy_real_word.py.)

1. Findings: both checks over ../shared/corpus/bbc; every finding is
   printed with --list, to be read (the corpus has a few real typos, which are
   true catches, not false alarms). Findings per 1,000 words.
2. Speed: the check alone in words per second on one core: stories already
   read and tokenised (the Document's tokenisation is shared by every check
   and timed separately), lexicon loaded once (timed separately), best of
   three passes that each start with nothing memoised.
"""

from __future__ import annotations

import argparse
import os
import time

from common import BBC_SECTIONS


def _setup():
    from copydesk.config import load_config
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry = load_registry()
    config = load_config()
    documents = [item for item in Engine(registry, config, []).documents(map(str, BBC_SECTIONS))
                 if not hasattr(item, "fatal")]
    checks = {active.check.name: active for active in
              plan(registry, config, ["real-word-error", "inconsistent-spelling"])}
    return registry, config, documents, checks


def _run(active, document):
    return list(active.check.function(document, active.context(document)))


def _cold_vocabulary(active, document) -> None:
    """Forget what the checks memoised about words and phrases, so a timed pass starts as a new
    process would once its data is loaded (the language model is read again here, outside the timing)."""
    from copydesk.checks import real_word
    from copydesk.langmodel import language_model

    real_word._scorers.clear()
    language_model.cache_clear()
    real_word.scorer(active.context(document).options)


def false_alarms(documents, checks, show: bool) -> None:
    words = sum(len(block.words) for document in documents for block in document.blocks)
    started = time.process_time()
    for document in documents:
        for block in document.blocks:
            _ = block.parts  # the Document's tokenisation, which every check shares
    tokenising = time.process_time() - started
    print(f"shared tokenisation (the Document's, not a check's): {tokenising:.2f} s")
    from copydesk.lexicon import lexicon

    # Per-process data, loaded once outside the timing (see the last lines printed): the lists,
    # and the deletion index a process builds once it has asked about enough words.
    lexicon().deletion_index()
    for name, active in checks.items():
        _run(active, documents[0])
        timings = []
        for _ in range(3):  # best of three cold passes: this machine's timings are noisy
            _cold_vocabulary(checks["real-word-error"], documents[0])
            started = time.process_time()
            found = [(document, finding) for document in documents for finding in _run(active, document)]
            timings.append(time.process_time() - started)
        seconds = min(timings)
        print(f"{name}: {len(found)} findings in {len(documents)} stories, {words:,} words "
              f"({len(found) / words * 1000:.2f} per 1,000 words); "
              f"check alone {seconds:.2f} s = {words / seconds:,.0f} words/s "
              f"({words / (seconds + tokenising):,.0f} words/s with the tokenisation)")
        if show:
            for document, finding in found:
                line = document.source.line_text(finding.location.line)
                column = finding.location.column - 1
                context = line[max(0, column - 40):column + 40]
                print(f"  {document.id.split('bbc/')[-1]}:{finding.location.line}  …{context}…  "
                      f"→ {finding.suggestions[0]}")
    from copydesk import lexicon as lexicon_module

    parse = lexicon_module._parse
    lexicon_module.lexicon.cache_clear()
    started = time.perf_counter()
    parse(*(lexicon_module._data_folder() / name for name in (lexicon_module.UNIGRAM_FILE,
                                                              lexicon_module.BIGRAM_FILE)))
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    lex = lexicon_module.lexicon()
    loading = time.perf_counter() - started
    started = time.perf_counter()
    lex.deletion_index()
    print(f"lexicon load (once per process): {loading:.2f} s from the cache folder "
          f"({parsing:.2f} s parsing the lists the first time); deletion index, built once "
          f"{lexicon_module.EDITS_BEFORE_INDEX:,} words have been asked about: {time.perf_counter() - started:.2f} s")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # a one-core figure
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="print every finding on the corpus")
    args = parser.parse_args()
    _, _, documents, checks = _setup()
    false_alarms(documents, checks, args.list)


if __name__ == "__main__":
    main()
