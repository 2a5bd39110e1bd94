"""Accuracy of the attribution check against PolNeAR, and its speed on BBC copy.

    python benchmarks/accuracy_attribution.py [--errors N]

PolNeAR (../shared/corpus/polnear-train: news articles with brat annotations
of Source, Cue and Content; only the training split, as its README asks) is
read with copydesk's own text reader and sentence splitter.

1. Attributions, per sentence. A sentence is a gold positive when it holds the
   cue of a PolNeAR attribution whose cue is a speech or report act: a cue with
   a word of SPEECH_ACTS below (a broader list than copydesk's own, from the
   communication verbs of Levin's classes 37 and PARC's cue lexicon), or a
   colon introducing a quotation. Cues of thought or intention ("believes",
   "wants", "plans") are not speech acts; a sentence holding only those is a
   negative. copydesk predicts a sentence when it finds a speech attribution
   there. Articles annotated twice are scored on the first annotator's file.
2. unattributed-quote: every quotation copydesk sees (four words or more,
   not a title) is gold-unattributed when PolNeAR puts less than half of it
   inside an attribution (source, cue or content); precision and recall of
   the rule's findings against that.
3. Speed: the attribution check alone over ../shared/corpus/bbc, one core,
   stories read and their shared analysis (sentences, words, dates, which
   the other checks use too) done beforehand, in words per second; and the
   figure with that analysis counted in.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from common import BBC_SECTIONS, SHARED

POLNEAR = SHARED / "corpus" / "polnear-train"

SPEECH_ACTS = frozenset("""
    say said says saying tell told tells telling according state stated states stating statement
    announce announced announces announcing announcement declare declared declares declaring
    add added adds adding note noted notes noting explain explained explains explaining
    insist insisted insists insisting assert asserted asserts asserting argue argued argues arguing
    contend contended contends claim claimed claims claiming allege alleged alleges alleging
    acknowledge acknowledged acknowledges acknowledging admit admitted admits admitting
    concede conceded concedes conceding confirm confirmed confirms confirming deny denied denies
    denying reveal revealed reveals revealing disclose disclosed discloses warn warned warns warning
    predict predicted predicts predicting estimate estimated estimates reiterate reiterated
    stress stressed stresses emphasize emphasized emphasizes emphasise emphasised testify testified
    ask asked asks asking reply replied replies respond responded responds answer answered answers
    urge urged urges urging recall recalled recalls recalling recount recounted remark remarked
    comment commented comments complain complained complains complaints mention mentioned mentions
    suggest suggested suggests suggesting indicate indicated indicates write wrote writes writing
    written tweet tweeted tweets tweeting post posted posts email emailed report reported reports
    reporting reportedly quote quoted quotes quoting cite cited cites citing describe described
    describes describing promise promised promises promising pledge pledged pledges vow vowed vows
    threaten threatened threatens accuse accused accuses accusing blame blamed blames blaming
    criticize criticized criticizes criticizing criticise criticised criticism praise praised
    praises praising conclude concluded concludes show showed shows showing shown find found finds
    call called calls calling dub dubbed brand branded label labeled labelled
    point pointed spell inform informed advise advised caution cautioned boast boasted lament
    lamented decry decried denounce denounced denouncing condemn condemned dismiss dismissed
    reject rejected hint hinted speculate speculated forecast project projected calculate
    proclaim proclaimed assure assured retort retorted counter countered observe observed
    clarify clarified specify specified speak spoke spoken speaking talk talked talks talking
    discuss discussed discussing question questioned questioning questions thank thanked
    demand demanded demands propose proposed proposes request requested slam slammed slams
    blast blasted blasts attack attacked attacks mock mocked mocks joke joked jokes
    interview interviewed remarks statement statements letter memo speech testimony announcement
    declined decline refuse refused refuses
    """.split())


@dataclass
class Scores:
    articles: int
    counts: Counter  # (gold speech?, predicted?) per sentence; ("any", gold?, predicted?)
    quotes: Counter  # (gold unattributed?, reported?) per quotation
    missed: Counter
    spurious: Counter
    examples: dict[str, list[str]]

    def attribution(self) -> tuple[float, float]:
        """Sentence-level precision and recall of speech/report attributions."""
        tp, fp, fn = self.counts[(True, True)], self.counts[(False, True)], self.counts[(True, False)]
        return tp / (tp + fp), tp / (tp + fn)


def _relations(path: Path) -> list[dict[str, list[tuple[int, int]]]]:
    """The attributions of a brat file: role → character spans."""
    text = path.read_text(encoding="utf-8")
    spans = {}
    for match in re.finditer(r"^(T\d+)\t([\w-]+) ([\d; ]+)\t", text, re.M):
        spans[match.group(1)] = [tuple(map(int, part.split())) for part in match.group(3).split(";")]
    relations = []
    for match in re.finditer(r"^E\d+\t(.*)$", text, re.M):
        roles: dict[str, list[tuple[int, int]]] = {}
        for item in match.group(1).split():
            role, name = item.split(":")
            roles.setdefault(re.sub(r"\d+$", "", role), []).extend(spans[name])
        relations.append(roles)
    return relations


def _is_speech(cue: str, after: str) -> bool:
    words = re.findall(r"[a-z]+", cue.lower())
    if not words:
        return cue.strip() == ":" and after.lstrip()[:1] in "“\""
    return any(word in SPEECH_ACTS for word in words)


def _setup():
    from copydesk.config import load_config
    from copydesk.engine import plan
    from copydesk.plugins import load_registry

    registry = load_registry()
    config = load_config()
    active = plan(registry, config, ["attribution"])[0]
    return registry, config, active


def score() -> Scores:
    """Score the attribution detector on PolNeAR's training split."""
    from copydesk.checks.attribution import detector_for
    from copydesk.engine import Engine

    registry, config, active = _setup()
    detector = detector_for(active.options)
    engine = Engine(registry, config, [])
    chosen: dict[str, Path] = {}
    for annotation in sorted((POLNEAR / "attributions").glob("*.ann")):
        chosen.setdefault(annotation.name.rsplit("_", 1)[0], annotation)
    counts = Counter()
    missed, spurious = Counter(), Counter()
    examples: dict[str, list[str]] = {"missed": [], "spurious": [], "quote-missed": [], "quote-spurious": []}
    quote_counts = Counter()
    for article, annotation in chosen.items():
        path = POLNEAR / "text" / f"{article}.txt"
        source_text = path.read_text(encoding="utf-8")
        relations = _relations(annotation)
        covered = bytearray(len(source_text) + 1)
        for relation in relations:
            for spans in relation.values():
                for start, end in spans:
                    covered[start:end] = b"\1" * (end - start)
        for document in engine.documents([str(path)]):
            if not hasattr(document, "blocks"):
                continue
            story = detector.read(document)
            sentence_spans = [facts.block.source_span(facts.sentence.start, facts.sentence.end)
                              for facts in story.sentences]
            gold: dict[int, list[str]] = {}
            for relation in relations:
                if "Cue" not in relation:
                    continue
                cue_start, cue_end = relation["Cue"][0]
                cue = " ".join(source_text[s:e] for s, e in relation["Cue"])
                for index, (start, end) in enumerate(sentence_spans):
                    if start <= cue_start < end:
                        kind = "speech" if _is_speech(cue, source_text[cue_end:cue_end + 3]) else "other"
                        gold.setdefault(index, []).append(f"{kind}:{cue.lower()}")
                        break
            for index, facts in enumerate(story.sentences):
                gold_speech = any(c.startswith("speech:") for c in gold.get(index, []))
                found = [a for a in facts.attributions if a.act == "speech"]
                predicted = bool(found)
                counts[(gold_speech, predicted)] += 1
                counts["any", bool(gold.get(index)), bool(facts.attributions)] += 1
                text = facts.sentence.text
                if gold_speech and not predicted:
                    for cue in gold[index]:
                        if cue.startswith("speech:"):
                            missed[cue[7:]] += 1
                    examples["missed"].append(f"{gold[index]} | {text[:220]}")
                elif predicted and not gold_speech:
                    for a in found:
                        spurious[facts.block.text[slice(*a.cue)].lower()] += 1
                    cues = [facts.block.text[slice(*a.cue)] for a in found]
                    examples["spurious"].append(f"{cues} {gold.get(index, [])} | {text[:220]}")
            flagged = {q.span for q in story.unattributed_quotations(detector.min_quote_words)}
            for quotation in story.quotations:
                if quotation.words < detector.min_quote_words:
                    continue
                start, end = quotation.block.source_span(*quotation.span)
                inside = sum(covered[start:end]) / max(1, end - start)
                gold_unattributed = inside < 0.5
                reported = quotation.span in flagged
                quote_counts[(gold_unattributed, reported)] += 1
                if gold_unattributed != reported:
                    paragraph = quotation.block.text
                    examples["quote-missed" if gold_unattributed else "quote-spurious"].append(
                        f"{paragraph[slice(*quotation.span)][:80]!r} | {paragraph[:200]}")

    return Scores(len(chosen), counts, quote_counts, missed, spurious, examples)


