"""Accuracy of the attribution check against PolNeAR, and its speed on BBC copy.

    python benchmarks/accuracy_attribution.py [--errors N] [--judge-dir DIR] [--no-speed]

PolNeAR (news articles with brat annotations of Source, Cue and Content) is
read with copydesk's own text reader and sentence splitter. The attribution
model was trained on polnear-train only (tools/train_attribution_model.py);
everything about the check's rules is reported on polnear-dev.

1. The model, on polnear-dev: exact-span and overlap precision, recall and F1
   of Source, Cue and Content (spans clipped to sentences), beside published
   baselines.
2. The check's rules, on polnear-dev: flags, flags per 1,000 words, and a
   proxy precision. A quote or claim flag is a proxy false positive when at
   least half of it lies inside a PolNeAR Content whose relation has a Source;
   an anonymous-source or vague-attribution flag is a proxy true positive when
   its source overlaps a PolNeAR Source. Recall for quotes: of the dev
   quotations (min_quote_words or more) that PolNeAR leaves outside any
   sourced Content, how many are flagged; and, once read (judge-unsourced-
   quotes.jsonl: "no-speaker" or "has-speaker"), of those that really have no
   speaker in their paragraph or the one before. Recall
   for sources: of the PolNeAR Sources of a speech, report or belief cue
   (SPEECH_ACTS, BELIEF_ACTS) that the check's own reading of a source span
   calls anonymous or vague (pronouns and back-references aside), how many
   the check finds and calls so (every mention, before the check reports an
   anonymous head once per story).
3. Precision by reading: a sample of each rule's flags (every quote flag, 50
   of each other rule, drawn with a fixed seed) is written with its context to
   DIR/judge-<rule>.jsonl for a reader who did not write the check; verdicts
   ("verdict": "right"/"wrong", "reason") are kept in
   benchmarks/verdicts/attribution-<rule>.jsonl by file and offset only (no
   PolNeAR text in the repository) and counted when present.
4. polnear-train, the rules' sentence-level attribution detector (what the
   check's reporting expressions find), as before: a sentence is a gold
   positive when it holds the cue of a PolNeAR attribution whose cue is a
   speech or report act (SPEECH_ACTS below, or a colon before a quotation).
5. Copy never used to tune the attribution rules: unattributed-claim (a
   sample of 50, fixed seed) and unattributed-quote over the BBC corpus, and
   all four rules over the gold article bodies of the extraction set (90 news
   pages from many publishers): flags, and precision by reading, as in 3.
6. Speed: the attribution check alone over ../shared/corpus/bbc, one core,
   stories read and their shared analysis (sentences, words, dates, which
   the other checks use too) done beforehand, in words per second; and the
   figure with that analysis counted in; and the model's load time.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import BBC_SECTIONS, REPO, SHARED

sys.path.insert(0, str(REPO / "tools"))  # the model's corpus reader and scorer: train_attribution_model

POLNEAR = SHARED / "corpus" / "polnear-train"
DEV = SHARED / "corpus" / "polnear-dev"
VERDICTS = Path(__file__).resolve().parent / "verdicts"
RULES = ("unattributed-quote", "unattributed-claim", "anonymous-source", "vague-attribution")
SAMPLE = 50  # flags read per rule (every flag of unattributed-quote)
# Published work to set the model beside. Their figures are on other corpora (PARC3's WSJ
# articles, gold tokens and sentences) and could not be looked up where this benchmark was
# written, so none is printed as if it were comparable.
BASELINES = (
    "PARC3 taggers: Pareti et al. 2013 (EMNLP, CRF quotation extraction), Scheible, Klinger & Padó 2016 "
    "(ACL, linear-chain and semi-Markov CRFs), Papay & Padó 2019 (RANLP, neural, corpus-agnostic); "
    "PolNeAR (Newell, Margolin & Ruths 2018, LREC) reports annotator agreement, not a tagger"
)

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

# Cues of belief: their sources are sources too ("officials believe", "critics fear").
BELIEF_ACTS = frozenset("""
    believe believed believes think thinks thought fear feared fears expect expected expects hope hoped
    hopes worry worried worries doubt doubted doubts suspect suspected suspects know knew knows feel felt
    feels wonder wondered wonders consider considered considers
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


