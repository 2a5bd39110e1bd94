"""Date extraction and resolution against MEANTIME's TimeML annotations.

    python benchmarks/accuracy_dates.py [--errors]

MEANTIME (../shared/corpus/meantime, CC BY 4.0) gives 120 Wikinews stories as
tokens, with every TIMEX3 of type DATE normalised against the story's creation
time. Only the headline, date line and first four sentences of each story are
annotated, so only what copydesk finds there is scored. Each story is rebuilt as text (headline, the date line, then the body),
read by copydesk's text reader like any story, and its date expressions are
compared with the annotations:

- extraction: precision, recall and F1 of DATE expressions, relaxed (the spans
  overlap, TempEval-3's main measure) and strict (same span);
- resolution: of the matched expressions, the share whose resolved value
  (2024-11-18, 2024-W47, 2024-11, 2024) equals the annotated one, resolving
  against the publication date copydesk infers from the story's date line;
- publication: how often that inferred date is the annotated creation time.

Scored over all DATE annotations, and over the calendar ones: those whose
value names a day, week, month or year. The others (PRESENT_REF for "now",
PAST_REF for "recently", XXXX-XX-XX for "the day") are vague by design;
copydesk does not extract them because no date rule can be applied to them.
Then the dates check alone runs over the BBC corpus (one core): words per
second, and its findings by rule, with no publication date (as shipped) and
with one (every relative date resolved). With --errors, every missed, spurious and wrongly resolved expression is
listed for error analysis.

Last, the false alarms an editor would see: weekday-mismatch, future-date and
date-conflict per 1,000 words on MEANTIME (publication date from the date
line), BBC (as shipped, and with every story dated 2005-12-31) and PolNeAR dev
(publication date from the file name; the held-out split), each finding listed
in ``--findings`` (JSON lines, with context and an empty "verdict" to fill in).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from common import BBC_SECTIONS, SHARED

MEANTIME = SHARED / "corpus" / "meantime" / "intra-doc_annotation"
_CALENDAR_VALUE = re.compile(r"\d{4}(-(\d\d(-\d\d)?|W\d\d(-WE)?))?")
_NO_SPACE_BEFORE = re.compile(r"[,.;:!?)%]|'s|'|n't")


@dataclass
class Gold:
    start: int
    end: int
    text: str
    value: str
    creation: bool

    @property
    def calendar(self) -> bool:
        return bool(_CALENDAR_VALUE.fullmatch(self.value))


def rebuild(path) -> tuple[str, list[Gold], str, int]:
    """The story as text (headline, date line, body), its DATE annotations, its creation time,
    and where its annotated part ends."""
    root = ElementTree.parse(path).getroot()
    tokens = list(root.iter("token"))
    by_id = {token.get("t_id"): token for token in tokens}
    sentences: dict[str, list] = {}
    for token in tokens:
        sentences.setdefault(token.get("sentence"), []).append(token)
    pieces, spans, position = [], {}, 0
    for number, (_, sentence) in enumerate(sentences.items()):
        separator = "\n\n" if number in (1, 2) else " "
        if number:
            pieces.append(separator)
            position += len(separator)
        for index, token in enumerate(sentence):
            word = token.text or ""
            if index and not _NO_SPACE_BEFORE.fullmatch(word) and pieces[-1] not in ("(", "$"):
                pieces.append(" ")
                position += 1
            spans[token.get("t_id")] = (position, position + len(word))
            pieces.append(word)
            position += len(word)
    text = "".join(pieces)
    annotated = max(int(token.get("sentence")) for markable in root.iter("Markables")
                    for anchor in markable.iter("token_anchor")
                    for token in [by_id[anchor.get("t_id")]])
    annotated_end = max(end for t_id, (_, end) in spans.items()
                        if int(by_id[t_id].get("sentence")) <= annotated)
    golds, creation = [], ""
    for timex in root.iter("TIMEX3"):
        anchors = [anchor.get("t_id") for anchor in timex.iter("token_anchor")]
        if timex.get("type") != "DATE" or not anchors:
            continue
        start, end = spans[anchors[0]][0], spans[anchors[-1]][1]
        is_creation = timex.get("functionInDocument") == "CREATION_TIME"
        if is_creation:
            creation = timex.get("value")
        golds.append(Gold(start, end, text[start:end], timex.get("value") or "", is_creation))
    return text, golds, creation, annotated_end


@dataclass
class Scores:
    stories: int
    extracted: int
    publication_right: int
    # By scope: gold, relaxed and strict matches, resolved and right values.
    tallies: dict[str, dict[str, int]]
    spurious: list[str]
    missed: list[str]
    wrong: list[str]

    def precision(self, scope: str, strict: bool = False) -> float:
        tally = self.tallies[scope]
        relaxed = (self.extracted - len(self.spurious)) / self.extracted if self.extracted else 0.0
        if not strict:
            return relaxed
        return relaxed * (tally["strict"] / tally["relaxed"] if tally["relaxed"] else 0.0)

    def recall(self, scope: str, strict: bool = False) -> float:
        tally = self.tallies[scope]
        return tally["strict" if strict else "relaxed"] / tally["gold"]

    def f1(self, scope: str, strict: bool = False) -> float:
        precision, recall = self.precision(scope, strict), self.recall(scope, strict)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def value_accuracy(self, scope: str) -> float:
        tally = self.tallies[scope]
        return tally["right"] / tally["relaxed"]


SCOPES = {"all DATE": lambda gold: True, "calendar DATE": lambda gold: gold.calendar}


def score() -> Scores:
    """Extract and resolve the dates of every MEANTIME story and compare with the annotations."""
    from copydesk.dates import resolve, tense
    from copydesk.document import SourceText
    from copydesk.readers.plaintext import read_plain_text

    paths = sorted(MEANTIME.glob("*/*.xml"))
    tallies = {scope: dict(gold=0, relaxed=0, strict=0, right=0) for scope in SCOPES}
    scores = Scores(len(paths), 0, 0, tallies, [], [], [])
    for path in paths:
        text, golds, creation, annotated_end = rebuild(path)
        document = next(read_plain_text(SourceText(str(path), text), {}))
        published = document.publication.date
        scores.publication_right += published is not None and published.isoformat() == creation
        found = []
        for block in document.blocks:
            for mention in block.dates:
                start, end = block.source_span(mention.start, mention.end)
                if start >= annotated_end:
                    continue
                sentence = next(s for s in block.sentences if s.start <= mention.start < s.end)
                direction = tense(sentence.text, mention.start - sentence.start, mention.end - sentence.start)
                resolved = resolve(mention, published, direction)
                found.append((start, end, mention.text, resolved.value if resolved else None))
        scores.extracted += len(found)
        matched = set()
        for gold in golds:
            match = next((f for f in found if f[0] < gold.end and gold.start < f[1]), None)
            for scope, within in SCOPES.items():
                if within(gold):
                    tally = tallies[scope]
                    tally["gold"] += 1
                    if match:
                        tally["relaxed"] += 1
                        tally["strict"] += (match[0], match[1]) == (gold.start, gold.end)
                        tally["right"] += match[3] == gold.value
            where = f"{path.stem[:40]}: {gold.text!r}"
            if match:
                matched.add(match)
                if match[3] != gold.value and gold.calendar:
                    scores.wrong.append(f"{where} → {match[3]} (gold {gold.value}, published {creation})")
            elif gold.calendar:
                scores.missed.append(f"{where} {gold.value} …{text[gold.start - 30:gold.end + 20]!r}")
        scores.spurious += [f"{path.stem[:40]}: {item[2]!r} …{text[item[0] - 30:item[1] + 20]!r}"
                            for item in found if item not in matched]
    return scores


def report(scores: Scores, show_errors: bool) -> None:
    print(f"MEANTIME: {scores.stories} stories, {scores.extracted} expressions extracted "
          "in the annotated part")
    print(f"publication date inferred right: {scores.publication_right}/{scores.stories}")
    for scope in SCOPES:
        tally = scores.tallies[scope]
        print(f"\n{scope}: {tally['gold']} annotated")
        for strict in (False, True):
            print(f"  {'strict ' if strict else 'relaxed'}  P {scores.precision(scope, strict):.3f}  "
                  f"R {scores.recall(scope, strict):.3f}  F1 {scores.f1(scope, strict):.3f}")
        print(f"  resolved value right: {tally['right']}/{tally['relaxed']} matched "
              f"= {scores.value_accuracy(scope):.3f}")
    if show_errors:
        for title, items in (("missed", scores.missed), ("spurious", scores.spurious),
                             ("wrong value", scores.wrong)):
            print(f"\n{title} ({len(items)}):")
            for item in items:
                print("  " + item)


def bbc_speed_and_findings() -> None:
    """The dates check alone over the BBC corpus: words per second, findings by rule."""
    from collections import Counter

    from copydesk.config import load_config
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry, config = load_registry(), load_config()
    (active,) = plan(registry, config, ["dates"])
    for published in (None, "2005-12-31"):
        documents = [item for item in Engine(registry, config, [], published=published)
                     .documents(map(str, BBC_SECTIONS)) if not hasattr(item, "fatal")]
        words = sum(len(block.words) for document in documents for block in document.blocks)
        started = time.process_time()
        found = [finding for document in documents
                 for finding in active.check.function(document, active.context(document))]
        seconds = time.process_time() - started
        by_rule = dict(sorted(Counter(finding.rule for finding in found).items()))
        print(f"\nBBC, publication date {published or 'unknown (as shipped)'}: {len(documents)} stories, "
              f"{words:,} words; dates check alone {seconds:.2f} s = {words / seconds:,.0f} words/s")
        print(f"  findings: {by_rule}")


ALARMS = ("weekday-mismatch", "future-date", "date-conflict")
POLNEAR_DEV = SHARED / "corpus" / "polnear-dev" / "text"


def _corpus(name: str):
    """(path, publication date or None, text) of each story of a corpus, as a user would check it."""
    if name == "meantime":  # the date line of the rebuilt story is its publication date
        for path in sorted(MEANTIME.glob("*/*.xml")):
            yield str(path), None, rebuild(path)[0]
    elif name == "bbc":  # as shipped: no publication date (copydesk infers one where the copy allows)
        for section in BBC_SECTIONS:
            for path in sorted(section.glob("*.txt")):
                yield str(path), None, path.read_bytes().decode("cp1252")
    elif name == "bbc-2005-12-31":  # every story given the corpus's last day: relative dates resolved
        for path, _, text in _corpus("bbc"):
            yield path, "2005-12-31", text
    elif name == "polnear-dev":  # the file name holds the publication date
        for path in sorted(POLNEAR_DEV.glob("*.txt")):
            yield str(path), path.name.split("_")[1], path.read_text(encoding="utf-8")


def false_alarms(corpora: list[str], findings_file: str) -> None:
    """Weekday-mismatch, future-date and date-conflict per 1,000 words on each corpus; every one
    of them written to ``findings_file`` (one JSON line with its context and an empty verdict)."""
    import json

    from copydesk.config import load_config
    from copydesk.document import SourceText
    from copydesk.engine import Engine, plan
    from copydesk.plugins import load_registry

    registry, config = load_registry(), load_config()
    (active,) = plan(registry, config, ["dates"])
    engine = Engine(registry, config, [])
    print(f"\n{', '.join(ALARMS)} per 1,000 words (findings listed in {findings_file}):")
    with open(findings_file, "w", encoding="utf-8") as listing:
        total_words = total_found = 0
        for corpus in corpora:
            words = found = 0
            for path, published, text in _corpus(corpus):
                engine.published = published
                for document in engine.read(SourceText(path, text), registry.readers["text"]):
                    if hasattr(document, "fatal"):
                        continue
                    words += sum(len(block.words) for block in document.blocks)
                    for finding in active.check.function(document, active.context(document)):
                        if finding.rule not in ALARMS:
                            continue
                        found += 1
                        start = finding.location.offset
                        listing.write(json.dumps({
                            "corpus": corpus, "path": path, "rule": finding.rule,
                            "published": str(document.publication.date), "text": finding.location.text,
                            "message": finding.message,
                            "context": text[max(0, start - 200):start + 200], "verdict": ""},
                            ensure_ascii=False) + "\n")
            print(f"  {corpus:>15}: {found} in {words:,} words = {found / words * 1000:.4f}")
            if corpus != "bbc-2005-12-31":  # the same copy again, with an assumed date
                total_words += words
                total_found += found
        print(f"  {'together':>15}: {total_found} in {total_words:,} words = "
              f"{total_found / total_words * 1000:.4f} (bbc-2005-12-31 not counted)")


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # a one-core figure
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every extraction and resolution error")
    parser.add_argument("--corpora", default="meantime,bbc,bbc-2005-12-31,polnear-dev",
                        help="where to count false alarms (polnear-dev is held out: measure, do not tune)")
    parser.add_argument("--findings", default="dates-alarms.jsonl", metavar="FILE",
                        help="where to list the weekday-mismatch, future-date and date-conflict findings")
    args = parser.parse_args()
    if not MEANTIME.exists():
        print(f"MEANTIME not found at {MEANTIME}; set COPYDESK_SHARED", file=sys.stderr)
        return 2
    report(score(), args.errors)
    bbc_speed_and_findings()
    false_alarms(args.corpora.split(","), args.findings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
