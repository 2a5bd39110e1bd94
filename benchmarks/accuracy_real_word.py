"""real-word-error on copy it was not tuned on: false alarms, held-out recall, the trade-off, speed.

    python benchmarks/accuracy_real_word.py [--judge-folder /work/notes]

The sets and their halves are fixed by tools/tune_real_word.py (committed
before tuning); the decision was learned (tools/learn_real_word.py) and its
settings chosen (--tuning-sweep) on BBC + polnear-train with the tuning half
only. This script measures:

1. The balanced per-set table of the tuning half (set, precision, recall,
   kept/dropped), as the tuning left it in copydesk/real_word_sets.json.
2. False alarms on clean copy — BBC (a tuning corpus: the figure is on tuning
   copy), MEANTIME and polnear-dev (never used for tuning) — per 1,000 words,
   for real-word-error and inconsistent-spelling at the shipped settings.
   Every finding is written, with its context, to judge-RULE.jsonl in the
   judge folder, keeping any "verdict" a reader has already given there or in
   benchmarks/verdicts/RULE.jsonl or RULE-tuning.jsonl (keyed by corpus,
   story, offset and text); the counts of verdicts are printed.
3. Recall on slips from the held-out half only, injected one at a time into
   sentences of polnear-dev and MEANTIME stories (mid-sentence, lower case):
   partners from held-out homophone sets, held-out listed sets, and one-edit
   variants whose pair falls in the held-out half by the same hash. Reported
   by source and by shape (one edit, two or more edits, a different first
   letter). A hit is a finding covering the slip whose suggestion puts the
   original back.
4. The trade-off: set_log_odds and edit_log_odds (how sure the learned
   decision must be) shifted together from the shipped values; per shift,
   false alarms per 1,000 words on MEANTIME + polnear-dev and held-out
   recall; then recall at 0.02 / 0.05 / 0.1 / 0.2 false alarms per 1,000 words.
5. Speed: real-word-error alone over BBC on one core (stories read and
   tokenised first, model loaded first; best of three passes, each with
   nothing memoised), and a cold one-story `copydesk check` and `copydesk
   --version` (wall time, peak RSS; ``--baseline DIR`` alternates them with
   another copydesk package's runs).

``--tuning-sweep [--grid 'SET,EDIT;...'] [--judge-folder DIR]`` runs only the
settings grid on the tuning half (tuning-half slips injected into BBC +
polnear-train; findings on BBC + polnear-train, judged false alarms per 1,000
words where a reader's verdicts are known), which the shipped settings are
chosen from.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from common import BBC_SECTIONS, REPO, SHARED, copydesk_command, measure, one_core

sys.path.insert(0, str(Path(__file__).parent))
from accuracy_dates import MEANTIME, rebuild  # noqa: E402

POLNEAR_DEV = SHARED / "corpus" / "polnear-dev" / "text"
PER_PAIR = 3
EDIT_SLIPS = 150
SWEEP = [-3, -2, -1, 0, 1, 2, 3]
TUNING_SWEEP = [(-1, 2), (-1, 1), (-1.5, 3), (-1.5, 2), (-1.5, 1), (-2, 2), (-3, 1), (-4, 0)]
VERDICTS = REPO / "benchmarks" / "verdicts" / "real-word-error.jsonl"
# The tuning sweep's findings on BBC + polnear-train at every setting tried, with their verdicts
# ("settings": the shipped decision's settings that report it; "settings_main": those of the
# decision before it, on all 25 features).
TUNING_VERDICTS = VERDICTS.with_name("real-word-error-tuning.jsonl")
BUDGETS = [0.02, 0.05, 0.1, 0.2]
CONTEXT = 60
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’]?\s+|\n\s*\n")


def half(key: str) -> str:
    return "tuning" if hashlib.sha1(key.encode()).digest()[0] % 2 == 0 else "held-out"


def _setup():
    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry
    from copydesk.readers.plaintext import read_plain_text

    registry, config = load_registry(), load_config()
    engine = Engine(registry, config, [])
    corpora = {
        "BBC": [d for d in engine.documents(map(str, BBC_SECTIONS)) if not hasattr(d, "fatal")],
        "polnear-dev": [d for d in engine.documents([str(POLNEAR_DEV)]) if not hasattr(d, "fatal")],
        "MEANTIME": [next(read_plain_text(SourceText(str(path), rebuild(path)[0]), {}))
                     for path in sorted(MEANTIME.glob("*/*.xml"))],
    }
    checks = {a.check.name: a for a in plan(registry, config, ["real-word-error", "inconsistent-spelling"])}
    return registry, config, corpora, checks


def _words(documents) -> int:
    return sum(len(block.words) for document in documents for block in document.blocks)


def _run(active, document, options=None):
    context = active.context(document)
    if options is not None:
        context.options = options
    return list(active.check.function(document, context))


def set_table() -> None:
    from copydesk.checks.real_word import tuned_sets

    entries = [e for e in tuned_sets()["sets"] if e["half"] == "tuning"]
    print("\n## Balanced per-set table, tuning half (BBC + polnear-train; precision ≥ 0.95 asked)")
    print(f"{'set':32} {'source':9} {'occurrences':>11} {'ratio':>8} {'precision':>9} {'recall':>6}  kept")
    for e in sorted(entries, key=lambda e: (e["source"], e["key"])):
        kept = "kept" if e["ratio"] else "DROPPED" + (" (too few)" if e["precision"] is None else "")
        print(f"{e['key']:32} {e['source']:9} {e['occurrences']:>11} {e['ratio'] or '-':>8} "
              f"{e['precision'] if e['precision'] is not None else '-':>9} "
              f"{e['recall'] if e['recall'] is not None else '-':>6}  {kept}")
    kept = [e for e in entries if e["ratio"]]
    print(f"kept {len(kept)} of {len(entries)} tuning-half sets; dropped: "
          + ", ".join(e["key"].replace(" ", "/") for e in entries if not e["ratio"]))


def findings(active, corpus: str, documents, options=None) -> list[dict]:
    """One record per finding on ``documents``, with its context, for a reader to judge."""
    records = []
    for document in documents:
        text = document.source.text
        for finding in _run(active, document, options):
            offset = finding.location.offset
            records.append({
                "rule": active.check.name, "corpus": corpus, "story": document.id.split("/shared/")[-1],
                "line": finding.location.line, "text": finding.text if hasattr(finding, "text") else
                text[offset:offset + finding.location.length],
                "suggestion": (finding.suggestions or [""])[0], "message": finding.message,
                "context": text[max(0, offset - CONTEXT):offset + finding.location.length + CONTEXT],
                "sentences": _sentences(text, offset, finding.location.length),
                "offset": offset, "verdict": ""})
    return records


def _sentences(text: str, offset: int, length: int) -> str:
    """The sentence holding text[offset:offset + length] and its neighbours on either side."""
    ends = [m.end() for m in SENTENCE_BREAK.finditer(text)]
    starts = [0, *ends]
    index = max(i for i, start in enumerate(starts) if start <= offset)
    return text[starts[max(0, index - 1)]:(starts + [len(text)] * 2)[index + 2]].strip()


def false_alarms(corpora, checks, folder: Path | None) -> None:
    print("\n## False alarms on clean copy at the shipped settings")
    for rule, active in checks.items():
        records = []
        for corpus, documents in corpora.items():
            found = findings(active, corpus, documents)
            records += found
            words = _words(documents)
            print(f"{rule} on {corpus}: {len(found)} findings in {words:,} words = {len(found) / words * 1000:.3f} per 1,000")
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            _write_judge_file(folder / f"judge-{rule.removesuffix('-error')}.jsonl", records,
                              [VERDICTS.with_name(f"{rule}.jsonl"), VERDICTS.with_name(f"{rule}-tuning.jsonl")])


def _key(record: dict) -> tuple:
    return record["corpus"], record["story"], record["offset"], record["text"]


def _write_judge_file(path: Path, records: list[dict], carried: list[Path] = ()) -> None:
    """Every finding, keeping the verdicts already given in ``path`` (or, failing that, in the
    ``carried`` files); prints the verdicts' tally."""
    old = {}
    for source in [*carried, path]:
        if source.exists():
            for line in source.read_text(encoding="utf-8").splitlines():
                if line.strip() and (record := json.loads(line)).get("verdict"):
                    old[_key(record)] = record
    for record in records:
        judged = old.get(_key(record), {})
        # The reader's verdict and whatever else the reader wrote ("reason").
        record.update({name: value for name, value in judged.items() if name not in record or name == "verdict"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    tally = Counter((r["corpus"], r["verdict"] or "unjudged") for r in records)
    print(f"  written {path} ({len(records)} findings); verdicts: "
          + ", ".join(f"{c}/{v}: {n}" for (c, v), n in sorted(tally.items())))


def shape(correct: str, slip: str) -> str:
    from copydesk.lexicon import one_edit_apart

    if correct[0] != slip[0]:
        return "different first letter"
    return "one edit" if one_edit_apart(correct, slip) else "two+ edits"


def slips(documents, scorer, which: str = "held-out"):
    """(document, offset, correct, slip, source) for one half of the sets and pairs, injected into ``documents``."""
    from copydesk.checks.real_word import tuned_sets
    from copydesk.lexicon import lexicon

    random.seed(20)
    pairs = []
    for entry in tuned_sets()["sets"]:
        if entry["half"] == which:
            members = entry["key"].split()
            pairs += [(a, b, entry["source"]) for a in members for b in members if a != b]
    chosen = []
    for correct, slip, source in pairs:
        pattern = re.compile(rf"(?<=[a-z,] ){re.escape(correct)}(?= [a-z])")
        places = [(d, m.start()) for d in documents for m in pattern.finditer(d.source.text)]
        chosen += [(d, o, correct, slip, source) for d, o in random.sample(places, min(PER_PAIR, len(places)))]
    # One-edit slips of content words, where the pair is in the held-out half.
    edits = []
    content = re.compile(r"(?<=[a-z,] )([a-z]{4,})(?= [a-z])")
    for document in documents:
        for match in content.finditer(document.source.text):
            word = match.group(1)
            if word in scorer.common:
                continue
            for variant in lexicon().variants(word):
                if (variant not in scorer.common and scorer.model.knows(variant)
                        and half(" ".join(sorted((word, variant)))) == which):
                    edits.append((document, match.start(), word, variant, "one-edit variant"))
    chosen += random.sample(edits, min(EDIT_SLIPS, len(edits)))
    return chosen


def recall(registry, config, active, chosen, options) -> dict:
    from copydesk.document import SourceText

    reader = registry.readers["text"]
    hits = {}
    for number, (document, offset, correct, slip, source) in enumerate(chosen):
        text = document.source.text
        changed = text[:offset] + slip + text[offset + len(correct):]
        story = next(reader.read(SourceText(document.path, changed), config.reader_options()))
        hits[number] = any(_corrects(f, offset, correct) for f in _run(active, story, options))
    return hits


def _corrects(finding, offset: int, correct: str) -> bool:
    start = offset - finding.location.offset
    return (0 <= start < finding.location.length and bool(finding.suggestions)
            and re.match(rf"{re.escape(correct)}\b", finding.suggestions[0][start:], re.I) is not None)


def report_recall(chosen, hits, label: str) -> None:
    groups = defaultdict(list)
    for number, (_, _, correct, slip, source) in enumerate(chosen):
        groups[f"source: {source}"].append(hits[number])
        groups[f"shape: {shape(correct, slip)}"].append(hits[number])
        groups["all"].append(hits[number])
    print(f"\n## Held-out recall ({label}), slips injected into polnear-dev + MEANTIME")
    for name, values in sorted(groups.items()):
        print(f"  {name:32} {sum(values)}/{len(values)} = {sum(values) / len(values):.2f}")
    missed = [f"{slip}→{correct}" for n, (_, _, correct, slip, _) in enumerate(chosen) if not hits[n]]
    print("  missed (sample): " + ", ".join(missed[:40]))


def trade_off(registry, config, corpora, active, chosen) -> None:
    held_out_copy = corpora["polnear-dev"] + corpora["MEANTIME"]
    words = _words(held_out_copy)
    base = dict(_run_options(active, held_out_copy[0]))
    points = []
    print("\n## Trade-off: set_log_odds and edit_log_odds shifted together by d from the shipped ones "
          "(false alarms on MEANTIME + polnear-dev, held-out recall)")
    for shift in SWEEP:
        options = {**base, "set_log_odds": base["set_log_odds"] + shift, "edit_log_odds": base["edit_log_odds"] + shift}
        found = sum(len(_run(active, d, options)) for d in held_out_copy)
        hits = recall(registry, config, active, chosen, options)
        rate, share = found / words * 1000, sum(hits.values()) / len(hits)
        points.append((rate, share))
        by_source = defaultdict(list)
        for number, (_, _, _, _, source) in enumerate(chosen):
            by_source[source].append(hits[number])
        print(f"  d {shift:>+3}: {rate:.3f} findings per 1,000 words (unjudged: an upper bound on "
              f"false alarms), recall {share:.2f} ("
              + ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(by_source.items())) + ")")
    for budget in BUDGETS:
        best = max((share for rate, share in points if rate <= budget), default=0.0)
        print(f"  recall at ≤ {budget} findings per 1,000 words: {best:.2f}")


def tuning_sweep(registry, config, corpora, active, grid, folder: Path | None, with_recall: bool) -> None:
    """The settings grid on the tuning half only: tuning-half slips injected into BBC and
    polnear-train stories, findings counted on BBC + polnear-train. The shipped settings
    are chosen from this table, never from the held-out figures. With ``folder``, every
    finding at any of the settings is written to judge-real-word-tuning.jsonl there (the
    settings that report it named in "settings"), keeping the verdicts already given
    there and in benchmarks/verdicts/real-word-error*.jsonl, and each setting's judged false
    alarms per 1,000 words are printed."""
    from copydesk.checks.real_word import scorer

    engine_documents = corpora["BBC"] + corpora["polnear-train"]
    random.seed(21)
    sample = random.sample(engine_documents, 600)
    base = dict(_run_options(active, sample[0]))
    chosen = slips(sample, scorer(base), "tuning") if with_recall else []
    words = _words(engine_documents)
    print("\n## Tuning sweep (tuning half; slips in BBC + polnear-train, findings on BBC + polnear-train)")
    reported: dict[tuple, dict] = {}
    for set_log_odds, edit_log_odds in grid:
        setting = f"{set_log_odds:g},{edit_log_odds:g}"
        options = {**base, "set_log_odds": float(set_log_odds), "edit_log_odds": float(edit_log_odds)}
        found = [r for corpus in ("BBC", "polnear-train") for r in findings(active, corpus, corpora[corpus], options)]
        for record in found:
            reported.setdefault(_key(record), {**record, "settings": []})["settings"].append(setting)
        line = f"  set_log_odds {set_log_odds:>5}, edit_log_odds {edit_log_odds:>5}: {len(found) / words * 1000:.3f} findings per 1,000 words"
        if with_recall:
            hits = recall(registry, config, active, chosen, options)
            by_source = defaultdict(list)
            for number, (_, _, _, _, source) in enumerate(chosen):
                by_source[source].append(hits[number])
            line += (f", recall {sum(hits.values()) / len(hits):.2f} ("
                     + ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(by_source.items())) + ")")
        print(line, flush=True)
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    records = list(reported.values())
    _write_judge_file(folder / "judge-real-word-tuning.jsonl", records, [VERDICTS, TUNING_VERDICTS])
    print(f"\n## Judged findings on the tuning copy (BBC + polnear-train, {words:,} words)")
    for set_log_odds, edit_log_odds in grid:
        setting = f"{set_log_odds:g},{edit_log_odds:g}"
        tally = Counter(r["verdict"] or "unjudged" for r in records if setting in r["settings"])
        print(f"  set_log_odds {set_log_odds:>5}, edit_log_odds {edit_log_odds:>5}: "
              + ", ".join(f"{v} {n}" for v, n in sorted(tally.items()))
              + f"; false alarms per 1,000 words {tally['false alarm'] / words * 1000:.3f}"
              + (f" to {(tally['false alarm'] + tally['unjudged']) / words * 1000:.3f} (unjudged counted as false alarms)"
                 if tally["unjudged"] else ""))