@dataclass
class RuleScores:
    words: int = 0
    flags: dict[str, list[dict]] = field(default_factory=lambda: {rule: [] for rule in RULES})
    proxy_right: Counter = field(default_factory=Counter)
    unsourced_quotes: list[dict] = field(default_factory=list)  # gold: no sourced Content over them
    unnamed_gold: list[dict] = field(default_factory=list)  # PolNeAR Sources read as anonymous or vague


def _paragraph_context(text: str, offset: int) -> str:
    """The paragraph holding ``offset`` and the one before it."""
    start = text.rfind("\n\n", 0, offset)
    before = text.rfind("\n\n", 0, max(0, start))
    end = text.find("\n\n", offset)
    return text[before + 2 if before >= 0 else 0:end if end >= 0 else len(text)].strip()


def score_rules(split: Path) -> RuleScores:
    """Run the attribution check over a PolNeAR split and score its four rules."""
    from copydesk.checks.attribution import detector_for
    from copydesk.engine import Engine

    from train_attribution_model import articles

    registry, config, active = _setup()
    detector = detector_for(active.options)
    engine = Engine(registry, config, [])
    scores = RuleScores()
    for article, annotation in sorted(articles(split).items()):
        path = split / "text" / f"{article}.txt"
        source_text = path.read_text(encoding="utf-8")
        relations = _relations(annotation)
        sourced = bytearray(len(source_text) + 1)  # inside the Content of a relation with a Source
        gold_sources: list[tuple[int, int]] = []
        reported: list[tuple[int, int]] = []  # sources of a speech, report or belief cue
        for relation in relations:
            if "Source" not in relation:
                continue
            gold_sources.extend(relation["Source"])
            cue = " ".join(source_text[s:e] for s, e in relation.get("Cue", []))
            if set(re.findall(r"[a-z]+", cue.lower())) & (SPEECH_ACTS | BELIEF_ACTS):
                reported.extend(relation["Source"])
            for start, end in relation.get("Content", []):
                sourced[start:end] = b"\1" * (end - start)
        for document in engine.documents([str(path)]):
            if not hasattr(document, "blocks"):
                continue
            scores.words += sum(len(block.words) for block in document.blocks)
            story = detector.read(document)
            sentences = [facts.block.source_span(facts.sentence.start, facts.sentence.end) for facts in story.sentences]
            for finding in active.check.function(document, active.context(document)):
                start, length = finding.offset, finding.location.length
                sentence = next(((s, e) for s, e in sentences if s <= start < e), (start, start + length))
                flag = {"rule": finding.rule, "file": f"{split.name}/{article}.txt", "offset": start,
                        "length": length, "finding": finding.text, "message": finding.message,
                        "sentence": source_text[slice(*sentence)], "context": _paragraph_context(source_text, start)}
                scores.flags[finding.rule].append(flag)
                if finding.rule in ("unattributed-quote", "unattributed-claim"):
                    right = sum(sourced[start:start + length]) < 0.5 * max(1, length)
                else:
                    right = any(s < start + length and start < e for s, e in gold_sources)
                scores.proxy_right[finding.rule] += right
            flagged = {f["offset"] for f in scores.flags["unattributed-quote"]}
            for quotation in story.quotations:
                if quotation.words < detector.min_quote_words:
                    continue
                start, end = quotation.block.source_span(*quotation.span)
                if sum(sourced[start:end]) < 0.5 * (end - start):
                    scores.unsourced_quotes.append({"file": f"{split.name}/{article}.txt", "offset": start,
                                                    "length": end - start, "finding": source_text[start:end],
                                                    "context": _paragraph_context(source_text, start),
                                                    "flagged": start in flagged})
            found = [source.facts.block.source_span(*source.span) for source in detector.unnamed_sources(story)]
            for start, end in reported:
                kind = detector.unnamed_kind(source_text[start:end])
                if kind is None:
                    continue
                scores.unnamed_gold.append({"file": f"{split.name}/{article}.txt", "offset": start,
                                            "source": source_text[start:end], "kind": kind[0],
                                            "found": any(s < end and start < e for s, e in found)})
    return scores