def report(scores: Scores, errors: int) -> None:
    counts, quote_counts = scores.counts, scores.quotes
    _print_scores("speech/report attributions, per sentence", counts[(True, True)],
                  counts[(False, True)], counts[(True, False)], counts[(False, False)])
    _print_scores("any attribution (incl. belief/intention cues)", counts["any", True, True],
                  counts["any", False, True], counts["any", True, False], counts["any", False, False])
    print(f"  articles: {scores.articles}")
    print("  most missed cues:", ", ".join(f"{c} {n}" for c, n in scores.missed.most_common(25)))
    print("  most spurious cues:", ", ".join(f"{c} {n}" for c, n in scores.spurious.most_common(25)))
    _print_scores("unattributed-quote (quotations PolNeAR leaves unattributed)", quote_counts[(True, True)],
                  quote_counts[(False, True)], quote_counts[(True, False)], quote_counts[(False, False)])
    for kind, lines in scores.examples.items():
        for line in lines[:errors]:
            print(f"  {kind}: {line}")


def _print_scores(title: str, tp: int, fp: int, fn: int, tn: int) -> None:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{title}: precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
          f"(tp {tp}, fp {fp}, fn {fn}, tn {tn})")


def speed() -> None:
    from copydesk.engine import Engine

    registry, config, active = _setup()
    documents = [d for d in Engine(registry, config, []).documents(map(str, BBC_SECTIONS)) if hasattr(d, "blocks")]
    words = sum(len(block.words) for document in documents for block in document.blocks)
    started = time.process_time()
    for document in documents:  # the Document's analysis, shared with the other checks
        for block in document.blocks:
            _ = block.sentences, block.words, block.parts, block.dates
    shared = time.process_time() - started
    list(active.check.function(documents[0], active.context(documents[0])))
    started = time.process_time()
    found = Counter()
    for document in documents:
        for finding in active.check.function(document, active.context(document)):
            found[finding.rule] += 1
    elapsed = time.process_time() - started
    print(f"speed: {words:,} words in {elapsed:.2f} s CPU = {words / elapsed:,.0f} words/s "
          f"({words / (elapsed + shared):,.0f} words/s counting the Document's sentences, words and dates); "
          f"BBC findings: {dict(sorted(found.items()))} "
          f"({sum(found.values()) / words * 1000:.2f} per 1,000 words)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="print this many missed and spurious sentences")
    args = parser.parse_args()
    if not POLNEAR.exists():
        raise SystemExit(f"PolNeAR is not at {POLNEAR} (set COPYDESK_SHARED)")
    report(score(), args.errors)
    speed()


if __name__ == "__main__":
    main()