def _run_options(active, document):
    return active.context(document).options


def speed(corpora, active) -> None:
    from copydesk.checks import real_word
    from copydesk.langmodel import language_model

    documents = corpora["BBC"]
    words = _words(documents)
    for document in documents:
        for block in document.blocks:
            _ = block.parts, block.lowered_words
    _run(active, documents[0])
    timings = []
    for _ in range(3):
        real_word._scorers.clear()
        language_model.cache_clear()
        real_word.scorer(_run_options(active, documents[0]))  # the model read, outside the timing
        started = time.process_time()
        for document in documents:
            _run(active, document)
        timings.append(time.process_time() - started)
    print(f"real-word-error alone over BBC, one core: {min(timings):.2f} s = "
          f"{words / min(timings):,.0f} words/s (best of three, nothing memoised at the start)")


def cold_check(baseline: Path | None) -> None:
    """A one-story `copydesk check` from cold, and `copydesk --version`. Run before the corpora are
    read: a child's peak RSS as the kernel reports it starts from what this process held when it
    forked. With ``baseline`` (a folder holding another copydesk package, e.g. ``pip install
    --no-deps --target DIR`` of an earlier checkout), its runs alternate with this one's, so both
    are taken in the same minutes of a shared machine."""
    story = REPO / "examples" / "council-budget.txt"
    installs = {"this install": []}
    if baseline is not None:
        installs[f"baseline {baseline}"] = ["env", f"PYTHONPATH={baseline}"]
    print("\n## Speed (on a shared machine: compare with the previous release run alongside)")
    check = ["check", "--select", "real-word-error", str(story)]
    for label, arguments in ((f"cold one-story check ({story.name})", check), ("copydesk --version", ["--version"])):
        runs: dict[str, list] = {install: [] for install in installs}
        for _ in range(5):
            for install, prefix in installs.items():
                runs[install].append(measure(one_core([*prefix, *copydesk_command(), *arguments])))
        for install, measured in runs.items():
            print(f"{label}, {install}: best of five {min(r[0] for r in measured):.2f} s, "
                  f"peak RSS {max(r[1] for r in measured):.0f} MB")


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judge-folder", type=Path, help="where judge-RULE.jsonl files are written")
    parser.add_argument("--tuning-sweep", action="store_true",
                        help="only the settings grid on the tuning half (BBC + polnear-train)")
    parser.add_argument("--grid", help="the tuning sweep's settings: 'set,edit;set,edit;...' (log odds)")
    parser.add_argument("--baseline", type=Path,
                        help="a folder with another copydesk package: its cold runs alternate with this one's")
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: table,alarms,recall,curve,speed")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    if "speed" not in skip and not args.tuning_sweep:
        cold_check(args.baseline)
    registry, config, corpora, checks = _setup()
    active = checks["real-word-error"]
    if args.tuning_sweep:
        from copydesk.engine import Engine

        corpora["polnear-train"] = [d for d in Engine(registry, config, []).documents(
            [str(SHARED / "corpus" / "polnear-train" / "text")]) if not hasattr(d, "fatal")]
        grid = ([tuple(map(float, point.split(","))) for point in args.grid.split(";")]
                if args.grid else TUNING_SWEEP)
        tuning_sweep(registry, config, corpora, active, grid, args.judge_folder, "recall" not in skip)
        return
    if "table" not in skip:
        set_table()
    if "alarms" not in skip:
        false_alarms(corpora, checks, args.judge_folder)
    if not {"recall", "curve"} <= skip:
        from copydesk.checks.real_word import scorer

        chosen = slips(corpora["polnear-dev"] + corpora["MEANTIME"],
                       scorer(_run_options(active, corpora["MEANTIME"][0])))
        if "recall" not in skip:
            report_recall(chosen, recall(registry, config, active, chosen, None), "shipped settings")
        if "curve" not in skip:
            trade_off(registry, config, corpora, active, chosen)
    if "speed" not in skip:
        speed(corpora, active)


if __name__ == "__main__":
    main()