def _verdicts(rule: str) -> dict[tuple[str, int], dict]:
    path = VERDICTS / f"attribution-{rule}.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(row["file"], row["offset"]): row for row in rows}


def sample(rule: str, flags: list[dict]) -> list[dict]:
    """The flags read for a rule: all of unattributed-quote's, SAMPLE of the others' (fixed seed)."""
    if rule == "unattributed-quote" or len(flags) <= SAMPLE:
        return flags
    return sorted(random.Random(19).sample(flags, SAMPLE), key=lambda f: (f["file"], f["offset"]))


def _judge_path(judge_dir: Path, rule: str, tag: str) -> Path:
    return judge_dir / (f"judge-{tag}-{rule}.jsonl" if tag else f"judge-{rule}.jsonl")


def _by_reading(rule: str, read: list[dict]) -> str:
    """Precision by reading over the flags read, from the verdicts kept for the rule."""
    verdicts = _verdicts(rule)
    # A verdict counts for the flag it was given to: same file, offset and length.
    judged = [verdicts[f["file"], f["offset"]]["verdict"] for f in read
              if verdicts.get((f["file"], f["offset"]), {}).get("length") == f["length"]]
    return (f"{judged.count('right') / len(judged):.2f} by reading {len(judged)} of {len(read)} sampled"
            if judged else f"not read yet ({len(read)} sampled)")


def _write_sample(path: Path, rule: str, read: list[dict]) -> None:
    """The flags to read, one JSON line each; a verdict kept for the same flag (file, offset, length) is
    carried over."""
    verdicts = _verdicts(rule)
    with open(path, "w", encoding="utf-8") as out:
        for flag in read:
            kept = verdicts.get((flag["file"], flag["offset"]), {})
            same = kept.get("length") == flag["length"]
            out.write(json.dumps({**flag, "verdict": kept.get("verdict", "") if same else "",
                                  "reason": kept.get("reason", "") if same else ""}, ensure_ascii=False) + "\n")


def report_rules(scores: RuleScores, judge_dir: Path | None, tag: str = "") -> None:
    print(f"polnear-dev, the check's rules ({scores.words:,} words):")
    for rule in RULES:
        flags = scores.flags[rule]
        proxy = scores.proxy_right[rule] / len(flags) if flags else float("nan")
        read = sample(rule, flags)
        print(f"  {rule:20} flags {len(flags):4}  per 1,000 words {len(flags) / scores.words * 1000:.2f}  "
              f"proxy precision {proxy:.2f}  precision {_by_reading(rule, read)}")
        if judge_dir is not None:
            _write_sample(_judge_path(judge_dir, rule, tag), rule, read)
    quotes = scores.unsourced_quotes
    print(f"  unattributed-quote recall (proxy): {sum(q['flagged'] for q in quotes)} of {len(quotes)} dev "
          f"quotations outside any sourced PolNeAR Content are flagged")
    verdicts = _verdicts("unsourced-quotes")
    read = [verdicts[q["file"], q["offset"]]["verdict"] == "no-speaker" for q in quotes
            if (q["file"], q["offset"]) in verdicts]
    if read:
        really = [q for q in quotes if verdicts.get((q["file"], q["offset"]), {}).get("verdict") == "no-speaker"]
        print(f"  unattributed-quote recall by reading: {sum(q['flagged'] for q in really)} of the {len(really)} "
              f"that really have no speaker in their paragraph or the one before ({len(read)} read)")
    if judge_dir is not None:  # is the speaker really missing? ("no-speaker" or "has-speaker")
        with open(_judge_path(judge_dir, "unsourced-quotes", tag), "w", encoding="utf-8") as out:
            for quote in quotes:
                row = {key: quote[key] for key in ("file", "offset", "length", "finding", "context")}
                out.write(json.dumps({"rule": "unsourced-quotes", **row, "verdict": "", "reason": ""},
                                     ensure_ascii=False) + "\n")
    for kind in ("anonymous", "vague"):
        gold = [g for g in scores.unnamed_gold if g["kind"] == kind]
        found = sum(g["found"] for g in gold)
        print(f"  {kind} sources: {found} of {len(gold)} PolNeAR Sources read as {kind} are found "
              f"(recall {found / max(1, len(gold)):.2f})")
    gold = scores.unnamed_gold
    print(f"  anonymous or vague sources: recall {sum(g['found'] for g in gold) / max(1, len(gold)):.2f} "
          f"of {len(gold)}")


def import_verdicts(judge_dir: Path, tag: str = "") -> None:
    """Keep the verdicts a reader wrote into DIR/judge-[TAG-]<rule>.jsonl, by file and offset only."""
    VERDICTS.mkdir(exist_ok=True)
    for rule in (*RULES, "unsourced-quotes", *(f"{corpus}-{rule}" for corpus, rules in OTHER_COPY.items() for rule in rules)):
        path = _judge_path(judge_dir, rule, tag)
        if not path.exists():
            continue
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        kept = _verdicts(rule)
        for row in rows:
            if row.get("verdict"):
                kept[row["file"], row["offset"]] = {key: row.get(key, "") for key in
                                                    ("rule", "file", "offset", "length", "verdict", "reason")}
        with open(VERDICTS / f"attribution-{rule}.jsonl", "w", encoding="utf-8") as out:
            for key in sorted(kept):
                out.write(json.dumps(kept[key], ensure_ascii=False) + "\n")


# Copy never used to tune the attribution rules, and which of its flags are read: every unattributed-claim
# and unattributed-quote flag of BBC (a sample of SAMPLE claims if more), every flag of the extraction set's
# gold article bodies (news pages from many publishers, MIT).
OTHER_COPY = {"bbc": ("unattributed-claim", "unattributed-quote"), "extraction": RULES}
EXTRACTION = SHARED / "corpus" / "article-extraction" / "ground-truth.json"


def _other_documents(corpus: str, folder: Path) -> tuple[list[str], Path]:
    """The files of ``corpus`` to check, and the folder their keys are relative to."""
    if corpus == "bbc":
        return list(map(str, BBC_SECTIONS)), SHARED / "corpus"
    bodies = json.loads(EXTRACTION.read_text(encoding="utf-8"))
    for page, gold in bodies.items():
        (folder / f"{page}.txt").write_text(gold["articleBody"], encoding="utf-8")
    return [str(folder)], folder.parent


def other_copy(judge_dir: Path | None, tag: str = "") -> None:
    """The rules on copy they were never tuned on (OTHER_COPY): flags, and precision by reading, from
    benchmarks/verdicts/attribution-<corpus>-<rule>.jsonl; with --judge-dir the flags to read are written there."""
    from copydesk.engine import Engine

    registry, config, active = _setup()
    for corpus, rules in OTHER_COPY.items():
        if corpus == "extraction" and not EXTRACTION.exists():
            print(f"{corpus}: not at {EXTRACTION}, skipped")
            continue
        flags: dict[str, list[dict]] = {rule: [] for rule in rules}
        words = 0
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "article-extraction"
            folder.mkdir()
            paths, root = _other_documents(corpus, folder)
            for document in Engine(registry, config, []).documents(paths):
                if not hasattr(document, "blocks"):
                    continue
                words += sum(len(block.words) for block in document.blocks)
                text = document.source.text
                name = Path(document.path).resolve().relative_to(root.resolve()).as_posix()
                for finding in active.check.function(document, active.context(document)):
                    if finding.rule in flags:
                        flags[finding.rule].append({
                            "rule": f"{corpus}-{finding.rule}", "file": name, "offset": finding.offset,
                            "length": finding.location.length, "finding": finding.text,
                            "message": finding.message, "context": _paragraph_context(text, finding.offset)})
        for rule, found in flags.items():
            key = f"{corpus}-{rule}"
            read = sample(key, found)
            print(f"{corpus}, {rule}: {len(found)} flags, {len(found) / words * 1000:.2f} per 1,000 words, "
                  f"precision {_by_reading(key, read)}")
            if judge_dir is not None:
                _write_sample(_judge_path(judge_dir, key, tag), key, read)


def tune(directory: Path) -> None:
    """The rules' figures on polnear-train, and every flag and missed source, to read while tuning."""
    scores = score_rules(POLNEAR)
    directory.mkdir(parents=True, exist_ok=True)
    for rule in RULES:
        flags = scores.flags[rule]
        print(f"polnear-train {rule}: {len(flags)} flags, proxy precision "
              f"{scores.proxy_right[rule] / max(1, len(flags)):.2f}")
        with open(directory / f"train-{rule}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(flag, ensure_ascii=False) + "\n" for flag in flags)
    for name, rows in (("unsourced-quotes", scores.unsourced_quotes), ("unnamed-sources", scores.unnamed_gold)):
        with open(directory / f"train-{name}.jsonl", "w", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    quotes, gold = scores.unsourced_quotes, scores.unnamed_gold
    print(f"polnear-train quote recall {sum(q['flagged'] for q in quotes)}/{len(quotes)}, "
          f"source recall {sum(g['found'] for g in gold)}/{len(gold)}")


def model_scores() -> None:
    from train_attribution_model import evaluate, print_scores, read_split

    print_scores("polnear-dev, the attribution model's spans (clipped to sentences):", evaluate(read_split(DEV)))
    print(f"  published, not comparable figure for figure: {BASELINES}")


def load_time() -> None:
    from copydesk.checks.attribution_model import Model

    started = time.perf_counter()
    Model()
    print(f"model load: {time.perf_counter() - started:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", type=int, default=0, help="print this many missed and spurious sentences")
    parser.add_argument("--judge-dir", type=Path, help="write the samples to read here, as judge-<rule>.jsonl")
    parser.add_argument("--import-verdicts", type=Path, metavar="DIR",
                        help="keep the verdicts of DIR/judge-<rule>.jsonl in benchmarks/verdicts/ first")
    parser.add_argument("--judge-tag", default="", metavar="TAG",
                        help="name the samples judge-TAG-<rule>.jsonl, in --judge-dir and --import-verdicts")
    parser.add_argument("--no-speed", action="store_true", help="skip the BBC speed run")
    parser.add_argument("--no-train", action="store_true", help="skip the polnear-train detector scores")
    parser.add_argument("--no-other-copy", action="store_true",
                        help="skip the rules on BBC and the extraction set's article bodies")
    parser.add_argument("--tune", type=Path, metavar="DIR",
                        help="score the rules on polnear-train instead and write every flag to DIR (to tune on)")
    args = parser.parse_args()
    if not DEV.exists():
        raise SystemExit(f"PolNeAR is not at {DEV} (set COPYDESK_SHARED)")
    if args.import_verdicts:
        import_verdicts(args.import_verdicts, args.judge_tag)
    if args.tune:
        tune(args.tune)
        return
    model_scores()
    report_rules(score_rules(DEV), args.judge_dir, args.judge_tag)
    if not args.no_train:
        print("polnear-train, the rules' attribution detector:")
        report(score(), args.errors)
    if not args.no_other_copy:
        other_copy(args.judge_dir, args.judge_tag)
    if not args.no_speed:
        load_time()
        speed()


if __name__ == "__main__":
    main()
